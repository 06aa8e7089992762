import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { CreateRoomForm } from "./create-room-form";

export const dynamic = "force-dynamic";

const ROLE_LABEL = { partner: "Partner", therapist: "Therapist" } as const;

export default async function RoomsPage() {
  const user = await currentUser();
  if (!user) redirect("/signin?next=/rooms");
  const rooms = await getRuntime().rooms.listForUser(user.id);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Your rooms</h1>
      {rooms.length === 0 ? (
        <p className="text-stone-700 dark:text-stone-300">
          You are not in a room yet. Open one below, then send the invite link to your partner.
        </p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label="Rooms">
          {rooms.map((room) => (
            <li key={room.id}>
              <Link href={`/rooms/${room.id}`} className="card block hover:border-calm-600">
                <span className="block text-lg font-semibold">{room.title}</span>
                <span className="mt-1 block text-sm text-stone-600 dark:text-stone-400">
                  You are a {ROLE_LABEL[room.role].toLowerCase()}
                  {room.members.length > 0 ? ` · with ${room.members.map((m) => m.name).join(", ")}` : " · waiting for your partner"}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <CreateRoomForm />
    </div>
  );
}
