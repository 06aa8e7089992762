"use client";

import { useState, useTransition } from "react";
import { createInviteAction } from "@/app/actions/rooms";

export function InvitePanel({
  roomId,
  canInvitePartner,
  canInviteTherapist,
}: {
  roomId: string;
  canInvitePartner: boolean;
  canInviteTherapist: boolean;
}) {
  const [link, setLink] = useState<{ url: string; role: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, start] = useTransition();

  const create = (role: "partner" | "therapist") =>
    start(async () => {
      setError(null);
      setCopied(false);
      const result = await createInviteAction(roomId, role);
      if (result.ok) setLink({ url: result.url, role });
      else setError(result.error);
    });

  if (!canInvitePartner && !canInviteTherapist) return null;
  return (
    <section aria-labelledby="invite-heading" className="card space-y-3">
      <h2 id="invite-heading" className="text-lg font-semibold">
        Invite someone
      </h2>
      <p className="text-sm text-stone-600 dark:text-stone-400">
        A link works once, for seven days. Send it privately; anyone who has it can use it.
      </p>
      <div className="flex flex-wrap gap-3">
        {canInvitePartner ? (
          <button type="button" className="btn-quiet" disabled={pending} onClick={() => create("partner")}>
            Create a link for my partner
          </button>
        ) : null}
        {canInviteTherapist ? (
          <button type="button" className="btn-quiet" disabled={pending} onClick={() => create("therapist")}>
            Create a link for our therapist
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-amber-800 dark:text-amber-200">
          {error}
        </p>
      ) : null}
      {link ? (
        <div className="space-y-2">
          <label htmlFor="invite-link" className="text-sm font-medium">
            Invite link for your {link.role}
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <input id="invite-link" readOnly value={link.url} className="field font-mono text-sm" onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="btn-primary whitespace-nowrap"
              onClick={async () => {
                try {
                  await navigator.clipboard.writeText(link.url);
                  setCopied(true);
                } catch {
                  setError("Copying did not work here. Please select the link and copy it yourself.");
                }
              }}
            >
              Copy link
            </button>
          </div>
          <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
            {copied ? "Copied." : ""}
          </p>
        </div>
      ) : null}
    </section>
  );
}
