"use client";

import Link from "@/app/components/quiet-link";
import { useActionState } from "react";
import type { FormState } from "@/app/actions/auth";

interface Props {
  mode: "signin" | "signup";
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  next?: string;
  initialError?: string;
}

export function AuthForm({ mode, action, next, initialError }: Props) {
  const [state, formAction, pending] = useActionState(action, initialError ? { error: initialError } : {});
  const other = mode === "signin" ? "/signup" : "/signin";
  const otherHref = next ? `${other}?next=${encodeURIComponent(next)}` : other;
  const fieldError = (name: string) => state.fields?.[name];
  return (
    <form action={formAction} className="card mx-auto max-w-md space-y-4" noValidate>
      <h1 className="text-2xl font-semibold">{mode === "signin" ? "Welcome back" : "Create your account"}</h1>
      {state.error ? (
        <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          {state.error}
        </p>
      ) : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {mode === "signup" ? (
        <div className="space-y-1">
          <label htmlFor="name" className="font-medium">
            What should we call you?
          </label>
          <input id="name" name="name" autoComplete="name" required maxLength={80} defaultValue={state.values?.name} className="field"
            aria-invalid={fieldError("name") ? true : undefined} aria-describedby={fieldError("name") ? "name-error" : undefined} />
          {fieldError("name") ? <p id="name-error" className="text-sm text-amber-800 dark:text-amber-200">{fieldError("name")}</p> : null}
        </div>
      ) : null}
      {mode === "signup" ? (
        <fieldset className="space-y-1">
          <legend className="font-medium">I am here as</legend>
          <label className="flex items-start gap-2">
            <input type="radio" name="kind" value="person" defaultChecked className="mt-1.5" />
            <span>One of a couple</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="kind" value="therapist" className="mt-1.5" />
            <span>A couples therapist (you can join rooms you are invited to, moderate, and keep private notes)</span>
          </label>
        </fieldset>
      ) : null}
      <div className="space-y-1">
        <label htmlFor="email" className="font-medium">
          E-mail
        </label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} className="field"
          aria-invalid={fieldError("email") ? true : undefined} aria-describedby={fieldError("email") ? "email-error" : undefined} />
        {fieldError("email") ? <p id="email-error" className="text-sm text-amber-800 dark:text-amber-200">{fieldError("email")}</p> : null}
      </div>
      <div className="space-y-1">
        <label htmlFor="password" className="font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" required minLength={mode === "signup" ? 10 : undefined}
          autoComplete={mode === "signin" ? "current-password" : "new-password"} className="field"
          aria-invalid={fieldError("password") ? true : undefined}
          aria-describedby={mode === "signup" ? "password-hint" : undefined} />
        {mode === "signup" ? (
          <p id="password-hint" className="text-sm text-stone-600 dark:text-stone-400">
            {fieldError("password") ?? "At least 10 characters. A few words you will remember work well."}
          </p>
        ) : null}
      </div>
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? "One moment…" : mode === "signin" ? "Sign in" : "Create account"}
      </button>
      <p className="text-sm">
        {mode === "signin" ? "New here? " : "Already have an account? "}
        <Link href={otherHref} className="underline underline-offset-4">
          {mode === "signin" ? "Create an account" : "Sign in"}
        </Link>
      </p>
    </form>
  );
}
