/**
 * The directory settings, and one short-lived ldapts client per operation (withLdap, used for a
 * user's own bind), with timeouts, always unbound in finally (an ldapts client left open keeps
 * the process alive). The service account's searches reuse bound connections:
 * service-connections.ts.
 */
import { Client } from 'ldapts';

export interface LdapSettings {
  url: string;
  /** The service account that searches (never a user's credentials). */
  bindDN: string;
  password: string;
  baseDN: string;
  /** Where people are searched. */
  peopleDN: string;
  usernameAttribute: string;
  timeoutMs: number;
}

/** Settings for a directory as the fixture describes it: people searched from its base DN by uid, 5 s timeouts unless told. */
export function ldapSettingsFor(
  directory: { url: string; bindDN: string; password: string; baseDN: string },
  overrides: Partial<Pick<LdapSettings, 'peopleDN' | 'usernameAttribute' | 'timeoutMs'>> = {},
): LdapSettings {
  const { url, bindDN, password, baseDN } = directory;
  return { url, bindDN, password, baseDN, peopleDN: overrides.peopleDN ?? baseDN, usernameAttribute: overrides.usernameAttribute ?? 'uid', timeoutMs: overrides.timeoutMs ?? 5_000 };
}

/** The directory could not be reached or answered with something other than a verdict. */
export class DirectoryUnavailable extends Error {
  override name = 'DirectoryUnavailable';
}

export async function withLdap<T>(settings: LdapSettings, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: settings.url, timeout: settings.timeoutMs, connectTimeout: settings.timeoutMs });
  try {
    return await work(client);
  } finally {
    await client.unbind().catch(() => {});
  }
}

/** ldapts gives one value as a string and several as an array. */
export function values(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

export function firstValue(raw: unknown): string | undefined {
  return values(raw)[0];
}
