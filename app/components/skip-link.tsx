"use client";

/**
 * "Skip to content" without a history entry (a plain #main link would add one, and the quick
 * exit's promise is one Mend entry per tab).
 */
export function SkipLink() {
  return (
    <a
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}
      className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2"
    >
      Skip to content
    </a>
  );
}
