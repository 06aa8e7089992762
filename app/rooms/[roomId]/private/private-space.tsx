"use client";

import { useCallback, useEffect, useState } from "react";
import { ConfirmDelete } from "@/app/components/confirm-delete";
import { GentleAlert } from "@/app/components/gentle-alert";
import { useInOrder } from "@/app/components/use-in-order";
import type { Role } from "@/app/lib/permissions";
import { KIND_FIELDS, PRIVATE_TEXT_MAX, type PrivateKind } from "@/app/lib/private-space";
import { type PrivateItem, SharedItem } from "./shared-item";

export type { PrivateItem };

interface Member {
  userId: string;
  name: string;
  role: Role;
}

interface Rating {
  day: string;
  safe: number;
  connected: number;
  note: string | null;
}

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
const localDay = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

async function send(method: string, url: string, body?: unknown): Promise<{ ok: boolean; data: unknown; message: string }> {
  try {
    const res = await fetch(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    const message = (data as { error?: { message?: string } } | null)?.error?.message ?? "That did not work. Please try again.";
    return { ok: res.ok, data, message };
  } catch {
    return { ok: false, data: null, message: "No connection right now. Nothing was lost on this page; please try again." };
  }
}

/** A partner's private space (the therapist sees only what is shared with them). */
export function PrivateSpace({ roomId, me, others }: { roomId: string; me: Member; others: Member[] }) {
  const [items, setItems] = useState<{ mine: PrivateItem[]; sharedWithMe: PrivateItem[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const isPartner = me.role === "partner";

  const load = useCallback(async () => {
    const r = await send("GET", `/api/rooms/${roomId}/private`);
    if (r.ok) setItems(r.data as { mine: PrivateItem[]; sharedWithMe: PrivateItem[] });
    else setError(r.message);
  }, [roomId]);
  useEffect(() => {
    // Fetching from the server is the external system this effect syncs with.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  const start = async (kind: PrivateKind, respondsTo?: string) => {
    const r = await send("POST", `/api/rooms/${roomId}/private`, { kind, fields: {}, ...(respondsTo ? { respondsTo } : {}) });
    if (!r.ok) return setError(r.message);
    await load();
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{isPartner ? "My private space" : "Shared with you"}</h1>
        <p className="text-stone-700 dark:text-stone-300">
          {isPartner
            ? "Only you can see what you write here. You can share one piece at a time with your partner or your therapist, and take it back whenever you like."
            : "What the partners have chosen to share with you. They can take it back at any time."}
        </p>
      </div>
      <GentleAlert>{error}</GentleAlert>
      {items === null ? <p>Opening…</p> : null}
      {items && isPartner
        ? (["acknowledgment", "apology", "reflection"] as const).map((kind) => (
            <section key={kind} className="card space-y-3" aria-labelledby={`kind-${kind}`}>
              <h2 id={`kind-${kind}`} className="text-lg font-semibold">
                {KIND_FIELDS[kind].title}
              </h2>
              {kind === "reflection" ? <p className="text-sm text-stone-600 dark:text-stone-400">Forgiveness is not forgetting. It is yours to give, or not, in your own time.</p> : null}
              {items.mine
                .filter((i) => i.kind === kind)
                .map((item) => (
                  <OwnItem key={item.id} item={item} people={others} onChanged={load} />
                ))}
              <button type="button" className="btn-quiet" onClick={() => void start(kind)}>
                {items.mine.some((i) => i.kind === kind) ? "Start another" : "Start writing"}
              </button>
            </section>
          ))
        : null}
      {items ? (
        <section className="card space-y-3" aria-labelledby="shared-heading" data-testid="shared-with-me">
          <h2 id="shared-heading" className="text-lg font-semibold">
            {isPartner ? "Shared with you" : "Shared by the partners"}
          </h2>
          {items.sharedWithMe.length === 0 ? <p className="text-sm text-stone-600 dark:text-stone-400">Nothing is shared with you right now.</p> : null}
          {items.sharedWithMe.map((item) => (
            <SharedItem key={item.id} item={item}>
              {isPartner && item.kind === "acknowledgment" ? (
                items.mine.some((m) => m.respondsTo === item.id) ? (
                  <p className="text-sm">Your answer is in your private space below, under &ldquo;What is still missing for me&rdquo;.</p>
                ) : (
                  <button type="button" className="btn-quiet" onClick={() => void start("response", item.id)}>
                    Answer with what is still missing for me
                  </button>
                )
              ) : null}
            </SharedItem>
          ))}
          {isPartner
            ? items.mine
                .filter((i) => i.kind === "response")
                .map((item) => <OwnItem key={item.id} item={item} people={others} onChanged={load} />)
            : null}
        </section>
      ) : null}
      <Healing roomId={roomId} isPartner={isPartner} people={others} />
    </div>
  );
}

/** One checkbox per person in the room: sharing is with someone by name, and can be taken back. */
function ShareWith({ people, value, onChange, legend }: { people: Member[]; value: string[]; onChange(next: string[]): void; legend: string }) {
  return (
    <fieldset className="space-y-1 text-sm">
      <legend className="font-medium">{legend}</legend>
      <p>{value.length > 0 ? "Shared. You can take it back at any time." : "Only you."}</p>
      {people.map((p) => (
        <label key={p.userId} className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={value.includes(p.userId)}
            onChange={(e) => onChange(e.target.checked ? [...value, p.userId] : value.filter((id) => id !== p.userId))}
          />
          Share with {p.name}
          {p.role === "therapist" ? " (your therapist)" : ""}
        </label>
      ))}
    </fieldset>
  );
}

function OwnItem({ item, people, onChanged }: { item: PrivateItem; people: Member[]; onChanged(): void }) {
  const [fields, setFields] = useState(item.fields);
  const [saved, setSaved] = useState<string | null>(item.updatedAt);
  const [error, setError] = useState<string | null>(null);
  const [sharing, setSharing] = useState<string[]>(item.sharedWith);
  const inOrder = useInOrder();
  const spec = KIND_FIELDS[item.kind];

  const save = async () => {
    const r = await inOrder(() => send("PUT", `/api/private/${item.id}`, { fields }));
    if (!r.ok) return setError(r.message);
    setError(null);
    setSaved((r.data as { updatedAt: string }).updatedAt);
  };
  const share = async (next: string[]) => {
    const before = sharing;
    setSharing(next); // shown at once; put back if the server did not take it
    const r = await inOrder(() => send("PUT", `/api/private/${item.id}/sharing`, { with: next }));
    if (!r.ok) {
      setSharing(before);
      return setError(r.message);
    }
    setError(null);
  };
  const remove = async () => {
    const r = await send("DELETE", `/api/private/${item.id}`);
    if (!r.ok) return setError(r.message);
    onChanged();
  };

  return (
    <div className="space-y-3 rounded-lg border border-stone-200 p-3 dark:border-stone-700" data-testid="own-item" data-kind={item.kind}>
      {spec.fields.map((f) => (
        <label key={f.name} className="block">
          <span className="block font-medium">{f.label}</span>
          <span className="block text-sm text-stone-600 dark:text-stone-400">{f.hint}</span>
          <textarea
            className="field mt-1 min-h-20"
            maxLength={PRIVATE_TEXT_MAX}
            value={fields[f.name] ?? ""}
            onChange={(e) => {
              setFields((v) => ({ ...v, [f.name]: e.target.value }));
              setSaved(null);
            }}
          />
        </label>
      ))}
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" className="btn-primary" onClick={() => void save()} disabled={saved !== null}>
          Save
        </button>
        <span className="text-sm" aria-live="polite" data-testid="private-save-state">
          {saved ? `Saved ${when(saved)}` : "Not saved yet"}
        </span>
      </div>
      <ShareWith people={people} value={sharing} onChange={(next) => void share(next)} legend="Who can read this" />
      <GentleAlert>{error}</GentleAlert>
      <ConfirmDelete question="Delete this for good?" onDelete={() => void remove()} />
    </div>
  );
}

/** A line chart of the last weeks, with the same facts in words for screen readers. */
function Trend({ ratings, label }: { ratings: Rating[]; label: string }) {
  if (ratings.length === 0) return <p className="text-sm text-stone-600 dark:text-stone-400">No ratings yet.</p>;
  const last = ratings.slice(-30);
  const w = 300;
  const h = 100;
  const x = (i: number) => (last.length === 1 ? w / 2 : (i / (last.length - 1)) * w);
  const y = (v: number) => h - ((v - 1) / 9) * h;
  const line = (key: "safe" | "connected") => last.map((r, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(r[key]).toFixed(1)}`).join(" ");
  const range = (key: "safe" | "connected") => `${Math.min(...last.map((r) => r[key]))} to ${Math.max(...last.map((r) => r[key]))}`;
  const latest = last.at(-1)!;
  return (
    <figure className="space-y-1">
      <svg viewBox={`-4 -4 ${w + 8} ${h + 8}`} className="h-28 w-full max-w-md" aria-hidden="true">
        <path d={line("safe")} fill="none" stroke="#2f5346" strokeWidth="2.5" />
        <path d={line("connected")} fill="none" stroke="#b45309" strokeWidth="2.5" strokeDasharray="6 4" />
        {last.map((r, i) => (
          <g key={r.day}>
            <circle cx={x(i)} cy={y(r.safe)} r="3.5" fill="#2f5346" />
            <rect x={x(i) - 3.5} y={y(r.connected) - 3.5} width="7" height="7" fill="#b45309" />
          </g>
        ))}
      </svg>
      <figcaption className="text-sm">
        {label}: over {last.length} {last.length === 1 ? "day" : "days"}, safe from {range("safe")}, connected from {range("connected")} (out of 10). Most recent ({latest.day}): safe {latest.safe}, connected {latest.connected}.
        <span className="block text-stone-600 dark:text-stone-400">Solid line and dots: safe. Dashed line and squares: connected.</span>
      </figcaption>
    </figure>
  );
}

function Healing({ roomId, isPartner, people }: { roomId: string; isPartner: boolean; people: Member[] }) {
  const [data, setData] = useState<{ mine: Rating[]; sharedWith: string[]; shared: Array<{ name: string; ratings: Rating[] }> } | null>(null);
  const inOrder = useInOrder();
  const [safe, setSafe] = useState(5);
  const [connected, setConnected] = useState(5);
  const [note, setNote] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const r = await send("GET", `/api/rooms/${roomId}/healing`);
    if (r.ok) setData(r.data as typeof data);
  }, [roomId]);
  useEffect(() => {
    // Fetching from the server is the external system this effect syncs with.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);
  if (!data) return null;
  const record = async () => {
    const r = await send("POST", `/api/rooms/${roomId}/healing`, { day: localDay(), safe, connected, ...(note.trim() ? { note: note.trim() } : {}) });
    if (!r.ok) return setError(r.message);
    setError(null);
    setStatus("Saved for today.");
    await load();
  };
  const share = async (next: string[]) => {
    setData((d) => (d ? { ...d, sharedWith: next } : d));
    const r = await inOrder(() => send("PUT", `/api/rooms/${roomId}/healing/sharing`, { with: next }));
    if (!r.ok) setError(r.message);
    await load();
  };
  return (
    <section id="healing" className="card space-y-3" aria-labelledby="healing-heading">
      <h2 id="healing-heading" className="text-lg font-semibold">
        How safe and how connected I feel
      </h2>
      {isPartner ? (
        <>
          <p className="text-sm text-stone-600 dark:text-stone-400">Once a day at most, whenever you like. There are no right answers, and nothing is compared.</p>
          <div className="flex flex-wrap items-end gap-3">
            {([["How safe I feel", safe, setSafe], ["How connected I feel", connected, setConnected]] as const).map(([label, value, set]) => (
              <label key={label} className="text-sm">
                <span className="block font-medium">{label} (1 to 10)</span>
                <select className="field min-h-11" value={value} onChange={(e) => set(Number(e.target.value))}>
                  {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <label className="min-w-0 flex-1 text-sm">
              <span className="block font-medium">A note (optional)</span>
              <input className="field" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
            </label>
            <button type="button" className="btn-primary" onClick={() => void record()}>
              Save today&apos;s
            </button>
          </div>
          <p role="status" className="text-sm">
            {status}
          </p>
          <GentleAlert>{error}</GentleAlert>
          <Trend ratings={data.mine} label="Your trend" />
          <ShareWith people={people} value={data.sharedWith} onChange={(next) => void share(next)} legend="Who can see your trend (the numbers; your notes stay yours)" />
        </>
      ) : null}
      {data.shared.map((s) => (
        <Trend key={s.name} ratings={s.ratings} label={`${s.name}'s trend, shared with you`} />
      ))}
      {!isPartner && data.shared.length === 0 ? <p className="text-sm">Nothing is shared with you.</p> : null}
    </section>
  );
}
