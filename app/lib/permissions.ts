/**
 * Who may do what in a room: one table, checked by every route handler and socket command.
 * Non-members may do nothing; that is checked before this table is consulted.
 */
export type Role = "partner" | "therapist";

export const ACTIONS = [
  "room:enter",
  "agreement:edit",
  "agreement:consent",
  "agreement:comment",
  "exercise:act",
  "agenda:edit",
  "agreement:witness",
  "member:remove-therapist",
  "access-log:read",
  "notes:write",
  "sessions:read",
  "invite:create:partner",
  "invite:create:therapist",
  "invite:list",
  "invite:revoke",
] as const;

export type Action = (typeof ACTIONS)[number];

const TABLE: Record<Action, readonly Role[]> = {
  "room:enter": ["partner", "therapist"],
  // The therapist's own features (comments, moderation, notes) come with the therapist issue.
  "agreement:edit": ["partner"],
  "agreement:consent": ["partner"],
  // Comments are the therapist's way into the agreement; they never change its wording.
  "agreement:comment": ["partner", "therapist"],
  // Who may do what at each point of speak and listen is the exercise's own table (exercise.ts).
  "exercise:act": ["partner", "therapist"],
  // Ideas parked during speak and listen; anyone in the room may park one or clear it away.
  "agenda:edit": ["partner", "therapist"],
  // A therapist may add a witness signature to a signed version; it never changes the version.
  "agreement:witness": ["therapist"],
  // The partners are in control: either can end a therapist's access at any time.
  "member:remove-therapist": ["partner"],
  "access-log:read": ["partner"],
  // Private notes are the therapist's own; even within the therapist role, only their author reads them.
  "notes:write": ["therapist"],
  // When sessions happened and who attended (no content).
  "sessions:read": ["partner", "therapist"],
  // Partners decide who joins their room. A therapist may bring in the second partner, which is
  // how a clinic sets up a room for a couple; only partners decide about a therapist.
  "invite:create:partner": ["partner", "therapist"],
  "invite:create:therapist": ["partner"],
  "invite:list": ["partner", "therapist"],
  "invite:revoke": ["partner", "therapist"],
};

export function can(role: Role | null | undefined, action: Action): boolean {
  return role != null && TABLE[action].includes(role);
}

/** At most two partners in a room. */
export const MAX_PARTNERS = 2;
