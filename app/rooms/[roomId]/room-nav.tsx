import Link from "@/app/components/quiet-link";

const PAGES = [
  { key: "room", label: "The room", href: (r: string) => `/rooms/${r}` },
  { key: "journey", label: "Our journey", href: (r: string) => `/rooms/${r}/journey` },
  { key: "private", label: "My private space", href: (r: string) => `/rooms/${r}/private` },
] as const;

/** The room's three pages. */
export function RoomNav({ roomId, current }: { roomId: string; current: (typeof PAGES)[number]["key"] }) {
  return (
    <nav aria-label="This room" className="flex flex-wrap gap-2 text-sm">
      {PAGES.map((p) => (
        <Link
          key={p.key}
          href={p.href(roomId)}
          aria-current={p.key === current ? "page" : undefined}
          className={`rounded-full border px-3 py-1.5 ${p.key === current ? "border-calm-700 bg-calm-700 text-white" : "border-stone-300 dark:border-stone-600"}`}
        >
          {p.label}
        </Link>
      ))}
    </nav>
  );
}
