import { signInAction } from "@/app/actions/auth";
import { AuthForm } from "@/app/components/auth-form";
import { signInMessage } from "@/app/lib/auth-messages";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; error?: string; code?: string }>;
}) {
  const { next, error, code } = await searchParams;
  // Auth.js's own form flow comes back here with ?error=CredentialsSignin&code=…
  const initialError = error ? signInMessage(code) : undefined;
  return <AuthForm mode="signin" action={signInAction} next={next} initialError={initialError} />;
}
