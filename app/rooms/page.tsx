import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { SafetyCheck } from "@/app/components/safety-check";
import { CreateRoomForm } from "./create-room-form";
import { Dashboard } from "./dashboard";

export const dynamic = "force-dynamic";

export default async function RoomsPage() {
  const user = await currentUser();
  if (!user) redirect("/signin?next=/rooms");
  const runtime = getRuntime();
  const [rooms, account] = await Promise.all([runtime.dashboard.list(user.id), runtime.accounts.findById(user.id)]);
  const therapist = account?.kind === "therapist";
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">{therapist ? "Your rooms and couples" : "Your rooms"}</h1>
      {rooms.length === 0 ? (
        <p className="text-stone-700 dark:text-stone-300">
          {therapist
            ? "You are not in a room yet. A couple can invite you from their room, or you can open one below and invite both partners."
            : "You are not in a room yet. Open one below, then send the invite link to your partner."}
        </p>
      ) : (
        <Dashboard initial={rooms} me={user.id} />
      )}
      {therapist ? (
        <CreateRoomForm />
      ) : (
        <SafetyCheck>
          <CreateRoomForm />
        </SafetyCheck>
      )}
    </div>
  );
}
