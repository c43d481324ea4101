/**
 * Errors the CLI turns into a message and an exit code, never a stack trace.
 * docs/design.md: exit 2 for a usage or config error, 1 for a failed run.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** A config file or a target that cannot be used as given (bad file, unreachable issuer...). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly exitCode = 2;
}

/** A required system part (slapd, chromium, fonts) is missing, with the command that installs it. */
export class MissingSystemPartError extends Error {
  override name = 'MissingSystemPartError';
  readonly exitCode = 2;
}

export function exitCodeOf(error: unknown): number {
  if (error && typeof error === 'object' && 'exitCode' in error && typeof error.exitCode === 'number') {
    return error.exitCode;
  }
  return 1;
}
