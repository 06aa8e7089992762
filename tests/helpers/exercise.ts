/**
 * Speak and listen as a test participant plays it: read the state from the doc, type into a
 * draft, and send events the way the app does (retrying while the server waits for the last
 * keystrokes).
 */
import { type ActiveExercise, type ExerciseState, readExerciseState } from "@/app/lib/exercise";
import { draft, exerciseSection } from "@/app/lib/room-doc";
import { waitFor } from "./http";
import type { Participant } from "./scene";
import type { Ack } from "./socket";

export const stateAt = (p: Participant): ExerciseState | null => readExerciseState(exerciseSection(p.y.doc).get("state"));
export const active = (p: Participant) => stateAt(p) as ActiveExercise;
export const textOf = (p: Participant, name: "speaker" | "listener") => draft(p.y.doc, name)?.toString() ?? "";

/** Types at the end of a draft, as a person would. */
export async function type(p: Participant, name: "speaker" | "listener", text: string): Promise<void> {
  const d = await waitFor(() => draft(p.y.doc, name), `${name} draft at ${p.person.name}`);
  d.insert(d.length, text);
}

/** Sends an exercise event; like the app, retries while the server has not yet got the last keystrokes. */
export async function act(p: Participant, event: Record<string, unknown>): Promise<Ack> {
  for (let attempt = 0; ; attempt++) {
    const withText =
      event.type === "end-chunk" ? { ...event, text: textOf(p, "speaker") } : event.type === "submit" ? { ...event, text: textOf(p, "listener") } : event;
    const ack = await p.send("exercise:act", { event: withText });
    // With several nodes the command's node may be a moment behind the sender's document node.
    if (ack.ok || ack.error?.code !== "not_synced" || attempt > 80) return ack;
    await new Promise((r) => setTimeout(r, 50));
  }
}
