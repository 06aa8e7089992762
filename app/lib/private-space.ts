/**
 * A partner's private space: what each kind of item asks, and who may see an item. Shared by the
 * server (which enforces it on every response) and the pages (which show the same rule). The
 * request schemas are in private-space-input.ts, so pages do not carry zod.
 */
import type { Role } from "./permissions";

export const PRIVATE_KINDS = ["acknowledgment", "response", "apology", "reflection"] as const;
export type PrivateKind = (typeof PRIVATE_KINDS)[number];

interface FieldSpec {
  name: string;
  label: string;
  hint: string;
}

/** The questions each kind asks, in order. Gentle, and without a score anywhere. */
export const KIND_FIELDS: Record<PrivateKind, { title: string; fields: FieldSpec[] }> = {
  acknowledgment: {
    title: "Acknowledging what happened",
    fields: [
      { name: "happened", label: "What happened", hint: "Plainly, in your own words." },
      { name: "impact", label: "What it did to my partner", hint: "The hurt, as you understand it now." },
      { name: "responsibility", label: "What I take responsibility for", hint: "Without explaining it away or justifying it." },
    ],
  },
  response: {
    title: "What is still missing for me",
    fields: [{ name: "missing", label: "What is still missing for me", hint: "What you still need to hear or understand." }],
  },
  apology: {
    title: "An apology",
    fields: [
      { name: "acknowledge", label: "I acknowledge", hint: "What I did." },
      { name: "impact", label: "The impact", hint: "How it hurt you." },
      { name: "responsibility", label: "I take responsibility", hint: "It was my choice." },
      { name: "commitment", label: "My commitment", hint: "What I promise now." },
      { name: "differently", label: "What I will do differently", hint: "Concretely, from now on." },
    ],
  },
  reflection: {
    title: "A reflection on forgiveness",
    fields: [{ name: "reflection", label: "My reflection", hint: "Forgiveness is not forgetting, and it takes the time it takes." }],
  },
};

export const PRIVATE_TEXT_MAX = 5_000;

export interface Visibility {
  ownerId: string;
  /** User ids it is shared with now. */
  sharedWith: readonly string[];
}

/**
 * The one rule: its author always; anyone else only while it is shared with them by name (a
 * therapist who joins later does not inherit what was shared with another). Being a member of
 * the room is checked before this.
 */
export function canSee(item: Visibility, viewer: { userId: string; role: Role }): boolean {
  return viewer.userId === item.ownerId || item.sharedWith.includes(viewer.userId);
}
