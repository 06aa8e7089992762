import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/nextauth";
import { getRuntime } from "@/server/runtime";
import { DeleteAccount } from "./delete-account";

export const dynamic = "force-dynamic";

const KIND_TEXT = { person: "One of a couple", therapist: "Couples therapist" } as const;

/** The signed-in person's profile: who they are to Mend. */
export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect("/signin?next=/account");
  const account = await getRuntime().accounts.findById(user.id);
  if (!account) redirect("/signin?next=/account");
  return (
    <div className="card mx-auto max-w-md space-y-3">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <dl className="space-y-2">
        <div>
          <dt className="text-sm text-stone-600 dark:text-stone-400">Name</dt>
          <dd>{account.name}</dd>
        </div>
        <div>
          <dt className="text-sm text-stone-600 dark:text-stone-400">E-mail</dt>
          <dd>{account.email}</dd>
        </div>
        <div>
          <dt className="text-sm text-stone-600 dark:text-stone-400">Account type</dt>
          <dd data-testid="account-kind">{KIND_TEXT[account.kind]}</dd>
        </div>
      </dl>
      <section className="space-y-2 border-t border-stone-200 pt-3 dark:border-stone-700" aria-labelledby="data-heading">
        <h2 id="data-heading" className="font-semibold">
          Your data
        </h2>
        <p className="text-sm">Everything Mend holds about you, in one file you can keep.</p>
        {/* A download, not a page: it adds nothing to the tab's history. */}
        <a href="/api/account/export" download className="btn-quiet">
          Download my data
        </a>
        <DeleteAccount />
      </section>
    </div>
  );
}
