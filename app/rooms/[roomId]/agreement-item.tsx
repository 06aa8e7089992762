"use client";

import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import * as Y from "yjs";
import {
  CATEGORIES,
  hashItemContent,
  isReadyForConsent,
  isReviewDue,
  parseStatusRecord,
  type ReviewDecision,
  STATUS_LABEL,
  type ItemStatusRecord,
} from "@/app/lib/agreement";
import { can, type Role } from "@/app/lib/permissions";
import {
  agreementStatus,
  type AgreementItemMap,
  type AgreementItemView,
  LIMITS,
  needsMap,
  readItem,
  removeAgreementItem,
  type TextField,
  textField,
} from "@/app/lib/room-doc";
import { type CheckIn, CheckInPanel, localDay } from "./check-ins";
import { CommentsPanel } from "./comments";
import { ItemHistory } from "./item-history";
import { SharedTextarea } from "./shared-textarea";
import type { LiveRoom } from "./use-live-room";
import { GentleAlert } from "@/app/components/gentle-alert";

export interface Member {
  userId: string;
  name: string;
  role: Role;
}

/** Re-renders when anything inside the item changes; returns a plain view of it. */
function useItemView(item: AgreementItemMap): AgreementItemView | null {
  const cache = useRef<{ version: number; view: AgreementItemView | null }>({ version: -1, view: null });
  const version = useRef(0);
  return useSyncExternalStore(
    (notify) => {
      const handler = () => {
        version.current++;
        notify();
      };
      item.observeDeep(handler);
      return () => item.unobserveDeep(handler);
    },
    () => {
      if (cache.current.version !== version.current) cache.current = { version: version.current, view: readItem(item) };
      return cache.current.view;
    },
    () => null,
  );
}

function useStatus(doc: Y.Doc, itemId: string): ItemStatusRecord {
  const [record, setRecord] = useState(() => parseStatusRecord(agreementStatus(doc).get(itemId)));
  useEffect(() => {
    const map = agreementStatus(doc);
    const read = (event?: Y.YMapEvent<unknown>) => {
      if (!event || event.keysChanged.has(itemId)) setRecord(parseStatusRecord(map.get(itemId)));
    };
    map.observe(read);
    return () => map.unobserve(read);
  }, [doc, itemId]);
  return record;
}

/** The hash of the wording as it is on screen now; consent is given to exactly this. */
function useContentHash(view: AgreementItemView | null): string | null {
  const [hash, setHash] = useState<{ of: AgreementItemView; hash: string } | null>(null);
  useEffect(() => {
    if (!view) return;
    let cancelled = false;
    void hashItemContent(view).then((h) => {
      if (!cancelled) setHash({ of: view, hash: h });
    });
    return () => {
      cancelled = true;
    };
  }, [view]);
  return view && hash?.of === view ? hash.hash : null;
}

interface Props {
  roomId: string;
  item: AgreementItemMap;
  number: number;
  room: LiveRoom;
  me: Member;
  partners: Member[];
  canEdit: boolean;
  autoFocus: boolean;
  checkIns: CheckIn[];
  onCheckIn(): void;
}

const FIELD_LABELS: Record<Exclude<TextField, "commitment">, { label: string; hint: string }> = {
  transparency: { label: "What is shared", hint: "What will be open to the other, e.g. who I am in touch with." },
  exclusions: { label: "What stays private", hint: "What is not part of this, so openness does not become watching." },
  frequency: { label: "How often", hint: "e.g. every evening; when asked." },
  taper: { label: "When it eases", hint: "e.g. reduced after 90 days, if we both feel ready." },
  ifBroken: { label: "If it slips", hint: "How we repair it: telling soon, talking it through. Never punishment." },
};

export function AgreementItemCard({ roomId, item, number, room, me, partners, canEdit, autoFocus, checkIns, onCheckIn }: Props) {
  const view = useItemView(item);
  const doc = room.doc!;
  const record = useStatus(doc, view?.id ?? "");
  const hash = useContentHash(view);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const wrapper = useRef<HTMLLIElement>(null);

  useEffect(() => {
    if (autoFocus) wrapper.current?.querySelector("textarea")?.focus();
  }, [autoFocus]);

  if (!view || !room.provider) return null;
  const itemId = view.id;
  const awareness = room.provider.awareness;
  const other = partners.find((p) => p.userId !== me.userId);
  const mine = record.consents[me.userId];
  const myConsentIsCurrent = Boolean(mine && hash && mine.hash === hash);
  const theirs = other ? record.consents[other.userId] : undefined;
  const theirConsentIsCurrent = Boolean(theirs && hash && theirs.hash === hash);
  const agreed = record.status === "agreed";
  const isPartner = me.role === "partner";
  const setValue = (key: string, value: string | boolean) => doc.transact(() => item.set(key, value));

  const send = async (event: string, extra: Record<string, unknown> = {}) => {
    setPending(true);
    setError(null);
    const ack = await room.command(event, { roomId, itemId, ...extra });
    setPending(false);
    if (!ack.ok) setError(ack.error.message);
  };
  const reviewDue = isReviewDue(view, record, localDay());
  const underReview = record.status === "under_review";
  const myDecision = record.review?.decisions[me.userId];
  const theirDecision = other ? record.review?.decisions[other.userId] : undefined;
  const DECISION_TEXT: Record<ReviewDecision, string> = { keep: "keep it", retire: "retire it" };

  const textArea = (field: TextField, label: string, hint?: string) => {
    const text = textField(item, field);
    if (!text) return null;
    return (
      <div className="space-y-1">
        <label htmlFor={`${field}-${itemId}`} className="text-sm font-medium">
          {label}
        </label>
        {hint ? <p className="text-xs text-stone-600 dark:text-stone-400">{hint}</p> : null}
        <SharedTextarea
          id={`${field}-${itemId}`}
          itemId={`${itemId}:${field}`}
          text={text}
          awareness={awareness}
          peers={room.peers}
          label={label}
          maxLength={LIMITS.commitmentLength}
          disabled={!canEdit}
          placeholder=""
        />
      </div>
    );
  };

  const needs = needsMap(item);
  const myNeed = needs?.get(me.userId);

  return (
    <li ref={wrapper} className="card space-y-3" data-testid="agreement-item" data-status={record.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold">
          <label htmlFor={`commitment-${itemId}`}>Commitment {number}</label>
          <span className="ml-2 text-sm font-normal text-stone-600 dark:text-stone-400">
            {CATEGORIES[view.category as keyof typeof CATEGORIES] ?? CATEGORIES.other}
          </span>
        </h3>
        <span
          data-testid="item-status"
          className={`rounded-full border px-3 py-1 text-sm ${agreed ? "border-emerald-700 text-emerald-800 dark:text-emerald-300" : "border-stone-400"}`}
        >
          {agreed ? "✓ " : ""}
          {STATUS_LABEL[record.status]}
        </span>
      </div>
      {reviewDue ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-sky-50 p-2 text-sm text-sky-950 dark:bg-sky-950 dark:text-sky-50" data-testid="review-due">
          <span>Its review date has come ({view.reviewDate}). Is it still right for you both?</span>
          {isPartner && canEdit ? (
            <button type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} onClick={() => void send("agreement:start-review")}>
              Start the review
            </button>
          ) : null}
        </div>
      ) : null}
      {underReview ? (
        <div className="space-y-2 rounded-lg bg-sky-50 p-3 text-sm text-sky-950 dark:bg-sky-950 dark:text-sky-50" data-testid="review">
          <p>
            This commitment is being reviewed. Each of you chooses to keep it or retire it; or change its wording above, and
            you will both agree to the new one.
          </p>
          <p aria-live="polite">
            {myDecision ? `You chose to ${DECISION_TEXT[myDecision]}.` : isPartner ? "You have not chosen yet." : ""}{" "}
            {other ? (theirDecision ? `${other.name} chose to ${DECISION_TEXT[theirDecision]}.` : `${other.name} has not chosen yet.`) : ""}
            {myDecision && theirDecision && myDecision !== theirDecision ? " You chose differently; talk it through, and either of you can change your choice." : ""}
          </p>
          {isPartner && canEdit ? (
            <div className="flex flex-wrap gap-2">
              <button type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} aria-pressed={myDecision === "keep"} onClick={() => void send("agreement:review", { decision: "keep" })}>
                Keep it as it is
              </button>
              <button type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} aria-pressed={myDecision === "retire"} onClick={() => void send("agreement:review", { decision: "retire" })}>
                Retire it
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {record.changedSinceConsent && !agreed ? (
        <p className="rounded-lg bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="changed-since">
          Changed since you agreed. Please read it again; it needs both of you to agree to the new wording.
        </p>
      ) : null}

      <SharedTextarea
        id={`commitment-${itemId}`}
        itemId={`${itemId}:commitment`}
        text={textField(item, "commitment")!}
        awareness={awareness}
        peers={room.peers}
        label={`Commitment ${number}`}
        maxLength={LIMITS.commitmentLength}
        disabled={!canEdit}
      />

      <details
        className="rounded-lg border border-stone-200 p-3 dark:border-stone-700"
        onToggle={(e) => {
          setDetailsOpen((e.target as HTMLDetailsElement).open);
          // One's own need statement is created when first opened (an empty one changes nothing).
          if ((e.target as HTMLDetailsElement).open && canEdit && isPartner && needs && !needs.has(me.userId)) {
            doc.transact(() => needs.set(me.userId, new Y.Text()));
          }
        }}
      >
        <summary className="cursor-pointer font-medium">Details: who, why, what is shared, dates</summary>
        <div className="mt-3 grid gap-4">
          <div className="grid gap-3 sm:grid-cols-2">
            <label className="space-y-1 text-sm font-medium">
              <span className="block">Area</span>
              <select className="field" value={view.category} disabled={!canEdit} onChange={(e) => setValue("category", e.target.value)}>
                {Object.entries(CATEGORIES).map(([key, label]) => (
                  <option key={key} value={key}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label className="space-y-1 text-sm font-medium">
              <span className="block">Who commits</span>
              <select className="field" value={view.committer} disabled={!canEdit} onChange={(e) => setValue("committer", e.target.value)}>
                <option value="both">Both of us</option>
                {partners.map((p) => (
                  <option key={p.userId} value={p.userId}>
                    {p.userId === me.userId ? `Me (${p.name})` : p.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="h-5 w-5" checked={view.reciprocal} disabled={!canEdit} onChange={(e) => setValue("reciprocal", e.target.checked)} />
            We make the same commitment to each other
          </label>
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium">Why it matters</legend>
            {isPartner && myNeed instanceof Y.Text ? (
              <div className="space-y-1">
                <label htmlFor={`need-${itemId}`} className="text-sm">
                  My need: “I need this because…” (only you can write this)
                </label>
                <SharedTextarea
                  id={`need-${itemId}`}
                  itemId={`${itemId}:need`}
                  text={myNeed}
                  awareness={awareness}
                  peers={room.peers}
                  label="My need"
                  maxLength={LIMITS.commitmentLength}
                  disabled={!canEdit}
                  placeholder="I need this because…"
                />
              </div>
            ) : null}
            {partners
              .filter((p) => p.userId !== me.userId)
              .map((p) => (
                <div key={p.userId} className="text-sm">
                  <p className="font-medium">{p.name}’s need</p>
                  <p className="whitespace-pre-wrap text-stone-700 dark:text-stone-300">
                    {view.needs[p.userId]?.trim() || `${p.name} has not written one yet.`}
                  </p>
                </div>
              ))}
          </fieldset>
          {(["transparency", "exclusions", "frequency", "taper", "ifBroken"] as const).map((field) => (
            <div key={field}>{textArea(field, FIELD_LABELS[field].label, FIELD_LABELS[field].hint)}</div>
          ))}
          <div className="grid gap-3 sm:grid-cols-2">
            <label className="space-y-1 text-sm font-medium">
              <span className="block">Starts on</span>
              <input type="date" className="field" value={view.startDate} disabled={!canEdit} onChange={(e) => setValue("startDate", e.target.value)} />
            </label>
            <label className="space-y-1 text-sm font-medium">
              <span className="block">We review it on</span>
              <input type="date" className="field" value={view.reviewDate} disabled={!canEdit} onChange={(e) => setValue("reviewDate", e.target.value)} />
            </label>
          </div>
          {detailsOpen ? (
            <ItemHistory
              roomId={roomId}
              itemId={itemId}
              createdBy={partners.find((p) => p.userId === view.createdBy)?.name ?? "a partner"}
              createdAt={view.createdAt}
              version={`${record.status}:${Object.keys(record.consents).join(",")}:${Object.keys(record.review?.decisions ?? {}).join(",")}`}
            />
          ) : null}
        </div>
      </details>

      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-stone-200 pt-3 dark:border-stone-700">
        <p aria-live="polite" className="text-sm" data-testid="consent-summary">
          {record.status === "retired"
            ? "You both chose to retire this commitment. It stays here for reference and is left out of the next signed version."
            : underReview
              ? "You both agreed to this wording; it is being reviewed."
              : agreed
            ? "You both agreed to this wording."
            : [
                myConsentIsCurrent ? "You agreed to this wording." : isPartner ? "You have not agreed yet." : null,
                other ? (theirConsentIsCurrent ? `${other.name} agreed to this wording.` : `${other.name} has not agreed yet.`) : "Your partner has not joined yet.",
              ]
                .filter(Boolean)
                .join(" ")}
        </p>
        {isPartner && canEdit ? (
          <div className="flex flex-wrap gap-2">
            {underReview || record.status === "retired" ? null : myConsentIsCurrent ? (
              <button type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} onClick={() => void send("agreement:withdraw")}>
                Take back my agreement
              </button>
            ) : (
              <button
                type="button"
                className="btn-primary min-h-10 text-sm"
                disabled={pending || !hash || !isReadyForConsent(view) || !other}
                onClick={() => void send("agreement:consent", { hash })}
              >
                I agree to this wording
              </button>
            )}
            {agreed || underReview ? null : confirmingRemove ? (
              <span className="flex items-center gap-2 text-sm">
                Remove for both of you?
                <button type="button" className="btn-quiet min-h-10" onClick={() => removeAgreementItem(doc, itemId)}>
                  Remove
                </button>
                <button type="button" className="btn-quiet min-h-10" onClick={() => setConfirmingRemove(false)}>
                  Keep it
                </button>
              </span>
            ) : (
              <button type="button" className="btn-quiet min-h-10 text-sm" onClick={() => setConfirmingRemove(true)}>
                Remove
              </button>
            )}
          </div>
        ) : null}
      </div>
      <GentleAlert>{error}</GentleAlert>
      <CommentsPanel roomId={roomId} itemId={itemId} room={room} me={me} canComment={can(me.role, "agreement:comment") && room.connection === "connected"} />
      {agreed || checkIns.length > 0 ? (
        <CheckInPanel roomId={roomId} itemId={itemId} me={me} partners={partners} checkIns={checkIns} onRecorded={onCheckIn} />
      ) : null}
    </li>
  );
}
