import Link from "next/link";
import type { ComponentProps } from "react";

/**
 * Every link inside Mend replaces the current history entry instead of adding one, so a tab
 * holds at most one Mend page in its history and the quick exit (which replaces that one) leaves
 * none behind. See docs/decisions/009-quick-exit.md.
 */
export default function QuietLink(props: ComponentProps<typeof Link>) {
  return <Link replace {...props} />;
}
