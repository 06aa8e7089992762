/**
 * Speak and listen over real sockets, with two partners and a therapist: full PREP and Imago
 * rounds, a time-out, park it, and transcripts kept and discarded. The server holds the floor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { ActiveExercise, ExerciseState } from "@/app/lib/exercise";
import { agenda, draft, exerciseLog } from "@/app/lib/room-doc";
import { api, pairedRoom, waitFor } from "../helpers/http";
import { type Participant, roomScene, type Scene } from "../helpers/scene";
import { startServer, TEST_DB, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY } from "../helpers/yjs-client";
import { act, active, stateAt, textOf, type } from "../helpers/exercise";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

async function expectOk(p: Participant, event: Record<string, unknown>): Promise<ExerciseState | null> {
  const ack = await act(p, event);
  expect(ack, `${p.person.name}: ${JSON.stringify(event)}`).toMatchObject({ ok: true });
  return ack.state as ExerciseState | null;
}

/** Both partners agree to start a PREP (or Imago) exercise with Ana speaking first. */
async function start(s: Scene, mode: "prep" | "imago" = "prep"): Promise<void> {
  await expectOk(s.ana, { type: "propose", mode, topic: "Last Friday", firstSpeaker: s.ana.person.id });
  await expectOk(s.ben, { type: "accept" });
  await waitFor(() => stateAt(s.ana)?.status === "active" && stateAt(s.ben)?.status === "active", "exercise active for both");
}

/** Ana says one chunk and Ben paraphrases it; Ana confirms. */
async function confirmedChunk(s: Scene, words: string, heard: string): Promise<void> {
  await type(s.ana, "speaker", words);
  await expectOk(s.ana, { type: "end-chunk" });
  await waitFor(() => active(s.ben).phase === "paraphrase", "paraphrasing at Ben");
  await type(s.ben, "listener", heard);
  await expectOk(s.ben, { type: "submit" });
  await waitFor(() => active(s.ana).awaiting, "awaiting at Ana");
  await expectOk(s.ana, { type: "confirm" });
  await waitFor(() => active(s.ben).chunkConfirmed, "confirmed at Ben");
}

describe("a PREP round with the therapist watching", () => {
  it("speak, paraphrase, correct, confirm, pass: everyone sees each step; the log and Postgres keep it", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const tess = s.tess!;
    await start(s);
    expect(active(tess)).toMatchObject({ mode: "prep", speaker: s.ana.person.id, listener: s.ben.person.id, phase: "speaking", turn: 1 });

    await type(s.ana, "speaker", "I felt alone when you came home late without a message.");
    await expectOk(s.ana, { type: "end-chunk" });
    await waitFor(() => active(tess).phase === "paraphrase", "paraphrase phase at Tess");
    // The chunk moved into the log, and the draft was cleared in the same transaction.
    expect(exerciseLog(tess.y.doc).toArray()).toMatchObject([{ kind: "chunk", by: s.ana.person.id, text: "I felt alone when you came home late without a message." }]);
    await waitFor(() => textOf(s.ben, "speaker") === "", "speaker draft cleared");

    await type(s.ben, "listener", "You were angry at me.");
    await expectOk(s.ben, { type: "submit" });
    await waitFor(() => active(s.ana).awaiting, "Ana asked to confirm");
    await expectOk(s.ana, { type: "correct" });
    await waitFor(() => !active(s.ben).awaiting && active(s.ben).phase === "paraphrase", "back to paraphrasing");

    await type(s.ben, "listener", "You felt alone when I came home late and didn't write.");
    await expectOk(s.ben, { type: "submit" });
    await waitFor(() => active(s.ana).awaiting, "Ana asked again");
    await expectOk(s.ana, { type: "confirm" });
    const passed = await expectOk(s.ana, { type: "pass" });
    expect(passed).toMatchObject({ speaker: s.ben.person.id, listener: s.ana.person.id, phase: "speaking", turn: 2 });
    await waitFor(() => active(tess).speaker === s.ben.person.id, "floor passed at Tess");

    expect(exerciseLog(s.ben.y.doc).toArray().map((e) => e.kind)).toEqual(["chunk", "paraphrase", "paraphrase"]);
    if (TEST_DB === "postgres") {
      const rows = await server.database.sql!`
        select e.type, e.entry_kind, e.text from exercise_events e join exercises x on x.id = e.exercise_id
        where x.room_id = ${s.roomId} order by e.seq`;
      expect(rows.map((r) => r.type)).toEqual(["propose", "accept", "end-chunk", "log", "submit", "log", "correct", "submit", "log", "confirm", "pass"]);
      expect(rows.filter((r) => r.entry_kind).map((r) => r.text)).toEqual([
        "I felt alone when you came home late without a message.",
        "You were angry at me.",
        "You felt alone when I came home late and didn't write.",
      ]);
    }
    s.close();
  });
});

describe("an Imago round with the therapist watching", () => {
  it("after 'that's all', summary, validation and empathy are each confirmed; then the roles swap", async () => {
    const s = await roomScene(server.url, { therapist: true });
    await start(s, "imago");
    await confirmedChunk(s, "I need to know where you are in the evenings.", "You need to know where I am.");
    expect(await act(s.ana, { type: "pass" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    await expectOk(s.ana, { type: "no-more" });
    for (const [step, words] of [
      ["summary", "You need to know where I am, because you felt alone."],
      ["validation", "You make sense because I broke your trust."],
      ["empathy", "I imagine you feel scared."],
    ] as const) {
      await waitFor(() => active(s.ben).phase === step && !active(s.ben).awaiting, `${step} at Ben`);
      await type(s.ben, "listener", words);
      await expectOk(s.ben, { type: "submit" });
      await waitFor(() => active(s.ana).awaiting, `${step} to confirm`);
      await expectOk(s.ana, { type: "confirm" });
    }
    await waitFor(() => active(s.ana).speaker === s.ben.person.id, "roles swapped");
    expect(active(s.ana)).toMatchObject({ phase: "speaking", turn: 2, listener: s.ana.person.id });
    expect(exerciseLog(s.ana.y.doc).toArray().map((e) => e.kind)).toEqual(["chunk", "paraphrase", "summary", "validation", "empathy"]);
    await waitFor(() => (stateAt(s.tess!) as ActiveExercise).turn === 2, "the therapist sees the swap");
    s.close();
  });
});

describe("a time-out", () => {
  it("freezes the drafts; the other may counter; it ends only when both are ready, where it was left", async () => {
    const s = await roomScene(server.url, { therapist: true });
    await start(s);
    await type(s.ana, "speaker", "I want to say");
    await waitFor(() => textOf(s.tess!, "speaker") === "I want to say", "draft at Tess");
    const before = Date.now();
    const paused = (await expectOk(s.ben, { type: "time-out", minutes: 30 })) as ActiveExercise;
    expect(paused.pause).toMatchObject({ kind: "time-out", by: s.ben.person.id, ready: [] });
    expect(paused.pause!.returnAt).toBeGreaterThanOrEqual(before + 30 * 60_000);
    await waitFor(() => active(s.ana).pause !== null, "pause at Ana");

    // Nobody can write during it: Ana's typing is refused and the room keeps her earlier words.
    await type(s.ana, "speaker", " something else");
    await waitFor(() => s.ana.y.notices.some((n) => n.kind === "update-refused"), "Ana told her typing was refused");
    expect(await act(s.ana, { type: "end-chunk" })).toMatchObject({ ok: false, error: { code: "conflict" } });

    // Ana counters; Ben cannot counter his own time again until she has.
    expect(await act(s.ben, { type: "counter", minutes: 45 })).toMatchObject({ ok: false, error: { code: "conflict" } });
    const countered = (await expectOk(s.ana, { type: "counter", minutes: 60 })) as ActiveExercise;
    expect(countered.pause).toMatchObject({ proposedBy: s.ana.person.id });
    expect(await act(s.ana, { type: "time-out", minutes: 20 })).toMatchObject({ ok: false });
    // The therapist cannot end it for them, and neither partner alone can.
    expect(await act(s.tess!, { type: "ready" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await act(s.tess!, { type: "resume" })).toMatchObject({ ok: false });
    const one = (await expectOk(s.ana, { type: "ready" })) as ActiveExercise;
    expect(one.pause?.ready).toEqual([s.ana.person.id]);
    const both = (await expectOk(s.ben, { type: "ready" })) as ActiveExercise;
    expect(both).toMatchObject({ pause: null, phase: "speaking", speaker: s.ana.person.id, turn: 1 });
    await waitFor(() => active(s.tess!).pause === null, "resumed at Tess");
    expect(textOf(s.tess!, "speaker")).toBe("I want to say");
    s.close();
  });

  it("the therapist can hold and resume, and give the floor to the other partner", async () => {
    const s = await roomScene(server.url, { therapist: true });
    await start(s);
    await type(s.ana, "speaker", "Half a thought");
    await waitFor(() => textOf(s.tess!, "speaker") === "Half a thought", "draft at Tess");
    expect(await act(s.ana, { type: "hold" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    await expectOk(s.tess!, { type: "hold" });
    expect(await act(s.ana, { type: "ready" })).toMatchObject({ ok: false });
    const assigned = (await expectOk(s.tess!, { type: "assign", to: s.ben.person.id })) as ActiveExercise;
    expect(assigned).toMatchObject({ speaker: s.ben.person.id, pause: { kind: "hold" } });
    // Ana's unfinished words are kept in the log, not lost.
    await waitFor(() => exerciseLog(s.ana.y.doc).toArray().some((e) => e.kind === "unfinished" && e.text === "Half a thought"), "set aside");
    expect(textOf(s.ana, "speaker")).toBe("");
    await expectOk(s.tess!, { type: "resume" });
    await waitFor(() => active(s.ben).pause === null && active(s.ben).speaker === s.ben.person.id, "resumed with Ben speaking");
    s.close();
  });
});

describe("park it", () => {
  it("sends an idea to the agreement's agenda, under the name of who parked it, without changing the exercise", async () => {
    const s = await roomScene(server.url, { therapist: true });
    await start(s);
    const before = stateAt(s.ana);
    await expectOk(s.ben, { type: "park", text: "Talk about phones at dinner" });
    await waitFor(() => agenda(s.ana.y.doc).length === 1, "agenda at Ana");
    expect(agenda(s.tess!.y.doc).toArray()).toMatchObject([{ text: "Talk about phones at dinner", by: s.ben.person.id, name: "Ben" }]);
    expect(stateAt(s.ana)).toEqual(before);
    expect(await act(s.ben, { type: "park", text: "   " })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    const entryId = agenda(s.ana.y.doc).get(0).id;
    expect(await s.tess!.send("agenda:remove", { entryId })).toMatchObject({ ok: true });
    await waitFor(() => agenda(s.ben.y.doc).length === 0, "removed at Ben");
    s.close();
  });
});

describe("when the exercise ends", () => {
  it("the transcript is kept only when both partners choose to keep it", async () => {
    const s = await roomScene(server.url, { therapist: true });
    await start(s);
    await confirmedChunk(s, "I am scared we will not get past this.", "You are scared.");
    const ended = await expectOk(s.ben, { type: "end" });
    expect(ended).toMatchObject({ status: "ended", keep: [] });
    expect(await act(s.tess!, { type: "keep" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    await expectOk(s.ana, { type: "keep" });
    expect(await expectOk(s.ben, { type: "keep" })).toBeNull();
    await waitFor(() => stateAt(s.ana) === null && exerciseLog(s.ana.y.doc).length === 0, "closed, log left the doc");

    const history = await api(server.url, "GET", `/api/rooms/${s.roomId}/exercises`, { cookie: s.tess!.person.cookie });
    expect(history.body.exercises).toMatchObject([{ outcome: "kept", topic: "Last Friday", mode: "prep", chunks: 1 }]);
    const transcript = await api(server.url, "GET", `/api/rooms/${s.roomId}/exercises/${history.body.exercises[0].id}`, { cookie: s.ben.person.cookie });
    expect(transcript.status).toBe(200);
    expect(transcript.body.entries).toMatchObject([
      { kind: "chunk", name: "Ana", text: "I am scared we will not get past this." },
      { kind: "paraphrase", name: "Ben", text: "You are scared." },
    ]);
    // A new exercise can start once the last one is closed.
    await expectOk(s.ben, { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ben.person.id });
    s.close();
  });

  it("a discarded transcript is deleted from the log, the events and the room's saved history", async () => {
    const s = await roomScene(server.url);
    const secret = `private-words-${Date.now()}`;
    await start(s);
    await confirmedChunk(s, `I never told you about ${secret}.`, `You never told me about ${secret}.`);
    await expectOk(s.ana, { type: "end" });
    await expectOk(s.ana, { type: "keep" });
    expect(await expectOk(s.ben, { type: "discard" })).toBeNull();
    await waitFor(() => stateAt(s.ana) === null && exerciseLog(s.ana.y.doc).length === 0, "closed at Ana");

    const history = await api(server.url, "GET", `/api/rooms/${s.roomId}/exercises`, { cookie: s.ana.person.cookie });
    expect(history.body.exercises).toMatchObject([{ outcome: "discarded", topic: null, chunks: 1 }]);
    const transcript = await api(server.url, "GET", `/api/rooms/${s.roomId}/exercises/${history.body.exercises[0].id}`, { cookie: s.ana.person.cookie });
    expect(transcript.status).toBe(404);

    // Someone opening the room now receives a document without the words anywhere in it.
    const fresh = await connectY(server.url, s.roomId, s.ana.person.cookie);
    expect(Buffer.from(Y.encodeStateAsUpdate(fresh.doc)).includes(secret)).toBe(false);
    fresh.close();
    if (TEST_DB === "postgres") {
      const sql = server.database.sql!;
      const texts = await sql`select e.text from exercise_events e join exercises x on x.id = e.exercise_id where x.room_id = ${s.roomId} and e.text is not null`;
      expect(texts).toHaveLength(0);
      const updates = await sql`select update from room_updates where room_id = ${s.roomId}`;
      const holding = (await sql`select seq, length(update) as n from room_updates where room_id = ${s.roomId} order by seq`).map((r) => `${r.seq}:${r.n}`);
      const leaked = updates.filter((row) => Buffer.from(row.update as Uint8Array).includes(secret));
      expect(leaked, `rows ${holding.join(" ")}`).toEqual([]);
      const [room] = await sql`select history_rewrite_pending from rooms where id = ${s.roomId}`;
      expect(room!.history_rewrite_pending).toBe(false);
    }
    s.close();
  });

  it("a rewrite still pending (the process stopped before it) is done when the room next loads", async () => {
    if (TEST_DB !== "postgres") return; // needs to reach into the database the server uses
    const sql = server.database.sql!;
    const s = await roomScene(server.url);
    const secret = `left-behind-${Date.now()}`;
    // Typed, saved, deleted, saved: the words are in room_updates, as they would be after a crash.
    const text = draft(s.ana.y.doc, "speaker")!;
    await start(s);
    text.insert(0, secret);
    await s.ana.y.waitSaved();
    text.delete(0, text.length);
    await s.ana.y.waitSaved();
    s.close();
    await sql`update rooms set history_rewrite_pending = true where id = ${s.roomId}`;
    const contains = async () => (await sql`select update from room_updates where room_id = ${s.roomId}`).some((r) => Buffer.from(r.update as Uint8Array).includes(secret));
    expect(await contains()).toBe(true);
    // The room unloads a moment after its last person left (ROOM_UNLOAD_DELAY_MS is 200 in tests);
    // the next person to open it loads it afresh.
    await new Promise((r) => setTimeout(r, 1_000));
    const again = await connectY(server.url, s.roomId, s.ana.person.cookie);
    await waitFor(async () => !(await contains()), "rewritten on load");
    again.close();
    const [room] = await sql`select history_rewrite_pending from rooms where id = ${s.roomId}`;
    expect(room!.history_rewrite_pending).toBe(false);
  });

  it("ending before anything was said closes it at once; declining a proposal too", async () => {
    const s = await roomScene(server.url);
    await expectOk(s.ana, { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ben.person.id });
    expect(await expectOk(s.ben, { type: "decline" })).toBeNull();
    await start(s);
    expect(await expectOk(s.ben, { type: "end" })).toBeNull();
    await waitFor(() => stateAt(s.ana) === null, "closed at Ana");
    s.close();
  });
});

describe("starting", () => {
  it("needs both partners present and both accepting the ground rules", async () => {
    // Ben has the command channel but not the room open (no Yjs connection): he is not present.
    const { a, b, roomId } = await pairedRoom(server.url);
    const anaY = await connectY(server.url, roomId, a.cookie);
    const [sa, sb] = await Promise.all([connectSocket(server.url, a.cookie), connectSocket(server.url, b.cookie)]);
    const send = (socket: typeof sa, event: Record<string, unknown>) => command(socket, "exercise:act", { roomId, event });
    expect(await send(sa, { type: "propose", mode: "prep", topic: "", firstSpeaker: a.id })).toMatchObject({ ok: true, state: { accepted: [a.id] } });
    expect(await send(sa, { type: "accept" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    const refused = await send(sb, { type: "accept" });
    expect(refused).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(refused.error?.message).toMatch(/both need to be here/);
    // Once he opens the room, his acceptance starts it.
    const benY = await connectY(server.url, roomId, b.cookie);
    expect(await send(sb, { type: "accept" })).toMatchObject({ ok: true, state: { status: "active", speaker: a.id } });
    for (const c of [anaY, benY]) c.close();
    for (const c of [sa, sb]) c.close();
  });
});
