/**
 * The reference server's LDAP accounts against a real slapd: sign-in (search as the service
 * account, bind as the user) and reading an account by DN, with the service account's
 * connections bound once and reused (accounts/service-connections.ts): how many binds happen,
 * that an LDAP answer such as "no such object" keeps the connection, that a closed connection
 * is replaced, and that close() ends them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client } from 'ldapts';
import { startDirectory, type Directory } from '../../../fixtures/ldap/index.ts';
import { seedUsers } from '../../../fixtures/ldap/seed.ts';
import { LdapAccounts } from '../../../reference-server/authorization-server/accounts/ldap-accounts.ts';
import { DirectoryUnavailable, ldapSettingsFor } from '../../../reference-server/authorization-server/accounts/ldap-connection.ts';
import { normalizeDn } from '../../../reference-server/authorization-server/accounts/dn.ts';
import { ServiceConnections } from '../../../reference-server/authorization-server/accounts/service-connections.ts';

let directory: Directory;
let accounts: LdapAccounts;

const settings = () => ldapSettingsFor(directory);

beforeAll(async () => {
  directory = await startDirectory({ provider: 'native' });
});
afterAll(async () => {
  await directory?.stop();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await accounts?.close();
});

/** Counts binds as the service account and as anyone else. */
function countBinds(): { service: () => number; users: () => number } {
  const bind = vi.spyOn(Client.prototype, 'bind');
  const service = () => bind.mock.calls.filter((call) => call[0] === directory.bindDN).length;
  return { service, users: () => bind.mock.calls.length - service() };
}

/** The directory answers DNs with special characters hex-escaped (RFC 4514 allows both). */
const dnsOf = (list: Array<{ dn: string } | undefined>) => list.map((a) => (a ? normalizeDn(a.dn) : undefined));

describe('LDAP accounts', () => {
  it('signs the seed users in and refuses a wrong password, binding the service account once', async () => {
    accounts = new LdapAccounts(settings());
    const binds = countBinds();
    for (const user of seedUsers) expect(dnsOf([await accounts.authenticate(user.username, user.password)])).toEqual([normalizeDn(user.dn)]);
    expect(await accounts.authenticate(seedUsers[0].username, 'wrong')).toBeUndefined();
    expect(binds.service()).toBe(1);
    // Each sign-in binds as the user on a connection of its own.
    expect(binds.users()).toBe(seedUsers.length + 1);
  });

  it('reads accounts by DN on at most 4 connections, however many ask at once', async () => {
    accounts = new LdapAccounts(settings());
    const binds = countBinds();
    const found = await Promise.all(Array.from({ length: 40 }, (_, i) => accounts.findByDn(seedUsers[i % seedUsers.length].dn)));
    expect(dnsOf(found)).toEqual(Array.from({ length: 40 }, (_, i) => normalizeDn(seedUsers[i % seedUsers.length].dn)));
    expect(binds.service()).toBeLessThanOrEqual(4);
    expect(binds.service()).toBeGreaterThanOrEqual(1);
  });

  it('keeps the connection after an LDAP answer (no such object), and replaces one that was closed', async () => {
    accounts = new LdapAccounts(settings());
    const binds = countBinds();
    expect(await accounts.findByDn(`uid=nobody,${directory.baseDN}`)).toBeUndefined();
    expect(await accounts.findByDn(seedUsers[0].dn)).toBeDefined();
    expect(binds.service()).toBe(1);
    // The idle connection goes away under the pool (as when slapd drops it): the next read binds anew.
    const idle = (accounts as unknown as { service: { idle: Array<{ client: Client }> } }).service.idle;
    await idle[0].client.unbind();
    expect(await accounts.findByDn(seedUsers[1].dn)).toBeDefined();
    expect(binds.service()).toBe(2);
  });

  it('ends its connections on close(), and refuses work after it', async () => {
    const pool = new ServiceConnections(settings());
    await pool.use((client) => client.search(seedUsers[0].dn, { scope: 'base' }));
    const idle = (pool as unknown as { idle: Array<{ client: Client }> }).idle;
    const client = idle[0].client;
    expect(client.isConnected).toBe(true);
    await pool.close();
    expect(client.isConnected).toBe(false);
    await expect(pool.use(async () => 1)).rejects.toBeInstanceOf(DirectoryUnavailable);
  });
});
