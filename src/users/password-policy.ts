export interface PasswordPolicyOptions {
  readonly minLength: number;
  readonly maxLength: number;
}

let commonPasswords: Promise<ReadonlySet<string>> | undefined;

/**
 * The ~50,000 most common passwords (zxcvbn-ts's list, ~400 KB of source), imported on first
 * use: only registration needs it, and parsing it at start would slow every Lambda cold start.
 */
async function isCommon(password: string): Promise<boolean> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common']),
  );
  return (await commonPasswords).has(password.toLowerCase());
}

/**
 * NIST SP 800-63B §5.1.1.2: length only (counted in Unicode code points), no composition rules,
 * and refuse passwords known to be common. Returns the problem, or undefined when acceptable.
 */
export async function checkPassword(
  password: string,
  options: PasswordPolicyOptions,
): Promise<string | undefined> {
  const length = [...password].length;
  if (length < options.minLength) {
    return `password must be at least ${options.minLength} characters`;
  }
  if (length > options.maxLength) {
    return `password must be at most ${options.maxLength} characters`;
  }
  if (await isCommon(password)) {
    return 'password is too common; choose another';
  }
  return undefined;
}
