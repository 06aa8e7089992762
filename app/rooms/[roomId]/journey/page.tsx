import { redirect } from "next/navigation";
import Link from "@/app/components/quiet-link";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { JOURNEY } from "@/app/lib/journey";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { RoomNav } from "../room-nav";

export const dynamic = "force-dynamic";

/** The ten steps as one path, at the couple's own pace: where they are, and what each step asks. */
export default async function JourneyPage({ params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params;
  const user = await currentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(`/rooms/${roomId}/journey`)}`);
  const runtime = getRuntime();
  if (!roomIdSchema.safeParse(roomId).success || !(await runtime.rooms.member(roomId, user.id))) redirect("/rooms");
  const steps = await runtime.journey.steps(roomId, user.id);
  const here = JOURNEY.find((s) => steps[s.n] === "not-yet")?.n ?? null;
  return (
    <div className="space-y-6">
      <RoomNav roomId={roomId} current="journey" />
      <div>
        <h1 className="text-2xl font-semibold">Our journey</h1>
        <p className="text-stone-700 dark:text-stone-300">
          Ten steps many couples take to rebuild trust. They overlap, and you can come back to any of them; there is no hurry and nothing to win.
        </p>
      </div>
      <ol className="space-y-3" aria-label="The ten steps">
        {JOURNEY.map((step) => (
          <li key={step.n} className={`card space-y-1 ${here === step.n ? "border-2 border-calm-700" : ""}`} data-testid="journey-step" aria-current={here === step.n ? "step" : undefined}>
            <p className="text-sm text-stone-600 dark:text-stone-400">
              Step {step.n} · {steps[step.n] === "begun" ? "begun" : "not started yet"}
              {here === step.n ? " · a good next step" : ""}
            </p>
            <h2 className="text-lg font-semibold">{step.title}</h2>
            <p>{step.asks}</p>
            <Link href={step.where.href(roomId)} className="text-sm underline underline-offset-4">
              {step.where.label}
            </Link>
          </li>
        ))}
      </ol>
    </div>
  );
}
