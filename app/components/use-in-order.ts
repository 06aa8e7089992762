import { useCallback, useRef } from "react";

/**
 * Runs requests for one thing one after another, so an earlier one can never land after a later
 * one (a "share" arriving after its "take back", an older note text overwriting a newer one).
 */
export function useInOrder() {
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  return useCallback(<T,>(run: () => Promise<T>): Promise<T> => {
    const next = chain.current.then(run, run);
    chain.current = next.catch(() => {});
    return next;
  }, []);
}
