/**
 * `nauthera serve --json` as the harness and vendors use it: one JSON line once ready, a
 * working issuer, and a clean stop (slapd included) on SIGTERM; `--ldap-url` uses a given
 * directory instead of starting one; a bad config exits 2 without a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startDirectory, type Directory } from '../../fixtures/ldap/index.ts';
import { formatLdapWorkerUrl } from '../../actors/ldap-worker/index.ts';

const cli = fileURLToPath(new URL('../../bin/nauthera.js', import.meta.url));
const run = promisify(execFile);
const children: ChildProcess[] = [];
let directory: Directory;

beforeAll(async () => {
  directory = await startDirectory();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await directory?.stop();
});

/** PIDs of live processes whose command line holds `needle` (read from /proc; nothing is killed here). */
function pidsWithArg(needle: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const state = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.[0];
      return state !== 'Z' && readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(needle) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

function serve(args: string[]): { child: ChildProcess; line: Promise<Record<string, any>> } {
  const child = spawn(process.execPath, [cli, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const line = new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no line on stdout in time')), 45_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (text) => {
      clearTimeout(timer);
      lines.close();
      resolve(JSON.parse(text));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before printing`));
    });
  });
  return { child, line };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

describe('nauthera serve --json', () => {
  it('prints the docs/design.md line once ready, serves discovery, and stops slapd on SIGTERM', async () => {
    const { child, line } = serve(['--json']);
    const info = await line;
    expect(Object.keys(info).sort()).toEqual(['clients', 'issuer', 'ldap', 'resourceServer', 'users']);
    expect(info.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(info.ldap).sort()).toEqual(['baseDN', 'bindDN', 'password', 'url']);
    for (const c of info.clients) expect(c).toEqual(expect.objectContaining({ client_id: expect.any(String), grant_types: expect.any(Array), response_types: expect.any(Array), redirect_uris: expect.any(Array) }));
    expect(info.users.map((u: { username: string }) => u.username).sort()).toEqual(['alice', 'bob', 'carol', 'dsmith', 'lena', 'mia*(x)\\y', 'tnash']);
    const discovery = (await (await fetch(`${info.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(info.issuer);
    expect(pidsWithArg(info.ldap.url)).toHaveLength(1);

    expect(await stop(child)).toBe(0);
    expect(pidsWithArg(info.ldap.url)).toEqual([]);
    await expect(fetch(`${info.issuer}/jwks`)).rejects.toThrow();
  });

  it('uses the directory named by --ldap-url (the worker\'s JDBC-like URL) instead of starting one', async () => {
    const url = formatLdapWorkerUrl({ host: '127.0.0.1', port: Number(new URL(directory.url).port), baseDN: directory.baseDN, user: directory.bindDN, password: directory.password });
    const { child, line } = serve(['--json', '--ldap-url', url]);
    const info = await line;
    expect(new URL(info.ldap.url).port).toBe(new URL(directory.url).port);
    expect(info.ldap.bindDN).toBe(directory.bindDN);
    const service = info.clients.find((c: { role: string }) => c.role === 'service');
    const token = await fetch(`${info.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    expect(await stop(child)).toBe(0);
  });

  it('exits 2 with a clean message for a bad config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nauthera-serve-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ clients: [{ client_id: 'x', token_endpoint_auth_method: 'magic', grant_types: [], response_types: [], redirect_uris: [] }] }));
      const failed = await run(process.execPath, [cli, 'serve', '--config', file], { timeout: 30_000 }).catch((e) => e);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(/token_endpoint_auth_method must be one of/);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 for a usage error', async () => {
    const failed = await run(process.execPath, [cli, 'serve', '--ldap-url', 'http://nope'], { timeout: 30_000 }).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/--ldap-url/);
  });
});
