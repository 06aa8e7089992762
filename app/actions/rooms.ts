"use server";

import { redirect, RedirectType } from "next/navigation";
import { createInviteSchema, createRoomSchema, roomIdSchema } from "@/app/lib/api-schemas";
import { currentUser } from "@/server/auth/nextauth";
import { isAppError } from "@/server/errors";
import { publicOrigin } from "@/server/http/origin";
import { getRuntime } from "@/server/runtime";
import { headers } from "next/headers";
import { z } from "zod";

export type ActionResult<T = object> = ({ ok: true } & T) | { ok: false; error: string };

/** Every room action starts here, so none can forget to check who is asking. */
async function asUser<T>(fn: (userId: string) => Promise<T>): Promise<T | { ok: false; error: string }> {
  const user = await currentUser();
  if (!user) return { ok: false, error: "Your session has ended. Please sign in again." };
  try {
    return await fn(user.id);
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    throw error;
  }
}

export async function createRoomAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const parsed = createRoomSchema.safeParse({ title: form.get("title") });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const result = await asUser((userId) => getRuntime().rooms.create(userId, parsed.data.title));
  if ("ok" in result) return result;
  redirect(`/rooms/${result.id}`, RedirectType.replace);
}

export async function createInviteAction(
  roomId: string,
  role: "partner" | "therapist",
): Promise<ActionResult<{ url: string; expiresAt: string }>> {
  const input = z.object({ roomId: roomIdSchema }).and(createInviteSchema).safeParse({ roomId, role });
  if (!input.success) return { ok: false, error: "That is not a room you can invite to." };
  const runtime = getRuntime();
  const origin = publicOrigin(await headers(), runtime);
  return asUser(async (userId) => {
    const invite = await runtime.invites.create(roomId, userId, role);
    return { ok: true as const, url: `${origin}/invite/${invite.token}`, expiresAt: invite.expiresAt };
  });
}

export async function acceptInviteAction(token: string): Promise<ActionResult> {
  const result = await asUser((userId) => getRuntime().invites.accept(token, userId));
  if ("ok" in result) return result;
  redirect(`/rooms/${result.roomId}`, RedirectType.replace);
}

export async function listInvitesAction(
  roomId: string,
): Promise<ActionResult<{ invites: Array<{ id: string; role: "partner" | "therapist"; expiresAt: string }> }>> {
  const id = roomIdSchema.safeParse(roomId);
  if (!id.success) return { ok: false, error: "That is not a room you are in." };
  return asUser(async (userId) => ({ ok: true as const, invites: await getRuntime().invites.listPending(id.data, userId) }));
}

export async function revokeInviteAction(roomId: string, inviteId: string): Promise<ActionResult> {
  const input = z.object({ roomId: roomIdSchema, inviteId: z.uuid() }).safeParse({ roomId, inviteId });
  if (!input.success) return { ok: false, error: "That invite could not be found." };
  return asUser(async (userId) => {
    await getRuntime().invites.revoke(roomId, inviteId, userId);
    return { ok: true as const };
  });
}
