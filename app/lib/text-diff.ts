/**
 * The smallest single edit that turns `before` into `after` (a textarea reports the new value,
 * not the keystroke), and how an index moves under a Y.Text delta.
 */
export interface TextEdit {
  index: number;
  remove: number;
  insert: string;
}

export function diffText(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { index: start, remove: endBefore - start, insert: after.slice(start, endAfter) };
}

/**
 * Like diffText, but anchored on where the caret ended up: typing "a" at the start of "aa" is an
 * insert at 0, not at 2. Falls back to diffText when the caret does not fit the change.
 */
export function diffAtCaret(before: string, after: string, caret: number): TextEdit | null {
  if (before === after) return null;
  const suffix = after.length - caret;
  if (caret < 0 || suffix < 0 || suffix > before.length || !before.endsWith(after.slice(caret))) return diffText(before, after);
  const beforeEnd = before.length - suffix;
  const max = Math.min(beforeEnd, caret);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  return { index: start, remove: beforeEnd - start, insert: after.slice(start, caret) };
}

/** Shortens an edit's insertion so the text stays within `max`; never removes anyone else's text. */
export function fitEdit(edit: TextEdit, currentLength: number, max: number): TextEdit {
  const room = Math.max(0, max - (currentLength - edit.remove));
  return edit.insert.length > room ? { ...edit, insert: edit.insert.slice(0, room) } : edit;
}

export type Delta = Array<{ retain?: number; insert?: unknown; delete?: number }>;

/**
 * Where a caret at `index` ends up after a remote change. `pos` walks the old text; text
 * inserted exactly at the caret goes after it, so one's own caret is not pushed by the other.
 */
export function transformIndex(index: number, delta: Delta): number {
  let pos = 0;
  let result = index;
  for (const op of delta) {
    if (pos > index) break;
    if (op.retain !== undefined) pos += op.retain;
    else if (op.insert !== undefined) {
      if (pos < index) result += typeof op.insert === "string" ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      const removedBeforeCaret = Math.min(op.delete, Math.max(0, index - pos));
      result -= removedBeforeCaret;
      pos += op.delete;
    }
  }
  return Math.max(0, result);
}
