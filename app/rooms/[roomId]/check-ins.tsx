"use client";

import { useState } from "react";
import type { Member } from "./agreement-item";
import { GentleAlert } from "@/app/components/gentle-alert";

export interface CheckIn {
  itemId: string;
  userId: string;
  name: string;
  day: string;
  outcome: "kept" | "partly" | "not_yet";
  note: string | null;
}

const OUTCOME_TEXT = { kept: "Kept it", partly: "Partly", not_yet: "Not yet" } as const;
const DAYS = 14;

/** Today in the person's own calendar. */
export function localDay(date = new Date()): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

function lastDays(n: number): string[] {
  const today = new Date();
  return Array.from({ length: n }, (_, i) => localDay(new Date(today.getTime() - (n - 1 - i) * 86_400_000)));
}

/** Two weeks at a glance, one row per partner; the text summary is what a screen reader hears. */
function Chart({ checkIns, partners }: { checkIns: CheckIn[]; partners: Member[] }) {
  const days = lastDays(DAYS);
  const cell = 18;
  return (
    <div className="space-y-1">
      {partners.map((p) => {
        const mine = checkIns.filter((c) => c.userId === p.userId);
        const count = (o: CheckIn["outcome"]) => mine.filter((c) => c.outcome === o && days.includes(c.day)).length;
        const summary = `${p.name}, last ${DAYS} days: kept ${count("kept")}, partly ${count("partly")}, not yet ${count("not_yet")}.`;
        return (
          <div key={p.userId} className="flex items-center gap-2 text-xs">
            <span className="w-16 truncate">{p.name}</span>
            <svg role="img" aria-label={summary} width={DAYS * cell} height={cell} viewBox={`0 0 ${DAYS * cell} ${cell}`}>
              {days.map((day, i) => {
                const c = mine.find((x) => x.day === day);
                const cx = i * cell + cell / 2;
                if (!c) return <circle key={day} cx={cx} cy={cell / 2} r={2} className="fill-stone-300 dark:fill-stone-600" />;
                if (c.outcome === "kept") return <circle key={day} cx={cx} cy={cell / 2} r={6} className="fill-emerald-700" />;
                if (c.outcome === "partly")
                  return <circle key={day} cx={cx} cy={cell / 2} r={5} className="fill-emerald-200 stroke-emerald-700 dark:fill-emerald-900" strokeWidth={2} />;
                return <circle key={day} cx={cx} cy={cell / 2} r={5} className="fill-none stroke-stone-500" strokeWidth={2} />;
              })}
            </svg>
          </div>
        );
      })}
      <p className="text-xs text-stone-600 dark:text-stone-400">Filled: kept · ring with fill: partly · ring: not yet · dot: no check-in</p>
    </div>
  );
}

export function CheckInPanel({
  roomId,
  itemId,
  me,
  partners,
  checkIns,
  onRecorded,
}: {
  roomId: string;
  itemId: string;
  me: Member;
  partners: Member[];
  checkIns: CheckIn[];
  onRecorded(): void;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const today = localDay();
  const mineToday = checkIns.find((c) => c.userId === me.userId && c.day === today);
  const recent = checkIns.slice(-5).reverse();

  const record = async (outcome: CheckIn["outcome"]) => {
    setPending(true);
    setError(null);
    const res = await fetch(`/api/rooms/${roomId}/check-ins`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ itemId, day: today, outcome, note: note || undefined }),
    });
    setPending(false);
    if (!res.ok) {
      setError(((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? "That did not work. Please try again.");
      return;
    }
    setNote("");
    onRecorded();
  };

  return (
    <section className="space-y-2 rounded-lg border border-stone-200 p-3 dark:border-stone-700" aria-label="Check-ins" data-testid="check-ins">
      <h4 className="text-sm font-medium">How is it going?</h4>
      {me.role === "partner" ? (
        <div className="space-y-2">
          <p className="text-sm text-stone-600 dark:text-stone-400">
            {mineToday ? `Today you said: ${OUTCOME_TEXT[mineToday.outcome].toLowerCase()}. You can change it.` : "A short, honest note for today. There is no score."}
          </p>
          <label className="block text-sm">
            <span className="sr-only">A note (optional)</span>
            <input className="field text-sm" maxLength={500} placeholder="A note, if you like" value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="flex flex-wrap gap-2" role="group" aria-label="Today">
            {(Object.keys(OUTCOME_TEXT) as CheckIn["outcome"][]).map((o) => (
              <button key={o} type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} aria-pressed={mineToday?.outcome === o} onClick={() => void record(o)}>
                {OUTCOME_TEXT[o]}
              </button>
            ))}
          </div>
        </div>
      ) : null}
      <GentleAlert>{error}</GentleAlert>
      <Chart checkIns={checkIns} partners={partners} />
      {recent.length > 0 ? (
        <ul className="space-y-1 text-sm" aria-label="Recent check-ins">
          {recent.map((c) => (
            <li key={`${c.userId}-${c.day}`}>
              {c.name}, {c.day === today ? "today" : c.day}: {OUTCOME_TEXT[c.outcome].toLowerCase()}
              {c.note ? ` · “${c.note}”` : ""}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
