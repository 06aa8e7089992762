/**
 * Misbehaving clients in speak and listen: writes out of turn, writes to what only the server
 * writes, commands out of turn or at the same instant, and malformed commands. Every one is
 * refused whole, and the room's state stays consistent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type ActiveExercise, type ExerciseState, readExerciseState } from "@/app/lib/exercise";
import { agenda, draft, exerciseDrafts, exerciseLog, exerciseSection } from "@/app/lib/room-doc";
import { newPerson, waitFor } from "../helpers/http";
import { type Participant, roomScene, type Scene } from "../helpers/scene";
import { startServer, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

const stateAt = (p: Participant): ExerciseState | null => readExerciseState(exerciseSection(p.y.doc).get("state"));
const act = (p: Participant, event: Record<string, unknown>) => p.send("exercise:act", { event });

/** Ana speaking, Ben listening, Tess (therapist) watching: Tess's copy is the room's truth here. */
async function started(): Promise<Scene> {
  const s = await roomScene(server.url, { therapist: true });
  expect(await act(s.ana, { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ana.person.id })).toMatchObject({ ok: true });
  expect(await act(s.ben, { type: "accept" })).toMatchObject({ ok: true });
  await waitFor(() => stateAt(s.tess!)?.status === "active" && stateAt(s.ana)?.status === "active", "started");
  return s;
}

/**
 * Makes `p` write with `write` from a fresh connection (a refused client reloads its copy, so each
 * attempt starts from the room's state), waits for the refusal, and checks the room did not change.
 */
async function expectRefusedWrite(s: Scene, p: Participant, write: (doc: Y.Doc) => void, reason: RegExp): Promise<void> {
  const attacker = await connectY(server.url, s.roomId, p.person.cookie);
  const reader = await connectY(server.url, s.roomId, s.tess!.person.cookie);
  const before = Y.encodeStateVector(reader.doc);
  write(attacker.doc);
  await waitFor(() => attacker.notices.some((n) => n.kind === "update-refused"), "refusal notice");
  expect(attacker.notices.at(-1)!.message).toMatch(reason);
  expect(attacker.notices.at(-1)!.resync).toBe(true);
  // The refusal is sent after the write is judged: a reader connecting now sees the room as it was.
  const after = await connectY(server.url, s.roomId, s.tess!.person.cookie);
  expect(Y.encodeStateVector(after.doc)).toEqual(before);
  for (const c of [attacker, reader, after]) c.close();
}

describe("writes out of turn are dropped whole", () => {
  it("the listener writing the speaker's draft", async () => {
    const s = await started();
    await expectRefusedWrite(s, s.ben, (doc) => draft(doc, "speaker")!.insert(0, "No, you listen: "), /has the floor/);
    s.close();
  });

  it("the speaker writing the paraphrase (while it is the listener's turn)", async () => {
    const s = await started();
    draft(s.ana.y.doc, "speaker")!.insert(0, "I was hurt.");
    await waitFor(() => draft(s.tess!.y.doc, "speaker")?.toString() === "I was hurt.", "chunk at Tess");
    expect(await act(s.ana, { type: "end-chunk", text: "I was hurt." })).toMatchObject({ ok: true });
    await waitFor(() => (stateAt(s.ana) as ActiveExercise).phase === "paraphrase", "paraphrasing");
    await expectRefusedWrite(s, s.ana, (doc) => draft(doc, "listener")!.insert(0, "What she means is"), /Only the listener/);
    // …and the speaker's own draft is closed while the listener paraphrases.
    await expectRefusedWrite(s, s.ana, (doc) => draft(doc, "speaker")!.insert(0, "And also"), /has the floor/);
    s.close();
  });

  it("the therapist writing either draft", async () => {
    const s = await started();
    await expectRefusedWrite(s, s.tess!, (doc) => draft(doc, "speaker")!.insert(0, "x"), /Only the partners/);
    await expectRefusedWrite(s, s.tess!, (doc) => draft(doc, "listener")!.insert(0, "x"), /Only the partners/);
    s.close();
  });

  it("anyone writing the exercise's state, log or agenda, or replacing a draft", async () => {
    const s = await started();
    const forged = { ...(stateAt(s.ben) as ActiveExercise), speaker: s.ben.person.id, listener: s.ana.person.id };
    for (const p of [s.ben, s.tess!]) {
      await expectRefusedWrite(s, p, (doc) => exerciseSection(doc).set("state", forged), /kept by Mend itself/);
      await expectRefusedWrite(s, p, (doc) => exerciseLog(doc).push([{ id: "x", exerciseId: "x", kind: "chunk", by: s.ana.person.id, text: "forged", turn: 1, at: 0 }]), /kept by Mend itself/);
      await expectRefusedWrite(s, p, (doc) => agenda(doc).push([{ id: "x", text: "forged", by: s.ana.person.id, name: "Ana", at: 0 }]), /kept by Mend itself/);
    }
    await expectRefusedWrite(s, s.ana, (doc) => exerciseDrafts(doc).set("speaker", new Y.Text("mine now")), /kept by Mend itself/);
    s.close();
  });
});

describe("commands out of turn", () => {
  it("a partner passing the floor before a confirmed chunk; the listener passing or ending a chunk", async () => {
    const s = await started();
    const before = stateAt(s.tess!);
    expect(await act(s.ana, { type: "pass" })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/before the floor passes/) } });
    expect(await act(s.ben, { type: "pass" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await act(s.ben, { type: "end-chunk", text: "" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // Nothing waits for confirmation yet: nobody can confirm.
    expect(await act(s.ben, { type: "confirm" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await act(s.tess!, { type: "pass" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(stateAt(s.tess!)).toEqual(before);
    s.close();
  });

  it("two partners grabbing the floor at the same instant, from different sockets: one proposal wins", async () => {
    const s = await roomScene(server.url);
    const results = await Promise.all([
      act(s.ana, { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ana.person.id }),
      act(s.ben, { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ben.person.id }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ error: { code: "conflict" } });
    const winner = results.find((r) => r.ok)!.state as ExerciseState & { firstSpeaker: string; proposedBy: string };
    expect(winner.firstSpeaker).toBe(winner.proposedBy);
    s.close();
  });

  it("a burst of commands from both partners and a second tab at once leaves one consistent state", async () => {
    const s = await started();
    draft(s.ana.y.doc, "speaker")!.insert(0, "One part.");
    await waitFor(() => draft(s.tess!.y.doc, "speaker")?.toString() === "One part.", "chunk at Tess");
    const secondTab = await connectSocket(server.url, s.ana.person.cookie);
    const fromTab = (event: Record<string, unknown>) => command(secondTab, "exercise:act", { roomId: s.roomId, event });
    const results = await Promise.all([
      act(s.ana, { type: "end-chunk", text: "One part." }),
      fromTab({ type: "end-chunk", text: "One part." }),
      act(s.ben, { type: "end-chunk", text: "One part." }),
      act(s.ben, { type: "pass" }),
      fromTab({ type: "pass" }),
      act(s.ana, { type: "confirm" }),
      act(s.tess!, { type: "assign", to: s.ben.person.id }),
    ]);
    // The chunk was ended at most once (not at all if the therapist's "give the floor" came
    // first: then Ana's words were set aside as unfinished); either way they are in the log once,
    // and whatever else got through, the state holds together.
    const ended = results.slice(0, 3).filter((r) => r.ok).length;
    expect(ended).toBeLessThanOrEqual(1);
    await waitFor(() => exerciseLog(s.tess!.y.doc).length >= 1, "log at Tess");
    const final = stateAt(s.tess!) as ActiveExercise;
    expect(new Set([final.speaker, final.listener])).toEqual(new Set([s.ana.person.id, s.ben.person.id]));
    const log = exerciseLog(s.tess!.y.doc).toArray();
    expect(log.filter((e) => e.kind === "chunk")).toHaveLength(ended);
    expect(log.filter((e) => e.text === "One part.")).toHaveLength(1);
    // A fresh reader sees the same state as the therapist's live copy.
    const reader = await connectY(server.url, s.roomId, s.ben.person.cookie);
    await waitFor(() => JSON.stringify(readExerciseState(exerciseSection(reader.doc).get("state"))) === JSON.stringify(stateAt(s.tess!)), "same state");
    reader.close();
    secondTab.close();
    s.close();
  });
});

describe("malformed commands", () => {
  it("wrong types, unknown events, out-of-range values and oversized text get a clear error", async () => {
    const s = await started();
    const bad: unknown[] = [
      { type: "grab-floor" },
      { type: "time-out", minutes: "30" },
      { type: "time-out", minutes: 5 },
      { type: "time-out", minutes: 2000 },
      { type: "assign", to: "not-a-uuid" },
      { type: "timer-set", seconds: 1 },
      { type: "propose", mode: "shouting", firstSpeaker: s.ana.person.id },
      { type: "end-chunk" },
      { type: "end-chunk", text: "x".repeat(20_000) },
      { type: "park", text: "y".repeat(501) },
      { type: "pass", extra: true },
      "pass",
      null,
    ];
    for (const event of bad) {
      const ack = await s.ana.send("exercise:act", { event });
      expect(ack, JSON.stringify(event)?.slice(0, 80)).toMatchObject({ ok: false, error: { code: "invalid_input" } });
      expect(ack.error!.message.length).toBeGreaterThan(0);
    }
    expect(await command(s.ana.socket, "exercise:act", { roomId: "nope", event: { type: "pass" } })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect((stateAt(s.tess!) as ActiveExercise).chunks).toBe(0);
    s.close();
  });

  it("someone outside the room is refused, and learns nothing about it", async () => {
    const s = await started();
    const eve = await newPerson(server.url, "Eve");
    const socket = await connectSocket(server.url, eve.cookie);
    for (const event of [{ type: "end" }, { type: "propose", mode: "prep", topic: "", firstSpeaker: eve.id }]) {
      expect(await command(socket, "exercise:act", { roomId: s.roomId, event })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    expect(await command(socket, "agenda:remove", { roomId: s.roomId, entryId: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(stateAt(s.tess!)?.status).toBe("active");
    socket.close();
    s.close();
  });
});

describe("keystrokes around a click", () => {
  it("a last keystroke that arrives after 'I've said this part' is neither refused nor lost", async () => {
    const s = await started();
    const speaker = draft(s.ana.y.doc, "speaker")!;
    speaker.insert(0, "I was scared");
    await waitFor(() => draft(s.tess!.y.doc, "speaker")?.toString() === "I was scared", "first words at Tess");
    // The click carries "…scared." but the "." is sent just after it, on the other socket.
    // Whichever arrives first, the server logs the whole sentence: at once, or when asked again.
    const ack = act(s.ana, { type: "end-chunk", text: "I was scared." });
    speaker.insert(speaker.length, ".");
    const first = await ack;
    if (!first.ok) {
      expect(first).toMatchObject({ error: { code: "not_synced" } });
      await waitFor(() => draft(s.tess!.y.doc, "speaker")?.toString() === "I was scared.", "the full stop arrived");
      expect(await act(s.ana, { type: "end-chunk", text: "I was scared." })).toMatchObject({ ok: true });
    }
    await waitFor(() => exerciseLog(s.tess!.y.doc).length === 1, "logged");
    expect(exerciseLog(s.tess!.y.doc).get(0).text).toBe("I was scared.");
    expect(s.ana.y.notices.filter((n) => n.kind === "update-refused")).toEqual([]);
    s.close();
  });
});
