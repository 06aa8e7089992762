"use client";

import { useCallback, useEffect, useState, useTransition } from "react";
import { createInviteAction, listInvitesAction, revokeInviteAction } from "@/app/actions/rooms";
import { GentleAlert } from "@/app/components/gentle-alert";

interface OpenInvite {
  id: string;
  role: "partner" | "therapist";
  expiresAt: string;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });

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
  const [open, setOpen] = useState<OpenInvite[]>([]);
  const [pending, start] = useTransition();

  const refresh = useCallback(async () => {
    const result = await listInvitesAction(roomId);
    if (result.ok) setOpen(result.invites);
  }, [roomId]);
  useEffect(() => {
    // Loading the list from the server is the external system this effect syncs with.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh();
  }, [refresh]);

  const create = (role: "partner" | "therapist") =>
    start(async () => {
      setError(null);
      setCopied(false);
      const result = await createInviteAction(roomId, role);
      if (result.ok) setLink({ url: result.url, role });
      else setError(result.error);
      await refresh();
    });

  const withdraw = (inviteId: string) =>
    start(async () => {
      setError(null);
      const result = await revokeInviteAction(roomId, inviteId);
      if (!result.ok) setError(result.error);
      setLink(null);
      await refresh();
    });

  if (!canInvitePartner && !canInviteTherapist && open.length === 0) return null;
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
      <GentleAlert>{error}</GentleAlert>
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
      {open.length > 0 ? (
        <div className="space-y-2">
          <h3 className="text-sm font-medium">Links not used yet</h3>
          <ul className="space-y-2" aria-label="Links not used yet">
            {open.map((invite) => (
              <li key={invite.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
                <span>
                  For a {invite.role}, works until {dateFormat.format(new Date(invite.expiresAt))}
                </span>
                <button type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} onClick={() => withdraw(invite.id)}>
                  Withdraw
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
