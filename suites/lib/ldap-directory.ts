/**
 * Reads the target's directory directly (ldapts, bound as the target's LDAP service account)
 * for what a suite compares against: a user's DN, the groups, and an attribute's values read
 * by its OID. Independent of the code under test: no worker code is used here.
 */
import { Attribute, Change, Client, EqualityFilter, OrFilter } from 'ldapts';
import type { Target } from '../../harness/flow/index.ts';

type LdapInfo = NonNullable<Target['ldap']>;

const timeoutMs = 5_000;

/** Binds as the service account, runs `fn`, and always unbinds (ldapts would keep the process alive). */
export async function withDirectory<T>(ldap: LdapInfo, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: ldap.url, timeout: timeoutMs, connectTimeout: timeoutMs });
  try {
    await client.bind(ldap.bindDN, ldap.password);
    return await fn(client);
  } finally {
    await client.unbind().catch(() => {});
  }
}

/** The DN of the entry whose `attribute` (uid by default) equals `username`. */
export async function findUserDn(client: Client, baseDN: string, username: string, attribute = 'uid'): Promise<string | undefined> {
  const { searchEntries } = await client.search(baseDN, { scope: 'sub', filter: new EqualityFilter({ attribute, value: username }), attributes: ['1.1'], sizeLimit: 2 });
  return searchEntries.length === 1 ? searchEntries[0]!.dn : undefined;
}

/** DNs of the groupOfNames / groupOfUniqueNames entries under the base (at most `limit`). */
export async function findGroupDns(client: Client, baseDN: string, limit = 10): Promise<string[]> {
  const filter = new OrFilter({
    filters: [new EqualityFilter({ attribute: 'objectClass', value: 'groupOfNames' }), new EqualityFilter({ attribute: 'objectClass', value: 'groupOfUniqueNames' })],
  });
  const { searchEntries } = await client.search(baseDN, { scope: 'sub', filter, attributes: ['1.1'], sizeLimit: limit });
  return searchEntries.map((e) => e.dn);
}

/**
 * The values of the attribute type `oid` on the entry `dn`, asked for by that OID alone: the
 * server answers with the type's name, and since it is the only attribute asked for, every
 * value that comes back is the OID's (no name table needed).
 */
export async function readAttributeByOid(client: Client, dn: string, oid: string): Promise<string[]> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [oid], sizeLimit: 1 });
  const entry = searchEntries[0];
  if (!entry) return [];
  const values: string[] = [];
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue;
    for (const v of Array.isArray(value) ? value : [value]) values.push(Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  }
  return values;
}

/** host, port and scheme of an ldap:// or ldaps:// URL. */
export function serverOf(url: string): { scheme: 'ldap' | 'ldaps'; host: string; port?: number } {
  const u = new URL(url);
  const scheme = u.protocol === 'ldaps:' ? 'ldaps' : 'ldap';
  return { scheme, host: u.hostname.replace(/^\[|\]$/g, ''), ...(u.port ? { port: Number(u.port) } : {}) };
}

/**
 * Whether the group `group` lists `userDn` as a member, asked of the directory itself: an
 * equality match on member (distinguishedNameMatch, RFC 4517 §4.2.15), so the DN's spelling
 * does not matter.
 */
export async function groupHasMember(client: Client, group: string, userDn: string): Promise<boolean> {
  const { searchEntries } = await client.search(group, { scope: 'base', filter: new EqualityFilter({ attribute: 'member', value: userDn }), attributes: ['1.1'] });
  return searchEntries.length === 1;
}

/**
 * Adds `userDn` to the member values of `group` (operation 'add') or takes it out ('delete').
 * Throws ldapts' InsufficientAccessError when the target's LDAP account may not write.
 */
export async function changeMembership(client: Client, group: string, userDn: string, operation: 'add' | 'delete'): Promise<void> {
  await client.modify(group, new Change({ operation, modification: new Attribute({ type: 'member', values: [userDn] }) }));
}
