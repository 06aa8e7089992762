import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { inviteTokenSchema } from "@/app/lib/api-schemas";
import { can, MAX_PARTNERS, type Role } from "@/app/lib/permissions";
import type { Database } from "@/db/client";
import { invites, memberships, roomAccessLog, rooms, users } from "@/db/schema";
import { AppError } from "../errors";
import { hashInviteToken, newInviteToken } from "./invite-token";
import type { RateLimiter } from "./rate-limit";
import type { Rooms } from "./rooms";


export interface PendingInvite {
  id: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export type InviteState = "valid" | "used" | "expired" | "revoked";

function stateOf(invite: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date }): InviteState {
  if (invite.revokedAt) return "revoked";
  if (invite.usedAt) return "used";
  if (invite.expiresAt.getTime() <= Date.now()) return "expired";
  return "valid";
}

const GONE_MESSAGE: Record<Exclude<InviteState, "valid">, string> = {
  used: "This invite link has already been used. Ask for a new one if you still need to join.",
  expired: "This invite link has expired. Ask for a new one; links last seven days.",
  revoked: "This invite link was withdrawn. Ask for a new one if you still need to join.",
};

/** `invitesPerHourPerUser`: how many invites one person may create in an hour (INVITE_LIMIT_PER_HOUR). */
export function createInvites(db: Database, roomsService: Rooms, limiter: RateLimiter, ttlSeconds: number, invitesPerHourPerUser = 30) {
  async function requireMember(roomId: string, userId: string): Promise<Role> {
    const role = await roomsService.roleOf(roomId, userId);
    // Unknown rooms and rooms one is not in look the same from outside.
    if (!role) throw new AppError("forbidden", "You are not a member of this room.");
    return role;
  }

  async function partnerCount(tx: Pick<Database, "select">, roomId: string): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.roomId, roomId), eq(memberships.role, "partner")));
    return Number(row?.n ?? 0);
  }

  return {
    async create(roomId: string, userId: string, role: Role): Promise<{ id: string; token: string; expiresAt: string }> {
      const myRole = await requireMember(roomId, userId);
      if (!can(myRole, role === "partner" ? "invite:create:partner" : "invite:create:therapist")) {
        throw new AppError("forbidden", "Only a partner can invite a therapist to this room.");
      }
      if (role === "partner" && (await partnerCount(db, roomId)) >= MAX_PARTNERS) {
        throw new AppError("conflict", "This room already has two partners.");
      }
      const limit = await limiter.hit({ key: `invite:user:${userId}`, max: invitesPerHourPerUser, windowSeconds: 60 * 60 });
      if (!limit.allowed) {
        throw new AppError("rate_limited", "You have created many invites in the last hour. Please try again later.", {
          retryAfterSeconds: limit.retryAfterSeconds,
        });
      }
      const token = newInviteToken();
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const [row] = await db
        .insert(invites)
        .values({ roomId, role, tokenHash: hashInviteToken(token), createdBy: userId, expiresAt })
        .returning({ id: invites.id });
      return { id: row!.id, token, expiresAt: expiresAt.toISOString() };
    },

    async listPending(roomId: string, userId: string): Promise<PendingInvite[]> {
      const myRole = await requireMember(roomId, userId);
      if (!can(myRole, "invite:list")) throw new AppError("forbidden", "You cannot see this room's invites.");
      const rows = await db
        .select({ id: invites.id, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt })
        .from(invites)
        .where(
          and(
            eq(invites.roomId, roomId),
            isNull(invites.usedAt),
            isNull(invites.revokedAt),
            gt(invites.expiresAt, sql`now()`),
          ),
        )
        .orderBy(invites.createdAt);
      return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString() }));
    },

    async revoke(roomId: string, inviteId: string, userId: string): Promise<void> {
      const myRole = await requireMember(roomId, userId);
      if (!can(myRole, "invite:revoke")) throw new AppError("forbidden", "You cannot withdraw invites in this room.");
      const done = await db
        .update(invites)
        .set({ revokedAt: new Date() })
        .where(and(eq(invites.id, inviteId), eq(invites.roomId, roomId), isNull(invites.usedAt), isNull(invites.revokedAt)))
        .returning({ id: invites.id });
      if (done.length === 0) throw new AppError("not_found", "There is no open invite with that id in this room.");
    },

    /** What the invite page shows a signed-in visitor before they accept. */
    async preview(
      token: string,
    ): Promise<{ state: InviteState; role: Role; roomId: string; roomTitle: string; invitedBy: string } | null> {
      if (!inviteTokenSchema.safeParse(token).success) return null;
      const [row] = await db
        .select({
          role: invites.role,
          roomId: invites.roomId,
          usedAt: invites.usedAt,
          revokedAt: invites.revokedAt,
          expiresAt: invites.expiresAt,
          roomTitle: rooms.title,
          invitedBy: users.name,
        })
        .from(invites)
        .innerJoin(rooms, eq(rooms.id, invites.roomId))
        .innerJoin(users, eq(users.id, invites.createdBy))
        .where(eq(invites.tokenHash, hashInviteToken(token)))
        .limit(1);
      if (!row) return null;
      return { state: stateOf(row), role: row.role, roomId: row.roomId, roomTitle: row.roomTitle, invitedBy: row.invitedBy };
    },

    /**
     * Single use, checked and consumed in one transaction with the room's row locked, so two
     * people accepting at once cannot both become the second partner.
     */
    async accept(token: string, userId: string): Promise<{ roomId: string; role: Role }> {
      if (!inviteTokenSchema.safeParse(token).success) {
        throw new AppError("not_found", "We could not find this invite. Please check the link.");
      }
      return db.transaction(async (tx) => {
        const [invite] = await tx
          .select()
          .from(invites)
          .where(eq(invites.tokenHash, hashInviteToken(token)))
          .for("update")
          .limit(1);
        if (!invite) throw new AppError("not_found", "We could not find this invite. Please check the link.");
        const existing = await tx
          .select({ role: memberships.role })
          .from(memberships)
          .where(and(eq(memberships.roomId, invite.roomId), eq(memberships.userId, userId)))
          .limit(1);
        // Opening one's own room's link does nothing and leaves the invite for the person it was for.
        if (existing[0]) return { roomId: invite.roomId, role: existing[0].role };
        const state = stateOf(invite);
        if (state !== "valid") throw new AppError("gone", GONE_MESSAGE[state]);
        await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, invite.roomId)).for("update");
        if (invite.role === "partner" && (await partnerCount(tx, invite.roomId)) >= MAX_PARTNERS) {
          throw new AppError("conflict", "This room already has two partners.");
        }
        const [me] = await tx.select({ name: users.name, kind: users.kind }).from(users).where(eq(users.id, userId)).limit(1);
        if (invite.role === "partner" && me?.kind === "therapist") {
          throw new AppError("conflict", "This invite is for a partner, and you are signed in with a therapist account. Please open it with the partner's own account.");
        }
        await tx.insert(memberships).values({ roomId: invite.roomId, userId, role: invite.role });
        // Partners can always read who was given access to their room, and when.
        if (invite.role === "therapist") {
          await tx.insert(roomAccessLog).values({ roomId: invite.roomId, userId, name: me?.name ?? "", role: "therapist", event: "added" });
        }
        await tx.update(invites).set({ usedAt: new Date(), usedBy: userId }).where(eq(invites.id, invite.id));
        return { roomId: invite.roomId, role: invite.role };
      });
    },
  };
}

export type Invites = ReturnType<typeof createInvites>;
