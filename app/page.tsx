import Link from "@/app/components/quiet-link";
import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/nextauth";

export default async function Home() {
  if (await currentUser()) redirect("/rooms");
  return (
    <div className="mx-auto max-w-2xl space-y-8 py-6">
      <section className="space-y-4">
        <h1 className="text-3xl font-semibold leading-tight sm:text-4xl">A quiet, private room for the two of you.</h1>
        <p className="text-lg text-stone-700 dark:text-stone-300">
          Mend helps two partners rebuild trust at their own pace: write down the boundaries you both agree on, in your own
          words, together and at the same time, on your own or with your therapist.
        </p>
        <div className="flex flex-wrap gap-3">
          <Link href="/signup" className="btn-primary">
            Create an account
          </Link>
          <Link href="/signin" className="btn-quiet">
            I already have one
          </Link>
        </div>
      </section>
      <section className="card space-y-2">
        <h2 className="text-lg font-semibold">How it works</h2>
        <ol className="list-decimal space-y-1 pl-5 text-stone-700 dark:text-stone-300">
          <li>One of you opens a room and sends the other a private invite link.</li>
          <li>You both open the room and see each other there.</li>
          <li>You write your agreement together; every word is saved as you go.</li>
        </ol>
        <p className="text-sm text-stone-600 dark:text-stone-400">
          Only the people in a room can see it. Mend cannot protect against a device someone else controls, so use one you trust.
        </p>
      </section>
    </div>
  );
}
