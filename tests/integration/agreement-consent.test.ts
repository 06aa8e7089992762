/**
 * Consent over real sockets: an item is agreed only when both partners consent to its current
 * wording; an edit clears consents; consent is a command, and only partners give it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashItemContent, parseStatusRecord, type ItemStatusRecord } from "@/app/lib/agreement";
import { addAgreementItem, agreementItems, agreementStatus, commitmentText, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { api, newPerson, pairedRoom, waitFor } from "../helpers/http";
import { startServer, TEST_DB, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY, type YClient } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

const statusAt = (client: YClient, itemId = "item-1"): ItemStatusRecord => parseStatusRecord(agreementStatus(client.doc).get(itemId));
const hashAt = async (client: YClient, itemId = "item-1") => hashItemContent(readAgreement(client.doc).find((i) => i.id === itemId)!);

async function scene() {
  const { a, b, roomId } = await pairedRoom(server.url);
  const [ana, ben] = await Promise.all([connectY(server.url, roomId, a.cookie), connectY(server.url, roomId, b.cookie)]);
  const [sa, sb] = await Promise.all([connectSocket(server.url, a.cookie), connectSocket(server.url, b.cookie)]);
  addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "I tell you within a day if I am contacted." });
  await ana.waitSaved();
  await waitFor(() => findAgreementItem(ben.doc, "item-1"), "item at Ben");
  const close = () => {
    for (const c of [ana, ben]) c.close();
    for (const x of [sa, sb]) x.close();
  };
  return { a, b, roomId, ana, ben, sa, sb, close };
}

describe("agreement consent", () => {
  it("both partners consent to the same wording: agreed, seen by both, saved", async () => {
    const s = await scene();
    const first = await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash: await hashAt(s.ana) });
    expect(first).toMatchObject({ ok: true, status: { status: "proposed" } });
    await waitFor(() => statusAt(s.ben).status === "proposed", "proposed at Ben");
    expect(Object.keys(statusAt(s.ben).consents)).toEqual([s.a.id]);

    const second = await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash: await hashAt(s.ben) });
    expect(second).toMatchObject({ ok: true, status: { status: "agreed" } });
    await waitFor(() => statusAt(s.ana).status === "agreed", "agreed at Ana");
    await s.ana.waitSaved();
    if (TEST_DB === "postgres") {
      const rows = await server.database.sql!`select kind, content_hash from agreement_events where room_id = ${s.roomId} order by created_at`;
      expect(rows.map((r) => r.kind)).toEqual(["consent", "consent"]);
    }
    s.close();
  });

  it("an edit after agreeing clears both consents, visibly ('changed since you agreed')", async () => {
    const s = await scene();
    const hash = await hashAt(s.ana);
    await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash });
    await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash });
    await waitFor(() => statusAt(s.ben).status === "agreed", "agreed");
    commitmentText(findAgreementItem(s.ben.doc, "item-1")!.item).insert(0, "From now on, ");
    await waitFor(() => statusAt(s.ana).status === "draft", "consents cleared at Ana");
    expect(statusAt(s.ana)).toEqual({ status: "draft", consents: {}, changedSinceConsent: true });
    // agreeing again to the new wording works
    const newHash = await hashAt(s.ana);
    expect(newHash).not.toBe(hash);
    await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash: newHash });
    expect(await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash: newHash })).toMatchObject({ status: { status: "agreed" } });
    s.close();
  });

  it("consent to a wording that is no longer current is refused (409)", async () => {
    const s = await scene();
    const old = await hashAt(s.ben);
    commitmentText(findAgreementItem(s.ana.doc, "item-1")!.item).insert(0, "Edited: ");
    await s.ana.waitSaved();
    const res = await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash: old });
    expect(res).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(statusAt(s.ana).status).toBe("draft");
    s.close();
  });

  it("an agreed item cannot be removed by a raw write; the partner and a reload still have it", async () => {
    const s = await scene();
    const hash = await hashAt(s.ana);
    await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash });
    await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash });
    await waitFor(() => statusAt(s.ben).status === "agreed", "agreed at Ben");
    agreementItems(s.ben.doc).delete(0, 1);
    await waitFor(() => s.ben.notices.length > 0, "refusal");
    expect(s.ben.notices[0]!.message).toMatch(/can't be removed/);
    await new Promise((r) => setTimeout(r, 200));
    expect(findAgreementItem(s.ana.doc, "item-1")).not.toBeNull();
    s.close();
  });

  it("withdrawing consent takes it back", async () => {
    const s = await scene();
    await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash: await hashAt(s.ana) });
    expect(await command(s.sa, "agreement:withdraw", { roomId: s.roomId, itemId: "item-1" })).toMatchObject({ ok: true, status: { status: "draft" } });
    await waitFor(() => statusAt(s.ben).status === "draft" && Object.keys(statusAt(s.ben).consents).length === 0, "withdrawn at Ben");
    s.close();
  });

  it("only partners consent; strangers, unknown items and malformed payloads are refused", async () => {
    const s = await scene();
    const t = await newPerson(server.url, "Tess");
    const inv = await api(server.url, "POST", `/api/rooms/${s.roomId}/invites`, { cookie: s.a.cookie, body: { role: "therapist" } });
    await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: t.cookie });
    const st = await connectSocket(server.url, t.cookie);
    const stranger = await connectSocket(server.url, (await newPerson(server.url, "Cy")).cookie);
    const hash = await hashAt(s.ana);
    expect(await command(st, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await command(stranger, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "nope", hash })).toMatchObject({ ok: false, error: { code: "not_found" } });
    for (const bad of [{ roomId: s.roomId, itemId: "item-1", hash: "abc" }, { roomId: s.roomId, itemId: "item-1" }, { roomId: s.roomId, itemId: 5, hash }]) {
      expect(await command(s.sa, "agreement:consent", bad)).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    }
    expect(statusAt(s.ana).status).toBe("draft");
    [st, stranger].forEach((x) => x.close());
    s.close();
  });

  it("needs both partners in the room", async () => {
    const a = await newPerson(server.url, "Solo");
    const room = await api(server.url, "POST", "/api/rooms", { cookie: a.cookie, body: { title: "Alone" } });
    const y = await connectY(server.url, room.body.id, a.cookie);
    addAgreementItem(y.doc, { id: "x", createdBy: a.id, commitment: "Something" });
    await y.waitSaved();
    const sa = await connectSocket(server.url, a.cookie);
    const res = await command(sa, "agreement:consent", { roomId: room.body.id, itemId: "x", hash: await hashAt(y, "x") });
    expect(res).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/partner needs to join/) } });
    y.close();
    sa.close();
  });

  it("a review: both keep (agreed again), then both retire (retired, left out of signing)", async () => {
    const s = await scene();
    const review = (sock: typeof s.sa, decision?: "keep" | "retire") =>
      decision
        ? command(sock, "agreement:review", { roomId: s.roomId, itemId: "item-1", decision })
        : command(sock, "agreement:start-review", { roomId: s.roomId, itemId: "item-1" });
    expect(await review(s.sa)).toMatchObject({ ok: false, error: { code: "conflict" } }); // not agreed yet
    commitmentText(findAgreementItem(s.ben.doc, "item-1")!.item).insert(0, "Yes: ");
    await s.ben.waitSaved();
    await waitFor(() => readAgreement(s.ana.doc)[0]!.commitment.startsWith("Yes: "), "Ben's edit at Ana");
    const hash = await hashAt(s.ana);
    await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash });
    await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash });
    expect(await review(s.sa, "keep")).toMatchObject({ ok: false, error: { code: "conflict" } }); // not under review
    expect(await review(s.sa)).toMatchObject({ ok: true, status: { status: "under_review" } });
    await waitFor(() => statusAt(s.ben).status === "under_review", "under review at Ben");
    await review(s.sa, "keep");
    expect(await review(s.sb, "keep")).toMatchObject({ ok: true, status: { status: "agreed" } });

    await review(s.sb);
    await review(s.sa, "retire");
    expect(await review(s.sb, "keep")).toMatchObject({ status: { status: "under_review" } }); // they differ
    expect(await review(s.sb, "retire")).toMatchObject({ status: { status: "retired" } });
    await waitFor(() => statusAt(s.ana).status === "retired", "retired at Ana");
    expect(await command(s.sa, "agreement:propose-signing", { roomId: s.roomId })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/at least one item/) },
    });
    const history = await api(server.url, "GET", `/api/rooms/${s.roomId}/items/item-1/history`, { cookie: s.b.cookie });
    expect(history.body.events.map((e: { kind: string }) => e.kind)).toEqual([
      "edit", // Ben's change, recorded once per person and item every ten minutes
      "consent",
      "consent",
      "review-start",
      "review-keep",
      "review-keep",
      "review-start",
      "review-retire",
      "review-keep",
      "review-retire",
    ]);
    expect(history.body.events[0]).toEqual({ kind: "edit", name: "Ben", at: expect.any(String) });
    expect(history.body.events[1]).toEqual({ kind: "consent", name: "Ana", at: expect.any(String) });
    const stranger = await newPerson(server.url, "Cy");
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/items/item-1/history`, { cookie: stranger.cookie })).status).toBe(403);
    s.close();
  });

  it("works when nobody has the room open (the command loads it)", async () => {
    const s = await scene();
    const hash = await hashAt(s.ana);
    s.ana.close();
    s.ben.close();
    await waitFor(() => server.logs().includes(`room unloaded room=${s.roomId}`), "unloaded");
    expect(await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId: "item-1", hash })).toMatchObject({ ok: true });
    const later = await connectY(server.url, s.roomId, s.b.cookie);
    expect(statusAt(later).status).toBe("proposed");
    later.close();
    [s.sa, s.sb].forEach((x) => x.close());
  });
});
