/**
 * POST /token, grant_type=client_credentials, client_secret_basic, JWT access token signed
 * ES256: nauthera against oidc-provider 9 configured the same way. Both servers run at once in
 * child processes; each connection count is measured in rounds that alternate which server goes
 * first (ABBA), after a warm-up of both, so drift of a noisy machine falls on both alike; the
 * ratio reported is the median of the rounds' ratios.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { load, mergeRounds, summarizeLoad, type LoadResult } from './load.ts';
import { median, ratio } from './stats.ts';
import { basicAuth } from './servers/nauthera.ts';

export interface TokenServer {
  name: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
}

export interface TokenComparisonRow {
  connections: number;
  nauthera: Omit<LoadResult, 'samples'>;
  peer: Omit<LoadResult, 'samples'>;
  /**
   * The median of the round-by-round ratios: each round pairs two runs seconds apart, so a burst
   * of other work on the machine spoils one pair, not the figure. The target is judged on this.
   */
  ratio: number | null;
  /** nauthera req/s ÷ peer req/s with every round's requests pooled. */
  pooledRatio: number | null;
  /** The ratio, round by round (its spread shows the noise). */
  roundRatios: number[];
}

export interface TokenComparison {
  peerName: string;
  durationSeconds: number;
  rounds: number;
  warmupSeconds: number;
  request: string;
  tokens: Record<string, { alg: string; typ?: string; bytes: number; claims: string[] }>;
  rows: TokenComparisonRow[];
}

const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read api:write' }).toString();

function spec(server: TokenServer, connections: number, duration: number) {
  return {
    url: server.tokenEndpoint,
    connections,
    duration,
    method: 'POST' as const,
    headers: { authorization: basicAuth(server.clientId, server.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  };
}

/** One real request each: the answer must be a JWT access token signed ES256, or the comparison is void. */
async function checkToken(server: TokenServer): Promise<TokenComparison['tokens'][string]> {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basicAuth(server.clientId, server.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await response.json()) as { access_token?: string; refresh_token?: string };
  if (response.status !== 200 || !json.access_token) throw new Error(`${server.name} /token answered ${response.status}: ${JSON.stringify(json)}`);
  const header = decodeProtectedHeader(json.access_token);
  if (header.alg !== 'ES256') throw new Error(`${server.name} signed its access token ${header.alg}, not ES256`);
  if (json.refresh_token) throw new Error(`${server.name} returned a refresh token for client_credentials`);
  return { alg: header.alg, typ: header.typ, bytes: json.access_token.length, claims: Object.keys(decodeJwt(json.access_token)).sort() };
}

export async function compareTokenEndpoints(
  nauthera: TokenServer,
  peer: TokenServer,
  options: { connections: number[]; duration: number; rounds: number; warmup: number; log: (line: string) => void },
): Promise<TokenComparison> {
  const tokens = { [nauthera.name]: await checkToken(nauthera), [peer.name]: await checkToken(peer) };
  for (const server of [nauthera, peer]) {
    options.log(`  warm-up ${server.name} (${options.warmup} s, 10 connections)`);
    await load(spec(server, 10, options.warmup));
  }
  const rows: TokenComparisonRow[] = [];
  for (const [ci, connections] of options.connections.entries()) {
    const runs: Record<'nauthera' | 'peer', LoadResult[]> = { nauthera: [], peer: [] };
    for (let round = 0; round < options.rounds; round++) {
      const order = (ci + round) % 2 === 0 ? (['nauthera', 'peer'] as const) : (['peer', 'nauthera'] as const);
      for (const who of order) {
        const server = who === 'nauthera' ? nauthera : peer;
        const result = await load(spec(server, connections, options.duration));
        options.log(`  ${server.name.padEnd(14)} c=${String(connections).padStart(2)} round ${round + 1}: ${Math.round(result.rps)} req/s, p99 ${result.latencyMs.p99.toFixed(2)} ms${result.failed ? `, ${result.failed} non-2xx` : ''}`);
        runs[who].push(result);
      }
    }
    const roundRatios = runs.nauthera.map((r, i) => ratio(r.rps, runs.peer[i].rps)).filter((x): x is number => x !== null);
    const n = mergeRounds(runs.nauthera);
    const p = mergeRounds(runs.peer);
    rows.push({
      connections,
      nauthera: summarizeLoad(n),
      peer: summarizeLoad(p),
      ratio: roundRatios.length ? median(roundRatios) : null,
      pooledRatio: ratio(n.rps, p.rps),
      roundRatios,
    });
  }
  return {
    peerName: peer.name,
    durationSeconds: options.duration,
    rounds: options.rounds,
    warmupSeconds: options.warmup,
    request: `POST /token ${body} (client_secret_basic)`,
    tokens,
    rows,
  };
}
