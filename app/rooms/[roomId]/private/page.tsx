import { redirect } from "next/navigation";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { RoomNav } from "../room-nav";
import { PrivateSpace } from "./private-space";

export const dynamic = "force-dynamic";

export default async function PrivatePage({ params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params;
  const user = await currentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(`/rooms/${roomId}/private`)}`);
  const runtime = getRuntime();
  const me = roomIdSchema.safeParse(roomId).success ? await runtime.rooms.member(roomId, user.id) : null;
  if (!me) redirect("/rooms");
  const members = await runtime.rooms.members(roomId);
  return (
    <div className="space-y-6">
      <RoomNav roomId={roomId} current="private" />
      <PrivateSpace roomId={roomId} me={me} others={members.filter((m) => m.userId !== me.userId)} />
    </div>
  );
}
