/**
 * Sign-in against LDAP, the classic two steps: search the user's DN by username with the
 * service account (the username escaped into the filter, RFC 4515), then bind as that DN with
 * the password the user typed. Passwords are never logged, stored or put in an error message.
 */
import { randomUUID } from 'node:crypto';
import { InvalidCredentialsError, NoSuchObjectError, type Entry } from 'ldapts';
import { escapeFilterValue } from './ldap-filter.ts';
import { DirectoryUnavailable, firstValue, withLdap, type LdapSettings } from './ldap-connection.ts';
import { ServiceConnections } from './service-connections.ts';
import type { FaultsConfig } from '../../config/faults.ts';

export interface Account {
  /** Stable subject: the entry's entryUUID, which survives renames (OIDC Core §2: never reassigned). */
  sub: string;
  dn: string;
  username: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
}

const accountAttributes = ['entryUUID', 'cn', 'givenName', 'sn', 'mail'];

export class LdapAccounts {
  private readonly service: ServiceConnections;

  constructor(readonly settings: LdapSettings, private readonly faults: FaultsConfig = {}) {
    this.service = new ServiceConnections(settings);
  }

  /** Closes the service account's connections (the server is stopping). */
  close(): Promise<void> {
    return this.service.close();
  }

  /** The account when username and password are right, undefined when they are not. */
  async authenticate(username: string, password: string): Promise<Account | undefined> {
    // RFC 4513 §5.1.2: a bind with an empty password is an unauthenticated bind that succeeds.
    if (!username || !password || username.length > 256 || password.length > 1024) return undefined;
    const entry = await this.findEntry(username);
    if (!entry) {
      // The same work as a wrong password (a bind, refused), so that the time of a refusal does
      // not tell a guesser which usernames exist (OWASP Authentication Cheat Sheet).
      await this.bindAsNobody(password);
      return undefined;
    }
    try {
      await withLdap(this.settings, (client) => client.bind(entry.dn, password));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return undefined;
      throw new DirectoryUnavailable(`bind as the user failed: ${(error as Error).name}`);
    }
    return this.toAccount(entry, username);
  }

  /** A bind that cannot succeed: a DN no entry has (slapd answers invalidCredentials, RFC 4513 §6.3.1). */
  private async bindAsNobody(password: string): Promise<void> {
    const dn = `${this.settings.usernameAttribute}=nauthera-no-such-user-${randomUUID()},${this.settings.peopleDN}`;
    await withLdap(this.settings, (client) => client.bind(dn, password)).catch(() => undefined);
  }

  /** The account stored at dn (fresh claims for UserInfo), undefined when it is gone. */
  async findByDn(dn: string): Promise<Account | undefined> {
    try {
      const { searchEntries } = await this.service.use((client) =>
        client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [...accountAttributes, this.settings.usernameAttribute] }),
      );
      const entry = searchEntries[0];
      return entry ? this.toAccount(entry) : undefined;
    } catch (error) {
      if (error instanceof NoSuchObjectError) return undefined;
      throw new DirectoryUnavailable(`reading ${dn} failed: ${(error as Error).message}`);
    }
  }

  private async findEntry(username: string): Promise<Entry | undefined> {
    const attribute = this.settings.usernameAttribute;
    const filter = `(&(objectClass=inetOrgPerson)(${attribute}=${escapeFilterValue(username, this.faults)}))`;
    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await this.service.use((client) =>
        client.search(this.settings.peopleDN, { scope: 'sub', filter, sizeLimit: 2, attributes: [...accountAttributes, attribute] }),
      ));
    } catch (error) {
      throw new DirectoryUnavailable(`searching for the user failed: ${(error as Error).message}`);
    }
    // Two entries for one username would make the sign-in ambiguous: refuse it.
    return entries.length === 1 ? entries[0] : undefined;
  }

  private toAccount(entry: Entry, username?: string): Account | undefined {
    const sub = firstValue(entry.entryUUID);
    if (!sub) return undefined;
    return {
      sub,
      dn: entry.dn,
      // The directory's spelling, not what was typed (uid matching ignores case).
      username: firstValue(entry[this.settings.usernameAttribute]) ?? username ?? entry.dn,
      name: firstValue(entry.cn),
      givenName: firstValue(entry.givenName),
      familyName: firstValue(entry.sn),
      email: firstValue(entry.mail),
    };
  }
}
