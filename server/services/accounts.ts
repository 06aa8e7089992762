import { hash, verify } from "@node-rs/argon2";
import { eq } from "drizzle-orm";
import { type AccountKind, signUpSchema } from "@/app/lib/api-schemas";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "../errors";
import type { RateLimiter } from "./rate-limit";

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. (2 is Algorithm.Argon2id, a const enum.) */
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const SIGN_IN_LIMITS = {
  /** Failed attempts for one e-mail address in 15 minutes. */
  perEmail: { max: 10, windowSeconds: 15 * 60 },
  /** Failed attempts from one network address in 15 minutes. */
  perIp: { max: 50, windowSeconds: 15 * 60 },
};

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  kind: AccountKind;
}

export class SignInRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many sign-in attempts");
    this.name = "SignInRateLimited";
  }
}

export function createAccounts(db: Database, limiter: RateLimiter, options: { signUpsPerHourPerIp: number } = { signUpsPerHourPerIp: 20 }) {
  // Verifying against this when the e-mail is unknown keeps the answer's timing the same,
  // so sign-in does not reveal who has an account.
  const dummyHash = hash("not a password anyone has", ARGON2);

  return {
    async signUp(input: unknown, ip: string): Promise<PublicUser> {
      const parsed = signUpSchema.safeParse(input);
      if (!parsed.success) {
        const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "body"), i.message]));
        throw new AppError("invalid_input", Object.values(fields)[0] ?? "Please check the form.", { fields });
      }
      const limit = await limiter.hit({ key: `signup:ip:${ip}`, max: options.signUpsPerHourPerIp, windowSeconds: 60 * 60 });
      if (!limit.allowed) {
        throw new AppError("rate_limited", "Too many new accounts from this network. Please try again later.", {
          retryAfterSeconds: limit.retryAfterSeconds,
        });
      }
      const { email, password, name, kind } = parsed.data;
      const passwordHash = await hash(password, ARGON2);
      const [row] = await db
        .insert(users)
        .values({ email, name, passwordHash, kind })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id, email: users.email, name: users.name, kind: users.kind });
      if (!row) throw new AppError("conflict", "An account with this e-mail address already exists. Try signing in.");
      return row;
    },

    /**
     * Returns the user when the password matches, null when it does not.
     * Throws SignInRateLimited when this e-mail or this address has tried too often.
     */
    async verifyCredentials(emailInput: string, password: string, ip: string): Promise<PublicUser | null> {
      const email = emailInput.trim().toLowerCase();
      // Every attempt is counted before the password is checked (atomically, so parallel guesses
      // cannot all slip under the limit) and refunded when it was right: only failures add up.
      const ipKey = { key: `signin:ip:${ip}`, ...SIGN_IN_LIMITS.perIp };
      const emailKey = { key: `signin:email:${email}`, ...SIGN_IN_LIMITS.perEmail };
      const hits = await Promise.all([limiter.hit(ipKey), limiter.hit(emailKey)]);
      const refused = hits.filter((h) => !h.allowed);
      if (refused.length > 0) throw new SignInRateLimited(Math.max(...refused.map((h) => h.retryAfterSeconds)));

      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      // An unknown e-mail is checked against a dummy hash so the answer takes as long.
      const ok = await verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
      if (!user || !ok) return null;
      await Promise.all([limiter.refund(ipKey), limiter.refund(emailKey)]);
      return { id: user.id, email: user.email, name: user.name, kind: user.kind };
    },

    /**
     * A fresh password check for a serious step (signing), limited like sign-in: 10 failures per
     * person per 15 minutes, counted before checking and refunded when right.
     */
    async confirmPassword(userId: string, password: string): Promise<boolean> {
      const key = { key: `confirm:user:${userId}`, ...SIGN_IN_LIMITS.perEmail };
      const hit = await limiter.hit(key);
      if (!hit.allowed) throw new SignInRateLimited(hit.retryAfterSeconds);
      const [user] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
      const ok = await verify(user?.hash ?? (await dummyHash), password).catch(() => false);
      if (ok && user) await limiter.refund(key);
      return ok && user !== undefined;
    },

    /** confirmPassword for a serious step, as the refusal the person reads. */
    async requirePassword(userId: string, password: string): Promise<void> {
      let confirmed: boolean;
      try {
        confirmed = await this.confirmPassword(userId, password);
      } catch (error) {
        if (error instanceof SignInRateLimited) {
          throw new AppError("rate_limited", "Too many password attempts. Please wait 15 minutes and try again.", { retryAfterSeconds: error.retryAfterSeconds });
        }
        throw error;
      }
      if (!confirmed) throw new AppError("invalid_input", "That password does not match your account.");
    },

    async findById(id: string): Promise<PublicUser | null> {
      const [user] = await db
        .select({ id: users.id, email: users.email, name: users.name, kind: users.kind })
        .from(users)
        .where(eq(users.id, id))
        .limit(1);
      return user ?? null;
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
