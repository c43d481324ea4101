// The JDBC-like LDAP URL grammar (docs/ldap.md, "URL grammar"), as pure logic.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatLdapWorkerUrl, MalformedLdapUrlError, maskPassword, parseLdapWorkerUrl } from '../../../actors/ldap-worker/index.ts';

const carolPassword = 'p@ss;w=rd,(x)\\#+"<>';
// Written by hand, as a user would: every reserved character of the password percent-encoded.
const carolUrl = 'ldap://127.0.0.1:3890/dc=nauthera,dc=test?user=uid%3Dcarol%2Cou%3Dpeople%2Cdc%3Dnauthera%2Cdc%3Dtest&password=p%40ss%3Bw%3Drd%2C%28x%29%5C%23%2B%22%3C%3E';

describe('parseLdapWorkerUrl', () => {
  it('decodes host, port, base DN, user and a special-character password', () => {
    const url = parseLdapWorkerUrl(carolUrl);
    expect({ scheme: url.scheme, host: url.host, port: url.port, baseDN: url.baseDN, user: url.user, startTLS: url.startTLS })
      .toEqual({ scheme: 'ldap', host: '127.0.0.1', port: 3890, baseDN: 'dc=nauthera,dc=test', user: 'uid=carol,ou=people,dc=nauthera,dc=test', startTLS: false });
    expect(url.revealPassword()).toBe(carolPassword);
    expect(url.serverUrl).toBe('ldap://127.0.0.1:3890');
  });

  it('keeps sub-delimiters raw where the grammar allows them, and "+" as a plus (not a space)', () => {
    const url = parseLdapWorkerUrl('ldap://h/dc=x?user=cn=a,dc=x&password=a+b;c=(d)@e');
    expect(url.user).toBe('cn=a,dc=x');
    expect(url.revealPassword()).toBe('a+b;c=(d)@e');
  });

  it('defaults ports by scheme, reads starttls, ca, timeout, an IPv6 host and an empty base DN', () => {
    expect(parseLdapWorkerUrl('ldap://h/').port).toBe(389);
    expect(parseLdapWorkerUrl('LDAPS://h/dc=x').port).toBe(636);
    const tls = parseLdapWorkerUrl('ldap://[::1]:1389/?starttls=TRUE&ca=%2Fetc%2Fca.pem&timeout=2500');
    expect({ host: tls.host, port: tls.port, baseDN: tls.baseDN, startTLS: tls.startTLS, caFile: tls.caFile, timeoutMs: tls.timeoutMs, tlsOn: tls.tls, user: tls.user })
      .toEqual({ host: '::1', port: 1389, baseDN: '', startTLS: true, caFile: '/etc/ca.pem', timeoutMs: 2500, tlsOn: true, user: undefined });
    expect(tls.serverUrl).toBe('ldap://[::1]:1389');
  });

  it('round-trips through formatLdapWorkerUrl', () => {
    const parts = { scheme: 'ldaps' as const, host: 'ldap.example.org', port: 10636, baseDN: 'ou=a b,dc=example,dc=org', user: 'cn=Smith\\, Dave \\+ Co,dc=example,dc=org', password: carolPassword + ' é&%', timeoutMs: 1234 };
    const url = parseLdapWorkerUrl(formatLdapWorkerUrl(parts));
    expect({ scheme: url.scheme, host: url.host, port: url.port, baseDN: url.baseDN, user: url.user, password: url.revealPassword(), timeoutMs: url.timeoutMs })
      .toEqual(parts);
  });

  it('never shows the password: toString, JSON, inspect, template strings', () => {
    const url = parseLdapWorkerUrl(carolUrl);
    for (const shown of [String(url), JSON.stringify({ url }), inspect(url), `${url}`, inspect({ nested: url }, { depth: 5, showHidden: true })]) {
      expect(shown).toContain('password=***');
      expect(shown).not.toContain('p%40ss');
      expect(shown).not.toContain('p@ss');
    }
    expect(maskPassword('ldap://h/?user=x&password=se#cret&starttls=true')).toBe('ldap://h/?user=x&password=***&starttls=true');
  });

  const malformed: [string, string, RegExp][] = [
    ['an empty string', '', /empty/],
    ['another scheme', 'http://h/dc=x', /scheme must be ldap or ldaps/],
    ['no "://"', 'ldap:h/dc=x', /expected ldap:\/\/host/],
    ['no host', 'ldap:///dc=x', /no host/],
    ['a port out of range', 'ldap://h:70000/dc=x', /port must be 1-65535/],
    ['no base DN path', 'ldap://h:389', /missing "\/"/],
    ['a base DN that is not a DN', 'ldap://h/nonsense', /base DN "nonsense" is not an RFC 4514 DN/],
    ['userinfo before the host', 'ldap://cn=a:pw@h/dc=x', /not before the host/],
    ['an unencoded "#" in the password', 'ldap://h/dc=x?user=cn%3Da&password=Secret#1', /"#" must be percent-encoded as %23/],
    ['an unencoded space in the password', 'ldap://h/dc=x?user=cn%3Da&password=Secret 1', /password holds a character that must be percent-encoded/],
    ['an unencoded "<" in the base DN', 'ldap://h/cn=<a>?user=cn%3Da&password=Secret1', /character "<" must be percent-encoded/],
    ['a bad percent escape', 'ldap://h/dc=x?user=cn%3Da&password=Secret%zz', /"%" that is not followed by two hex digits/],
    ['an unknown parameter', 'ldap://h/dc=x?user=cn%3Da&pasword=Secret1', /unknown parameter "pasword"/],
    ['a repeated parameter', 'ldap://h/dc=x?user=cn%3Da&password=Secret1&password=Secret1', /given twice/],
    ['a user without password', 'ldap://h/dc=x?user=cn%3Da', /without a password/],
    ['an empty password (unauthenticated bind)', 'ldap://h/dc=x?user=cn%3Da&password=', /unauthenticated bind/],
    ['a password without user', 'ldap://h/dc=x?password=Secret1', /password is given without user/],
    ['a user that is not a DN', 'ldap://h/dc=x?user=alice&password=Secret1', /user "alice" is not an RFC 4514 DN/],
    ['starttls that is not a boolean', 'ldap://h/dc=x?starttls=yes', /starttls must be true or false/],
    ['starttls on ldaps', 'ldaps://h/dc=x?starttls=true', /already TLS/],
    ['a CA without TLS', 'ldap://h/dc=x?ca=%2Fca.pem', /not TLS/],
    ['a bad timeout', 'ldap://h/dc=x?timeout=0', /timeout must be/],
  ];
  it.each(malformed)('rejects %s with MalformedLdapUrlError, password masked', (_case, raw, reason) => {
    let error: unknown;
    try { parseLdapWorkerUrl(raw); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(MalformedLdapUrlError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toMatch(/Secret/);
    expect((error as MalformedLdapUrlError).exitCode).toBe(2);
  });
});

describe('maskPassword', () => {
  it.each([
    ['ldap://h/?user=x&password=se#cret&starttls=true', 'ldap://h/?user=x&password=***&starttls=true'],
    ['ldap://h/?user=x&pasword=secret', 'ldap://h/?user=x&pasword=***'],
    ['ldap://h/?user=x&secret', 'ldap://h/?user=x&***'],
    ['ldap://cn=a:secret@h/dc=x', 'ldap://cn=a:***@h/dc=x'],
    ['ldap://h/dc=x?timeout=5&ca=%2Fca', 'ldap://h/dc=x?timeout=5&ca=%2Fca'],
  ])('masks %s', (raw, masked) => {
    expect(maskPassword(raw)).toBe(masked);
  });
});
