"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect, useState } from "react";
import * as Y from "yjs";
import { can } from "@/app/lib/permissions";
import { addAgreementItem, agreementItems, LIMITS } from "@/app/lib/room-doc";
import { TEMPLATES } from "@/app/lib/templates";
import { AgreementItemCard, type Member } from "./agreement-item";
import type { CheckIn } from "./check-ins";
import { Agenda } from "./agenda";
import { InvitePanel } from "./invite-panel";
import { RoomNav } from "./room-nav";
import { SharedWithYou } from "./shared-with-you";
import { SpeakAndListen } from "./speak-and-listen";
import { Together } from "./together";
import { TherapistAccess } from "./therapist-access";
// Only therapists write notes: partners' pages never load that code.
const TherapistNotes = dynamic(() => import("./therapist-notes").then((m) => m.TherapistNotes), { ssr: false });
import { SigningPanel } from "./signing-panel";
import { type ConnectionState, type Peer, type SaveState, useLiveRoom } from "./use-live-room";

interface Props {
  roomId: string;
  title: string;
  me: Member;
  members: Member[];
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost. Trying again…",
  "no-access": "You no longer have access to this room.",
};

const SAVE_TEXT: Record<SaveState, string> = {
  saved: "All changes saved",
  saving: "Saving…",
  waiting: "Not saved yet",
  paused: "Saving is paused: our storage can't be reached right now. Your changes are kept, here and on this device, and will be saved when it is back.",
};

/** The room's check-ins, fetched again whenever the server signals new ones through the doc. */
function useCheckIns(roomId: string, doc: Y.Doc | null): [CheckIn[], () => void] {
  const [checkIns, setCheckIns] = useState<CheckIn[]>([]);
  const load = useCallback(async () => {
    const res = await fetch(`/api/rooms/${roomId}/check-ins`);
    if (res.ok) setCheckIns(((await res.json()) as { checkIns: CheckIn[] }).checkIns);
  }, [roomId]);
  useEffect(() => {
    if (!doc) return;
    const signals = doc.getMap("signals");
    const onSignal = (e: Y.YMapEvent<unknown>) => {
      if (e.keysChanged.has("checkIns")) void load();
    };
    signals.observe(onSignal);
    // Fetching from the server is the external system this effect syncs with.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
    return () => signals.unobserve(onSignal);
  }, [doc, load]);
  return [checkIns, load];
}

/** The item maps in order; re-renders when items are added, removed or moved (not on typing). */
function useItems(doc: Y.Doc | null): Y.Map<unknown>[] {
  const [items, setItems] = useState<Y.Map<unknown>[]>([]);
  useEffect(() => {
    if (!doc) return;
    const array = agreementItems(doc);
    const read = () => setItems(array.toArray());
    read();
    array.observe(read);
    return () => array.unobserve(read);
  }, [doc]);
  return items;
}

export function RoomView({ roomId, title, me, members }: Props) {
  const room = useLiveRoom(roomId, me.userId);
  const items = useItems(room.doc);
  const ids = items.map((m) => String(m.get("id")));
  const [checkIns, reloadCheckIns] = useCheckIns(roomId, room.doc);
  const canEdit = can(me.role, "agreement:edit") && room.connection !== "no-access";
  const [focusId, setFocusId] = useState<string | null>(null);

  // Who is here comes from the server's own connections: nobody can be in the room unseen.
  const onlineIds = new Set(room.present.map((p) => p.userId));
  // Members known when the page loaded, plus anyone who joined since (they appear via presence).
  const others = [...members.filter((m) => m.userId !== me.userId)];
  for (const p of room.present) {
    if (p.userId !== me.userId && !others.some((m) => m.userId === p.userId)) others.push({ userId: p.userId, name: p.name, role: p.role });
  }
  const therapistsHere = room.present.filter((p) => p.role === "therapist" && p.userId !== me.userId);
  const typingNames = [...new Set(room.peers.filter((p) => p.typing && p.userId !== me.userId).map((p) => p.name))];
  const partners = [me, ...others].filter((m) => m.role === "partner");
  const partnerCount = partners.length;
  const nameOf = (userId: string) => [me, ...others].find((m) => m.userId === userId)?.name ?? "Someone who has left";
  const [template, setTemplate] = useState("");
  const add = () => {
    if (!room.doc) return;
    const id = crypto.randomUUID();
    const t = TEMPLATES.find((x) => x.id === template);
    addAgreementItem(room.doc, t ? { ...t, id, createdBy: me.userId } : { id, createdBy: me.userId });
    setFocusId(id);
    setTemplate("");
  };

  return (
    <div className="space-y-6">
      <header className="space-y-3">
        <RoomNav roomId={roomId} current="room" />
        <h1 className="text-2xl font-semibold">{title}</h1>
        <StatusBar connection={room.connection} saveState={room.connection === "connected" ? room.saveState : null} />
        <Presence me={me} others={others} online={onlineIds} peers={room.peers} />
        {/* Always in the page, so screen readers announce the change when a therapist arrives. */}
        <div role="status">
          {therapistsHere.length > 0 ? (
            <p className="rounded-lg border border-calm-600 bg-white px-3 py-2 text-sm dark:bg-stone-900" data-testid="therapist-here">
              {therapistsHere.map((t) => t.name).join(" and ")}, your therapist, {therapistsHere.length > 1 ? "are" : "is"} in the room with you.
            </p>
          ) : null}
        </div>
        <p className="min-h-6 text-sm text-stone-600 dark:text-stone-400" aria-live="off">
          {typingNames.length > 0 ? `${typingNames.join(" and ")} ${typingNames.length > 1 ? "are" : "is"} typing…` : ""}
        </p>
      </header>

      {room.notice ? (
        <div role="alert" className="flex items-start justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <p>{room.notice}</p>
          <button type="button" className="underline" onClick={room.dismissNotice}>
            Dismiss
          </button>
        </div>
      ) : null}

      <SharedWithYou roomId={roomId} doc={room.doc} me={me.userId} />

      <SpeakAndListen roomId={roomId} room={room} me={me} partners={partners} online={new Set([me.userId, ...onlineIds])} nameOf={nameOf} />

      <section aria-labelledby="agreement-heading" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="agreement-heading" className="text-xl font-semibold">
              Our agreement
            </h2>
            <p className="text-sm text-stone-600 dark:text-stone-400">
              Write each commitment together. You can both type at the same time; nothing is agreed until you both say so.
            </p>
          </div>
          {canEdit ? (
            <div className="flex flex-wrap items-end gap-2">
              <label className="text-sm">
                <span className="block font-medium">Start from</span>
                <select className="field min-h-11" value={template} onChange={(e) => setTemplate(e.target.value)}>
                  <option value="">A blank commitment</option>
                  {TEMPLATES.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.title}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="btn-primary" disabled={!room.synced || ids.length >= LIMITS.agreementItems} onClick={add}>
                Add a commitment
              </button>
            </div>
          ) : null}
        </div>
        {!room.synced && ids.length === 0 ? (
          <p className="text-stone-600 dark:text-stone-400">Opening your agreement…</p>
        ) : ids.length === 0 ? (
          <p className="card text-stone-700 dark:text-stone-300">
            There is nothing here yet. Add a first commitment when you are both ready; small and specific is a good start.
          </p>
        ) : (
          <ol className="space-y-4" aria-label="Commitments">
            {items.map((item, index) => (
              <AgreementItemCard
                key={ids[index]}
                roomId={roomId}
                item={item}
                number={index + 1}
                room={room}
                me={me}
                partners={partners}
                canEdit={canEdit}
                autoFocus={focusId === ids[index]}
                checkIns={checkIns.filter((c) => c.itemId === ids[index])}
                onCheckIn={reloadCheckIns}
              />
            ))}
          </ol>
        )}
      </section>

      <Agenda roomId={roomId} room={room} me={me} canEdit={canEdit} />

      <Together room={room} me={me} partners={partners} canEdit={canEdit} />

      <SigningPanel roomId={roomId} room={room} me={me} partners={partners} />

      <TherapistAccess roomId={roomId} me={me} therapists={[me, ...others].filter((m) => m.role === "therapist")} here={onlineIds} />

      {me.role === "therapist" ? <TherapistNotes roomId={roomId} /> : null}

      {can(me.role, "invite:create:partner") ? (
        <InvitePanel roomId={roomId} canInvitePartner={partnerCount < 2} canInviteTherapist={can(me.role, "invite:create:therapist")} />
      ) : null}
    </div>
  );
}

function StatusBar({ connection, saveState }: { connection: ConnectionState; saveState: SaveState | null }) {
  const dot = connection === "connected" ? "bg-emerald-600" : connection === "no-access" ? "bg-stone-500" : "bg-amber-500";
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
      {/* Connection changes are announced; the save state, which flips with every keystroke, is not. */}
      <span role="status" className="inline-flex items-center gap-2" data-testid="connection">
        <span aria-hidden="true" className={`inline-block h-2.5 w-2.5 rounded-full ${dot}`} />
        {CONNECTION_TEXT[connection]}
      </span>
      {/* Announced when saving pauses (the save state itself changes with every keystroke, so it is not). */}
      <span role="status" className="sr-only">
        {saveState === "paused" ? SAVE_TEXT.paused : ""}
      </span>
      {saveState ? (
        <span data-testid="save-state" data-state={saveState} className={saveState === "paused" ? "font-medium text-amber-800 dark:text-amber-200" : undefined}>
          {SAVE_TEXT[saveState]}
        </span>
      ) : connection === "reconnecting" ? (
        <span data-testid="save-state" data-state="offline">
          Your changes are kept on this device and will be saved when the connection is back.
        </span>
      ) : null}
    </div>
  );
}

function Presence({ me, others, online, peers }: { me: Member; others: Member[]; online: Set<string>; peers: Peer[] }) {
  const colorOf = (userId: string) => peers.find((p) => p.userId === userId)?.color;
  return (
    <ul aria-label="Who is here" className="flex flex-wrap gap-2 text-sm" data-testid="presence">
      <li className="rounded-full border border-stone-300 px-3 py-1 dark:border-stone-600">You ({me.role})</li>
      {others.map((m) => {
        const here = online.has(m.userId);
        return (
          <li
            key={m.userId}
            data-online={here}
            className="inline-flex items-center gap-2 rounded-full border border-stone-300 px-3 py-1 dark:border-stone-600"
          >
            <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full" style={{ backgroundColor: here ? colorOf(m.userId) : "transparent", border: here ? undefined : "1px solid #78716c" }} />
            {m.name} ({m.role}) · {here ? "here now" : "not here right now"}
          </li>
        );
      })}
    </ul>
  );
}
