/**
 * The Content-Security-Policy: scripts run only with this response's nonce (Next.js reads it
 * from the request's own header and puts it on every script it writes), so an injected
 * `<script>` or inline handler never runs. No 'unsafe-inline' for scripts. Styles allow inline
 * style attributes (the caret overlay and charts set positions); they cannot run code.
 */
import { randomBytes } from "node:crypto";

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': chunks Next loads from a trusted (nonced) script are trusted too.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
