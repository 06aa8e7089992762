/**
 * The boundary agreement's rules, shared by the browser (to show them) and the server (to apply
 * them): an item is agreed only when both partners have consented to its current wording.
 * Consent is given to a hash of the item's content; any change to the content clears it.
 */
import type { AgreementItemView } from "./room-doc";

export const CATEGORIES = {
  communication: "Communication",
  transparency: "Transparency and devices",
  "affair-contact": "Contact with the affair partner",
  "talking-limits": "Limits on talking about the affair",
  "time-together": "Time together",
  finances: "Finances",
  "social-work": "Social and work contacts",
  "check-ins": "Check-ins",
  "time-out": "Time-out plan",
  intimacy: "Intimacy",
  "professional-help": "Professional help",
  other: "Other",
} as const;

export type Category = keyof typeof CATEGORIES;

export const ITEM_STATUSES = ["draft", "proposed", "agreed", "under_review", "retired", "paused"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const STATUS_LABEL: Record<ItemStatus, string> = {
  draft: "Draft",
  proposed: "Waiting for the other partner",
  agreed: "Agreed by both",
  under_review: "Under review",
  retired: "Retired",
  paused: "Paused",
};

export interface Consent {
  /** SHA-256 of the canonical content the partner agreed to. */
  hash: string;
  /** When, in ms since the epoch. */
  at: number;
}

export type ReviewDecision = "keep" | "retire";

/** Written by the server only, in the `agreementStatus` section, per item id. */
export interface ItemStatusRecord {
  status: ItemStatus;
  /** Partner's user id → their consent to a wording. */
  consents: Record<string, Consent>;
  /** Set when an edit cleared consents, so both can see "changed since you agreed". */
  changedSinceConsent: boolean;
  /** While under review: who started it, and each partner's choice so far. */
  review?: { startedBy: string; startedAt: number; decisions: Record<string, ReviewDecision> };
}

export const DRAFT: ItemStatusRecord = { status: "draft", consents: {}, changedSinceConsent: false };

/**
 * What consent is given to: every field a partner can change, in a fixed order, as JSON.
 * Not the id's creator or creation time, which nobody edits.
 */
export function canonicalItemContent(item: AgreementItemView): string {
  // An empty need statement is no statement: opening one's own field must not change the hash.
  const needs = Object.keys(item.needs)
    .sort()
    .map((userId) => [userId, item.needs[userId]!.trim()])
    .filter(([, need]) => need !== "");
  return JSON.stringify([
    item.id,
    item.category,
    item.commitment.trim(),
    item.committer,
    item.reciprocal,
    needs,
    item.transparency.trim(),
    item.exclusions.trim(),
    item.frequency.trim(),
    item.startDate,
    item.reviewDate,
    item.taper.trim(),
    item.ifBroken.trim(),
  ]);
}

/** SHA-256 hex with Web Crypto, the same in the browser and in Node. */
export async function hashItemContent(item: AgreementItemView): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalItemContent(item));
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isReadyForConsent(item: AgreementItemView): boolean {
  return item.commitment.trim().length > 0;
}

/** A partner agrees to the wording with this hash. Agreed once every partner has, to the same. */
export function afterConsent(record: ItemStatusRecord, userId: string, hash: string, partnerIds: readonly string[], now: number): ItemStatusRecord {
  const consents = { ...record.consents, [userId]: { hash, at: now } };
  const all = partnerIds.length === 2 && partnerIds.every((id) => consents[id]?.hash === hash);
  return { status: all ? "agreed" : "proposed", consents, changedSinceConsent: false };
}

export function afterWithdraw(record: ItemStatusRecord, userId: string): ItemStatusRecord {
  const consents = { ...record.consents };
  delete consents[userId];
  const status: ItemStatus = Object.keys(consents).length > 0 ? "proposed" : "draft";
  return { status, consents, changedSinceConsent: record.changedSinceConsent };
}

/** The content now hashes to `currentHash`: any consent to another wording no longer counts. */
export function afterEdit(record: ItemStatusRecord, currentHash: string): ItemStatusRecord {
  const stale = Object.values(record.consents).some((c) => c.hash !== currentHash);
  if (!stale) return record;
  return { status: "draft", consents: {}, changedSinceConsent: true };
}

/** Items that may not simply be removed: agreed ones and those under review (they are retired through a review). */
export function isLocked(record: ItemStatusRecord | undefined): boolean {
  return record?.status === "agreed" || record?.status === "under_review";
}

/** An agreed item whose review date has come (`today` as YYYY-MM-DD in the reader's calendar). */
export function isReviewDue(item: Pick<AgreementItemView, "reviewDate">, record: ItemStatusRecord, today: string): boolean {
  return record.status === "agreed" && item.reviewDate !== "" && item.reviewDate <= today;
}

/** Either partner reopens an agreed item; the consents stay until someone changes the wording. */
export function afterStartReview(record: ItemStatusRecord, userId: string, now: number): ItemStatusRecord {
  return { ...record, status: "under_review", review: { startedBy: userId, startedAt: now, decisions: {} } };
}

/**
 * Each partner chooses to keep or retire it. Both keep: agreed again. Both retire: retired.
 * Different choices: still under review, until they talk it through (or change the wording,
 * which sends it back to a draft to agree on).
 */
export function afterReviewDecision(record: ItemStatusRecord, userId: string, decision: ReviewDecision, partnerIds: readonly string[]): ItemStatusRecord {
  const decisions = { ...(record.review?.decisions ?? {}), [userId]: decision };
  const all = (d: ReviewDecision) => partnerIds.length === 2 && partnerIds.every((id) => decisions[id] === d);
  if (all("keep")) return { status: "agreed", consents: record.consents, changedSinceConsent: false };
  if (all("retire")) return { status: "retired", consents: record.consents, changedSinceConsent: false };
  return { ...record, status: "under_review", review: { ...(record.review ?? { startedBy: userId, startedAt: Date.now() }), decisions } };
}

export function parseStatusRecord(value: unknown): ItemStatusRecord {
  if (!value || typeof value !== "object") return DRAFT;
  const v = value as Partial<ItemStatusRecord>;
  const status = ITEM_STATUSES.includes(v.status as ItemStatus) ? (v.status as ItemStatus) : "draft";
  const record: ItemStatusRecord = {
    status,
    consents: v.consents && typeof v.consents === "object" ? v.consents : {},
    changedSinceConsent: v.changedSinceConsent === true,
  };
  if (status === "under_review" && v.review && typeof v.review === "object") record.review = v.review;
  return record;
}
