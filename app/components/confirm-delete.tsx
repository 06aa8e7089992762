"use client";

import { useState } from "react";

/** "Delete…", then a plain question with the focus on the answer (nothing goes in one click). */
export function ConfirmDelete({ question, onDelete }: { question: string; onDelete(): void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="btn-quiet min-h-10 text-sm" onClick={() => setConfirming(true)}>
        Delete…
      </button>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" className="btn-quiet min-h-10" autoFocus onClick={onDelete}>
        Delete
      </button>
      <button type="button" className="btn-quiet min-h-10" onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </div>
  );
}
