export const EMAIL_MAX_LENGTH = 254;

/** Emails are compared trimmed and lower-cased: one person, one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
