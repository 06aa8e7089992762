import Link from "@/app/components/quiet-link";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { SafetyCheck } from "@/app/components/safety-check";
import { AcceptInvite } from "./accept-invite";

export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const here = `/invite/${token}`;
  const user = await currentUser();
  if (!user) {
    // Before sign-in nothing about the room is shown: the link may have been seen by someone else.
    return (
      <div className="card mx-auto max-w-md space-y-4">
        <h1 className="text-2xl font-semibold">You have been invited to a private room</h1>
        <p>To join, create an account or sign in. You will come straight back here.</p>
        <div className="flex flex-wrap gap-3">
          <Link href={`/signup?next=${encodeURIComponent(here)}`} className="btn-primary">
            Create an account
          </Link>
          <Link href={`/signin?next=${encodeURIComponent(here)}`} className="btn-quiet">
            Sign in
          </Link>
        </div>
      </div>
    );
  }
  const runtime = getRuntime();
  const invite = await runtime.invites.preview(token);
  if (invite && (await runtime.rooms.member(invite.roomId, user.id))) {
    // Someone checking the link they made: accepting would change nothing.
    return (
      <div className="card mx-auto max-w-md space-y-3">
        <h1 className="text-2xl font-semibold">You are already in “{invite.roomTitle}”</h1>
        <p>This link is for the person you invite{invite.state === "valid" ? "; it still works for them" : ""}.</p>
        <Link href={`/rooms/${invite.roomId}`} className="btn-primary">
          Open the room
        </Link>
      </div>
    );
  }
  if (!invite || invite.state !== "valid") {
    const why = !invite
      ? "We could not find this invite. Please check that the whole link was copied."
      : invite.state === "used"
        ? "This invite link has already been used."
        : invite.state === "expired"
          ? "This invite link has expired. Links last seven days."
          : "This invite link was withdrawn.";
    return (
      <div className="card mx-auto max-w-md space-y-3">
        <h1 className="text-2xl font-semibold">This link cannot be used</h1>
        <p>{why} You can ask for a new one.</p>
        <Link href="/rooms" className="underline underline-offset-4">
          Go to your rooms
        </Link>
      </div>
    );
  }
  return (
    <div className="card mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Join “{invite.roomTitle}”</h1>
      <p>
        {invite.invitedBy} invited you to join as {invite.role === "partner" ? "a partner" : "the therapist for this room"}.
      </p>
      {invite.role === "partner" ? (
        <SafetyCheck>
          <AcceptInvite token={token} />
        </SafetyCheck>
      ) : (
        <AcceptInvite token={token} />
      )}
    </div>
  );
}
