/** A refusal or problem, said gently and announced to screen readers (one look everywhere). */
export function GentleAlert({ children, id }: { children: React.ReactNode; id?: string }) {
  if (!children) return null;
  return (
    <p id={id} role="alert" className="text-sm text-amber-800 dark:text-amber-200">
      {children}
    </p>
  );
}
