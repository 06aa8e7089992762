import type { ReactNode } from "react";
import { KIND_FIELDS, type PrivateKind } from "@/app/lib/private-space";

export interface PrivateItem {
  id: string;
  kind: PrivateKind;
  respondsTo: string | null;
  fields: Record<string, string>;
  ownerId: string;
  ownerName: string;
  /** Whom the author shares it with (only in the author's own view). */
  sharedWith: string[];
  updatedAt: string;
}

/** An item someone shared with the reader: read only, in their words. */
export function SharedItem({ item, children }: { item: PrivateItem; children?: ReactNode }) {
  return (
    <article className="space-y-2 rounded-lg border border-stone-200 p-3 dark:border-stone-700" data-testid="shared-item">
      <h3 className="font-medium">
        {KIND_FIELDS[item.kind].title}, from {item.ownerName}
      </h3>
      <dl className="space-y-1">
        {KIND_FIELDS[item.kind].fields
          .filter((f) => (item.fields[f.name] ?? "").trim() !== "")
          .map((f) => (
            <div key={f.name}>
              <dt className="text-sm text-stone-600 dark:text-stone-400">{f.label}</dt>
              <dd className="whitespace-pre-wrap">{item.fields[f.name]}</dd>
            </div>
          ))}
      </dl>
      {children}
    </article>
  );
}
