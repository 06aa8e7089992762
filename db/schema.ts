/**
 * The relational schema. The live room's content is not here: it is the Yjs update log in
 * `room_updates`. Everything else a room needs to be trusted (who may enter, with which role,
 * through which invite) is relational so it can be checked with a query at every connect.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** postgres.js returns a Buffer, PGlite a Uint8Array: both become a plain Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) =>
    value instanceof Uint8Array && value.constructor === Uint8Array
      ? value
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

export const roleEnum = pgEnum("member_role", ["partner", "therapist"]);
/** Chosen at sign-up: a person (one of a couple) or a couples therapist. */
export const accountKindEnum = pgEnum("account_kind", ["person", "therapist"]);
export const checkInOutcomeEnum = pgEnum("check_in_outcome", ["kept", "partly", "not_yet"]);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    /** Stored lower-cased and trimmed; unique. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** argon2id PHC string. */
    passwordHash: text("password_hash").notNull(),
    kind: accountKindEnum("kind").notNull().default("person"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const rooms = pgTable("rooms", {
  id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
  title: text("title").notNull(),
  /** Null once its creator deleted their account (the room stays with the others in it). */
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /**
   * Last sequence number handed out in `room_updates`. Reserving numbers with
   * `UPDATE rooms SET last_seq = last_seq + n` takes the room's row lock, so appends to one
   * room are serialized even when several server processes write to it.
   */
  lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
  /**
   * Set in the same transaction that deletes content (a transcript nobody kept); cleared by the
   * compaction that rewrites `room_updates` without it. Checked again whenever the room loads.
   */
  historyRewritePending: boolean("history_rewrite_pending").notNull().default(false),
});

export const memberships = pgTable(
  "memberships",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const invites = pgTable(
  "invites",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    /** SHA-256 of the token, hex. The token itself is only ever in the link. */
    tokenHash: text("token_hash").notNull(),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedBy: uuid("used_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("invites_token_hash_key").on(t.tokenHash), index("invites_room_idx").on(t.roomId)],
);

/** The Yjs update log: one row per committed batch, or one snapshot after compaction. */
export const roomUpdates = pgTable(
  "room_updates",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    update: bytea("update").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.seq] })],
);

/**
 * What partners did to the agreement, in order: consents, their withdrawal, reviews. The room's
 * document holds the current status; this is the record of who agreed to which wording, when.
 */
export const agreementEvents = pgTable(
  "agreement_events",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    itemId: text("item_id").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind", { enum: ["edit", "consent", "withdraw", "review-start", "review-keep", "review-retire"] }).notNull(),
    /** SHA-256 of the item's canonical content the consent was given to. */
    contentHash: text("content_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("agreement_events_room_idx").on(t.roomId, t.createdAt)],
);

/**
 * A signed version of a room's agreement: immutable once written (nothing updates these rows).
 * `content` is canonical JSON of the agreed items; `hash` its SHA-256, printed on every copy.
 */
export const agreementVersions = pgTable(
  "agreement_versions",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    content: text("content").notNull(),
    hash: text("hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("agreement_versions_room_version_key").on(t.roomId, t.version)],
);

export const agreementSignatures = pgTable(
  "agreement_signatures",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => agreementVersions.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** Kept with the signature, so the record reads the same if an account is later renamed. */
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    signedAt: timestamp("signed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("agreement_signatures_version_idx").on(t.versionId)],
);

/**
 * How an agreement item went, per partner and day (at most one row: a second check-in that day
 * replaces the first). Visible to both partners and the therapist; never in the shared doc.
 */
export const checkIns = pgTable(
  "check_ins",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    itemId: text("item_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    outcome: checkInOutcomeEnum("outcome").notNull(),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("check_ins_one_per_day_key").on(t.roomId, t.itemId, t.userId, t.day),
    index("check_ins_room_item_idx").on(t.roomId, t.itemId, t.day),
  ],
);

/**
 * One speak-and-listen exercise. `state` is the state machine's current state (app/lib/exercise.ts)
 * while it is open; a room has at most one open exercise. Every command locks the room's row
 * first, reads `state` here, and writes the next one in the same transaction, so two commands
 * (from any number of server processes) never decide from the same state.
 */
export const exercises = pgTable(
  "exercises",
  {
    id: uuid("id").primaryKey(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    mode: text("mode", { enum: ["prep", "imago"] }).notNull(),
    /** Null once a transcript is discarded: the topic is part of what was said. */
    topic: text("topic"),
    state: jsonb("state").$type<unknown>(),
    /** How it closed: kept or discarded transcript, declined before starting, or ended with nothing said. */
    outcome: text("outcome", { enum: ["kept", "discarded", "declined", "empty"] }),
    turns: integer("turns").notNull().default(0),
    chunks: integer("chunks").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("exercises_one_open_per_room_key").on(t.roomId).where(sql`${t.closedAt} is null`),
    index("exercises_room_idx").on(t.roomId, t.createdAt),
  ],
);

/**
 * Every accepted exercise command, in order. Entries of the exercise's log carry their text;
 * when a transcript is discarded the text is deleted (set to null) and only the fact remains.
 */
export const exerciseEvents = pgTable(
  "exercise_events",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    exerciseId: uuid("exercise_id")
      .notNull()
      .references(() => exercises.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The event type (propose, end-chunk, confirm, …). */
    type: text("type").notNull(),
    /** For the log's entries: what the text is (chunk, paraphrase, …), in which turn, and the text. */
    entryKind: text("entry_kind"),
    turn: integer("turn"),
    text: text("text"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("exercise_events_seq_key").on(t.exerciseId, t.seq)],
);

/**
 * A therapist's time in a room: from their first live connection to their last (plus a grace
 * period), who was there, and how many speak-and-listen turns were completed. No content.
 */
export const therapySessions = pgTable(
  "therapy_sessions",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    therapistId: uuid("therapist_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    /** Names kept with the record, so it reads the same after a rename or a departure. */
    attendees: jsonb("attendees").$type<Array<{ userId: string; name: string; role: "partner" | "therapist" }>>().notNull().default([]),
    rounds: integer("rounds").notNull().default(0),
    /** Renewed while a server process holds the session open; a stale one was left by a stopped process. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("therapy_sessions_room_idx").on(t.roomId, t.startedAt)],
);

/**
 * A therapist's private notes: only ever read by, and sent to, the therapist who wrote them.
 * Never in the room's document, never in a partner's frame or response.
 */
export const therapistNotes = pgTable(
  "therapist_notes",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    therapistId: uuid("therapist_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: uuid("session_id").references(() => therapySessions.id, { onDelete: "set null" }),
    /** Markdown. */
    body: text("body").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("therapist_notes_owner_idx").on(t.therapistId, t.updatedAt), index("therapist_notes_room_idx").on(t.roomId, t.therapistId)],
);

/** Who was given, used or lost access to a room, for the partners to read (therapists). */
export const roomAccessLog = pgTable(
  "room_access_log",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    /** added: accepted an invite; entered / left: opened or closed the live room; revoked: access removed; departed: left the room for good. */
    event: text("event", { enum: ["added", "entered", "left", "revoked", "departed"] }).notNull(),
    /** Who removed the access (revoked). */
    byName: text("by_name"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("room_access_log_room_idx").on(t.roomId, t.at)],
);

/**
 * A partner's private space: drafts and reflections that belong to their author. Never in the
 * room's document; served to someone else only while its author shares it with them (per item,
 * and it can be withdrawn).
 */
export const privateItems = pgTable(
  "private_items",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** acknowledgment (step 1), response (to one), apology (step 7), reflection (step 9). */
    kind: text("kind", { enum: ["acknowledgment", "response", "apology", "reflection"] }).notNull(),
    /** The item it answers (a response to an acknowledgment). */
    respondsTo: uuid("responds_to"),
    /** The item's fields by name (see app/lib/private-space.ts). */
    fields: jsonb("fields").$type<Record<string, string>>().notNull().default({}),
    /** User ids it is shared with, each one by name (a later therapist never inherits a share). */
    sharedWith: jsonb("shared_with").$type<string[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("private_items_room_idx").on(t.roomId, t.ownerId)],
);

/** Step 8: how safe and how connected a partner feels, at most once a day; private unless shared. */
export const healingRatings = pgTable(
  "healing_ratings",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    safe: integer("safe").notNull(),
    connected: integer("connected").notNull(),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.ownerId, t.day] })],
);

/** Whom a partner shows their healing trend to (the ratings, not their notes), by user id. */
export const healingSharing = pgTable(
  "healing_sharing",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sharedWith: jsonb("shared_with").$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.ownerId] })],
);

/** Fixed-window counters shared by every server process (sign-in, sign-up, invites). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

export type MemberRole = (typeof roleEnum.enumValues)[number];
