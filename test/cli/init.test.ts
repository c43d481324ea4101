/**
 * `nauthera init` as a vendor runs it, against real IdPs on loopback: node-oidc-provider
 * (open registration, its users in the OpenLDAP fixture) and the reference server. The config
 * it writes must run as written: `nauthera run` with it signs in and gets through the flows.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/ldap/free-port.ts';
import { oidcProviderConfigPath, startOidcProviderTarget } from '../../fixtures/targets/oidc-provider/start.ts';
import { startReferenceServer } from '../../reference-server/index.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';
import { projectRoot } from '../../harness/flow/runner.ts';
import { readResults } from '../../harness/results/io.ts';
import { runNauthera } from '../support/run-command.ts';

const work = mkdtempSync(join(tmpdir(), 'nauthera-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The CLI as a child process: the IdPs run in this process, so the call must not block it. */
const nauthera = (args: string[], timeoutMs = 150_000) => runNauthera(args, { cwd: work, env: { ...process.env, NAUTHERA_DEBUG: '' }, timeoutMs });

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

/** Failed checks of a run, by id. */
function failedChecks(out: string): string[] {
  const run = readResults(join(out, 'results.json'));
  return run.flows.flatMap((f) => f.steps.flatMap((s) => s.checks.filter((c) => c.status === 'failed').map((c) => c.id ?? c.name)));
}

describe('nauthera init: clear errors, exit 2', () => {
  it('names an unreachable issuer, without a stack trace', async () => {
    const port = await freePort();
    const result = await nauthera(['init', '--issuer', `http://127.0.0.1:${port}`, '--out', join(work, 'unreachable.json')], 30_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nauthera init: issuer http:\/\/127\.0\.0\.1:\d+ is unreachable/);
    noStack(result.stderr);
  });

  it('keeps an existing file unless --force, and needs --issuer', async () => {
    const file = join(work, 'existing.json');
    writeFileSync(file, '{"kept": true}\n');
    const refused = await nauthera(['init', '--issuer', 'http://127.0.0.1:9', '--out', file], 30_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file} exists; give --force to overwrite it`);
    expect(readFileSync(file, 'utf8')).toBe('{"kept": true}\n');
    const missing = await nauthera(['init'], 30_000);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--issuer URL is required');
  });
});

describe('nauthera init against node-oidc-provider (open registration)', () => {
  it('registers the clients, finds and tries the sign-in and consent controls, and writes a config a run takes as written', async () => {
    const op = await startOidcProviderTarget();
    try {
      const file = join(work, 'op.json');
      const init = await nauthera(['init', '--issuer', op.issuer, '--out', file, '--user', 'alice', '--password', 'Alice-Passw0rd']);
      noStack(init.stderr);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('signed in as alice with these locators');
      expect(statSync(file).mode & 0o077).toBe(0); // it holds client secrets

      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      expect(config.$schema).toMatch(/config\.schema\.json$/);
      expect(config.issuer).toBe(op.issuer);
      expect(config.clients.map((c: { role: string }) => c.role)).toEqual(['confidential', 'public', 'par', 'jar', 'implicit', 'hybrid', 'device', 'device-confidential', 'service', 'service-post', 'service-jwt']);
      for (const c of config.clients) expect(c.client_id).not.toMatch(/\$\{env:/);
      expect(config.clients.find((c: { role: string }) => c.role === 'service-jwt').private_jwk.d).toBeTypeOf('string');
      // The deployment's own pages (fixtures/targets/oidc-provider/pages.ts), as its hand-written config has them.
      const written = JSON.parse(readFileSync(oidcProviderConfigPath, 'utf8')) as { login: Record<string, unknown> };
      expect(config.login).toEqual({
        username: written.login.username, password: written.login.password, submit: written.login.submit,
        consent: (written.login.consent as Record<string, unknown>),
      });
      expect(config.users).toEqual([{ role: 'user', username: 'alice', password: 'Alice-Passw0rd' }]);

      const out = join(work, 'op-report');
      const run = await nauthera(['run', '--target', op.issuer, '--config', file, '--flows', 'authorization-code', '--out', out]);
      noStack(run.stderr);
      expect(run.code, run.stderr).not.toBe(2);
      const results = readResults(join(out, 'results.json'));
      const flow = results.flows.find((f) => f.id === 'authorization-code')!;
      // The sign-in worked with the written locators: the arrow passed, or only warned (oidc-provider
      // does not limit password guessing, a warning of its own on this arrow).
      expect(['passed', 'warning']).toContain(flow.steps.find((s) => s.text.includes('Grants Authorization'))?.status);
      // What fails is oidc-provider's own departures from the specs, listed in its hand-written config, and nothing else.
      const departures = new Set((JSON.parse(readFileSync(oidcProviderConfigPath, 'utf8')) as { expectedFailures: Array<{ id: string }> }).expectedFailures.map((x) => x.id));
      expect(failedChecks(out).filter((id) => !departures.has(id))).toEqual([]);
    } finally {
      await op.stop();
    }
  }, 360_000);
});

describe('nauthera init against the reference server', () => {
  it('writes a config that runs the browser, client-credentials and jar flows, all passing', async () => {
    const ref = await startReferenceServer();
    try {
      const file = join(work, 'reference.json');
      const init = await nauthera(['init', '--issuer', ref.issuer, '--out', file, '--user', 'alice', '--password', 'Alice-Passw0rd']);
      expect(init.code, init.stderr).toBe(0);
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      expect(config.login.consent).toEqual({ approve: { role: 'button', name: 'Allow' }, deny: { role: 'button', name: 'Deny' } });

      const out = join(work, 'reference-report');
      const run = await nauthera(['run', '--target', ref.issuer, '--config', file, '--flows', 'authorization-code,client-credentials,jar', '--out', out]);
      expect(failedChecks(out)).toEqual([]);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await ref.stop();
    }
  }, 360_000);
});

describe('nauthera init without open registration', () => {
  it('writes ${env:…} placeholders a run names, finds the sign-in form with --client-id, and asks for an initial access token', async () => {
    const closed = await startReferenceServer({ config: { ...defaultConfig, registration: { enabled: false } } });
    const token = 'nauthera-init-initial-access-token-1';
    const guarded = await startReferenceServer({ config: { ...defaultConfig, registration: { enabled: true, initialAccessToken: token } }, directory: closed.ldap });
    try {
      const file = join(work, 'closed.json');
      // No user: the fields are filled and the button only checked, never pressed.
      const init = await nauthera(['init', '--issuer', closed.issuer, '--out', file, '--client-id', 'public']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('no dynamic registration: register confidential, public,');
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      expect(config.clients.find((c: { role: string }) => c.role === 'confidential')).toMatchObject({
        client_id: '${env:NAUTHERA_CONFIDENTIAL_CLIENT_ID}', client_secret: '${env:NAUTHERA_CONFIDENTIAL_CLIENT_SECRET}',
      });
      expect(config.clients.find((c: { role: string }) => c.role === 'service-jwt').private_jwk.d).toBeTypeOf('string');
      expect(config.login).toEqual({ username: { label: 'Username' }, password: { label: 'Password' }, submit: { role: 'button', name: 'Sign in' } });
      expect(config.users[0].username).toBe('${env:NAUTHERA_USER}');
      const run = await nauthera(['run', '--target', closed.issuer, '--config', file, '--flows', 'discovery'], 60_000);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('environment variable NAUTHERA_CONFIDENTIAL_CLIENT_ID is not set');
      noStack(run.stderr);

      const refused = await nauthera(['init', '--issuer', guarded.issuer, '--out', join(work, 'guarded.json')], 60_000);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('refused every client; if it needs an initial access token (RFC 7591 §3), give it with --initial-access-token');
      noStack(refused.stderr);
      const registered = await nauthera(['init', '--issuer', guarded.issuer, '--out', join(work, 'guarded.json'), '--initial-access-token', token]);
      expect(registered.code, registered.stderr).toBe(0);
      expect(registered.stdout).toMatch(/registered 11 clients/);
    } finally {
      await guarded.stop();
      await closed.stop();
    }
  }, 300_000);
});
