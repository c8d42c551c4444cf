/** A configuration value that cannot be used; the message, one line, names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
