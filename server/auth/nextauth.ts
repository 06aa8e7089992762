import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { signInSchema } from "@/app/lib/api-schemas";
import { getRuntime } from "../runtime";

/** The custom server sets this on every request from the socket's address. */
const CLIENT_IP_HEADER = "x-mend-client-ip";

class WrongCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; email: string };
  }
}

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) throw new WrongCredentials();
        const ip = request?.headers?.get(CLIENT_IP_HEADER) ?? (await headers()).get(CLIENT_IP_HEADER) ?? "unknown";
        try {
          const user = await getRuntime().accounts.verifyCredentials(parsed.data.email, parsed.data.password, ip);
          if (!user) throw new WrongCredentials();
          return { id: user.id, name: user.name, email: user.email };
        } catch (error) {
          // Compared by name: the error class lives in the custom server's copy of the module.
          if (error instanceof Error && error.name === "SignInRateLimited") throw new TooManyAttempts();
          if (error instanceof CredentialsSignin) throw error;
          console.error("[mend] error sign-in failed unexpectedly", error);
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.name = user.name;
        token.email = user.email;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub!;
      return session;
    },
  },
});

/**
 * The signed-in user for pages and route handlers, or null. The session is a signed token, so
 * the account is looked up too: a deleted account's token opens nothing.
 */
export async function currentUser(): Promise<{ id: string; name: string; email: string } | null> {
  const session = await auth();
  if (!session?.user?.id) return null;
  const account = await getRuntime().accounts.findById(session.user.id);
  return account ? { id: account.id, name: account.name, email: account.email } : null;
}
