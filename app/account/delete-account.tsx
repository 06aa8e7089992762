"use client";

import { useState } from "react";
import { GentleAlert } from "@/app/components/gentle-alert";

/** Deleting one's account: said plainly, confirmed with the password, then the session ends. */
export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  if (!open) {
    return (
      <button type="button" className="btn-quiet" onClick={() => setOpen(true)}>
        Delete my account…
      </button>
    );
  }
  return (
    <form
      className="space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        setPending(true);
        setError(null);
        const res = await fetch("/api/account", { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ password }) });
        setPending(false);
        if (res.ok) {
          window.location.replace("/");
          return;
        }
        const problem = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(problem?.error?.message ?? "That did not work. Please try again.");
      }}
    >
      <p>
        This deletes your account and everything private in it: your private space, your ratings, your notes and your place in every room. The
        others in your rooms keep what you built together: the agreement, its signed versions (with your signature as it was signed), and your
        comments. This cannot be undone.
      </p>
      <label className="block">
        <span className="block font-medium">Your password, to confirm</span>
        <input type="password" autoComplete="current-password" className="field" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
      </label>
      <GentleAlert>{error}</GentleAlert>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-quiet" disabled={pending || password.length === 0}>
          Delete my account for good
        </button>
        <button type="button" className="btn-quiet" onClick={() => setOpen(false)}>
          Keep my account
        </button>
      </div>
    </form>
  );
}
