/**
 * One pass of the "ldap worker" diagram: connect with the JDBC-like URL (login, escaped
 * password), query the configured attribute OIDs of each selected group DN, and return them
 * keyed by OID, every value list an array.
 */
import { parseDN, isUnder, DnSyntaxError } from './dn-syntax.ts';
import { builtInSchema, numericOid, readServerSchema, type AttributeSchema } from './attribute-schema.ts';
import { InvalidDnError, UnknownOidError } from './errors.ts';
import { openSession } from './session.ts';
import { parseLdapWorkerUrl, type LdapWorkerUrl } from './url.ts';
import type { FaultsConfig } from '../../reference-server/config/faults.ts';

/** One group's attributes: OID -> values (an empty array when the group has none). */
export type GroupAttributes = Record<string, string[]>;

/** What a pass returns and hands to the processor: group DN (as configured) -> OID -> values. */
export interface LdapWorkerResult {
  groups: Record<string, GroupAttributes>;
}

/** Hooks for the "ldap worker" suite and for logs; none of them ever sees the password. */
export interface LdapWorkerObserver {
  /** After connect (+ StartTLS) and bind: `url` is masked. */
  connected?(info: { url: string; tls: boolean; boundAs: string | undefined }): void;
  /** Before the searches, with the schema used to map names back to OIDs. */
  querying?(info: { groups: string[]; oids: string[]; schema: 'server' | 'built-in' }): void;
  /** Each group's answer, already keyed by OID. */
  returned?(info: { group: string; attributes: GroupAttributes }): void;
}

export interface LdapWorkerConfig {
  /** The JDBC-like URL (string or parsed). */
  url: string | LdapWorkerUrl;
  /** Group DNs to read; each must lie under the URL's base DN. */
  groups: string[];
  /** Attribute OIDs to read, numeric (e.g. 2.5.4.3 for cn, 2.5.4.31 for member). */
  oids: string[];
  observer?: LdapWorkerObserver;
  /** The reference server's faults (config/faults.ts), only to prove the harness. */
  faults?: FaultsConfig;
}

function checkGroups(groups: string[], baseDN: string): void {
  for (const group of groups) {
    try {
      if (parseDN(group).length === 0) throw new DnSyntaxError('empty DN');
    } catch (error) {
      throw new InvalidDnError(group, `not an RFC 4514 DN (${(error as Error).message})`);
    }
    if (!isUnder(group, baseDN)) throw new InvalidDnError(group, `not under the URL's base DN "${baseDN}"`);
  }
}

function checkOidSyntax(oids: string[]): void {
  const bad = oids.filter((oid) => !numericOid.test(oid));
  if (bad.length > 0) throw new UnknownOidError(bad, 'not a numeric OID (use e.g. 2.5.4.3, not cn)');
}

function checkOidsKnown(oids: string[], schema: AttributeSchema): void {
  const unknown = oids.filter((oid) => !schema.has(oid));
  if (unknown.length > 0) {
    throw new UnknownOidError(unknown, schema.source === 'server' ? "the server's schema has no such attribute type" : 'not in the built-in table (the server did not show its schema)');
  }
}

function asStrings(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** Reads the configured OIDs of each group. Throws a named LdapWorkerError; never hangs (see session.ts). */
export async function readGroupAttributes(config: LdapWorkerConfig): Promise<LdapWorkerResult> {
  const url = typeof config.url === 'string' ? parseLdapWorkerUrl(config.url) : config.url;
  const oids = [...new Set(config.oids)];
  // Input faults are named before any connection is made.
  checkGroups(config.groups, url.baseDN);
  checkOidSyntax(oids);

  const session = await openSession(url);
  try {
    config.observer?.connected?.({ url: url.toString(), tls: url.tls, boundAs: url.user });
    const schema = (await session.step('schema', () => readServerSchema(session.client))) ?? builtInSchema;
    checkOidsKnown(oids, schema);
    config.observer?.querying?.({ groups: config.groups, oids, schema: schema.source });

    const requested = new Set(oids);
    const result: LdapWorkerResult = { groups: {} };
    for (const group of config.groups) {
      const { searchEntries } = await session.step('search', () =>
        // Asked by OID; the server answers by name (mapped back below). Filters cannot hold OIDs in ldapts.
        session.client.search(group, { scope: 'base', filter: '(objectClass=*)', attributes: oids, sizeLimit: 1 }), group);
      const attributes: GroupAttributes = Object.fromEntries(oids.map((oid) => [oid, [] as string[]]));
      const entry = searchEntries[0];
      if (entry) {
        for (const [name, value] of Object.entries(entry)) {
          if (name === 'dn') continue;
          // FAULT workerUnescapesDnValues (config/faults.ts, only to prove the harness): hex escapes in values are decoded, so a DN value loses its RFC 4514 escaping.
          const values = config.faults?.workerUnescapesDnValues ? asStrings(value).map((v) => v.replace(/\\([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))) : asStrings(value);
          for (const oid of schema.requestedOidsFor(name, requested)) attributes[oid].push(...values);
        }
      }
      result.groups[group] = attributes;
      config.observer?.returned?.({ group, attributes });
    }
    return result;
  } finally {
    // Always unbind (ldapts keeps the socket after a failed bind, and the process would not exit).
    await session.close();
  }
}
