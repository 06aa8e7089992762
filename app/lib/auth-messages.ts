/** What a person reads when sign-in does not work; one place for the wording. */
export const SIGN_IN_MESSAGES = {
  rate_limited: "There have been too many sign-in attempts. For your safety, please wait 15 minutes and try again.",
  invalid_credentials: "That e-mail and password do not match an account. Please check them and try again.",
} as const;

export function signInMessage(code: string | undefined): string {
  return code === "rate_limited" ? SIGN_IN_MESSAGES.rate_limited : SIGN_IN_MESSAGES.invalid_credentials;
}
