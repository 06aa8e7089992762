"use client";

import { useEffect } from "react";
import { clearAllUnsaved } from "@/app/lib/offline-store";

/** Two presses of Escape within this time leave at once. */
const DOUBLE_PRESS_MS = 800;

/** At most this long is waited for this browser's copy of unsaved edits to be removed. */
const CLEAR_WAIT_MS = 300;

function leave(to: string): void {
  // Nothing of the page may linger on screen while the neutral page loads.
  document.title = "New tab";
  document.body.replaceChildren();
  sessionStorage.clear();
  // Unsaved edits kept for offline use go too (the page is already blank while this runs).
  const cleared = Promise.race([clearAllUnsaved(), new Promise((r) => setTimeout(r, CLEAR_WAIT_MS))]);
  // Replaces this tab's one Mend history entry (every navigation in Mend replaces; decision 009).
  void cleared.finally(() => window.location.replace(to));
}

/**
 * The quick exit: a button on every page, and Escape pressed twice. It blanks the page and
 * replaces it with a neutral one, so Back does not return to Mend.
 */
export function QuickExit({ to }: { to: string }) {
  useEffect(() => {
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      // A held-down key repeats, and Escape also ends an input method's composition: neither counts.
      if (e.key !== "Escape" || e.repeat || e.isComposing) return;
      const now = Date.now();
      if (now - last < DOUBLE_PRESS_MS) leave(to);
      last = now;
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [to]);
  return (
    <button
      type="button"
      onClick={() => leave(to)}
      className="fixed bottom-4 right-4 z-50 min-h-11 rounded-full bg-stone-800 px-4 py-2 text-sm font-medium text-white shadow-lg hover:bg-stone-900 print:hidden dark:bg-stone-200 dark:text-stone-900"
      aria-keyshortcuts="Escape Escape"
      title="Leave this page at once (or press Escape twice)"
      data-testid="quick-exit"
    >
      Quick exit
    </button>
  );
}
