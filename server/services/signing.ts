import { createHash } from "node:crypto";
import { and, asc, desc, eq, gte, inArray, max } from "drizzle-orm";
import type * as Y from "yjs";
import {
  canonicalJson,
  type LatestVersion,
  type SigningProposal,
  type SignatureView,
  type VersionContent,
  versionContent,
  versionToMarkdown,
} from "@/app/lib/agreement-version";
import { can } from "@/app/lib/permissions";
import { readAgreement } from "@/app/lib/room-doc";
import type { Database } from "@/db/client";
import { agreementSignatures, agreementVersions, rooms as roomsTable } from "@/db/schema";
import { AppError } from "../errors";
import { DRAFT } from "@/app/lib/agreement";
import { currentHash, SERVER_ORIGIN, statusOf } from "../rooms/agreement-status";
import type { RoomRegistry } from "../rooms/registry";
import type { Accounts } from "./accounts";
import type { Rooms } from "./rooms";

export const SIGNING_SECTION = "agreementSigning";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function signingMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(SIGNING_SECTION);
}

export interface VersionSummary {
  version: number;
  hash: string;
  createdAt: string;
  signatures: SignatureView[];
}

/**
 * Signing: either partner proposes to sign the agreed items; each signs with a fresh password
 * check; when both have, the version is written once and never changed. A proposal is void as
 * soon as what it covers changes.
 */
export function createSigning(db: Database, rooms: Rooms, accounts: Accounts, registry: RoomRegistry) {
  async function partnersOf(roomId: string, userId: string) {
    const members = await rooms.members(roomId);
    const me = members.find((m) => m.userId === userId);
    if (!me) throw new AppError("forbidden", "You are not a member of this room.");
    if (!can(me.role, "agreement:consent")) throw new AppError("forbidden", "Only the partners sign the agreement.");
    return members.filter((m) => m.role === "partner");
  }

  /** Agreed items only, and only where every partner's consent is to the wording as it is now. */
  const contentOf = (doc: Y.Doc, partners: Array<{ userId: string; name: string }>): VersionContent =>
    versionContent(
      readAgreement(doc),
      (id) => {
        const record = statusOf(doc, id);
        const hash = currentHash(doc, id);
        return partners.every((p) => record.consents[p.userId]?.hash === hash) ? record : DRAFT;
      },
      partners.map((p) => ({ userId: p.userId, name: p.name })),
    );

  async function requireMember(roomId: string, userId: string) {
    if (!(await rooms.member(roomId, userId))) throw new AppError("forbidden", "You are not a member of this room.");
  }

  async function summaries(roomId: string, versions?: number[]): Promise<Array<VersionSummary & { id: string; content: string }>> {
    const rows = await db
      .select()
      .from(agreementVersions)
      .where(versions ? and(eq(agreementVersions.roomId, roomId), inArray(agreementVersions.version, versions)) : eq(agreementVersions.roomId, roomId))
      .orderBy(desc(agreementVersions.version));
    if (rows.length === 0) return [];
    const sigs = await db
      .select()
      .from(agreementSignatures)
      .where(inArray(agreementSignatures.versionId, rows.map((r) => r.id)))
      .orderBy(asc(agreementSignatures.signedAt));
    return rows.map((r) => ({
      id: r.id,
      version: r.version,
      hash: r.hash,
      content: r.content,
      createdAt: r.createdAt.toISOString(),
      signatures: sigs.filter((s) => s.versionId === r.id).map((s) => ({ name: s.name, role: s.role, signedAt: s.signedAt.toISOString() })),
    }));
  }

  return {
    async propose(roomId: string, userId: string): Promise<SigningProposal> {
      const partners = await partnersOf(roomId, userId);
      if (partners.length < 2) throw new AppError("conflict", "Your partner needs to join the room before you can sign together.");
      return registry.withRoom(roomId, (room) => {
        const content = contentOf(room.doc, partners);
        if (content.items.length === 0) throw new AppError("conflict", "Agree on at least one item together before signing.");
        const proposal: SigningProposal = {
          hash: sha256(canonicalJson(content)),
          itemIds: content.items.map((i) => i.id),
          proposedBy: userId,
          proposedAt: Date.now(),
          signatures: {},
        };
        room.doc.transact(() => signingMap(room.doc).set("proposal", proposal), SERVER_ORIGIN);
        return proposal;
      });
    },

    async cancel(roomId: string, userId: string): Promise<void> {
      await partnersOf(roomId, userId);
      await registry.withRoom(roomId, (room) => {
        room.doc.transact(() => signingMap(room.doc).delete("proposal"), SERVER_ORIGIN);
      });
    },

    async sign(roomId: string, userId: string, hash: string, password: string): Promise<{ signed: boolean; version?: number }> {
      const partners = await partnersOf(roomId, userId);
      await accounts.requirePassword(userId, password);
      return registry.withRoom(roomId, async (room) => {
        const doc = room.doc;
        const proposal = signingMap(doc).get("proposal") as SigningProposal | undefined;
        if (!proposal || proposal.hash !== hash) {
          throw new AppError("conflict", "This is not the version proposed for signing. Please look at the agreement again.");
        }
        const content = contentOf(doc, partners);
        if (sha256(canonicalJson(content)) !== proposal.hash) {
          doc.transact(() => signingMap(doc).delete("proposal"), SERVER_ORIGIN);
          throw new AppError("conflict", "The agreement changed after it was proposed for signing. Please propose it again.");
        }
        const signatures = { ...proposal.signatures, [userId]: Date.now() };
        if (!partners.every((p) => signatures[p.userId] !== undefined)) {
          doc.transact(() => signingMap(doc).set("proposal", { ...proposal, signatures }), SERVER_ORIGIN);
          return { signed: false };
        }
        // Both have signed: the version is written once, numbered under the room's row lock.
        const text = canonicalJson(content);
        const version = await db.transaction(async (tx) => {
          await tx.select({ id: roomsTable.id }).from(roomsTable).where(eq(roomsTable.id, roomId)).for("update");
          // Two last signatures at the same instant write one version, not two.
          const [already] = await tx
            .select({ version: agreementVersions.version })
            .from(agreementVersions)
            .where(and(eq(agreementVersions.roomId, roomId), eq(agreementVersions.hash, proposal.hash), gte(agreementVersions.createdAt, new Date(proposal.proposedAt))));
          if (already) return already.version;
          const [row] = await tx.select({ n: max(agreementVersions.version) }).from(agreementVersions).where(eq(agreementVersions.roomId, roomId));
          const next = (row?.n ?? 0) + 1;
          const [created] = await tx
            .insert(agreementVersions)
            .values({ roomId, version: next, content: text, hash: proposal.hash })
            .returning({ id: agreementVersions.id });
          await tx.insert(agreementSignatures).values(
            partners.map((p) => ({ versionId: created!.id, userId: p.userId, name: p.name, role: p.role, signedAt: new Date(signatures[p.userId]!) })),
          );
          return next;
        });
        const latest: LatestVersion = { version, hash: proposal.hash, signedAt: Date.now() };
        doc.transact(() => {
          signingMap(doc).delete("proposal");
          signingMap(doc).set("latest", latest);
        }, SERVER_ORIGIN);
        return { signed: true, version };
      });
    },

    /**
     * The therapist witnesses a signed version: an extra signature (role "therapist") next to the
     * partners', with a fresh password check. The version itself never changes.
     */
    async witness(roomId: string, userId: string, version: number, password: string): Promise<{ witnessed: true }> {
      const member = await rooms.member(roomId, userId);
      if (!member) throw new AppError("forbidden", "You are not a member of this room.");
      if (!can(member.role, "agreement:witness")) throw new AppError("forbidden", "The room's therapist may witness a version; partners sign it.");
      await accounts.requirePassword(userId, password);
      await db.transaction(async (tx) => {
        const [row] = await tx
          .select({ id: agreementVersions.id })
          .from(agreementVersions)
          .where(and(eq(agreementVersions.roomId, roomId), eq(agreementVersions.version, version)))
          .for("update");
        if (!row) throw new AppError("not_found", "There is no signed version with that number.");
        const [already] = await tx
          .select({ at: agreementSignatures.signedAt })
          .from(agreementSignatures)
          .where(and(eq(agreementSignatures.versionId, row.id), eq(agreementSignatures.userId, userId)));
        if (already) throw new AppError("conflict", "You have witnessed this version already.");
        await tx.insert(agreementSignatures).values({ versionId: row.id, userId, name: member.name, role: "therapist", signedAt: new Date() });
      });
      return { witnessed: true };
    },

    async list(roomId: string, userId: string): Promise<VersionSummary[]> {
      await requireMember(roomId, userId);
      return (await summaries(roomId)).map(({ version, hash, createdAt, signatures }) => ({ version, hash, createdAt, signatures }));
    },

    async get(roomId: string, userId: string, version: number): Promise<VersionSummary & { content: VersionContent }> {
      await requireMember(roomId, userId);
      const [found] = await summaries(roomId, [version]);
      if (!found) throw new AppError("not_found", "There is no signed version with that number.");
      const { id: _id, content, ...rest } = found;
      void _id;
      return { ...rest, content: JSON.parse(content) as VersionContent };
    },

    async markdown(roomId: string, userId: string, version: number): Promise<string> {
      const v = await this.get(roomId, userId, version);
      const room = await rooms.get(roomId);
      return versionToMarkdown(v.content, { title: room?.title ?? "Mend", version: v.version, hash: v.hash, createdAt: v.createdAt, signatures: v.signatures });
    },
  };
}

export type Signing = ReturnType<typeof createSigning>;
