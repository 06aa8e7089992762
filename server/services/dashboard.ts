/**
 * The rooms overview (a therapist's dashboard): per room, who is here now, the exercise and its
 * phase, the agreement's progress and next review, and the last session. Live: when something
 * in a room changes, its members' dashboards are told (socket.io, `dashboard:changed`) and
 * fetch that room's summary again.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { parseStatusRecord } from "@/app/lib/agreement";
import { type ExerciseMode, type Phase, readExerciseState } from "@/app/lib/exercise";
import type { Role } from "@/app/lib/permissions";
import { agreementStatus, readAgreement } from "@/app/lib/room-doc";
import type { Database } from "@/db/client";
import { exercises, therapySessions } from "@/db/schema";
import type { RoomRegistry } from "../rooms/registry";
import type { Rooms } from "./rooms";

export interface RoomOverview {
  id: string;
  title: string;
  role: Role;
  members: Array<{ userId: string; name: string; role: Role; here: boolean }>;
  exercise: null | { status: "proposed" | "active" | "ended"; mode: ExerciseMode; phase: Phase | null; paused: "time-out" | "hold" | null; speaker: string | null };
  agreement: { items: number; agreed: number; nextReview: string | null };
  lastSession: string | null;
}

/** How long a room's changes are gathered before its watchers are told (typing is many changes). */
const NOTIFY_AFTER_MS = 500;

export function createDashboard(db: Database, rooms: Rooms, registry: RoomRegistry) {
  let notify: (userIds: string[], roomId: string) => void = () => {};
  let watched = () => false;
  const pending = new Map<string, NodeJS.Timeout>();

  async function overview(roomId: string, userId: string): Promise<RoomOverview | null> {
    const [room, members] = await Promise.all([rooms.get(roomId), rooms.members(roomId)]);
    const me = members.find((m) => m.userId === userId);
    if (!room || !me) return null;
    const [open] = await db.select({ state: exercises.state }).from(exercises).where(and(eq(exercises.roomId, roomId), isNull(exercises.closedAt)));
    const state = readExerciseState(open?.state);
    const [last] = await db
      .select({ at: therapySessions.startedAt })
      .from(therapySessions)
      .where(eq(therapySessions.roomId, roomId))
      .orderBy(desc(therapySessions.startedAt))
      .limit(1);
    let here = new Set<string>();
    const agreement = await registry.withRoom(roomId, (live) => {
      // Everyone with the room open, on any node.
      here = new Set(live.present().map((m) => m.userId));
      const items = readAgreement(live.doc);
      const statuses = agreementStatus(live.doc);
      const agreed = items.filter((i) => parseStatusRecord(statuses.get(i.id)).status === "agreed");
      const reviews = agreed.map((i) => i.reviewDate).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
      return { items: items.length, agreed: agreed.length, nextReview: reviews[0] ?? null };
    });
    const nameOf = (id: string) => members.find((m) => m.userId === id)?.name ?? null;
    return {
      id: room.id,
      title: room.title,
      role: me.role,
      members: members.map((m) => ({ userId: m.userId, name: m.name, role: m.role, here: here.has(m.userId) })),
      exercise: state
        ? {
            status: state.status,
            mode: state.mode,
            phase: state.status === "active" ? state.phase : null,
            paused: state.status === "active" ? (state.pause?.kind ?? null) : null,
            speaker: state.status === "active" ? nameOf(state.speaker) : null,
          }
        : null,
      agreement,
      lastSession: last?.at.toISOString() ?? null,
    };
  }

  return {
    bindNotify(fn: (userIds: string[], roomId: string) => void, anyWatcher: () => boolean): void {
      notify = fn;
      watched = anyWatcher;
    },

    /** Something in this room changed: tell its members' dashboards, once per short while. */
    changed(roomId: string): void {
      if (pending.has(roomId) || !watched()) return;
      const timer = setTimeout(() => {
        pending.delete(roomId);
        void rooms
          .members(roomId)
          .then((members) => notify(members.map((m) => m.userId), roomId))
          .catch(() => {});
      }, NOTIFY_AFTER_MS);
      timer.unref();
      pending.set(roomId, timer);
    },

    /** Every room of this person, or one. */
    async list(userId: string, onlyRoomId?: string): Promise<RoomOverview[]> {
      const ids = onlyRoomId ? [onlyRoomId] : (await rooms.listForUser(userId)).map((r) => r.id);
      const all = await Promise.all(ids.map((id) => overview(id, userId)));
      return all.filter((o): o is RoomOverview => o !== null);
    },
  };
}

export type Dashboard = ReturnType<typeof createDashboard>;
