"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { GentleAlert } from "@/app/components/gentle-alert";
import type { Member } from "./agreement-item";

interface AccessEntry {
  name: string;
  event: "added" | "entered" | "left" | "revoked" | "departed";
  byName: string | null;
  at: string;
}

interface SessionRecord {
  id: string;
  therapist: string;
  startedAt: string;
  endedAt: string | null;
  attendees: string[];
  rounds: number;
}

const EVENT_TEXT: Record<AccessEntry["event"], (e: AccessEntry) => string> = {
  added: (e) => `${e.name} joined the room as your therapist`,
  entered: (e) => `${e.name} opened the room`,
  left: (e) => `${e.name} closed the room`,
  revoked: (e) => `${e.byName ?? "A partner"} ended ${e.name}\u2019s access`,
  departed: (e) => `${e.name} left the room`,
};

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

/**
 * The partners' control over the therapist: who it is, whether they are here, ending their
 * access (at once, for both of you), the access log and the session records. The therapist sees
 * the sessions and can leave.
 */
export function TherapistAccess({ roomId, me, therapists, here }: { roomId: string; me: Member; therapists: Member[]; here: Set<string> }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [log, setLog] = useState<AccessEntry[] | null>(null);
  const [sessions, setSessions] = useState<SessionRecord[] | null>(null);
  const isPartner = me.role === "partner";
  const router = useRouter();

  const remove = async (userId: string) => {
    setError(null);
    const res = await fetch(`/api/rooms/${roomId}/members/${userId}`, { method: "DELETE" });
    if (!res.ok) {
      const problem = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(problem?.error?.message ?? "That did not work. Please try again.");
      return;
    }
    setConfirming(null);
    if (userId === me.userId) {
      router.replace("/rooms");
      return;
    }
    setDone("Their access has ended. They can no longer open this room unless one of you invites them again.");
  };

  const loadLog = async () => {
    const res = await fetch(`/api/rooms/${roomId}/access-log`);
    if (res.ok) setLog(((await res.json()) as { entries: AccessEntry[] }).entries);
  };
  const loadSessions = async () => {
    const res = await fetch(`/api/rooms/${roomId}/sessions`);
    if (res.ok) setSessions(((await res.json()) as { sessions: SessionRecord[] }).sessions);
  };

  if (therapists.length === 0 && !done) return null;
  const others = therapists.filter((t) => t.userId !== me.userId);
  return (
    <section aria-labelledby="therapist-heading" className="card space-y-3">
      <h2 id="therapist-heading" className="text-lg font-semibold">
        {isPartner ? "Your therapist" : "Your place in this room"}
      </h2>
      {isPartner ? (
        <p className="text-sm text-stone-700 dark:text-stone-300">
          Your therapist sees the agreement, the exercises and comments, and can moderate speak and listen. Either of you can end their access at
          any time.
        </p>
      ) : null}
      <ul className="space-y-2">
        {(isPartner ? others : []).map((t) => (
          <li key={t.userId} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {t.name} · {here.has(t.userId) ? "here now" : "not here right now"}
            </span>
            {confirming === t.userId ? (
              <span className="flex flex-wrap items-center gap-2" role="group" aria-label={`End ${t.name}'s access?`}>
                <span className="text-sm">End {t.name}&apos;s access for both of you?</span>
                <button type="button" className="btn-quiet" autoFocus onClick={() => void remove(t.userId)}>
                  Yes, end access
                </button>
                <button type="button" className="btn-quiet" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" className="btn-quiet" onClick={() => setConfirming(t.userId)}>
                End access…
              </button>
            )}
          </li>
        ))}
      </ul>
      {!isPartner ? (
        confirming === me.userId ? (
          <span className="flex flex-wrap items-center gap-2" role="group" aria-label="Leave this room?">
            <span className="text-sm">Leave this room? The partners can invite you again.</span>
            <button type="button" className="btn-quiet" autoFocus onClick={() => void remove(me.userId)}>
              Leave the room
            </button>
            <button type="button" className="btn-quiet" onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="btn-quiet" onClick={() => setConfirming(me.userId)}>
            Leave this room…
          </button>
        )
      ) : null}
      {done ? <p role="status">{done}</p> : null}
      <GentleAlert>{error}</GentleAlert>
      {isPartner ? (
        <details onToggle={(e) => (e.currentTarget.open && log === null ? void loadLog() : undefined)}>
          <summary className="cursor-pointer font-medium">Who had access, and when</summary>
          {log === null ? (
            <p className="text-sm">Loading…</p>
          ) : log.length === 0 ? (
            <p className="text-sm">Nothing yet.</p>
          ) : (
            <ol className="mt-2 space-y-1 text-sm" aria-label="Access log">
              {log.map((e, i) => (
                <li key={i}>
                  {when(e.at)}: {EVENT_TEXT[e.event](e)}
                </li>
              ))}
            </ol>
          )}
        </details>
      ) : null}
      <details onToggle={(e) => (e.currentTarget.open && sessions === null ? void loadSessions() : undefined)}>
        <summary className="cursor-pointer font-medium">Sessions</summary>
        {sessions === null ? (
          <p className="text-sm">Loading…</p>
        ) : sessions.length === 0 ? (
          <p className="text-sm">No sessions yet.</p>
        ) : (
          <ol className="mt-2 space-y-1 text-sm" aria-label="Sessions">
            {sessions.map((s) => (
              <li key={s.id}>
                {when(s.startedAt)}
                {s.endedAt ? ` to ${new Date(s.endedAt).toLocaleTimeString([], { timeStyle: "short" })}` : " (going on now)"} with {s.therapist} ·{" "}
                {s.attendees.join(", ")} · {s.rounds} {s.rounds === 1 ? "turn" : "turns"} of speak and listen
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
