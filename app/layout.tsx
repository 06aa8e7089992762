import type { Metadata, Viewport } from "next";
import Link from "@/app/components/quiet-link";
import type { ReactNode } from "react";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { SignOut } from "./components/sign-out";
import { QuickExit } from "./components/quick-exit";
import { SkipLink } from "./components/skip-link";
import "./globals.css";

// A neutral title: a tab or a history entry should not say what this is about.
export const metadata: Metadata = { title: "Mend", description: "A shared space for two." };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-calm-50 text-stone-900 antialiased dark:bg-stone-950 dark:text-stone-100">
        <SkipLink />
        <header className="border-b border-stone-200 bg-white/80 print:hidden dark:border-stone-800 dark:bg-stone-900/80">
          <nav aria-label="Main" className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3">
            <Link href={user ? "/rooms" : "/"} className="text-lg font-semibold text-calm-700 dark:text-calm-100">
              Mend
            </Link>
            {user ? (
              <div className="flex items-center gap-3 text-sm">
                <Link href="/account" className="hidden underline-offset-4 hover:underline sm:inline">
                  Signed in as {user.name}
                </Link>
                <Link href="/rooms" className="underline underline-offset-4">
                  Your rooms
                </Link>
                <Link href="/account" className="underline underline-offset-4 sm:hidden">
                  Account
                </Link>
                <SignOut />
              </div>
            ) : (
              <div className="flex items-center gap-3 text-sm">
                <Link href="/signin" className="underline underline-offset-4">
                  Sign in
                </Link>
                <Link href="/signup" className="btn-primary min-h-10 text-sm">
                  Create an account
                </Link>
              </div>
            )}
          </nav>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-4xl px-4 pb-24 pt-8 outline-none">
          {children}
        </main>
        <QuickExit to={getRuntime().config.QUICK_EXIT_URL} />
      </body>
    </html>
  );
}
