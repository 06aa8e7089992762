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

/** Written by the server only, in the `agreementStatus` section, per item id. */
export interface ItemStatusRecord {
  status: ItemStatus;
  /** Partner's user id → their consent to a wording. */
  consents: Record<string, Consent>;
  /** Set when an edit cleared consents, so both can see "changed since you agreed". */
  changedSinceConsent: boolean;
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

/** Items that may not simply be removed: agreed ones (they are retired through a review). */
export function isLocked(record: ItemStatusRecord | undefined): boolean {
  return record?.status === "agreed";
}

export function parseStatusRecord(value: unknown): ItemStatusRecord {
  if (!value || typeof value !== "object") return DRAFT;
  const v = value as Partial<ItemStatusRecord>;
  const status = ITEM_STATUSES.includes(v.status as ItemStatus) ? (v.status as ItemStatus) : "draft";
  return { status, consents: v.consents && typeof v.consents === "object" ? v.consents : {}, changedSinceConsent: v.changedSinceConsent === true };
}
