/**
 * Saved means committed, at any moment: two partners type without pause, the server is killed
 * (SIGKILL) at a random point, again and again; after each restart everything either client was
 * told was saved is there: every insertion in its saved snapshot, and every deletion.
 */
import { describe, expect, it } from "vitest";
import { addAgreementItem, commitmentText, findAgreementItem } from "@/app/lib/room-doc";
import { pairedRoom, signIn, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { connectY, missingFrom, type YClient } from "../helpers/yjs-client";

const ROUNDS = 3;

describe("SIGKILL at random moments", () => {
  it("loses nothing any client was told was saved", async () => {
    let server: TestServer = await startServer();
    const { a, b, roomId } = await pairedRoom(server.url);
    const people = [a, b];
    for (let round = 0; round < ROUNDS; round++) {
      const cookies = await Promise.all(people.map((p) => (round === 0 ? p.cookie : signIn(server.url, p.email, p.password))));
      const clients: YClient[] = await Promise.all(cookies.map((cookie) => connectY(server.url, roomId, cookie)));
      if (round === 0) addAgreementItem(clients[0]!.doc, { id: "k", createdBy: a.id, commitment: "" });
      await waitFor(() => clients.every((c) => findAgreementItem(c.doc, "k")), "item everywhere");
      // Type (insertions and deletions) without pause, and kill the server somewhere in the middle.
      let typing = true;
      const loops = clients.map(async (c, i) => {
        while (typing) {
          const text = commitmentText(findAgreementItem(c.doc, "k")!.item);
          if (text.length > 40 && Math.random() < 0.3) text.delete(Math.floor(Math.random() * (text.length - 2)), 2);
          else text.insert(Math.floor(Math.random() * (text.length + 1)), "ab"[i]!);
          await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      await server.kill();
      typing = false;
      await Promise.all(loops);
      const saved = clients.map((c) => c.committed());
      for (const c of clients) c.close();
      expect(saved.every((s) => s !== null)).toBe(true);

      server = await startServer({ database: server.database });
      const reader = await connectY(server.url, roomId, await signIn(server.url, a.email, a.password));
      for (const s of saved) expect(missingFrom(reader.doc, s!)).toEqual([]);
      reader.close();
    }
    await server.stop();
    await server.database.drop();
  });
});
