"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect, RedirectType } from "next/navigation";
import { signInMessage } from "@/app/lib/auth-messages";
import { signIn, signOut } from "@/server/auth/nextauth";
import { isAppError } from "@/server/errors";
import { getRuntime } from "@/server/runtime";

export interface FormState {
  error?: string;
  fields?: Record<string, string>;
  values?: Record<string, string>;
}

/** Only same-site paths: an invite link may bring someone back to /invite/…, nothing else. */
function safeNext(value: FormDataEntryValue | null): string {
  const path = typeof value === "string" ? value : "";
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/rooms";
}

async function signInOrMessage(email: string, password: string, next: string): Promise<FormState> {
  try {
    await signIn("credentials", { email, password, redirectTo: next, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      return { error: signInMessage(code), values: { email } };
    }
    throw error;
  }
  // Replacing, not pushing: a tab keeps one Mend page in its history (the quick exit's promise).
  redirect(next, RedirectType.replace);
}

export async function signInAction(_prev: FormState, form: FormData): Promise<FormState> {
  return signInOrMessage(String(form.get("email") ?? ""), String(form.get("password") ?? ""), safeNext(form.get("next")));
}

export async function signUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = {
    email: String(form.get("email") ?? ""),
    password: String(form.get("password") ?? ""),
    name: String(form.get("name") ?? ""),
    kind: form.get("kind") === "therapist" ? "therapist" : "person",
  };
  const ip = (await headers()).get("x-mend-client-ip") ?? "unknown";
  try {
    await getRuntime().accounts.signUp(input, ip);
  } catch (error) {
    if (isAppError(error)) {
      return { error: error.message, fields: error.details?.fields, values: { email: input.email, name: input.name } };
    }
    throw error;
  }
  return signInOrMessage(input.email, input.password, safeNext(form.get("next")));
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirect: false });
  redirect("/", RedirectType.replace);
}
