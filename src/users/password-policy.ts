import { dictionary } from '@zxcvbn-ts/language-common';

export interface PasswordPolicyOptions {
  readonly minLength: number;
  readonly maxLength: number;
}

let commonPasswords: ReadonlySet<string> | undefined;

/** The ~50,000 most common passwords (zxcvbn-ts's list), built on first use to keep cold starts fast. */
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common']);
  return commonPasswords.has(password.toLowerCase());
}

/**
 * NIST SP 800-63B §5.1.1.2: length only (counted in Unicode code points), no composition rules,
 * and refuse passwords known to be common. Returns the problem, or undefined when acceptable.
 */
export function checkPassword(
  password: string,
  options: PasswordPolicyOptions,
): string | undefined {
  const length = [...password].length;
  if (length < options.minLength) {
    return `password must be at least ${options.minLength} characters`;
  }
  if (length > options.maxLength) {
    return `password must be at most ${options.maxLength} characters`;
  }
  if (isCommon(password)) {
    return 'password is too common; choose another';
  }
  return undefined;
}
