/** Comments: partners and the therapist comment, under the name the server knows; only authors remove theirs. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { addAgreementItem, comments } from "@/app/lib/room-doc";
import { api, newPerson, pairedRoom, waitFor } from "../helpers/http";
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

it("the therapist and partners comment; authors remove their own; nobody writes the section directly", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const t = await newPerson(server.url, "Tess");
  const inv = await api(server.url, "POST", `/api/rooms/${roomId}/invites`, { cookie: a.cookie, body: { role: "therapist" } });
  await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: t.cookie });
  const ana = await connectY(server.url, roomId, a.cookie);
  addAgreementItem(ana.doc, { id: "i", createdBy: a.id, commitment: "We talk." });
  await ana.waitSaved();
  const [sa, sb, st] = await Promise.all([connectSocket(server.url, a.cookie), connectSocket(server.url, b.cookie), connectSocket(server.url, t.cookie)]);

  const byTess = await command(st, "agreement:comment", { roomId, itemId: "i", text: "  Could you say when, exactly?  " });
  expect(byTess).toMatchObject({ ok: true, comment: { itemId: "i", authorId: t.id, name: "Tess", role: "therapist", text: "Could you say when, exactly?" } });
  await command(sb, "agreement:comment", { roomId, itemId: "i", text: "After dinner." });
  await waitFor(() => comments(ana.doc).length === 2, "both comments at Ana");
  expect(comments(ana.doc).toArray().map((c) => c.name)).toEqual(["Tess", "Ben"]);

  const tessComment = (byTess.comment as { id: string }).id;
  expect(await command(sa, "agreement:delete-comment", { roomId, commentId: tessComment })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  expect(await command(st, "agreement:delete-comment", { roomId, commentId: tessComment })).toEqual({ ok: true });
  await waitFor(() => comments(ana.doc).length === 1, "removed at Ana");

  expect(await command(sa, "agreement:comment", { roomId, itemId: "gone", text: "x" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  expect(await command(sa, "agreement:comment", { roomId, itemId: "i", text: "   " })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  expect(await command(sa, "agreement:comment", { roomId, itemId: "i", text: "x".repeat(1001) })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  const stranger = await connectSocket(server.url, (await newPerson(server.url, "Cy")).cookie);
  expect(await command(stranger, "agreement:comment", { roomId, itemId: "i", text: "hi" })).toMatchObject({ ok: false, error: { code: "forbidden" } });

  // a raw write into the comments section, posing as the therapist, is refused
  const mallory = await connectY(server.url, roomId, b.cookie);
  comments(mallory.doc).push([{ id: "x", itemId: "i", authorId: t.id, name: "Tess", role: "therapist", text: "Forged", at: 0 }]);
  await waitFor(() => mallory.notices.length > 0, "refusal");
  expect(comments(ana.doc).toArray().some((c) => c.text === "Forged")).toBe(false);
  for (const c of [ana, mallory]) c.close();
  for (const s of [sa, sb, st, stranger]) s.close();
});
