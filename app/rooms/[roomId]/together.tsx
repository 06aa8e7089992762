"use client";

import { useEffect, useState } from "react";
import * as Y from "yjs";
import { addExperience, experiences, readExperience } from "@/app/lib/room-doc";
import type { Member } from "./agreement-item";
import { SharedTextarea } from "./shared-textarea";
import type { LiveRoom } from "./use-live-room";

/** The list's items, re-read on any change inside it (typing included: the list is short). */
function useExperiences(doc: Y.Doc | null): Y.Map<unknown>[] {
  const [items, setItems] = useState<Y.Map<unknown>[]>([]);
  const [, setVersion] = useState(0);
  useEffect(() => {
    if (!doc) return;
    const list = experiences(doc);
    const read = () => {
      setItems(list.toArray());
      setVersion((v) => v + 1);
    };
    read();
    list.observeDeep(read);
    return () => list.unobserveDeep(read);
  }, [doc]);
  return items;
}

/** Step 10: good things to do together, planned on a date, done by both, remembered in a few words. */
export function Together({ room, me, partners, canEdit }: { room: LiveRoom; me: Member; partners: Member[]; canEdit: boolean }) {
  const items = useExperiences(room.doc);
  const awareness = room.provider?.awareness;
  const nameOf = (id: string) => (id === me.userId ? "you" : (partners.find((p) => p.userId === id)?.name ?? "someone"));
  return (
    <section aria-labelledby="together-heading" className="card space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="together-heading" className="text-lg font-semibold">
            Things to do together
          </h2>
          <p className="text-sm text-stone-600 dark:text-stone-400">Date nights, trips, small rituals. Plan them, do them, and keep a few words about how it was.</p>
        </div>
        {canEdit ? (
          <button type="button" className="btn-quiet" disabled={!room.synced} onClick={() => room.doc && addExperience(room.doc, { id: crypto.randomUUID(), createdBy: me.userId })}>
            Add something to do
          </button>
        ) : null}
      </div>
      {items.length === 0 ? <p className="text-sm">Nothing planned yet.</p> : null}
      <ol className="space-y-3" aria-label="Things to do together">
        {items.map((item, index) => {
          const view = readExperience(item);
          const title = item.get("title");
          const memory = item.get("memory");
          const done = item.get("done");
          if (!view || !(title instanceof Y.Text) || !(memory instanceof Y.Text) || !awareness) return null;
          const iDid = view.doneBy.includes(me.userId);
          const bothDid = partners.every((p) => view.doneBy.includes(p.userId));
          return (
            <li key={view.id} className="space-y-2 rounded-lg border border-stone-200 p-3 dark:border-stone-700" data-testid="together-item">
              <SharedTextarea id={`together-${view.id}`} itemId={`together:${view.id}`} text={title} awareness={awareness} peers={room.peers} label={`Thing to do ${index + 1}`} maxLength={300} disabled={!canEdit} placeholder="A walk by the river on Sunday morning" />
              <div className="flex flex-wrap items-end gap-3 text-sm">
                <label>
                  <span className="block font-medium">When</span>
                  <input type="date" className="field min-h-11" value={view.date} disabled={!canEdit} onChange={(e) => room.doc?.transact(() => item.set("date", e.target.value))} />
                </label>
                {canEdit ? (
                  <label className="flex items-center gap-2">
                    <input type="checkbox" checked={iDid} onChange={(e) => room.doc?.transact(() => (done instanceof Y.Map ? (e.target.checked ? done.set(me.userId, true) : done.delete(me.userId)) : undefined))} />
                    We did it (from me)
                  </label>
                ) : null}
                <span>{bothDid ? "Done by both of you" : view.doneBy.length > 0 ? `Marked done by ${view.doneBy.map(nameOf).join(" and ")}` : ""}</span>
              </div>
              {bothDid ? (
                <SharedTextarea id={`memory-${view.id}`} itemId={`memory:${view.id}`} text={memory} awareness={awareness} peers={room.peers} label={`How it was: ${view.title || `thing ${index + 1}`}`} maxLength={1000} disabled={!canEdit} placeholder="A few words about how it was" />
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
