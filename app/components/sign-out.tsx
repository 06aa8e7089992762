"use client";

import { signOutAction } from "@/app/actions/auth";
import { clearAllUnsaved } from "@/app/lib/offline-store";

/** Signing out also removes any unsaved edits kept in this browser. */
export function SignOut() {
  return (
    <form action={signOutAction} onSubmit={() => void clearAllUnsaved()}>
      <button type="submit" className="btn-quiet min-h-10 text-sm">
        Sign out
      </button>
    </form>
  );
}
