/**
 * Where nauthera's /token spends its time: `nauthera serve` under `node --cpu-prof`, loaded with
 * client_credentials (or another grant's request via PROFILE_ENDPOINT) by the bench's load
 * generator, then the profile's self time summed per function and per package.
 *
 *   node bin/run-ts.js bench/profile-token.ts            # 10 s at 50 connections
 *   PROFILE_ENDPOINT=introspect node bin/run-ts.js bench/profile-token.ts
 *   PROFILE_ENDPOINT=code PROFILE_CODES=3000 node bin/run-ts.js bench/profile-token.ts
 * Writes reports/bench-profile/*.cpuprofile (open in Chrome DevTools) and prints the hot spots.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load, type LoadSpec } from './load.ts';
import { prepareCodePool } from './nauthera-endpoints.ts';
import { basicAuth, credentials, startNauthera } from './servers/nauthera.ts';
import { hotSpots, type CpuProfile } from './profile.ts';
import { markdownTable } from './table.ts';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'reports', 'bench-profile');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const seconds = Number(process.env.PROFILE_DURATION ?? 10);
const connections = Number(process.env.PROFILE_CONNECTIONS ?? 50);
const endpoint = process.env.PROFILE_ENDPOINT ?? 'token';

const server = await startNauthera(root, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
try {
  const { issuer } = server.info;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let spec: Omit<LoadSpec, 'connections'>;
  if (endpoint === 'code') {
    const pool = await prepareCodePool(server.info, Number(process.env.PROFILE_CODES ?? 3000));
    const confidential = credentials(server.info, 'confidential');
    let next = 0;
    spec = {
      url: `${issuer}/token`,
      method: 'POST' as const,
      headers: { ...form, authorization: basicAuth(confidential.id, confidential.secret) },
      amount: pool.codes.length - 2 * connections - 200,
      nextBody: () => {
        const c = pool.codes[Math.min(next++, pool.codes.length - 1)];
        return new URLSearchParams({ grant_type: 'authorization_code', code: c.code, redirect_uri: pool.request.redirectUri, code_verifier: c.verifier }).toString();
      },
    };
  } else if (endpoint === 'introspect') {
    const service = credentials(server.info, 'service');
    const rs = credentials(server.info, 'resource-server');
    const token = (await (await fetch(`${issuer}/token`, { method: 'POST', headers: { ...form, authorization: basicAuth(service.id, service.secret) }, body: 'grant_type=client_credentials' })).json()) as { access_token: string };
    spec = { url: `${issuer}/introspect`, method: 'POST' as const, headers: { ...form, authorization: basicAuth(rs.id, rs.secret) }, body: `token=${token.access_token}` };
  } else {
    const service = credentials(server.info, 'service');
    spec = { url: `${issuer}/token`, method: 'POST' as const, headers: { ...form, authorization: basicAuth(service.id, service.secret) }, body: 'grant_type=client_credentials&scope=api%3Aread+api%3Awrite' };
  }
  if (spec.amount === undefined) await load({ ...spec, connections: 10, duration: 2 });
  const result = await load({ ...spec, connections, duration: seconds });
  console.error(`${endpoint}: ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, ${result.failed} non-2xx`);
} finally {
  await server.stop();
}

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) {
  console.error('no .cpuprofile was written (the server did not exit normally)');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
const { functions, packages, totalMs } = hotSpots(profile, root);
console.log(`profile ${join('reports', 'bench-profile', file)}: ${Math.round(totalMs)} ms sampled\n`);
console.log(markdownTable(['self %', 'function', 'where'], functions.slice(0, 25).map((f) => [`${f.percent.toFixed(1)}%`, f.name, f.where]), ['right', 'left', 'left']));
console.log();
console.log(markdownTable(['self %', 'package / area'], packages.slice(0, 15).map((p) => [`${p.percent.toFixed(1)}%`, p.name]), ['right', 'left']));
