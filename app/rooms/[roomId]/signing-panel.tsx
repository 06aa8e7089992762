"use client";

import Link from "@/app/components/quiet-link";
import { useCallback, useEffect, useState } from "react";
import type * as Y from "yjs";
import { parseStatusRecord } from "@/app/lib/agreement";
import type { LatestVersion, SigningProposal } from "@/app/lib/agreement-version";
import { agreementItems, agreementStatus } from "@/app/lib/room-doc";
import type { Member } from "./agreement-item";
import type { LiveRoom } from "./use-live-room";
import { GentleAlert } from "@/app/components/gentle-alert";

interface VersionSummary {
  version: number;
  hash: string;
  createdAt: string;
  signatures: Array<{ name: string; role: string; signedAt: string }>;
}

/** Re-reads a value from the doc whenever the doc changes. */
function useDocValue<T>(doc: Y.Doc | null, read: (doc: Y.Doc) => T, initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    if (!doc) return;
    const update = () => setValue(read(doc));
    update();
    doc.on("update", update);
    return () => doc.off("update", update);
  }, [doc, read]);
  return value;
}

const readProposal = (doc: Y.Doc) => (doc.getMap("agreementSigning").get("proposal") as SigningProposal | undefined) ?? null;
const readLatest = (doc: Y.Doc) => (doc.getMap("agreementSigning").get("latest") as LatestVersion | undefined) ?? null;
const readAgreedCount = (doc: Y.Doc) =>
  agreementItems(doc)
    .toArray()
    .filter((m) => parseStatusRecord(agreementStatus(doc).get(String(m.get("id")))).status === "agreed").length;

export function SigningPanel({ roomId, room, me, partners }: { roomId: string; room: LiveRoom; me: Member; partners: Member[] }) {
  const proposal = useDocValue(room.doc, readProposal, null);
  const latest = useDocValue(room.doc, readLatest, null);
  const agreedCount = useDocValue(room.doc, readAgreedCount, 0);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const isPartner = me.role === "partner";

  const loadVersions = useCallback(async () => {
    const res = await fetch(`/api/rooms/${roomId}/versions`);
    if (res.ok) setVersions(((await res.json()) as { versions: VersionSummary[] }).versions);
  }, [roomId]);
  useEffect(() => {
    // The history lives in Postgres; reload it whenever a new version is signed.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void loadVersions();
  }, [loadVersions, latest?.version]);

  const run = async (event: string, payload: Record<string, unknown>) => {
    setPending(true);
    setError(null);
    const ack = await room.command(event, { roomId, ...payload });
    setPending(false);
    if (!ack.ok) setError(ack.error.message);
    return ack.ok;
  };

  const nameOf = (userId: string) => partners.find((p) => p.userId === userId)?.name ?? "Your partner";
  const iSigned = proposal ? proposal.signatures[me.userId] !== undefined : false;

  return (
    <section aria-labelledby="signing-heading" className="card space-y-4">
      <h2 id="signing-heading" className="text-lg font-semibold">
        Signing
      </h2>
      {proposal ? (
        <div className="space-y-3" data-testid="signing-proposal">
          <p>
            {nameOf(proposal.proposedBy)} proposed to sign the {proposal.itemIds.length} agreed{" "}
            {proposal.itemIds.length === 1 ? "commitment" : "commitments"} as a new version.
          </p>
          <ul className="text-sm">
            {partners.map((p) => (
              <li key={p.userId}>
                {p.name}: {proposal.signatures[p.userId] ? "signed" : "not signed yet"}
              </li>
            ))}
          </ul>
          {isPartner && !iSigned ? (
            <form
              className="flex flex-col gap-2 sm:flex-row sm:items-end"
              onSubmit={async (e) => {
                e.preventDefault();
                if (await run("agreement:sign", { hash: proposal.hash, password })) setPassword("");
              }}
            >
              <label className="flex-1 text-sm">
                <span className="block font-medium">Your password, to confirm it is you signing</span>
                <input type="password" autoComplete="current-password" className="field" value={password} onChange={(e) => setPassword(e.target.value)} required />
              </label>
              <button type="submit" className="btn-primary" disabled={pending || password.length === 0}>
                Sign this version
              </button>
            </form>
          ) : null}
          {isPartner ? (
            <button type="button" className="btn-quiet min-h-10 text-sm" disabled={pending} onClick={() => void run("agreement:cancel-signing", {})}>
              Withdraw the proposal
            </button>
          ) : null}
        </div>
      ) : (
        <div className="space-y-2">
          <p className="text-sm text-stone-700 dark:text-stone-300">
            {agreedCount === 0
              ? "When you have both agreed to some commitments, either of you can propose to sign them as a dated version."
              : `${agreedCount} ${agreedCount === 1 ? "commitment is" : "commitments are"} agreed by both of you. Only agreed commitments go into a signed version.`}
          </p>
          {isPartner && agreedCount > 0 ? (
            <button type="button" className="btn-primary" disabled={pending} onClick={() => void run("agreement:propose-signing", {})}>
              Propose to sign
            </button>
          ) : null}
        </div>
      )}
      {me.role === "therapist" && versions[0] && !versions[0].signatures.some((s) => s.role === "therapist" && s.name === me.name) ? (
        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-end"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run("agreement:witness", { version: versions[0]!.version, password })) {
              setPassword("");
              void loadVersions();
            }
          }}
        >
          <label className="flex-1 text-sm">
            <span className="block font-medium">Witness version {versions[0].version}: your password, to confirm it is you</span>
            <input type="password" autoComplete="current-password" className="field" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          <button type="submit" className="btn-quiet" disabled={pending || password.length === 0}>
            Witness this version
          </button>
        </form>
      ) : null}
      <GentleAlert>{error}</GentleAlert>
      <div className="space-y-2">
        <h3 className="font-medium">Signed versions</h3>
        {versions.length === 0 ? (
          <p className="text-sm text-stone-600 dark:text-stone-400">None yet.</p>
        ) : (
          <ul className="space-y-1 text-sm" aria-label="Signed versions">
            {versions.map((v) => (
              <li key={v.version}>
                <Link className="underline underline-offset-4" href={`/rooms/${roomId}/versions/${v.version}`}>
                  Version {v.version}
                </Link>{" "}
                · signed {new Date(v.createdAt).toLocaleDateString()} by {v.signatures.filter((s) => s.role === "partner").map((s) => s.name).join(" and ")}
                {v.signatures.some((s) => s.role === "therapist") ? `, witnessed by ${v.signatures.filter((s) => s.role === "therapist").map((s) => s.name).join(" and ")}` : ""}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
