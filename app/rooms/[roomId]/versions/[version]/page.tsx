import Link from "@/app/components/quiet-link";
import { redirect } from "next/navigation";
import { CATEGORIES } from "@/app/lib/agreement";
import { versionItemDetails } from "@/app/lib/agreement-version";
import { versionParamsSchema } from "@/app/lib/api-schemas";
import { currentUser } from "@/server/auth/nextauth";
import { isAppError } from "@/server/errors";
import { getRuntime } from "@/server/runtime";
import { diffVersions, type WordPart } from "@/app/lib/version-diff";
import { PrintButton } from "./print-button";

function Words({ parts }: { parts: WordPart[] }) {
  return (
    <span className="whitespace-pre-wrap">
      {parts.map((p, i) =>
        p.kind === "added" ? (
          <ins key={i} className="bg-emerald-100 text-emerald-950 underline dark:bg-emerald-900 dark:text-emerald-50">
            {p.text}
          </ins>
        ) : p.kind === "removed" ? (
          <del key={i} className="bg-stone-200 text-stone-700 line-through dark:bg-stone-700 dark:text-stone-200">
            {p.text}
          </del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </span>
  );
}

const FIELD_NAMES: Record<string, string> = {
  category: "Area",
  commitment: "Commitment",
  committer: "Who commits",
  reciprocal: "The same commitment to each other",
  transparency: "What is shared",
  exclusions: "What stays private",
  frequency: "How often",
  startDate: "Starts on",
  reviewDate: "We review it on",
  taper: "When it eases",
  ifBroken: "If it slips",
};

export const dynamic = "force-dynamic";

export default async function VersionPage({
  params,
  searchParams,
}: {
  params: Promise<{ roomId: string; version: string }>;
  searchParams: Promise<{ compare?: string }>;
}) {
  const raw = await params;
  const { compare } = await searchParams;
  const user = await currentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(`/rooms/${raw.roomId}/versions/${raw.version}`)}`);
  const parsed = versionParamsSchema.safeParse(raw);
  const runtime = getRuntime();
  let v: Awaited<ReturnType<typeof runtime.signing.get>> | null = null;
  if (parsed.success) {
    try {
      v = await runtime.signing.get(parsed.data.roomId, user.id, parsed.data.version);
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
  }
  if (!v || !parsed.success) {
    return (
      <div className="card mx-auto max-w-md space-y-3">
        <h1 className="text-2xl font-semibold">This version is not available</h1>
        <p>It may not exist, or this room is not open to you.</p>
        <Link href="/rooms" className="underline underline-offset-4">
          Go to your rooms
        </Link>
      </div>
    );
  }
  const room = await runtime.rooms.get(parsed.data.roomId);
  const all = await runtime.signing.list(parsed.data.roomId, user.id);
  const compareTo = Number(compare);
  let older: Awaited<ReturnType<typeof runtime.signing.get>> | null = null;
  if (Number.isInteger(compareTo) && compareTo !== v.version && all.some((x) => x.version === compareTo)) {
    older = await runtime.signing.get(parsed.data.roomId, user.id, compareTo);
  }
  const diff = older ? (older.version < v.version ? diffVersions(older.content, v.content) : diffVersions(v.content, older.content)) : null;
  const [from, to] = older ? (older.version < v.version ? [older.version, v.version] : [v.version, older.version]) : [0, 0];
  const name = (userId: string) => v.content.partners.find((p) => p.userId === userId)?.name ?? "A partner";

  return (
    <article className="mx-auto max-w-3xl space-y-6 print:max-w-none">
      <div className="flex flex-wrap items-center justify-between gap-3 print:hidden">
        <Link href={`/rooms/${parsed.data.roomId}`} className="underline underline-offset-4">
          Back to the room
        </Link>
        <div className="flex flex-wrap gap-2">
          <a className="btn-quiet" href={`/api/rooms/${parsed.data.roomId}/versions/${v.version}/markdown`}>
            Download as Markdown
          </a>
          <PrintButton />
        </div>
      </div>
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold">
          {room?.title}: our agreement, version {v.version}
        </h1>
        <p className="text-stone-700 dark:text-stone-300 print:text-black">Signed on {new Date(v.createdAt).toLocaleDateString(undefined, { dateStyle: "long" })}</p>
      </header>
      {all.length > 1 ? (
        <nav aria-label="Compare versions" className="flex flex-wrap items-center gap-2 text-sm print:hidden">
          <span>Compare with:</span>
          {all
            .filter((x) => x.version !== v.version)
            .map((x) => (
              <Link key={x.version} className="underline underline-offset-4" href={`?compare=${x.version}`}>
                version {x.version}
              </Link>
            ))}
        </nav>
      ) : null}
      {diff ? (
        <section aria-labelledby="diff-heading" className="card space-y-3" data-testid="version-diff">
          <h2 id="diff-heading" className="font-semibold">
            {`What changed from version ${from} to version ${to}`}
          </h2>
          {diff.added.length + diff.removed.length + diff.changed.length === 0 ? <p>Nothing changed.</p> : null}
          {diff.added.map((i) => (
            <p key={i.id}>
              <strong>Added:</strong> <ins className="underline">{i.commitment}</ins>
            </p>
          ))}
          {diff.removed.map((i) => (
            <p key={i.id}>
              <strong>Removed:</strong> <del>{i.commitment}</del>
            </p>
          ))}
          {diff.changed.map((c) => (
            <div key={c.after.id} className="space-y-1">
              <p>
                <strong>Changed:</strong> {c.after.commitment}
              </p>
              <ul className="list-disc space-y-1 pl-5 text-sm">
                {c.fields.map((f) => (
                  <li key={f.field}>
                    {f.field.startsWith("need:") ? `${name(f.field.slice(5))}’s need` : (FIELD_NAMES[f.field] ?? f.field)}: <Words parts={f.words} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
          {diff.unchanged > 0 ? <p className="text-sm">{diff.unchanged} unchanged.</p> : null}
        </section>
      ) : null}
      <ol className="space-y-5">
        {v.content.items.map((item, i) => (
          <li key={item.id} className="card space-y-2 break-inside-avoid print:border-stone-400 print:shadow-none">
            <h2 className="font-semibold">
              {i + 1}. {CATEGORIES[item.category as keyof typeof CATEGORIES] ?? CATEGORIES.other}
            </h2>
            <p className="whitespace-pre-wrap text-lg">{item.commitment}</p>
            <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
              {versionItemDetails(item, name).map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="font-medium">{label}</dt>
                    <dd className="whitespace-pre-wrap">{value}</dd>
                  </div>
                ))}
            </dl>
          </li>
        ))}
      </ol>
      <section className="space-y-2 break-inside-avoid">
        <h2 className="font-semibold">Signatures</h2>
        <ul>
          {v.signatures.map((s) => (
            <li key={s.name + s.signedAt}>
              {s.name} ({s.role}), {new Date(s.signedAt).toLocaleString(undefined, { dateStyle: "long", timeStyle: "short" })}
            </li>
          ))}
        </ul>
        <p className="break-all font-mono text-xs" data-testid="version-hash">
          SHA-256: {v.hash}
        </p>
      </section>
    </article>
  );
}
