/**
 * socket.io commands: a zod schema per event, an ack with `{ ok: true, … }` or
 * `{ ok: false, error: { code, message } }`. Shared by the server and typed clients.
 */
import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { AGENDA_TEXT_MAX_LENGTH } from "@/app/lib/room-doc";
import { EXERCISE_MODES, TIME_OUT_MINUTES, TIMER_SECONDS, TOPIC_MAX_LENGTH } from "@/app/lib/exercise";
import { HARD_LIMITS } from "@/app/lib/write-policy";

const itemId = z.string().min(1).max(64);
const minutes = z
  .number()
  .int()
  .min(TIME_OUT_MINUTES.min, "A time-out lasts at least 20 minutes.")
  .max(TIME_OUT_MINUTES.max, "A time-out lasts at most a day.");
const bare = <T extends string>(type: T) => z.object({ type: z.literal(type) }).strict();

/**
 * One speak-and-listen event (app/lib/exercise.ts). `end-chunk` and `submit` carry the draft as
 * the sender sees it: the server moves its own copy only when the two agree, so nothing typed
 * just before the click is lost on the way.
 */
export const exerciseEventSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("propose"),
      mode: z.enum(EXERCISE_MODES),
      topic: z.string().max(TOPIC_MAX_LENGTH, "Please keep the topic short.").default(""),
      firstSpeaker: z.uuid(),
    })
    .strict(),
  bare("accept"),
  bare("decline"),
  z.object({ type: z.literal("end-chunk"), text: z.string().max(HARD_LIMITS.textLength) }).strict(),
  z.object({ type: z.literal("submit"), text: z.string().max(HARD_LIMITS.textLength) }).strict(),
  bare("confirm"),
  bare("correct"),
  bare("pass"),
  bare("no-more"),
  z.object({ type: z.literal("time-out"), minutes }).strict(),
  z.object({ type: z.literal("counter"), minutes }).strict(),
  bare("ready"),
  bare("hold"),
  bare("resume"),
  z.object({ type: z.literal("assign"), to: z.uuid() }).strict(),
  z.object({ type: z.literal("timer-set"), seconds: z.number().int().min(TIMER_SECONDS.min).max(TIMER_SECONDS.max).nullable() }).strict(),
  bare("timer-pause"),
  bare("timer-resume"),
  z
    .object({
      type: z.literal("park"),
      text: z.string().trim().min(1, "Write the idea first.").max(AGENDA_TEXT_MAX_LENGTH, "Please keep it under 500 characters."),
    })
    .strict(),
  bare("end"),
  bare("keep"),
  bare("discard"),
]);
export type ExerciseCommand = z.infer<typeof exerciseEventSchema>;

export const commandSchemas = {
  "room:join": z.object({ roomId: roomIdSchema }).strict(),
  "room:leave": z.object({ roomId: roomIdSchema }).strict(),
  /** Agree to an item's wording, named by the hash of the content one read. */
  "agreement:consent": z.object({ roomId: roomIdSchema, itemId, hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  "agreement:withdraw": z.object({ roomId: roomIdSchema, itemId }).strict(),
  "agreement:start-review": z.object({ roomId: roomIdSchema, itemId }).strict(),
  "agreement:review": z.object({ roomId: roomIdSchema, itemId, decision: z.enum(["keep", "retire"]) }).strict(),
  "agreement:comment": z.object({ roomId: roomIdSchema, itemId, text: z.string().trim().min(1, "Please write something first.").max(1000, "Please keep a comment under 1,000 characters.") }).strict(),
  "agreement:delete-comment": z.object({ roomId: roomIdSchema, commentId: z.uuid() }).strict(),
  "agreement:propose-signing": z.object({ roomId: roomIdSchema }).strict(),
  "agreement:cancel-signing": z.object({ roomId: roomIdSchema }).strict(),
  /** Sign the proposed version (named by its hash), confirming one's password. */
  "agreement:sign": z.object({ roomId: roomIdSchema, hash: z.string().regex(/^[0-9a-f]{64}$/), password: z.string().min(1).max(256) }).strict(),
  /** The therapist witnesses a signed version, confirming their password. */
  "agreement:witness": z.object({ roomId: roomIdSchema, version: z.number().int().min(1), password: z.string().min(1).max(256) }).strict(),
  /** Ask to be told (`dashboard:changed { roomId }`) when one of one's rooms changes. */
  "dashboard:watch": z.object({}).strict(),
  /** Everything in speak and listen: the server checks it against the state machine. */
  "exercise:act": z.object({ roomId: roomIdSchema, event: exerciseEventSchema }).strict(),
  "agenda:remove": z.object({ roomId: roomIdSchema, entryId: z.uuid() }).strict(),
};

export type CommandName = keyof typeof commandSchemas;
export type CommandAck<T = Record<string, unknown>> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: string; message: string } };
