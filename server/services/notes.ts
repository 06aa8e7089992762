/**
 * A therapist's private notes. Every read and write is filtered by the author's own id and
 * requires that they are still the room's therapist: no other person, partner or therapist,
 * ever receives a note. Notes are never written to the room's document.
 */
import { and, desc, eq, ilike, inArray } from "drizzle-orm";
import { can } from "@/app/lib/permissions";
import type { Database } from "@/db/client";
import { memberships, rooms as roomsTable, therapistNotes } from "@/db/schema";
import { AppError } from "../errors";
import type { Rooms } from "./rooms";
import type { Sessions } from "./sessions";

export const NOTE_MAX_LENGTH = 20_000;

export interface NoteView {
  id: string;
  roomId: string;
  sessionId: string | null;
  body: string;
  createdAt: string;
  updatedAt: string;
}

const view = (n: typeof therapistNotes.$inferSelect): NoteView => ({
  id: n.id,
  roomId: n.roomId,
  sessionId: n.sessionId,
  body: n.body,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
});

/** `%` and `_` are wildcards in LIKE; searching for them means the characters themselves. */
const likeEscape = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createNotes(db: Database, rooms: Rooms, sessions: Sessions) {
  async function requireTherapist(roomId: string, userId: string): Promise<void> {
    const role = await rooms.roleOf(roomId, userId);
    if (!role) throw new AppError("forbidden", "You are not a member of this room.");
    if (!can(role, "notes:write")) throw new AppError("forbidden", "Private notes are for the room's therapist.");
  }

  /** A note of this therapist's, in a room where they still are the therapist; 404 otherwise. */
  async function own(noteId: string, userId: string) {
    const [note] = await db
      .select()
      .from(therapistNotes)
      .where(and(eq(therapistNotes.id, noteId), eq(therapistNotes.therapistId, userId)))
      .limit(1);
    if (!note || !can(await rooms.roleOf(note.roomId, userId), "notes:write")) throw new AppError("not_found", "There is no such note.");
    return note;
  }

  return {
    async list(roomId: string, userId: string): Promise<NoteView[]> {
      await requireTherapist(roomId, userId);
      const rows = await db
        .select()
        .from(therapistNotes)
        .where(and(eq(therapistNotes.roomId, roomId), eq(therapistNotes.therapistId, userId)))
        .orderBy(desc(therapistNotes.createdAt))
        .limit(500);
      return rows.map(view);
    },

    /** A new note, tied to the session going on now (if the therapist is in the room live). */
    async create(roomId: string, userId: string, body: string): Promise<NoteView> {
      await requireTherapist(roomId, userId);
      const sessionId = await sessions.current(roomId, userId);
      const [row] = await db.insert(therapistNotes).values({ roomId, therapistId: userId, sessionId, body }).returning();
      return view(row!);
    },

    async update(noteId: string, userId: string, body: string): Promise<NoteView> {
      await own(noteId, userId);
      const [row] = await db
        .update(therapistNotes)
        .set({ body, updatedAt: new Date() })
        .where(and(eq(therapistNotes.id, noteId), eq(therapistNotes.therapistId, userId)))
        .returning();
      return view(row!);
    },

    async remove(noteId: string, userId: string): Promise<void> {
      await own(noteId, userId);
      await db.delete(therapistNotes).where(and(eq(therapistNotes.id, noteId), eq(therapistNotes.therapistId, userId)));
    },

    /** Across every room this person is the therapist of now, newest first. */
    async search(userId: string, query: string): Promise<Array<NoteView & { roomTitle: string }>> {
      const mine = await db
        .select({ roomId: memberships.roomId })
        .from(memberships)
        .where(and(eq(memberships.userId, userId), eq(memberships.role, "therapist")));
      if (mine.length === 0) return [];
      const rows = await db
        .select({ note: therapistNotes, roomTitle: roomsTable.title })
        .from(therapistNotes)
        .innerJoin(roomsTable, eq(roomsTable.id, therapistNotes.roomId))
        .where(
          and(
            eq(therapistNotes.therapistId, userId),
            inArray(therapistNotes.roomId, mine.map((m) => m.roomId)),
            query ? ilike(therapistNotes.body, `%${likeEscape(query)}%`) : undefined,
          ),
        )
        .orderBy(desc(therapistNotes.updatedAt))
        .limit(50);
      return rows.map((r) => ({ ...view(r.note), roomTitle: r.roomTitle }));
    },
  };
}

export type Notes = ReturnType<typeof createNotes>;
