import Link from "@/app/components/quiet-link";
import { redirect } from "next/navigation";
import { MarkdownView } from "@/app/components/markdown-view";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { NotesSearch } from "./notes-search";

export const dynamic = "force-dynamic";

/** A therapist's search across their own private notes, in every room they are the therapist of. */
export default async function NotesPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/signin?next=/notes");
  const q = ((await searchParams).q ?? "").trim().slice(0, 200);
  const notes = await getRuntime().notes.search(user.id, q);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your private notes</h1>
      <NotesSearch initial={q} />
      <p role="status" className="text-sm text-stone-600 dark:text-stone-400">
        {notes.length === 0 ? (q ? `No notes mention \u201c${q}\u201d.` : "No notes yet.") : `${notes.length} ${notes.length === 1 ? "note" : "notes"}${q ? ` ${notes.length === 1 ? "mentions" : "mention"} \u201c${q}\u201d` : ""}.`}
      </p>
      <ul className="space-y-3">
        {notes.map((n) => (
          <li key={n.id} className="card space-y-2">
            <p className="text-sm text-stone-600 dark:text-stone-400">
              <Link href={`/rooms/${n.roomId}`} className="underline underline-offset-4">
                {n.roomTitle}
              </Link>{" "}
              · {new Date(n.updatedAt).toLocaleString()}
            </p>
            <MarkdownView source={n.body} />
          </li>
        ))}
      </ul>
    </div>
  );
}
