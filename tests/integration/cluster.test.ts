/**
 * Several nodes: two server processes (ports 0) share one PostgreSQL and one Redis, the way a
 * deployment behind a plain load balancer runs. Partners on different nodes co-edit, see each
 * other, run a speak-and-listen round; a node that loses Redis catches up from Postgres; a node
 * killed with SIGKILL mid-edit loses nothing anyone was told was saved.
 * Runs in the PostgreSQL project when REDIS_URL is set (vitest.config.ts).
 */
import { Redis } from "ioredis";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ActiveExercise } from "@/app/lib/exercise";
import { hashItemContent, parseStatusRecord } from "@/app/lib/agreement";
import { addAgreementItem, agreementStatus, commitmentText, exerciseLog, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { act, stateAt, type } from "../helpers/exercise";
import { pairedRoom, type Person, signIn, waitFor } from "../helpers/http";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "../helpers/server";
import type { Participant } from "../helpers/scene";
import { command, connectSocket } from "../helpers/socket";
import { connectY, expectUpgradeRefused, missingFrom, type YClient, yjsUrl } from "../helpers/yjs-client";
import { LIMITS } from "@/server/realtime/token-bucket";

let database: TestDatabase;
let node1: TestServer;
let node2: TestServer;

beforeAll(async () => {
  database = await createTestDatabase("postgres");
  // One after the other: the second finds the schema migrated and the secret written.
  node1 = await startServer({ database });
  node2 = await startServer({ database });
});
// A failure across two processes is hard to read without them: their logs, last lines first.
afterEach((context) => {
  if (context.task.result?.state !== "fail") return;
  for (const [name, node] of [["node 1", node1], ["node 2", node2]] as const) {
    console.log(`--- ${name} log (last 40 lines) ---\n${node.logs().trim().split("\n").slice(-40).join("\n")}`);
  }
});
afterAll(async () => {
  await Promise.all([node1?.stop(), node2?.stop()]);
  await database?.drop();
});

const ids = (c: YClient) => (c.presence() ?? []).map((m) => m.userId).sort();
/** Equal state: the same structs and the same deletions (toJSON would skip types never opened). */
const same = (x: Y.Doc, y: Y.Doc) => Y.equalSnapshots(Y.snapshot(x), Y.snapshot(y));

/** A person whose document is on one node and whose commands go to another, as a load balancer may do. */
async function joinSplit(person: Person, roomId: string, docNode: TestServer, commandNode: TestServer): Promise<Participant> {
  const [y, socket] = await Promise.all([connectY(docNode.url, roomId, person.cookie), connectSocket(commandNode.url, person.cookie)]);
  return { person, y, socket, send: (event, payload = {}) => command(socket, event, { roomId, ...payload }) };
}

/** Closes a node's Redis subscriber connection (it reconnects by itself; messages meanwhile are lost). */
async function cutSubscriber(node: TestServer): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    const nodeId = /node=([0-9a-f-]{36})/.exec(node.logs())![1]!;
    const list = String(await redis.call("CLIENT", "LIST", "TYPE", "pubsub"));
    const line = list.split("\n").find((l) => l.includes(`name=${database.redisPrefix}:bus:${nodeId}`));
    expect(line, "the node's subscriber").toBeTruthy();
    await redis.call("CLIENT", "KILL", "ID", /id=(\d+)/.exec(line!)![1]!);
  } finally {
    await redis.quit();
  }
}

describe("two nodes, one room", () => {
  it("partners on different nodes co-edit, see who is here and each other's cursor, and are told 'saved'", async () => {
    const { a, b, roomId } = await pairedRoom(node1.url);
    const ya = await connectY(node1.url, roomId, a.cookie);
    const yb = await connectY(node2.url, roomId, b.cookie);
    // The server's own presence list spans the nodes.
    await waitFor(() => ids(ya).join() === [a.id, b.id].sort().join(), "both present at node 1");
    await waitFor(() => ids(yb).join() === [a.id, b.id].sort().join(), "both present at node 2");

    addAgreementItem(ya.doc, { id: "x", createdBy: a.id, commitment: "We tell each other" });
    const itemAtB = await waitFor(() => findAgreementItem(yb.doc, "x"), "item at node 2");
    commitmentText(itemAtB.item).insert(commitmentText(itemAtB.item).length, " where we are.");
    await waitFor(() => commitmentText(findAgreementItem(ya.doc, "x")!.item).toString() === "We tell each other where we are.", "text at node 1");

    // Awareness crosses nodes, under the identity the first node gave it.
    ya.awareness.setLocalStateField("typing", "x");
    await waitFor(() => [...yb.awareness.getStates().values()].find((s) => s.typing === "x"), "cursor at node 2");
    const seen = [...yb.awareness.getStates().values()].find((s) => s.typing === "x")!;
    expect(seen.user).toMatchObject({ id: a.id, name: a.name });

    // "Saved" at each node covers the other node's committed work too.
    await Promise.all([ya.waitSaved(), yb.waitSaved()]);
    expect(same(ya.doc, yb.doc)).toBe(true);

    yb.close();
    await waitFor(() => ids(ya).join() === a.id, "Ben gone at node 1");
    ya.close();
  });

  it("runs a speak-and-listen round with documents and commands on different nodes", async () => {
    const { a, b, roomId } = await pairedRoom(node1.url);
    const ana = await joinSplit(a, roomId, node1, node2);
    const ben = await joinSplit(b, roomId, node2, node1);
    const ok = async (p: Participant, event: Record<string, unknown>) => {
      const ack = await act(p, event);
      expect(ack, `${JSON.stringify(event)} → ${JSON.stringify(ack)}`).toMatchObject({ ok: true });
    };
    const state = (p: Participant) => stateAt(p) as ActiveExercise | null;

    await waitFor(() => ids(ana.y).length === 2 && ids(ben.y).length === 2, "both present on both nodes");
    await ok(ana, { type: "propose", mode: "prep", topic: "Last Friday", firstSpeaker: a.id });
    await ok(ben, { type: "accept" });
    await waitFor(() => state(ana)?.status === "active" && state(ben)?.status === "active", "active on both nodes");
    await type(ana, "speaker", "I felt alone when you came home late.");
    await ok(ana, { type: "end-chunk" });
    await waitFor(() => state(ben)?.phase === "paraphrase", "paraphrase at Ben");
    await type(ben, "listener", "You felt alone when I was late.");
    await ok(ben, { type: "submit" });
    await waitFor(() => state(ana)?.awaiting, "Ana asked to confirm");
    await ok(ana, { type: "confirm" });
    await ok(ana, { type: "pass" });
    await waitFor(() => state(ben)?.speaker === b.id && state(ana)?.speaker === b.id, "floor passed on both nodes");
    const log = (p: Participant) => exerciseLog(p.y.doc).toArray().map((e) => `${e.kind}:${e.text}`);
    expect(log(ana)).toEqual(["chunk:I felt alone when you came home late.", "paraphrase:You felt alone when I was late."]);
    await waitFor(() => log(ben).length === 2, "log at Ben");
    expect(log(ben)).toEqual(log(ana));
    for (const p of [ana, ben]) {
      p.y.close();
      p.socket.close();
    }
  });

  it("steps decided on different nodes in quick succession land in order in every copy", async () => {
    const { a, b, roomId } = await pairedRoom(node1.url);
    // Each person's document on one node, and commands sent to either node.
    const ana = { 1: await joinSplit(a, roomId, node1, node1), 2: await joinSplit(a, roomId, node1, node2) };
    const ben = { 1: await joinSplit(b, roomId, node2, node1), 2: await joinSplit(b, roomId, node2, node2) };
    await waitFor(() => ids(ana[1].y).length === 2 && ids(ben[1].y).length === 2, "both present on both nodes");
    const show = (p: Participant) => stateAt(p)?.status ?? "none";
    // Both directions, so whichever node's write would win a tie, one round would show it.
    for (const [proposeAt, declineAt] of [[1, 2], [2, 1], [1, 2], [2, 1]] as const) {
      // The declining node is cut from Redis for a moment: Ana's proposal reaches it late.
      await cutSubscriber(declineAt === 1 ? node1 : node2);
      expect((await act(ana[proposeAt], { type: "propose", mode: "prep", topic: "Last Friday", firstSpeaker: a.id })).ok).toBe(true);
      expect((await act(ben[declineAt], { type: "decline" })).ok).toBe(true);
      // Declined in both copies: a decline written beside the proposal (not after it) may lose.
      await waitFor(() => show(ana[1]) === "none" && show(ben[1]) === "none", `declined in both copies (Ana sees ${show(ana[1])}, Ben ${show(ben[1])})`, 15_000);
    }
    for (const p of [ana[1], ana[2], ben[1], ben[2]]) {
      p.y.close();
      p.socket.close();
    }
  });

  it("both partners agreeing at the same moment on different nodes makes the item agreed in every copy", async () => {
    const { a, b, roomId } = await pairedRoom(node1.url);
    const ya = await connectY(node1.url, roomId, a.cookie);
    const yb = await connectY(node2.url, roomId, b.cookie);
    const [sa1, sa2, sb1, sb2] = await Promise.all([connectSocket(node1.url, a.cookie), connectSocket(node2.url, a.cookie), connectSocket(node1.url, b.cookie), connectSocket(node2.url, b.cookie)]);
    const items = ["i1", "i2", "i3", "i4"];
    for (const id of items) addAgreementItem(ya.doc, { id, createdBy: a.id, commitment: `We keep promise ${id}.` });
    await waitFor(() => items.every((id) => findAgreementItem(yb.doc, id)), "items at node 2");
    await ya.waitSaved();
    // Each pair of consents at once, from different nodes, in both directions.
    for (const [i, id] of items.entries()) {
      const hash = await hashItemContent(readAgreement(ya.doc).find((x) => x.id === id)!);
      const [sa, sb] = i % 2 ? [sa2, sb1] : [sa1, sb2];
      const acks = await Promise.all([command(sa, "agreement:consent", { roomId, itemId: id, hash }), command(sb, "agreement:consent", { roomId, itemId: id, hash })]);
      expect(acks.every((ack) => ack.ok), JSON.stringify(acks)).toBe(true);
    }
    const status = (y: YClient, id: string) => parseStatusRecord(agreementStatus(y.doc).get(id))?.status;
    await waitFor(() => items.every((id) => status(ya, id) === "agreed" && status(yb, id) === "agreed"), "every item agreed in both copies", 15_000);
    for (const s of [sa1, sa2, sb1, sb2]) s.close();
    ya.close();
    yb.close();
  });

  it("counts a person's windows on every node together, and frees them when they close", async () => {
    const { a, roomId } = await pairedRoom(node1.url);
    const per = LIMITS.connectionsPerPersonPerRoom;
    // Half the allowed windows on each node: each node alone would let in as many again.
    const open: YClient[] = [];
    for (let i = 0; i < per; i++) open.push(await connectY((i % 2 ? node2 : node1).url, roomId, a.cookie));
    for (const node of [node1, node2]) {
      expect(await expectUpgradeRefused(yjsUrl(node.url, roomId), { cookie: a.cookie }), `one more at ${node === node1 ? "node 1" : "node 2"}`).toBe(429);
    }
    // A window closed on node 1 makes room on node 2.
    open.shift()!.close();
    const again = await waitFor(async () => connectY(node2.url, roomId, a.cookie).catch(() => null), "a place again after one closed");
    open.push(again);
    expect(await expectUpgradeRefused(yjsUrl(node1.url, roomId), { cookie: a.cookie })).toBe(429);
    for (const c of open) c.close();
  });

  it("a node that loses its Redis subscription catches up from Postgres", async () => {
    const { a, b, roomId } = await pairedRoom(node1.url);
    const ya = await connectY(node1.url, roomId, a.cookie);
    const yb = await connectY(node2.url, roomId, b.cookie);
    addAgreementItem(ya.doc, { id: "r", createdBy: a.id, commitment: "" });
    await waitFor(() => findAgreementItem(yb.doc, "r"), "item at node 2");

    // Node 2's subscriber connection is cut while Ana keeps typing at node 1.
    const text = commitmentText(findAgreementItem(ya.doc, "r")!.item);
    await cutSubscriber(node2);
    for (let i = 0; i < 20; i++) {
      text.insert(text.length, "abcde"[i % 5]!);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => commitmentText(findAgreementItem(yb.doc, "r")!.item).toString() === text.toString(), "node 2 caught up", 20_000);
    await waitFor(() => /caught up a room from the database/.test(node2.logs()), "catch-up logged");
    ya.close();
    yb.close();
  });

  it("kill -9 one node mid-edit: its people reconnect to the other, and every saved edit is everywhere", async () => {
    const { a, b, roomId } = await pairedRoom(node1.url);
    const ya = await connectY(node1.url, roomId, a.cookie);
    const yb = await connectY(node2.url, roomId, b.cookie);
    addAgreementItem(ya.doc, { id: "k", createdBy: a.id, commitment: "" });
    await waitFor(() => findAgreementItem(yb.doc, "k"), "item at node 2");

    let typing = true;
    const loops = [ya, yb].map(async (c, i) => {
      while (typing) {
        const t = commitmentText(findAgreementItem(c.doc, "k")!.item);
        if (t.length > 40 && Math.random() < 0.3) t.delete(Math.floor(Math.random() * (t.length - 2)), 2);
        else t.insert(Math.floor(Math.random() * (t.length + 1)), "ab"[i]!);
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
      }
    });
    await new Promise((r) => setTimeout(r, 400 + Math.random() * 800));
    await node2.kill();
    const savedAtB = yb.committed();
    expect(savedAtB).not.toBeNull();
    // Ben's browser reconnects, through the load balancer, to the node still running, with its
    // document (and whatever of his was not yet saved); Ana keeps typing meanwhile.
    await new Promise((r) => setTimeout(r, 200));
    typing = false;
    await Promise.all(loops);
    yb.close();
    const yb2 = await connectY(node1.url, roomId, await signIn(node1.url, b.email, b.password), yb.doc);
    await Promise.all([ya.waitSaved(), yb2.waitSaved()]);
    await waitFor(() => same(ya.doc, yb2.doc), "both documents equal");
    expect(missingFrom(ya.doc, savedAtB!)).toEqual([]);
    const savedAtA = ya.committed()!;

    // And in Postgres: a node started afresh loads all of it.
    node2 = await startServer({ database });
    const reader = await connectY(node2.url, roomId, await signIn(node2.url, a.email, a.password));
    expect(missingFrom(reader.doc, savedAtB!)).toEqual([]);
    expect(missingFrom(reader.doc, savedAtA)).toEqual([]);
    const words = (doc: Y.Doc) => commitmentText(findAgreementItem(doc, "k")!.item).toString();
    expect(words(reader.doc)).toBe(words(ya.doc));
    for (const c of [ya, yb2, reader]) c.close();
  });
});
