"use client";

import Link from "@/app/components/quiet-link";
import { useEffect, useState } from "react";
import { io } from "socket.io-client";
import { phaseLabel } from "@/app/lib/exercise";
import type { RoomOverview } from "@/server/services/dashboard";

const ROLE_LABEL = { partner: "a partner", therapist: "the therapist" } as const;

function exerciseText(e: RoomOverview["exercise"]): string {
  if (!e) return "No exercise going on";
  const mode = e.mode === "prep" ? "Speaker and listener" : "Intentional dialogue";
  if (e.status === "proposed") return `${mode}: suggested, waiting to start`;
  if (e.status === "ended") return `${mode}: ended, the partners are deciding about the transcript`;
  if (e.paused === "time-out") return `${mode}: time-out`;
  if (e.paused === "hold") return `${mode}: on hold`;
  return `${mode}: ${e.phase === "speaking" ? `${e.speaker ?? "someone"} is speaking` : phaseLabel(e.phase!).toLowerCase()}`;
}

/**
 * Every room one is in, kept current without reloading: the server says which room changed
 * (socket.io `dashboard:changed`) and this fetches that room's overview again.
 */
export function Dashboard({ initial, me }: { initial: RoomOverview[]; me: string }) {
  const [rooms, setRooms] = useState(initial);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const socket = io({ path: "/socket.io", transports: ["websocket"] });
    socket.on("connect", () => socket.emit("dashboard:watch", {}, (ack: { ok: boolean }) => setLive(ack.ok)));
    socket.on("disconnect", () => setLive(false));
    socket.on("dashboard:changed", async ({ roomId }: { roomId: string }) => {
      const res = await fetch(`/api/dashboard?roomId=${encodeURIComponent(roomId)}`);
      if (!res.ok) return;
      const [fresh] = ((await res.json()) as { rooms: RoomOverview[] }).rooms;
      setRooms((list) => (fresh ? list.map((r) => (r.id === roomId ? fresh : r)) : list.filter((r) => r.id !== roomId)));
    });
    return () => {
      socket.disconnect();
    };
  }, []);

  if (rooms.length === 0) return null;
  return (
    <div className="space-y-2">
      <p className="text-sm text-stone-600 dark:text-stone-400" data-testid="dashboard-live" data-live={live}>
        {live ? "Updates as things happen." : "Connecting for live updates…"}
      </p>
      <ul className="grid gap-3 sm:grid-cols-2" aria-label="Rooms">
        {rooms.map((room) => (
          <li key={room.id} className="card space-y-2" data-testid="room-overview">
            <Link href={`/rooms/${room.id}`} className="block text-lg font-semibold underline-offset-4 hover:underline">
              {room.title}
            </Link>
            <p className="text-sm text-stone-600 dark:text-stone-400">You are {ROLE_LABEL[room.role]}</p>
            <ul className="text-sm" aria-label={`Who is in ${room.title}`}>
              {room.members
                .filter((m) => m.userId !== me && (m.role === "partner" || room.role === "partner"))
                .map((m) => (
                  <li key={m.userId} data-here={m.here}>
                    <span aria-hidden="true" className={`mr-1.5 inline-block h-2 w-2 rounded-full ${m.here ? "bg-emerald-600" : "border border-stone-500"}`} />
                    {m.name} ({m.role}) · {m.here ? "here now" : "not here"}
                  </li>
                ))}
              {room.members.filter((m) => m.role === "partner").length < 2 ? <li>Waiting for a partner to join</li> : null}
            </ul>
            <p className="text-sm" data-testid="overview-exercise">
              {exerciseText(room.exercise)}
            </p>
            <p className="text-sm">
              {room.agreement.items === 0
                ? "No commitments yet"
                : `${room.agreement.agreed} of ${room.agreement.items} commitments agreed`}
              {room.agreement.nextReview ? ` · next review ${room.agreement.nextReview}` : ""}
            </p>
            <p className="text-sm text-stone-600 dark:text-stone-400">
              {room.lastSession ? `Last session ${new Date(room.lastSession).toLocaleDateString()}` : "No session yet"}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
