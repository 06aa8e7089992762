import { signInAction } from "@/app/actions/auth";
import { AuthForm } from "@/app/components/auth-form";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return <AuthForm mode="signin" action={signInAction} next={next} />;
}
