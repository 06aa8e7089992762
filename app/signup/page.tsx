import { signUpAction } from "@/app/actions/auth";
import { AuthForm } from "@/app/components/auth-form";

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return <AuthForm mode="signup" action={signUpAction} next={next} />;
}
