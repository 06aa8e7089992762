"use client";

import { useEffect, useState } from "react";

interface HistoryEvent {
  kind: "edit" | "consent" | "withdraw" | "review-start" | "review-keep" | "review-retire";
  name: string;
  at: string;
}

const TEXT: Record<HistoryEvent["kind"], string> = {
  edit: "changed it",
  consent: "agreed to the wording of that time",
  withdraw: "took back their agreement",
  "review-start": "started a review",
  "review-keep": "chose to keep it",
  "review-retire": "chose to retire it",
};

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Loaded when shown, and again when the item's status changes (`version`). */
export function ItemHistory({ roomId, itemId, createdBy, createdAt, version }: { roomId: string; itemId: string; createdBy: string; createdAt: number; version: string }) {
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    void fetch(`/api/rooms/${roomId}/items/${encodeURIComponent(itemId)}/history`)
      .then((res) => (res.ok ? (res.json() as Promise<{ events: HistoryEvent[] }>) : { events: [] }))
      .then((body) => {
        if (!cancelled) setEvents(body.events);
      });
    return () => {
      cancelled = true;
    };
  }, [roomId, itemId, version]);
  return (
    <section className="space-y-1 text-sm" aria-label="History" data-testid="item-history">
      <h4 className="font-medium">History</h4>
      <ul className="space-y-0.5 text-stone-700 dark:text-stone-300">
        <li>
          Proposed by {createdBy}, {when(new Date(createdAt).toISOString())}
        </li>
        {(events ?? []).map((e, i) => (
          <li key={i}>
            {e.name} {TEXT[e.kind]}, {when(e.at)}
          </li>
        ))}
      </ul>
    </section>
  );
}
