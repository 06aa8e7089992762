/**
 * The write policy's questions about one live room's doc, answered when a rule asks them: an
 * edit to the agreement never reads the exercise's state, and nothing is built per edit.
 */
import type * as Y from "yjs";
import { isLocked, type ItemStatusRecord } from "@/app/lib/agreement";
import { canWriteDraft, type DraftName } from "@/app/lib/exercise";
import { agreementStatus } from "@/app/lib/room-doc";
import type { PolicyContext } from "@/app/lib/write-policy";
import { docExerciseState } from "./exercise-doc";

export class DocPolicyContext implements PolicyContext {
  constructor(private readonly doc: Y.Doc) {}

  isItemLocked(itemId: string): boolean {
    return isLocked(agreementStatus(this.doc).get(itemId) as ItemStatusRecord | undefined);
  }

  canWriteDraft(userId: string, draft: DraftName): boolean {
    return canWriteDraft(docExerciseState(this.doc), userId, draft);
  }
}
