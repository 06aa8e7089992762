"use client";

import { useEffect, useState } from "react";
import type * as Y from "yjs";
import { GentleAlert } from "@/app/components/gentle-alert";
import { addAgreementItem, agenda, type AgendaEntry } from "@/app/lib/room-doc";
import type { Member } from "./agreement-item";
import type { LiveRoom } from "./use-live-room";

function useAgenda(doc: Y.Doc | null): AgendaEntry[] {
  const [entries, setEntries] = useState<AgendaEntry[]>([]);
  useEffect(() => {
    if (!doc) return;
    const list = agenda(doc);
    const read = () => setEntries(list.toArray());
    read();
    list.observe(read);
    return () => list.unobserve(read);
  }, [doc]);
  return entries;
}

/** Ideas parked during speak and listen, to talk about later; partners can turn one into a commitment. */
export function Agenda({ roomId, room, me, canEdit }: { roomId: string; room: LiveRoom; me: Member; canEdit: boolean }) {
  const entries = useAgenda(room.doc);
  const [error, setError] = useState<string | null>(null);
  if (entries.length === 0) return null;
  const remove = async (entryId: string) => {
    const ack = await room.command("agenda:remove", { roomId, entryId });
    setError(ack.ok ? null : ack.error.message);
    return ack.ok;
  };
  return (
    <section aria-labelledby="agenda-heading" className="card space-y-3">
      <h3 id="agenda-heading" className="font-semibold">
        Set aside to talk about later
      </h3>
      <ul className="space-y-2">
        {entries.map((e) => (
          <li key={e.id} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {e.text} <span className="text-sm text-stone-600 dark:text-stone-400">({e.by === me.userId ? "you" : e.name})</span>
            </span>
            <span className="flex gap-2">
              {canEdit && room.doc ? (
                <button
                  type="button"
                  className="btn-quiet"
                  onClick={async () => {
                    if (!room.doc) return;
                    addAgreementItem(room.doc, { id: crypto.randomUUID(), createdBy: me.userId, commitment: e.text });
                    await remove(e.id);
                  }}
                >
                  Make it a commitment
                </button>
              ) : null}
              <button type="button" className="btn-quiet" aria-label={`Remove \u201c${e.text}\u201d`} onClick={() => void remove(e.id)}>
                Remove
              </button>
            </span>
          </li>
        ))}
      </ul>
      <GentleAlert>{error}</GentleAlert>
    </section>
  );
}
