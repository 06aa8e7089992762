import Link from "@/app/components/quiet-link";
import { redirect } from "next/navigation";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { RoomView } from "./room-view";

export const dynamic = "force-dynamic";

export default async function RoomPage({ params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params;
  const user = await currentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(`/rooms/${roomId}`)}`);
  const runtime = getRuntime();
  const id = roomIdSchema.safeParse(roomId);
  // One spelling of each room's address (its id in lower case), as everywhere on the server.
  if (id.success && id.data !== roomId) redirect(`/rooms/${id.data}`);
  const me = id.success ? await runtime.rooms.member(roomId, user.id) : null;
  if (!me) {
    return (
      <div className="card mx-auto max-w-md space-y-3">
        <h1 className="text-2xl font-semibold">This room is not open to you</h1>
        <p>Only the people invited to a room can see it. If you were invited, open the invite link you were sent.</p>
        <Link href="/rooms" className="underline underline-offset-4">
          Go to your rooms
        </Link>
      </div>
    );
  }
  const [room, members] = await Promise.all([runtime.rooms.get(roomId), runtime.rooms.members(roomId)]);
  return <RoomView roomId={roomId} title={room!.title} me={me} members={members} />;
}
