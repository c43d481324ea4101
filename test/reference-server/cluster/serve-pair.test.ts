/**
 * Two `nauthera serve` processes on one Redis, behind a round-robin balancer, as a deployment
 * runs them: each request of a code flow goes to the next process, and one process is killed
 * and started again between consent and the code exchange without the flow noticing. Real
 * processes, slapd, Redis and HTTP on loopback; every process is stopped by this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startDirectory, type Directory } from '../../../fixtures/ldap/index.ts';
import { freePort } from '../../../fixtures/ldap/free-port.ts';
import { startRedis, type RunningRedis } from '../../../fixtures/redis/start-redis.ts';
import { formatLdapWorkerUrl } from '../../../actors/ldap-worker/index.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from '../../../reference-server/cluster/round-robin-proxy.ts';
import type { RunningReference } from '../../../reference-server/index.ts';
import { client, postForm, user } from '../support/oauth.ts';
import { codeFor, exchange } from '../support/flows.ts';

const cli = fileURLToPath(new URL('../../../bin/nauthera.js', import.meta.url));
let directory: Directory;
let redis: RunningRedis;
let asProxy: RoundRobinProxy;
let rsProxy: RoundRobinProxy;
const ports: Array<{ as: number; rs: number }> = [];
const processes: Array<ChildProcess | undefined> = [];

/** Starts instance i and resolves with its --json line once it is ready. */
function serve(i: number): Promise<RunningReference> {
  const args = ['serve', '--json', '--store', redis.url, '--ldap-url', formatLdapWorkerUrl({ host: '127.0.0.1', port: Number(new URL(directory.url).port), baseDN: directory.baseDN, user: directory.bindDN, password: directory.password }),
    '--port', String(ports[i]!.as), '--resource-port', String(ports[i]!.rs), '--issuer', asProxy.url, '--resource-url', rsProxy.url];
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes[i] = child;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${i} printed nothing in time: ${stderr}`)), 45_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (text) => { clearTimeout(timer); lines.close(); resolve(JSON.parse(text)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`instance ${i} exited ${code}: ${stderr}`)); });
  });
}

async function stop(i: number): Promise<void> {
  const child = processes[i];
  processes[i] = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

let ref: RunningReference;
beforeAll(async () => {
  [directory, redis] = await Promise.all([startDirectory(), startRedis()]);
  for (let i = 0; i < 2; i++) ports.push({ as: await freePort(), rs: await freePort() });
  asProxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p.as}`));
  rsProxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p.rs}`));
  // The first start makes the shared secrets; the second reads them.
  ref = await serve(0);
  const second = await serve(1);
  expect(second.clients).toEqual(ref.clients);
}, 120_000);
afterAll(async () => {
  for (let i = 0; i < processes.length; i++) await stop(i);
  for (const child of processes) if (child && child.exitCode === null) child.kill('SIGKILL');
  await asProxy?.close();
  await rsProxy?.close();
  await redis?.stop();
  await directory?.stop();
});

describe('two nauthera serve processes on one Redis', () => {
  it('hand out the same clients, and complete a code flow whose requests alternate between them', async () => {
    expect(ref.issuer).toBe(asProxy.url);
    const before = asProxy.counts();
    const tokens = await exchange(ref, 'confidential', await codeFor(ref, 'confidential', { signIn: user(ref, 'user') }));
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const counts = asProxy.counts().map((n, i) => n - before[i]!);
    expect(Math.min(...counts), `requests per process: ${counts.join(', ')}`).toBeGreaterThan(1);
    const resource = await fetch(`${rsProxy.url}/resource`, { headers: { authorization: `Bearer ${tokens.body.access_token as string}` } });
    expect(resource.status).toBe(200);
  });

  it('completes a flow across a restart of one process after consent', async () => {
    const flow = await codeFor(ref, 'confidential', { signIn: user(ref, 'user'), scope: 'openid offline_access api:read' });
    await stop(0);
    await serve(0);
    const tokens = await exchange(ref, 'confidential', flow);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    await stop(1);
    await serve(1);
    // Both processes are new since the code was issued: the refresh token still works, rotated
    // twice in a row, and the code stays used (its reuse revokes the tokens, RFC 6749 §4.1.2).
    const c = client(ref, 'confidential');
    let refresh = tokens.body.refresh_token as string;
    for (let i = 0; i < 2; i++) {
      const next = await postForm(`${ref.issuer}/token`, { grant_type: 'refresh_token', refresh_token: refresh }, { clientId: c.client_id, secret: c.client_secret! });
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      refresh = next.body.refresh_token as string;
    }
    expect((await exchange(ref, 'confidential', flow)).body.error).toBe('invalid_grant');
  });
});
