"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** Searching replaces the page, like every navigation in Mend (one history entry per tab). */
export function NotesSearch({ initial }: { initial: string }) {
  const router = useRouter();
  const [q, setQ] = useState(initial);
  return (
    <form
      role="search"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        router.replace(`/notes?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <label className="min-w-0 flex-1">
        <span className="block font-medium">Search your notes</span>
        <input name="q" type="search" value={q} onChange={(e) => setQ(e.target.value)} className="field" />
      </label>
      <button type="submit" className="btn-primary">
        Search
      </button>
    </form>
  );
}
