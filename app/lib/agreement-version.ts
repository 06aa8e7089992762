/**
 * Signed versions of the agreement: what goes in one (the agreed items, in order, and who the
 * partners are), its canonical JSON and hash, and how a version reads as Markdown.
 */
import { CATEGORIES, type ItemStatusRecord } from "./agreement";
import type { AgreementItemView } from "./room-doc";

export interface VersionItem {
  id: string;
  category: string;
  commitment: string;
  committer: string;
  reciprocal: boolean;
  needs: Record<string, string>;
  transparency: string;
  exclusions: string;
  frequency: string;
  startDate: string;
  reviewDate: string;
  taper: string;
  ifBroken: string;
}

export interface VersionContent {
  partners: Array<{ userId: string; name: string }>;
  items: VersionItem[];
}

/** The signing proposal, in the server-only `agreementSigning` section under "proposal". */
export interface SigningProposal {
  hash: string;
  itemIds: string[];
  proposedBy: string;
  proposedAt: number;
  /** Partner's user id → when they signed (ms). */
  signatures: Record<string, number>;
}

/** The newest signed version, under "latest". */
export interface LatestVersion {
  version: number;
  hash: string;
  signedAt: number;
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The items that go into a version: those both partners agreed to, in the agreement's order. */
export function versionContent(
  items: AgreementItemView[],
  statusOf: (itemId: string) => ItemStatusRecord,
  partners: Array<{ userId: string; name: string }>,
): VersionContent {
  const agreed = items.filter((i) => statusOf(i.id).status === "agreed");
  const trimmedNeeds = (needs: Record<string, string>) =>
    Object.fromEntries(Object.entries(needs).flatMap(([k, v]) => (v.trim() ? [[k, v.trim()]] : [])));
  return {
    partners: [...partners].sort((a, b) => a.userId.localeCompare(b.userId)),
    items: agreed.map((i) => ({
      id: i.id,
      category: i.category,
      commitment: i.commitment.trim(),
      committer: i.committer,
      reciprocal: i.reciprocal,
      needs: trimmedNeeds(i.needs),
      transparency: i.transparency.trim(),
      exclusions: i.exclusions.trim(),
      frequency: i.frequency.trim(),
      startDate: i.startDate,
      reviewDate: i.reviewDate,
      taper: i.taper.trim(),
      ifBroken: i.ifBroken.trim(),
    })),
  };
}

/** An item's details as (label, value) pairs, empty ones left out: the page and the Markdown say the same. */
export function versionItemDetails(item: VersionItem, nameOf: (userId: string) => string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ["Who commits", (item.committer === "both" ? "Both of us" : nameOf(item.committer)) + (item.reciprocal ? " (the same commitment to each other)" : "")],
    ...Object.entries(item.needs).map(([userId, need]): [string, string] => [`${nameOf(userId)}’s need`, need]),
    ["What is shared", item.transparency],
    ["What stays private", item.exclusions],
    ["How often", item.frequency],
    ["Starts on", item.startDate],
    ["We review it on", item.reviewDate],
    ["When it eases", item.taper],
    ["If it slips", item.ifBroken],
  ];
  return pairs.filter(([, value]) => value !== "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface SignatureView {
  name: string;
  role: string;
  signedAt: string;
}

/** A version as a Markdown document a couple can keep; the hash lets a copy be checked. */
export function versionToMarkdown(
  content: VersionContent,
  meta: { title: string; version: number; hash: string; createdAt: string; signatures: SignatureView[] },
): string {
  const name = (userId: string) => content.partners.find((p) => p.userId === userId)?.name ?? "A partner";
  const date = (iso: string) => iso.slice(0, 10);
  const lines: string[] = [`# ${meta.title}: our agreement, version ${meta.version}`, "", `Signed on ${date(meta.createdAt)}.`, ""];
  content.items.forEach((item, index) => {
    lines.push(`## ${index + 1}. ${CATEGORIES[item.category as keyof typeof CATEGORIES] ?? CATEGORIES.other}`, "");
    lines.push(item.commitment, "");
    for (const [label, value] of versionItemDetails(item, name)) lines.push(`- **${label}:** ${value}`);
    lines.push("");
  });
  lines.push("## Signatures", "");
  for (const s of meta.signatures) lines.push(`- ${s.name} (${s.role}), ${s.signedAt.replace("T", " ").slice(0, 16)} UTC`);
  lines.push("", `SHA-256 of this version's content: \`${meta.hash}\``, "");
  return lines.join("\n");
}
