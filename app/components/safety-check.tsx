"use client";

import { type ReactNode, useState } from "react";

/**
 * Before pairing, each partner alone is asked whether they feel safe at home. If not, Mend is not
 * the right tool now, and the page says so with neutral pointers. Nothing is recorded or sent:
 * the answer lives only in this page's memory.
 */
export function SafetyCheck({ children }: { children: ReactNode }) {
  const [answer, setAnswer] = useState<"safe" | "unsafe" | null>(null);
  if (answer === "safe") return <>{children}</>;
  if (answer === "unsafe") {
    return (
      <section className="card max-w-lg space-y-3" aria-labelledby="safety-heading" data-testid="safety-unsafe">
        <h2 id="safety-heading" className="text-lg font-semibold outline-none" tabIndex={-1} autoFocus>
          Your safety comes first
        </h2>
        <p>
          Working on the relationship together is not the right step while you do not feel safe at home. Mend is not the right tool for now, and
          that is not your fault.
        </p>
        <ul className="list-disc space-y-1 pl-5">
          <li>If you are in danger now, call your local emergency number.</li>
          <li>A domestic abuse helpline in your country can talk with you in confidence, at any hour.</li>
          <li>A doctor, counsellor or someone you trust can help you think about what comes next.</li>
        </ul>
        <p className="text-sm text-stone-600 dark:text-stone-400">Your answer was not saved or sent anywhere.</p>
        <button type="button" className="btn-quiet" onClick={() => setAnswer(null)}>
          Go back
        </button>
      </section>
    );
  }
  return (
    <section className="card max-w-lg space-y-3" aria-labelledby="safety-question" data-testid="safety-check">
      <h2 id="safety-question" className="text-lg font-semibold">
        Before you start: a question just for you
      </h2>
      <p>Do you feel safe at home with your partner, to speak openly and to disagree?</p>
      <p className="text-sm text-stone-600 dark:text-stone-400">Only you see this question and your answer; nothing is saved.</p>
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn-primary" onClick={() => setAnswer("safe")}>
          Yes, I feel safe
        </button>
        <button type="button" className="btn-quiet" onClick={() => setAnswer("unsafe")}>
          No, or I am not sure
        </button>
      </div>
    </section>
  );
}
