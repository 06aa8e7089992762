/**
 * Speak and listen on the server. A command is decided by the pure state machine
 * (app/lib/exercise.ts) from the state in Postgres, read under the room's row lock, and recorded
 * (event, log text, next state) in the same transaction; only then is the new state written into
 * the room's doc for everyone to see. Two commands for one room, from any number of processes,
 * therefore never decide from the same state.
 */
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, isNull, max } from "drizzle-orm";
import { type Actor, type Effect, TRANSCRIPT_DECISION_DAYS, type ExerciseEvent, type ExerciseState, readExerciseState, transition } from "@/app/lib/exercise";
import { can } from "@/app/lib/permissions";
import { type AgendaEntry, agenda, type ExerciseLogEntry } from "@/app/lib/room-doc";
import type { Database } from "@/db/client";
import { exerciseEvents, exercises, rooms as roomsTable, users } from "@/db/schema";
import { AppError, isAppError } from "../errors";
import { log } from "../log";
import type { ExerciseCommand } from "../realtime/commands";
import { SERVER_ORIGIN } from "../rooms/agreement-status";
import { docShows, project, readDrafts, reconcile } from "../rooms/exercise-doc";
import type { LiveRoom } from "../rooms/live-room";
import type { RoomRegistry } from "../rooms/registry";
import type { Rooms } from "./rooms";

/** Events that move or check a draft's text: typing into the drafts waits while they are decided. */
const SEALING = new Set(["end-chunk", "submit", "pass", "no-more", "assign", "end"]);
/**
 * Several nodes: a room's doc behind Postgres for this long will not catch up by itself (the
 * deciding node stopped). Longer than a save may take to time out and be retried, so a slow
 * node's change does not arrive after the rebuild (its log entries would show twice).
 */
const BEHIND_FOR_TOO_LONG_MS = 25_000;

export interface ExerciseSummary {
  id: string;
  mode: "prep" | "imago";
  outcome: "kept" | "discarded" | "declined" | "empty" | null;
  topic: string | null;
  turns: number;
  chunks: number;
  startedAt: string | null;
  endedAt: string | null;
}

export interface ExerciseHooks {
  /** A turn ended (the floor passed) in this room. */
  onTurnCompleted?(roomId: string): void;
}

export function createExercises(db: Database, rooms: Rooms, registry: RoomRegistry, hooks: ExerciseHooks = {}) {
  /** Commands for one room run one after another in this process, so the doc sees them in order. */
  const queues = new Map<string, Promise<unknown>>();
  function serial<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    const previous = queues.get(roomId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    queues.set(roomId, tail);
    void tail.then(() => {
      if (queues.get(roomId) === tail) queues.delete(roomId);
    });
    return run;
  }

  async function logOf(exerciseId: string): Promise<ExerciseLogEntry[]> {
    const rows = await db
      .select({ id: exerciseEvents.id, kind: exerciseEvents.entryKind, by: exerciseEvents.userId, text: exerciseEvents.text, turn: exerciseEvents.turn, at: exerciseEvents.createdAt })
      .from(exerciseEvents)
      .where(and(eq(exerciseEvents.exerciseId, exerciseId), isNotNull(exerciseEvents.entryKind)))
      .orderBy(asc(exerciseEvents.seq));
    return rows.map((r) => ({ id: r.id, exerciseId, kind: r.kind as ExerciseLogEntry["kind"], by: r.by ?? "", text: r.text ?? "", turn: r.turn ?? 1, at: r.at.getTime() }));
  }

  /** Several nodes: since when each room's doc has been behind Postgres' exercise state. */
  const behindSince = new Map<string, number>();

  /** The doc catches up with Postgres (on load, and after a command failed part-way). */
  async function reconcileRoom(room: LiveRoom): Promise<ExerciseState | null> {
    const [open] = await db
      .select({ id: exercises.id, state: exercises.state })
      .from(exercises)
      .where(and(eq(exercises.roomId, room.id), isNull(exercises.closedAt)));
    const state = open ? readExerciseState(open.state) : null;
    reconcile(room.doc, state, open ? await logOf(open.id) : []);
    return state;
  }

  /**
   * Decides one event from the state in Postgres (row-locked), records it, then shows it in the
   * doc. `system` is Mend itself acting (an undecided transcript expiring): no user recorded.
   */
  async function decide(
    room: LiveRoom,
    actor: Actor & { name: string },
    partners: string[],
    event: ExerciseEvent,
    extra: { text?: string; system?: boolean; sent?: { draft: "speaker" | "listener"; text: string } } = {},
  ) {
    // Behind for long: the node that decided the last step stopped before its document change was
    // saved, so it will never arrive. The doc is rebuilt from Postgres.
    const since = behindSince.get(room.id);
    if (since !== undefined && Date.now() - since > BEHIND_FOR_TOO_LONG_MS) {
      behindSince.delete(room.id);
      log.warn("a room's exercise stayed behind the database; rebuilding it", { room: room.id });
      await reconcileRoom(room);
    }
    const drafts = readDrafts(room.doc);
    const present = room.present().map((m) => m.userId);
    const now = Date.now();
    let decided;
    try {
      decided = await db.transaction(async (tx) => {
        await tx.select({ id: roomsTable.id }).from(roomsTable).where(eq(roomsTable.id, room.id)).for("update");
        const [open] = await tx.select().from(exercises).where(and(eq(exercises.roomId, room.id), isNull(exercises.closedAt)));
        const before = open ? readExerciseState(open.state) : null;
        // Several nodes: the last step may have been decided on another node and its document
        // change not be here yet. Ours, written now, would stand beside it rather than after it
        // (and either could win), so the client sends again in a moment.
        if (room.shared) {
          if (!docShows(room.doc, before)) {
            if (!behindSince.has(room.id)) behindSince.set(room.id, Date.now());
            void room.catchUp();
            throw new AppError("not_synced", "The room is catching up. Please try again in a moment.");
          }
          behindSince.delete(room.id);
        }
        // The text handed in must be the room's copy: a last keystroke may still be on its way
        // (on the other websocket, or from another node); the client sends again in a moment.
        // Judged first as the sender sees it, so a refusal the state gives anyway is what they hear.
        if (extra.sent) {
          const seen = { ...drafts, [extra.sent.draft]: extra.sent.text };
          const pre = transition(before, event, { userId: actor.userId, role: actor.role }, { now, partners, present, drafts: seen });
          if (!pre.ok) return { result: pre, entries: [] as ExerciseLogEntry[], before };
          if (drafts[extra.sent.draft] !== extra.sent.text) {
            throw new AppError("not_synced", "Your last words are still on their way. Please try again in a moment.");
          }
        }
        const result = transition(before, event, { userId: actor.userId, role: actor.role }, { now, partners, present, drafts });
        if (!result.ok) return { result, entries: [] as ExerciseLogEntry[], before };
        const after = result.state;
        const exerciseId = before?.id ?? (after ? after.id : null);
        if (!exerciseId) return { result, entries: [], before };
        const close = result.effects.find((e): e is Extract<Effect, { kind: "close" }> => e.kind === "close");
        // Anything but a kept transcript leaves no words behind: not the topic, not the log.
        const forget = close !== undefined && close.outcome !== "kept";

        if (!open) {
          const s = after as ExerciseState;
          await tx.insert(exercises).values({ id: s.id, roomId: room.id, mode: s.mode, topic: s.topic, state: s });
        } else {
          await tx
            .update(exercises)
            .set({
              state: after,
              turns: after && after.status !== "proposed" ? after.turn : open.turns,
              chunks: after?.status === "active" ? after.chunks : open.chunks,
              startedAt: open.startedAt ?? (after?.status === "active" ? new Date(now) : null),
              endedAt: open.endedAt ?? (after?.status === "ended" || (close && close.outcome !== "declined") ? new Date(now) : null),
              closedAt: close ? new Date(now) : null,
              outcome: close?.outcome ?? null,
              ...(forget ? { topic: null } : {}),
            })
            .where(eq(exercises.id, open.id));
        }

        // The event, then one row per log entry it produced (its text travels with it).
        const [last] = await tx.select({ seq: max(exerciseEvents.seq) }).from(exerciseEvents).where(eq(exerciseEvents.exerciseId, exerciseId));
        let seq = last?.seq ?? 0;
        await tx.insert(exerciseEvents).values({ exerciseId, seq: ++seq, userId: extra.system ? null : actor.userId, type: extra.system ? "expire" : event.type });
        const turn = before && before.status === "active" ? before.turn : 1;
        const entries: ExerciseLogEntry[] = [];
        for (const effect of result.effects) {
          const logged =
            effect.kind === "log"
              ? [{ kind: effect.as, by: effect.by, text: drafts[effect.draft] }]
              : effect.kind === "set-aside-drafts" && before?.status === "active"
                ? (["speaker", "listener"] as const)
                    .filter((d) => drafts[d].trim() !== "")
                    .map((d) => ({ kind: "unfinished" as const, by: d === "speaker" ? before.speaker : before.listener, text: drafts[d] }))
                : [];
          for (const e of logged) {
            const entry: ExerciseLogEntry = { id: randomUUID(), exerciseId, kind: e.kind, by: e.by, text: e.text, turn, at: now };
            await tx.insert(exerciseEvents).values({ id: entry.id, exerciseId, seq: ++seq, userId: e.by, type: "log", entryKind: e.kind, turn, text: e.text });
            entries.push(entry);
          }
        }
        if (forget) {
          await tx.update(exerciseEvents).set({ text: null }).where(eq(exerciseEvents.exerciseId, exerciseId));
          // The words are also in the room's Yjs log (as typed, as logged, in the state's topic):
          // it is rewritten without them, and this flag survives a crash until that is done.
          await tx.update(roomsTable).set({ historyRewritePending: true }).where(eq(roomsTable.id, room.id));
        }
        return { result, entries, before };
      });
    } catch (error) {
      // The commit may or may not have happened: show whatever Postgres now says.
      if (!isAppError(error)) await reconcileRoom(room).catch(() => {});
      throw error;
    }

    const { result } = decided;
    if (!result.ok) throw new AppError(result.code, result.message);
    // Right after the commit, with no await in between: no frame is handled in between either.
    const clearDrafts = result.effects.flatMap((e) => (e.kind === "log" ? [e.draft] : e.kind === "set-aside-drafts" ? (["speaker", "listener"] as const) : []));
    const close = result.effects.find((e) => e.kind === "close");
    project(room.doc, { state: result.state, entries: decided.entries, clearDrafts, closed: close !== undefined });
    const turns = (s: ExerciseState | null | undefined) => (s?.status === "active" ? s.turn : 0);
    if (result.state?.status === "active" && decided.before?.status === "active" && turns(result.state) > turns(decided.before)) hooks.onTurnCompleted?.(room.id);
    if (event.type === "park" && extra.text) {
      const entry: AgendaEntry = { id: randomUUID(), text: extra.text, by: actor.userId, name: actor.name, at: now };
      room.doc.transact(() => agenda(room.doc).push([entry]), SERVER_ORIGIN);
    }
    if (close && close.kind === "close" && close.outcome !== "kept") await room.rewriteHistory();
    return result.state;
  }

  return {
    /** One speak-and-listen command from a member, decided by the state machine. */
    async act(roomId: string, userId: string, command: ExerciseCommand): Promise<ExerciseState | null> {
      const members = await rooms.members(roomId);
      const me = members.find((m) => m.userId === userId);
      if (!me || !can(me.role, "exercise:act")) throw new AppError("forbidden", "You are not a member of this room.");
      const partners = members.filter((m) => m.role === "partner").map((m) => m.userId);
      const event: ExerciseEvent =
        command.type === "propose"
          ? { ...command, id: randomUUID() }
          : command.type === "end-chunk" || command.type === "submit" || command.type === "park"
            ? { type: command.type }
            : command;
      return serial(roomId, () =>
        registry.withRoom(roomId, async (room) => {
          const run = async () => {
            const sent =
              command.type === "end-chunk" || command.type === "submit"
                ? { draft: command.type === "end-chunk" ? ("speaker" as const) : ("listener" as const), text: command.text }
                : undefined;
            return decide(room, me, partners, event, { text: command.type === "park" ? command.text : undefined, sent });
          };
          // While a draft's text is read and moved, typing waits (it is handled right after).
          return SEALING.has(command.type) ? room.withUpdatesHeld(run) : run();
        }),
      );
    },

    async removeAgendaEntry(roomId: string, userId: string, entryId: string): Promise<void> {
      const role = await rooms.roleOf(roomId, userId);
      if (!can(role, "agenda:edit")) throw new AppError("forbidden", "You are not a member of this room.");
      await registry.withRoom(roomId, (room) => {
        const list = agenda(room.doc);
        const index = list.toArray().findIndex((e) => e.id === entryId);
        if (index === -1) throw new AppError("not_found", "That idea is not on the list any more.");
        room.doc.transact(() => list.delete(index, 1), SERVER_ORIGIN);
      });
    },

    /**
     * Called when a room is loaded: the doc catches up with what Postgres recorded, and a
     * transcript neither partner decided on within TRANSCRIPT_DECISION_DAYS is deleted.
     */
    async reconcile(room: LiveRoom): Promise<void> {
      const state = await reconcileRoom(room);
      if (state?.status !== "ended" || Date.now() - state.endedAt < TRANSCRIPT_DECISION_DAYS * 24 * 60 * 60 * 1000) return;
      const actor = { userId: state.partners[0], name: "", role: "partner" as const };
      await decide(room, actor, [...state.partners], { type: "discard" }, { system: true }).catch((error: Error) =>
        log.error("could not delete an undecided transcript", { room: room.id, reason: error.message.slice(0, 200) }),
      );
    },

    /** Past exercises (members): what happened, never what was said unless both kept it. */
    async history(roomId: string, userId: string): Promise<ExerciseSummary[]> {
      if (!(await rooms.roleOf(roomId, userId))) throw new AppError("forbidden", "You are not a member of this room.");
      const rows = await db
        .select()
        .from(exercises)
        .where(and(eq(exercises.roomId, roomId), isNotNull(exercises.closedAt), isNotNull(exercises.startedAt)))
        .orderBy(desc(exercises.createdAt))
        .limit(100);
      return rows.map((r) => ({
        id: r.id,
        mode: r.mode,
        outcome: r.outcome,
        topic: r.outcome === "kept" ? r.topic : null,
        turns: r.turns,
        chunks: r.chunks,
        startedAt: r.startedAt?.toISOString() ?? null,
        endedAt: r.endedAt?.toISOString() ?? null,
      }));
    },

    /** A kept transcript, with names (members). */
    async transcript(roomId: string, userId: string, exerciseId: string) {
      if (!(await rooms.roleOf(roomId, userId))) throw new AppError("forbidden", "You are not a member of this room.");
      const [row] = await db
        .select()
        .from(exercises)
        .where(and(eq(exercises.id, exerciseId), eq(exercises.roomId, roomId)));
      if (!row || row.outcome !== "kept") throw new AppError("not_found", "There is no kept transcript of that exercise.");
      const entries = await logOf(exerciseId);
      const authors = [...new Set(entries.map((e) => e.by).filter(Boolean))];
      const names = new Map(
        authors.length === 0 ? [] : (await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, authors))).map((u) => [u.id, u.name]),
      );
      return {
        id: row.id,
        mode: row.mode,
        topic: row.topic,
        startedAt: row.startedAt?.toISOString() ?? null,
        endedAt: row.endedAt?.toISOString() ?? null,
        entries: entries.map((e) => ({ kind: e.kind, name: names.get(e.by) ?? "Someone who has left", text: e.text, turn: e.turn, at: new Date(e.at).toISOString() })),
      };
    },
  };
}

export type Exercises = ReturnType<typeof createExercises>;
