import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, base64url (43 characters): the secret that travels in the invite link. */
export function newInviteToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only this hash is stored, so a database leak does not hand out working invite links. */
export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
