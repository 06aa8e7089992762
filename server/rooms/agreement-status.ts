/**
 * The server's side of the agreement's status section: the same rules as app/lib/agreement.ts,
 * applied to a live room's doc in server-origin transactions (which clients may never write).
 */
import { createHash } from "node:crypto";
import * as Y from "yjs";
import {
  afterConsent,
  afterEdit,
  afterReviewDecision,
  afterStartReview,
  afterWithdraw,
  canonicalItemContent,
  parseStatusRecord,
  type ItemStatusRecord,
  type ReviewDecision,
} from "@/app/lib/agreement";
import { agreementStatus, findAgreementItem, readAgreement } from "@/app/lib/room-doc";

/** Origin of the server's own writes to a room. */
export const SERVER_ORIGIN = Symbol("mend-server");

/** The same SHA-256 as hashItemContent, synchronously, so no edit can slip in between. */
export function currentHash(doc: Y.Doc, itemId: string): string | null {
  const item = readAgreement(doc).find((i) => i.id === itemId);
  return item ? createHash("sha256").update(canonicalItemContent(item)).digest("hex") : null;
}

export function statusOf(doc: Y.Doc, itemId: string): ItemStatusRecord {
  return parseStatusRecord(agreementStatus(doc).get(itemId));
}

function write(doc: Y.Doc, itemId: string, record: ItemStatusRecord): void {
  doc.transact(() => agreementStatus(doc).set(itemId, record), SERVER_ORIGIN);
}

/**
 * After partners' edits: consents to a wording that is no longer the current one are cleared
 * (visibly: "changed since you agreed"), and removed items lose their status entry.
 */
export function reconcileStatuses(doc: Y.Doc, itemIds: Iterable<string>): void {
  const status = agreementStatus(doc);
  for (const itemId of new Set(itemIds)) {
    if (!status.has(itemId)) continue;
    const hash = findAgreementItem(doc, itemId) ? currentHash(doc, itemId) : null;
    if (hash === null) {
      doc.transact(() => status.delete(itemId), SERVER_ORIGIN);
      continue;
    }
    const before = statusOf(doc, itemId);
    const after = afterEdit(before, hash);
    if (after !== before) write(doc, itemId, after);
  }
}

export type ConsentResult = { ok: true; record: ItemStatusRecord } | { ok: false; code: "not_found" | "conflict"; message: string };

export function applyConsent(doc: Y.Doc, itemId: string, userId: string, hash: string, partnerIds: string[], now = Date.now()): ConsentResult {
  const current = currentHash(doc, itemId);
  if (current === null) return { ok: false, code: "not_found", message: "This item is no longer in the agreement." };
  if (current !== hash) {
    return { ok: false, code: "conflict", message: "The wording changed while you were reading it. Please read it again before you agree." };
  }
  const record = afterConsent(statusOf(doc, itemId), userId, hash, partnerIds, now);
  write(doc, itemId, record);
  return { ok: true, record };
}

export function applyWithdraw(doc: Y.Doc, itemId: string, userId: string): ConsentResult {
  if (!findAgreementItem(doc, itemId)) return { ok: false, code: "not_found", message: "This item is no longer in the agreement." };
  const record = afterWithdraw(statusOf(doc, itemId), userId);
  write(doc, itemId, record);
  return { ok: true, record };
}

export function applyStartReview(doc: Y.Doc, itemId: string, userId: string, now = Date.now()): ConsentResult {
  if (!findAgreementItem(doc, itemId)) return { ok: false, code: "not_found", message: "This item is no longer in the agreement." };
  const before = statusOf(doc, itemId);
  if (before.status !== "agreed") return { ok: false, code: "conflict", message: "Only an agreed item can be reviewed." };
  const record = afterStartReview(before, userId, now);
  write(doc, itemId, record);
  return { ok: true, record };
}

export function applyReviewDecision(doc: Y.Doc, itemId: string, userId: string, decision: ReviewDecision, partnerIds: string[]): ConsentResult {
  if (!findAgreementItem(doc, itemId)) return { ok: false, code: "not_found", message: "This item is no longer in the agreement." };
  const before = statusOf(doc, itemId);
  if (before.status !== "under_review") return { ok: false, code: "conflict", message: "This item is not under review." };
  const record = afterReviewDecision(before, userId, decision, partnerIds);
  write(doc, itemId, record);
  return { ok: true, record };
}
