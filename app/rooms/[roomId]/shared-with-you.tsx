"use client";

import { useCallback, useEffect, useState } from "react";
import type * as Y from "yjs";
import { type PrivateItem, SharedItem } from "./private/shared-item";

/**
 * What the others have chosen to share with me from their private space, read here in the live
 * room. The document only carries a content-free signal ("something shared changed"); the items
 * themselves come from the server, which serves each only to whom it is shared with.
 */
export function SharedWithYou({ roomId, doc, me }: { roomId: string; doc: Y.Doc | null; me: string }) {
  const [items, setItems] = useState<PrivateItem[]>([]);
  const load = useCallback(async () => {
    const res = await fetch(`/api/rooms/${roomId}/private`);
    if (res.ok) setItems(((await res.json()) as { sharedWithMe: PrivateItem[] }).sharedWithMe);
  }, [roomId]);
  useEffect(() => {
    if (!doc) return;
    const signals = doc.getMap("signals");
    const onSignal = (e: Y.YMapEvent<unknown>) => {
      if (e.keysChanged.has(`private:${me}`)) void load();
    };
    signals.observe(onSignal);
    // Fetching from the server is the external system this effect syncs with.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
    return () => signals.unobserve(onSignal);
  }, [doc, load, me]);
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="shared-room-heading" className="card space-y-3" data-testid="room-shared-with-you">
      <h2 id="shared-room-heading" className="text-lg font-semibold">
        Shared with you
      </h2>
      {items.map((item) => (
        <SharedItem key={item.id} item={item} />
      ))}
    </section>
  );
}
