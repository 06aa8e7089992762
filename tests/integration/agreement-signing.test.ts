/**
 * Signing: both partners sign the agreed items with a fresh password check; the version is
 * immutable, numbered, listed, exportable; a proposal is void once what it covers changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashItemContent } from "@/app/lib/agreement";
import type { SigningProposal } from "@/app/lib/agreement-version";
import { addAgreementItem, commitmentText, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { api, newPerson, pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
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

const proposalAt = (c: YClient) => c.doc.getMap("agreementSigning").get("proposal") as SigningProposal | undefined;

/** A room with two items, the first agreed by both. */
async function scene() {
  const { a, b, roomId } = await pairedRoom(server.url);
  const [ana, ben] = await Promise.all([connectY(server.url, roomId, a.cookie), connectY(server.url, roomId, b.cookie)]);
  const [sa, sb] = await Promise.all([connectSocket(server.url, a.cookie), connectSocket(server.url, b.cookie)]);
  addAgreementItem(ana.doc, { id: "agreed", createdBy: a.id, commitment: "We check in every evening.", category: "check-ins" });
  addAgreementItem(ana.doc, { id: "draft", createdBy: a.id, commitment: "Still talking about this one." });
  await ana.waitSaved();
  const hash = await hashItemContent(readAgreement(ana.doc)[0]!);
  await command(sa, "agreement:consent", { roomId, itemId: "agreed", hash });
  await command(sb, "agreement:consent", { roomId, itemId: "agreed", hash });
  await waitFor(() => ben.doc.getMap("agreementStatus").size > 0, "status at Ben");
  const close = () => {
    for (const c of [ana, ben]) c.close();
    for (const s of [sa, sb]) s.close();
  };
  return { a, b, roomId, ana, ben, sa, sb, close };
}

describe("signing", () => {
  it("both sign with their passwords: version 1 holds the agreed items only, with both signatures", async () => {
    const s = await scene();
    const proposed = await command(s.sa, "agreement:propose-signing", { roomId: s.roomId });
    expect(proposed).toMatchObject({ ok: true, proposal: { itemIds: ["agreed"], signatures: {} } });
    const hash = (proposed.proposal as SigningProposal).hash;
    await waitFor(() => proposalAt(s.ben)?.hash === hash, "proposal at Ben");

    expect(await command(s.sa, "agreement:sign", { roomId: s.roomId, hash, password: "wrong password" })).toMatchObject({
      ok: false,
      error: { code: "invalid_input", message: expect.stringMatching(/password/) },
    });
    expect(await command(s.sa, "agreement:sign", { roomId: s.roomId, hash, password: s.a.password })).toEqual({ ok: true, signed: false });
    await waitFor(() => proposalAt(s.ben)?.signatures[s.a.id], "Ana's signature at Ben");
    expect(await command(s.sb, "agreement:sign", { roomId: s.roomId, hash, password: s.b.password })).toEqual({ ok: true, signed: true, version: 1 });
    await waitFor(() => !proposalAt(s.ana) && s.ana.doc.getMap("agreementSigning").get("latest"), "latest version at Ana");

    const list = await api(server.url, "GET", `/api/rooms/${s.roomId}/versions`, { cookie: s.b.cookie });
    expect(list.body.versions).toEqual([
      {
        version: 1,
        hash,
        createdAt: expect.any(String),
        signatures: expect.arrayContaining([expect.objectContaining({ name: "Ana", role: "partner" }), expect.objectContaining({ name: "Ben", role: "partner" })]),
      },
    ]);
    const one = await api(server.url, "GET", `/api/rooms/${s.roomId}/versions/1`, { cookie: s.a.cookie });
    expect(one.body.content.items).toEqual([expect.objectContaining({ id: "agreed", commitment: "We check in every evening.", category: "check-ins" })]);

    // later edits never change a signed version
    commitmentText(findAgreementItem(s.ana.doc, "agreed")!.item).insert(0, "Changed later: ");
    await s.ana.waitSaved();
    const again = await api(server.url, "GET", `/api/rooms/${s.roomId}/versions/1`, { cookie: s.a.cookie });
    expect(again.body.content.items[0].commitment).toBe("We check in every evening.");
    expect(again.body.hash).toBe(hash);

    const md = await fetch(`${server.url}/api/rooms/${s.roomId}/versions/1/markdown`, { headers: { cookie: s.b.cookie } });
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    const text = await md.text();
    expect(text).toContain("We check in every evening.");
    expect(text).toContain(hash);
    expect(text).not.toContain("Still talking about this one.");
    s.close();
  });

  it("a second version can be compared with the first, word by word", async () => {
    const s = await scene();
    const signBoth = async () => {
      const p = await command(s.sa, "agreement:propose-signing", { roomId: s.roomId });
      const hash = (p.proposal as SigningProposal).hash;
      await command(s.sa, "agreement:sign", { roomId: s.roomId, hash, password: s.a.password });
      return command(s.sb, "agreement:sign", { roomId: s.roomId, hash, password: s.b.password });
    };
    expect(await signBoth()).toMatchObject({ signed: true, version: 1 });
    // change the agreed item's wording, agree to it and to the second item, sign again
    const text = commitmentText(findAgreementItem(s.ana.doc, "agreed")!.item);
    text.delete(text.length - "every evening.".length, "every evening.".length);
    text.insert(text.length, "every morning.");
    await s.ana.waitSaved();
    for (const itemId of ["agreed", "draft"]) {
      const hash = await hashItemContent(readAgreement(s.ana.doc).find((i) => i.id === itemId)!);
      await command(s.sa, "agreement:consent", { roomId: s.roomId, itemId, hash });
      await command(s.sb, "agreement:consent", { roomId: s.roomId, itemId, hash });
    }
    expect(await signBoth()).toMatchObject({ signed: true, version: 2 });
    const page = await fetch(`${server.url}/rooms/${s.roomId}/versions/2?compare=1`, { headers: { cookie: s.a.cookie } });
    const html = await page.text();
    expect(html).toContain("What changed from version 1 to version 2");
    expect(html).toMatch(/<del[^>]*>evening\.<\/del>/);
    expect(html).toMatch(/<ins[^>]*>morning\.<\/ins>/);
    expect(html).toMatch(/Added:.*Still talking about this one\./s);
    s.close();
  });

  it("a proposal is void once an item it covers changes", async () => {
    const s = await scene();
    const proposed = await command(s.sa, "agreement:propose-signing", { roomId: s.roomId });
    const hash = (proposed.proposal as SigningProposal).hash;
    await waitFor(() => proposalAt(s.ben), "proposal at Ben");
    commitmentText(findAgreementItem(s.ben.doc, "agreed")!.item).insert(0, "Now: ");
    await s.ben.waitSaved();
    const res = await command(s.sa, "agreement:sign", { roomId: s.roomId, hash, password: s.a.password });
    expect(res).toMatchObject({ ok: false, error: { code: "conflict" } });
    await waitFor(() => !proposalAt(s.ana), "proposal withdrawn");
    s.close();
  });

  it("needs something agreed, a second partner, and partners only; the history is for members only", async () => {
    const s = await scene();
    const t = await newPerson(server.url, "Tess");
    const inv = await api(server.url, "POST", `/api/rooms/${s.roomId}/invites`, { cookie: s.a.cookie, body: { role: "therapist" } });
    await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: t.cookie });
    const st = await connectSocket(server.url, t.cookie);
    expect(await command(st, "agreement:propose-signing", { roomId: s.roomId })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const stranger = await newPerson(server.url, "Cy");
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/versions`, { cookie: stranger.cookie })).status).toBe(403);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/versions`)).status).toBe(401);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/versions/7`, { cookie: s.a.cookie })).status).toBe(404);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/versions/0`, { cookie: s.a.cookie })).status).toBe(404);
    // the therapist may read the history
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/versions`, { cookie: t.cookie })).status).toBe(200);

    const { a, roomId } = await pairedRoom(server.url);
    const sa = await connectSocket(server.url, a.cookie);
    expect(await command(sa, "agreement:propose-signing", { roomId })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/at least one item/) } });
    expect(await command(sa, "agreement:sign", { roomId, hash: "a".repeat(64), password: a.password })).toMatchObject({ ok: false, error: { code: "conflict" } });
    for (const x of [st, sa]) x.close();
    s.close();
  });
});
