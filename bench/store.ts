/**
 * The Redis store beside the in-memory one, and two instances on one Redis beside one, as
 * ratios of the same run. Every server is a real `nauthera serve` child process; all of them
 * sign in against one slapd (--ldap-url), and each Redis is a private redis-server
 * (fixtures/redis). Two parts, one after the other:
 *
 * 1. One instance on the in-memory store and one on Redis, both running, measured in rounds
 *    that alternate which goes first: the token endpoint (the request of token-endpoint.ts),
 *    then the exchange of authorization codes prepared through each server's real /authorize
 *    (code-pool.ts), each code sent once.
 * 2. Two instances on a fresh Redis behind the round-robin balancer of reference-server/cluster/
 *    (in a child process of its own), against the first of them alone behind a balancer of its
 *    own, so the proxy hop is on both sides: the token endpoint again.
 *
 * Besides req/s, each run reads the CPU time the server processes used (/proc): requests per
 * CPU-second of the instances is what they would serve on cores of their own, which on two
 * shared cores the req/s of two instances cannot show.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { alternate, type AlternatingComparison, type MeasuredRun } from './alternating.ts';
import { startChild, type Child } from './child.ts';
import { prepareCodePool } from './nauthera-endpoints.ts';
import type { PreparedCode, CodeRequest } from './code-pool.ts';
import { load, type LoadSpec } from './load.ts';
import { cpuMeter } from './process-cpu.ts';
import { median, ratio } from './stats.ts';
import { basicAuth, credentials, startNauthera, type ServeInfo } from './servers/nauthera.ts';
import { startDirectory } from '../fixtures/ldap/index.ts';
import { freePort } from '../fixtures/ldap/free-port.ts';
import { startRedis } from '../fixtures/redis/start-redis.ts';
import { formatLdapWorkerUrl } from '../actors/ldap-worker/index.ts';

export interface CodeExchangeComparison extends AlternatingComparison {
  /** Codes prepared before each run; the last 2 × connections of them are left unsent. */
  codesPerRun: number;
  /**
   * The codes' preparation before each run (GET /authorize, 4 at a time, one session per run):
   * it reads the session and the consent and writes the code, so it is a store figure too.
   */
  preparation: {
    memory: { codes: number; perSecond: number };
    redis: { codes: number; perSecond: number };
    /** redis ÷ memory codes per second, the median of the rounds' ratios. */
    ratio: number | null;
    roundRatios: number[];
  };
}

export interface PairComparison extends AlternatingComparison {
  /** The pair's total req/s ÷ 2 ÷ the one instance's: the median of the rounds' ratios halved. */
  perInstanceRatio: number | null;
  perInstanceRoundRatios: number[];
  /** 1-minute load average at the start and the end of this part. */
  loadAverage: { start: number; end: number };
}

export interface StoreFigures {
  connections: number;
  durationSeconds: number;
  rounds: number;
  warmupSeconds: number;
  tokenRequest: string;
  codeRequest: string;
  /** 1-minute load average at the start and the end of the section. */
  loadAverage: { start: number; end: number };
  /** memory (baseline) vs redis (candidate), one instance each, no balancer. */
  token: AlternatingComparison;
  codeExchange: CodeExchangeComparison;
  /** one instance on Redis (baseline) vs two on that Redis (candidate), each behind a balancer. */
  pair: PairComparison;
}

export interface StoreOptions {
  connections: number;
  duration: number;
  rounds: number;
  warmup: number;
  /** Authorization codes prepared per server, split over the rounds. */
  codes: number;
  log: (line: string) => void;
  /** Everything started here, so an interrupted bench can stop it. */
  track: (started: { stop(): Promise<void> }) => void;
}

const form = 'application/x-www-form-urlencoded';
const tokenBody = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read api:write' }).toString();

function tokenSpec(tokenEndpoint: string, info: ServeInfo, connections: number, duration: number): LoadSpec {
  const service = credentials(info, 'service');
  return { url: tokenEndpoint, connections, duration, method: 'POST', headers: { authorization: basicAuth(service.id, service.secret), 'content-type': form }, body: tokenBody };
}

async function expectToken(what: string, spec: LoadSpec, body = spec.body): Promise<Record<string, unknown>> {
  const response = await fetch(spec.url, { method: 'POST', headers: spec.headers, body, signal: AbortSignal.timeout(10_000) });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200 || typeof json.access_token !== 'string') throw new Error(`${what}: /token answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** One load run, with the CPU time of the servers and of the processes beside them (by name). */
async function measured(spec: LoadSpec, serverPids: number[], sidePids: Record<string, number>): Promise<MeasuredRun> {
  const servers = cpuMeter(serverPids);
  const sides = Object.entries(sidePids).map(([name, pid]) => [name, cpuMeter([pid])] as const);
  const result = await load(spec);
  return { load: result, serverCpuMs: servers(), sideCpuMs: Object.fromEntries(sides.map(([name, meter]) => [name, meter()])) };
}

function exchangeSpec(info: ServeInfo, request: CodeRequest, codes: PreparedCode[], amount: number, connections = 1): LoadSpec {
  const confidential = credentials(info, 'confidential');
  let next = 0;
  return {
    url: `${info.issuer}/token`,
    connections,
    amount,
    method: 'POST',
    headers: { authorization: basicAuth(confidential.id, confidential.secret), 'content-type': form },
    nextBody: () => exchangeBody(request, codes[Math.min(next++, codes.length - 1)]!),
  };
}

function exchangeBody(request: CodeRequest, code: PreparedCode): string {
  return new URLSearchParams({ grant_type: 'authorization_code', code: code.code, redirect_uri: request.redirectUri, code_verifier: code.verifier }).toString();
}

export async function measureStore(root: string, options: StoreOptions): Promise<StoreFigures> {
  const { connections, duration, rounds, warmup, log } = options;
  const loadStart = loadavg()[0]!;
  const stops: Array<() => Promise<void>> = [];
  const started = <T extends { stop(): Promise<void> }>(thing: T): T => {
    options.track(thing);
    stops.push(() => thing.stop());
    return thing;
  };
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };

  try {
    log('  starting slapd and redis-server');
    const [directory, firstRedis] = await Promise.all([startDirectory().then(started), startRedis().then(started)]);
    const ldapUrl = formatLdapWorkerUrl({ host: new URL(directory.url).hostname, port: Number(new URL(directory.url).port), baseDN: directory.baseDN, user: directory.bindDN, password: directory.password });

    // 1. One instance per store, side by side.
    log('  starting nauthera serve on the in-memory store and on Redis (child processes)');
    const [memory, onRedis] = await Promise.all([
      startNauthera(root, { args: ['--ldap-url', ldapUrl], label: 'nauthera serve (memory)' }).then(started),
      startNauthera(root, { args: ['--ldap-url', ldapUrl, '--store', firstRedis.url], label: 'nauthera serve (redis)' }).then(started),
    ]);
    const single = { baseline: memory, candidate: onRedis } as const;
    const tokenSpecs = {
      baseline: (d: number) => tokenSpec(`${memory.info.issuer}/token`, memory.info, connections, d),
      candidate: (d: number) => tokenSpec(`${onRedis.info.issuer}/token`, onRedis.info, connections, d),
    };
    for (const which of ['baseline', 'candidate'] as const) {
      await expectToken(single[which] === memory ? 'in-memory instance' : 'Redis instance', tokenSpecs[which](duration));
      log(`  warm-up ${which === 'baseline' ? 'in-memory' : 'Redis'} instance (${warmup} s)`);
      await load(tokenSpecs[which](warmup));
    }
    log(`  token endpoint, c=${connections}`);
    const token = await alternate({ baseline: 'in-memory store, /token', candidate: 'Redis store, /token' }, { rounds, log }, (which) =>
      measured(tokenSpecs[which](duration), [single[which].pid], which === 'candidate' ? { 'redis-server': firstRedis.pid } : {}),
    );

    const perRun = Math.max(connections * 2 + 10, Math.floor(options.codes / rounds));
    for (const which of ['baseline', 'candidate'] as const) {
      // One exchange before the runs: the answer must carry the three tokens, or the figure is void.
      const { info } = single[which];
      const pool = await prepareCodePool(info, 1);
      const tokens = await expectToken(`code exchange on the ${which === 'baseline' ? 'in-memory' : 'Redis'} instance`, exchangeSpec(info, pool.request, [...pool.codes], 1), exchangeBody(pool.request, pool.codes[0]!));
      if (!tokens.id_token || !tokens.refresh_token) throw new Error(`the code exchange on the ${which === 'baseline' ? 'in-memory' : 'Redis'} instance returned no id_token or refresh_token`);
    }
    // autocannon builds each connection's first request ahead: spare codes so none is sent twice.
    const spare = connections * 2;
    const preparations: Record<'baseline' | 'candidate', Array<{ codes: number; elapsedMs: number }>> = { baseline: [], candidate: [] };
    log(`  code exchange, c=${connections}: each run prepares ${perRun} codes through /authorize, then sends ${perRun - spare} of them`);
    const codeExchange = await alternate({ baseline: 'in-memory store, code exchange', candidate: 'Redis store, code exchange' }, { rounds, log, firstRound: 1 }, async (which) => {
      const { info } = single[which];
      const pool = await prepareCodePool(info, perRun);
      preparations[which].push({ codes: pool.codes.length, elapsedMs: pool.elapsedMs });
      return measured(exchangeSpec(info, pool.request, pool.codes, pool.codes.length - spare, connections), [single[which].pid], which === 'candidate' ? { 'redis-server': firstRedis.pid } : {});
    });
    const preparationRate = (runs: Array<{ codes: number; elapsedMs: number }>) => (runs.reduce((n, r) => n + r.codes, 0) * 1000) / runs.reduce((t, r) => t + r.elapsedMs, 0);
    const prepRatios = preparations.candidate.map((r, i) => ratio(r.codes / r.elapsedMs, preparations.baseline[i]!.codes / preparations.baseline[i]!.elapsedMs)).filter((x): x is number => x !== null);
    const preparation: CodeExchangeComparison['preparation'] = {
      memory: { codes: preparations.baseline.reduce((n, r) => n + r.codes, 0), perSecond: preparationRate(preparations.baseline) },
      redis: { codes: preparations.candidate.reduce((n, r) => n + r.codes, 0), perSecond: preparationRate(preparations.candidate) },
      ratio: prepRatios.length ? median(prepRatios) : null,
      roundRatios: prepRatios,
    };
    await Promise.all([memory.stop(), onRedis.stop(), firstRedis.stop()]);

    // 2. Two instances on one Redis behind the balancer, against one behind a balancer.
    const pairLoadStart = loadavg()[0]!;
    log('  starting a fresh redis-server, the balancers and two nauthera serve on it');
    const redis = await startRedis().then(started);
    const ports = [];
    for (let i = 0; i < 2; i++) ports.push({ as: await freePort(), rs: await freePort() });
    const upstream = (port: number) => `http://127.0.0.1:${port}`;
    const balancers = await startChild<{ urls: [string, string, string] }>(
      process.execPath,
      [join(root, 'bin', 'run-ts.js'), join(root, 'bench', 'servers', 'round-robin.ts'), ports.map((p) => upstream(p.as)).join(','), upstream(ports[0]!.as), ports.map((p) => upstream(p.rs)).join(',')],
      { cwd: root, label: 'round-robin balancers' },
    ).then(started);
    const [pairUrl, oneUrl, resourceUrl] = balancers.info.urls;
    const instances: Array<Child<ServeInfo>> = [];
    // One after the other: the first start makes the shared secrets and keys, the second reads them.
    for (const [i, p] of ports.entries()) {
      instances.push(await startNauthera(root, {
        args: ['--ldap-url', ldapUrl, '--store', redis.url, '--port', String(p.as), '--resource-port', String(p.rs), '--issuer', pairUrl, '--resource-url', resourceUrl],
        label: `nauthera serve (instance ${i + 1} on Redis)`,
      }).then(started));
    }
    const info = instances[0]!.info;
    if (credentials(instances[1]!.info, 'service').secret !== credentials(info, 'service').secret) throw new Error('the two instances on one Redis announced different credentials for the service client');
    const pairSpecs = {
      baseline: (d: number) => tokenSpec(`${oneUrl}/token`, info, connections, d),
      candidate: (d: number) => tokenSpec(`${pairUrl}/token`, info, connections, d),
    };
    const pairPids = { baseline: [instances[0]!.pid], candidate: instances.map((c) => c.pid) };
    // Two requests through the pair's balancer: one to each instance.
    for (let i = 0; i < 2; i++) await expectToken(`instance ${i + 1} through the balancer`, pairSpecs.candidate(duration));
    await expectToken('instance 1 through a balancer of its own', pairSpecs.baseline(duration));
    for (const which of ['baseline', 'candidate'] as const) {
      log(`  warm-up ${which === 'baseline' ? 'one instance' : 'two instances'} behind the balancer (${warmup} s)`);
      await load(pairSpecs[which](warmup));
    }
    log(`  token endpoint through the balancer, c=${connections}`);
    const pairRuns = await alternate({ baseline: 'one instance on Redis, /token', candidate: 'two instances on Redis, /token' }, { rounds, log }, (which) =>
      measured(pairSpecs[which](duration), pairPids[which], { 'redis-server': redis.pid, balancer: balancers.pid }),
    );
    const perInstanceRoundRatios = pairRuns.roundRatios.map((r) => r / 2);
    const pair: PairComparison = {
      ...pairRuns,
      perInstanceRatio: pairRuns.ratio === null ? null : pairRuns.ratio / 2,
      perInstanceRoundRatios,
      loadAverage: { start: pairLoadStart, end: loadavg()[0]! },
    };

    return {
      connections,
      durationSeconds: duration,
      rounds,
      warmupSeconds: warmup,
      tokenRequest: `POST /token ${tokenBody} (client_secret_basic), ES256 JWT access token`,
      codeRequest: 'POST /token grant_type=authorization_code + PKCE, client_secret_basic → ES256 access token, RS256 ID token, refresh token',
      loadAverage: { start: loadStart, end: loadavg()[0]! },
      token,
      codeExchange: { ...codeExchange, codesPerRun: perRun, preparation },
      pair,
    };
  } finally {
    await stopAll();
  }
}
