/**
 * The oidc-provider deployment itself (fixtures/targets/oidc-provider/): its LDAP sign-in
 * and consent rule against a real slapd, its API's answers, and its command (ready line,
 * SIGTERM stop with slapd gone).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory, type Directory } from '../../fixtures/ldap/index.ts';
import { consentGroupDN, seedUsers } from '../../fixtures/ldap/seed.ts';
import { escapeFilterValue, LdapDirectory } from '../../fixtures/targets/oidc-provider/ldap-directory.ts';
import { apiAudience, startOidcProviderTarget, type OidcProviderTarget } from '../../fixtures/targets/oidc-provider/start.ts';
import { projectRoot } from '../../harness/flow/runner.ts';

const password = (username: string) => seedUsers.find((u) => u.username === username)!.password;

describe('escapeFilterValue (RFC 4515 §3)', () => {
  it('escapes the filter metacharacters and leaves the rest', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\u0000')).toBe('a\\5cb\\00');
    expect(escapeFilterValue('Smith, Dave + Co')).toBe('Smith, Dave + Co');
  });
});

describe('the oidc-provider deployment', () => {
  let directory: Directory;
  let ldap: LdapDirectory;
  let op: OidcProviderTarget;

  beforeAll(async () => {
    directory = await startDirectory();
    ldap = new LdapDirectory({
      url: directory.url, bindDN: directory.bindDN, password: directory.password,
      peopleDN: `ou=people,${directory.baseDN}`, consentGroupDN: `cn=nauthera-consent,ou=groups,${directory.baseDN}`,
    });
    op = await startOidcProviderTarget({ directory });
  });

  afterAll(async () => {
    await op?.stop();
    await directory?.stop();
  });

  it('signs users in against LDAP: search with an escaped filter, then bind', async () => {
    const alice = await ldap.signIn('alice', password('alice'));
    expect(alice).toMatchObject({ username: 'alice', email: 'alice@nauthera.test', name: 'Alice Liddell' });
    expect(alice!.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ldap.signIn('alice', 'wrong')).toBeUndefined();
    expect(await ldap.signIn('alice', '')).toBeUndefined();
    // LDAP injection: a wildcard username must not match anyone.
    expect(await ldap.signIn('*', password('alice'))).toBeUndefined();
    expect(await ldap.signIn('alice)(uid=*', password('alice'))).toBeUndefined();
    expect(await ldap.signIn('carol', password('carol'))).toMatchObject({ username: 'carol' });
    // slapd spells the escaped DN its own way (\2C for \,): still the entry that needs RFC 4514 escaping.
    const dsmith = await ldap.signIn('dsmith', password('dsmith'));
    expect(dsmith?.username).toBe('dsmith');
    expect(dsmith?.dn).toMatch(/^cn=Smith\\(2C|,) Dave \\(2B|\+) Co,ou=people,dc=nauthera,dc=test$/i);
  });

  it('finds accounts by sub and lets only the consent group consent', async () => {
    const alice = (await ldap.signIn('alice', password('alice')))!;
    expect(await ldap.findBySub(alice.sub)).toEqual(alice);
    expect(await ldap.findBySub('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await ldap.findBySub('*')).toBeUndefined();
    expect(await ldap.mayConsent(alice)).toBe(true);
    expect(await ldap.mayConsent((await ldap.signIn('dsmith', password('dsmith')))!)).toBe(true);
    expect(await ldap.mayConsent((await ldap.signIn('bob', password('bob')))!)).toBe(false);
  });

  it('publishes its metadata and completes the vendor config with the run-time URLs', async () => {
    const res = await fetch(`${op.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    const metadata = await res.json() as Record<string, unknown>;
    expect(metadata.issuer).toBe(op.issuer);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(op.config.resourceServer).toBe(op.resourceServer);
    expect(op.config.ldap?.url).toBe(directory.url);
    expect(op.config.options.accessTokenAudience).toBe(apiAudience);
    // The consent group the config declares is the one the deployment asks LDAP about.
    expect(op.config.options.consentGroup).toBe(op.consentGroup);
    expect(op.consentGroup).toBe(consentGroupDN);
  });

  it('its API answers RFC 6750 errors: no token, a bad token, too little scope', async () => {
    const none = await fetch(op.resourceServer, { signal: AbortSignal.timeout(5_000) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    const bad = await fetch(op.resourceServer, { headers: { authorization: 'Bearer not-a-token' }, signal: AbortSignal.timeout(5_000) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // A client-credentials token for the API with api:read only: GET works, POST needs api:write.
    const service = op.config.clients.find((c) => c.role === 'service')!;
    const token = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken } = await token.json() as { access_token: string };
    const read = await fetch(op.resourceServer, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(5_000) });
    expect(read.status).toBe(200);
    const write = await fetch(op.resourceServer, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(5_000) });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });
});

describe('the launcher command', () => {
  it('prints the issuer once ready, serves it, and stops with slapd on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/run-ts.js', 'fixtures/targets/oidc-provider/start.ts', '--json'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await firstLine(child, 30_000);
      const info = JSON.parse(line) as { issuer: string; ldap: { url: string } };
      expect(info.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${info.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(200);
      const ldapPort = Number(new URL(info.ldap.url).port);
      expect(await accepts(ldapPort)).toBe(true);
      child.kill('SIGTERM');
      expect(await exited(child, 15_000)).toBe(0);
      expect(await accepts(ldapPort)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout! }).once('line', (line) => { clearTimeout(timer); resolve(line); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the launcher exited with ${code}: ${stderr}`)); });
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the launcher did not exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}
