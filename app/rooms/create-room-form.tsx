"use client";

import { useActionState } from "react";
import { type ActionResult, createRoomAction } from "@/app/actions/rooms";

export function CreateRoomForm() {
  const [state, action, pending] = useActionState<ActionResult, FormData>(createRoomAction, { ok: true });
  return (
    <form action={action} className="card max-w-lg space-y-3">
      <h2 className="text-lg font-semibold">Open a new room</h2>
      <div className="space-y-1">
        <label htmlFor="title" className="font-medium">
          Name it something only you two will recognise
        </label>
        <input id="title" name="title" required maxLength={120} placeholder="e.g. Our Sunday talks" className="field"
          aria-describedby={!state.ok ? "title-error" : undefined} />
        {!state.ok ? (
          <p id="title-error" role="alert" className="text-sm text-amber-800 dark:text-amber-200">
            {state.error}
          </p>
        ) : null}
      </div>
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? "Opening…" : "Open room"}
      </button>
    </form>
  );
}
