/**
 * The `limits` section of the config: how many failed sign-ins and client authentications a
 * key may make before it is blocked, and for how long (authorization-server/limits/). The
 * defaults stop a guesser within a dozen tries, and never trip the harness's own runs, which
 * type a few wrong passwords and secrets on purpose.
 */
export interface LimitsConfig {
  signIn?: {
    /** Wrong passwords in a row for one account from one address before it is blocked (default 10). */
    consecutiveFailures?: number;
    /** The first block, seconds; each later block the same day is twice as long (default 60). */
    blockSeconds?: number;
    /** The longest block, seconds (default 3600). */
    maxBlockSeconds?: number;
    /** Failed sign-ins from one address, over every account, before the address waits an hour (default 300). */
    failuresPerAddressPerHour?: number;
  };
  clientAuthentication?: {
    /** Failed client authentications in a row for one client_id from one address before it is blocked (default 10). */
    consecutiveFailures?: number;
    blockSeconds?: number;
    maxBlockSeconds?: number;
  };
}

export interface Limits {
  signIn: { consecutiveFailures: number; blockSeconds: number; maxBlockSeconds: number; failuresPerAddressPerHour: number };
  clientAuthentication: { consecutiveFailures: number; blockSeconds: number; maxBlockSeconds: number };
}

export function resolveLimits(raw: unknown, fail: (message: string) => Error): Limits {
  const section = (value: unknown, at: string, fields: string[]): Record<string, unknown> => {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`${at} must be an object`);
    for (const name of Object.keys(value)) if (!fields.includes(name)) throw fail(`${at}.${name} is not a known field (${fields.join(', ')})`);
    return value as Record<string, unknown>;
  };
  const count = (value: unknown, at: string, fallback: number, max: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw fail(`${at} must be an integer from 1 to ${max}`);
    return value;
  };
  const limits = section(raw, 'limits', ['signIn', 'clientAuthentication']);
  const signIn = section(limits.signIn, 'limits.signIn', ['consecutiveFailures', 'blockSeconds', 'maxBlockSeconds', 'failuresPerAddressPerHour']);
  const client = section(limits.clientAuthentication, 'limits.clientAuthentication', ['consecutiveFailures', 'blockSeconds', 'maxBlockSeconds']);
  const blocks = (s: Record<string, unknown>, at: string) => {
    const blockSeconds = count(s.blockSeconds, `${at}.blockSeconds`, 60, 86_400);
    const maxBlockSeconds = count(s.maxBlockSeconds, `${at}.maxBlockSeconds`, Math.max(3600, blockSeconds), 86_400);
    if (maxBlockSeconds < blockSeconds) throw fail(`${at}.maxBlockSeconds must be at least ${at}.blockSeconds`);
    return { blockSeconds, maxBlockSeconds };
  };
  return {
    signIn: {
      consecutiveFailures: count(signIn.consecutiveFailures, 'limits.signIn.consecutiveFailures', 10, 1000),
      ...blocks(signIn, 'limits.signIn'),
      failuresPerAddressPerHour: count(signIn.failuresPerAddressPerHour, 'limits.signIn.failuresPerAddressPerHour', 300, 1_000_000),
    },
    clientAuthentication: {
      consecutiveFailures: count(client.consecutiveFailures, 'limits.clientAuthentication.consecutiveFailures', 10, 1000),
      ...blocks(client, 'limits.clientAuthentication'),
    },
  };
}
