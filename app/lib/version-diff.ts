/**
 * What changed between two signed versions: items added, removed and changed, and inside
 * changed texts, which words. Items are matched by id; texts are short, so a word-level LCS is
 * cheap (a 2,000-character text is a few hundred words).
 */
import type { VersionContent, VersionItem } from "./agreement-version";

export type WordPart = { kind: "same" | "added" | "removed"; text: string };

export interface FieldChange {
  field: keyof VersionItem | `need:${string}`;
  before: string;
  after: string;
  words: WordPart[];
}

export interface VersionDiff {
  added: VersionItem[];
  removed: VersionItem[];
  changed: Array<{ before: VersionItem; after: VersionItem; fields: FieldChange[] }>;
  unchanged: number;
}

/** Words and the whitespace after them, so joining the parts gives the text back. */
function tokens(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function diffWords(before: string, after: string): WordPart[] {
  const a = tokens(before);
  const b = tokens(after);
  // lengths[i][j]: LCS of a[i..] and b[j..]
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i]!.trim() === b[j]!.trim() ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const parts: WordPart[] = [];
  const push = (kind: WordPart["kind"], text: string) => {
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]!.trim() === b[j]!.trim()) {
      push("same", b[j]!);
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) push("removed", a[i++]!);
    else push("added", b[j++]!);
  }
  while (i < a.length) push("removed", a[i++]!);
  while (j < b.length) push("added", b[j++]!);
  return parts;
}

const FIELDS: Array<keyof VersionItem> = [
  "category",
  "commitment",
  "committer",
  "reciprocal",
  "transparency",
  "exclusions",
  "frequency",
  "startDate",
  "reviewDate",
  "taper",
  "ifBroken",
];

function fieldChanges(before: VersionItem, after: VersionItem): FieldChange[] {
  const changes: FieldChange[] = [];
  const add = (field: FieldChange["field"], x: string, y: string) => {
    if (x !== y) changes.push({ field, before: x, after: y, words: diffWords(x, y) });
  };
  for (const field of FIELDS) add(field, String(before[field] ?? ""), String(after[field] ?? ""));
  for (const userId of new Set([...Object.keys(before.needs), ...Object.keys(after.needs)])) {
    add(`need:${userId}`, before.needs[userId] ?? "", after.needs[userId] ?? "");
  }
  return changes;
}

export function diffVersions(before: VersionContent, after: VersionContent): VersionDiff {
  const old = new Map(before.items.map((i) => [i.id, i]));
  const now = new Map(after.items.map((i) => [i.id, i]));
  const diff: VersionDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const item of after.items) {
    const was = old.get(item.id);
    if (!was) diff.added.push(item);
    else {
      const fields = fieldChanges(was, item);
      if (fields.length > 0) diff.changed.push({ before: was, after: item, fields });
      else diff.unchanged++;
    }
  }
  for (const item of before.items) if (!now.has(item.id)) diff.removed.push(item);
  return diff;
}
