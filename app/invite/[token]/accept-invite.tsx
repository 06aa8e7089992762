"use client";

import { useState, useTransition } from "react";
import { acceptInviteAction } from "@/app/actions/rooms";

export function AcceptInvite({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? (
        <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          {error}
        </p>
      ) : null}
      <button
        type="button"
        className="btn-primary"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acceptInviteAction(token);
            if (result && !result.ok) setError(result.error);
          })
        }
      >
        {pending ? "Joining…" : "Join the room"}
      </button>
    </div>
  );
}
