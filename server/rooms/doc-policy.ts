/**
 * The write policy's questions about one live room's doc, answered when a rule asks them: an
 * edit to the agreement never reads the exercise's state, and nothing is built per edit.
 */
import type * as Y from "yjs";
import { isLocked, type ItemStatusRecord } from "@/app/lib/agreement";
import { canWriteDraft, type DraftName, type ExerciseState, readExerciseState } from "@/app/lib/exercise";
import { agreementStatus, exerciseSection } from "@/app/lib/room-doc";
import type { PolicyContext } from "@/app/lib/write-policy";

export class DocPolicyContext implements PolicyContext {
  /** The exercise state last read, and the stored value it was read from (a new value, a new read). */
  private exercise: { value: unknown; state: ExerciseState | null } = { value: undefined, state: null };

  constructor(private readonly doc: Y.Doc) {}

  isItemLocked(itemId: string): boolean {
    return isLocked(agreementStatus(this.doc).get(itemId) as ItemStatusRecord | undefined);
  }

  canWriteDraft(userId: string, draft: DraftName): boolean {
    // An update may hold thousands of draft changes: the state is checked once per stored value.
    const value = exerciseSection(this.doc).get("state");
    if (value !== this.exercise.value) this.exercise = { value, state: readExerciseState(value) };
    return canWriteDraft(this.exercise.state, userId, draft);
  }
}
