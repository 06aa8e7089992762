/** Request bodies of the HTTP API; the forms use the same schemas to explain mistakes early. */
import { z } from "./zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "That e-mail address is too long.")
  .pipe(z.email("Please enter an e-mail address like name@example.org."));

export const passwordSchema = z
  .string()
  .min(10, "Please use at least 10 characters for your password.")
  .max(256, "Please use at most 256 characters for your password.");

export const nameSchema = z
  .string()
  .trim()
  .min(1, "Please tell us what to call you.")
  .max(80, "Please keep your name under 80 characters.");

export const ACCOUNT_KINDS = ["person", "therapist"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const signUpSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  kind: z.enum(ACCOUNT_KINDS, "Please choose how you will use Mend.").default("person"),
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Please enter your password.").max(256),
});

export const createRoomSchema = z.object({
  title: z.string().trim().min(1, "Please give the room a name.").max(120, "Please keep the name under 120 characters."),
});

export const createInviteSchema = z.object({ role: z.enum(["partner", "therapist"]) });

/**
 * Room ids are compared as strings in memory (live rooms, presence, socket.io rooms) but as
 * uuids by PostgreSQL, which ignores case: one spelling only, or one room could be open twice.
 */
export const roomIdSchema = z.uuid().transform((id) => id.toLowerCase());

/** 32 random bytes in base64url: 43 characters. */
export const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export type SignUpInput = z.infer<typeof signUpSchema>;

export const versionParamsSchema = z.object({ roomId: roomIdSchema, version: z.coerce.number().int().min(1).max(1_000_000) });

export const CHECK_IN_OUTCOMES = ["kept", "partly", "not_yet"] as const;

/** A day as the person's own calendar has it; the server accepts yesterday to tomorrow (UTC). */
export const checkInSchema = z.object({
  itemId: z.string().min(1).max(64),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Please give the day as YYYY-MM-DD."),
  outcome: z.enum(CHECK_IN_OUTCOMES),
  note: z.string().trim().max(500, "Please keep the note under 500 characters.").optional(),
});
