/**
 * Bounded anonymous state: what a caller without credentials can make the reference server keep
 * stops growing under a flood. Real HTTP on loopback against the in-process server: thousands of
 * open registrations and of authorization requests that each need a sign-in, in two rounds.
 * The hard assertion is the store's record count (deterministic); the heap after a full GC is
 * measured too, with a loose bound, since other tests share the machine. Also: an anonymous
 * client nobody uses is gone after registration.unusedClientTtl while a used one stays, and the
 * in-memory store's cap refuses rather than evicts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { startDirectory, type Directory } from '../../../fixtures/ldap/index.ts';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { MovingClock } from '../../support/moving-clock.ts';
import { MemoryStorage, StorageFull } from '../../../reference-server/authorization-server/storage/memory.ts';
import { newInteractionsPerAddressPerMinute } from '../../../reference-server/authorization-server/interaction/new-interactions.ts';
import { client, pkce, postForm } from '../support/oauth.ts';
import { redirectUri } from '../support/user-agent.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after full collections, MB. */
function heapMb(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const connections = 16;
let directory: Directory;
let ref: RunningReference;
let agent: Agent;

beforeAll(async () => {
  directory = await startDirectory();
  ref = await startReferenceServer({ directory });
  agent = new Agent({ connections });
});
afterAll(async () => {
  await agent?.close();
  await ref?.stop();
  await directory?.stop();
});

const records = () => (ref.storage as MemoryStorage).size;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends count requests, connections at a time, and tallies the answers by what make() reads from them. */
async function flood(count: number, send: () => Promise<Answer>, classify: (answer: Answer) => string): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  let sent = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent < count) {
        sent++;
        const kind = classify(await send());
        tally[kind] = (tally[kind] ?? 0) + 1;
      }
    }),
  );
  return tally;
}

async function call(url: string, options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const response = await request(url, { dispatcher: agent, method: options.method ?? 'GET', headers: options.headers, body: options.body });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

const metadata = JSON.stringify({ client_name: 'flood', redirect_uris: ['https://app.example/cb'] });
const register = () => call(`${ref.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: metadata });

/** 201, or 429 with Retry-After and the RFC 7591 error shape; anything else is named as it is. */
function registrationOutcome(answer: Answer): string {
  if (answer.status === 201) return 'registered';
  if (answer.status === 429 && Number(answer.headers['retry-after']) >= 1 && (JSON.parse(answer.body) as { error?: string }).error === 'temporarily_unavailable') return 'limited';
  return `${answer.status} ${answer.body.slice(0, 120)}`;
}

describe('a flood of anonymous requests', () => {
  it('open registration: the clients kept stop growing at the hourly limit, and the heap stays flat', async () => {
    const before = records();
    const heapBefore = heapMb();

    const first = await flood(1500, register, registrationOutcome);
    // Defaults: 100 registrations per client address per hour (registration.perAddressPerHour).
    expect(first).toEqual({ registered: 100, limited: 1400 });
    // Each registration keeps two records, the client and its registration access token.
    const afterFirst = records();
    expect(afterFirst - before).toBe(200);
    const heapAfterFirst = heapMb();

    const second = await flood(1500, register, registrationOutcome);
    expect(second).toEqual({ limited: 1500 });
    expect(records()).toBe(afterFirst);
    const heapAfterSecond = heapMb();
    console.log(`registration flood: records ${before} → ${afterFirst} → ${records()}; heap ${heapBefore.toFixed(1)} → ${heapAfterFirst.toFixed(1)} → ${heapAfterSecond.toFixed(1)} MB`);
    // 1500 refused registrations leave nothing behind; a few MB of slack for the machine's noise.
    expect(heapAfterSecond - heapAfterFirst).toBeLessThan(8);
  });

  it('authorization requests: interactions stop growing at the per-address limit, the rest are sent back with temporarily_unavailable', async () => {
    const confidential = client(ref, 'confidential');
    const { challenge } = pkce();
    const query = new URLSearchParams({ client_id: confidential.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 's' });
    const authorize = () => call(`${ref.issuer}/authorize?${query}`);
    const outcome = (answer: Answer) => {
      const location = String(answer.headers.location ?? '');
      if (answer.status === 303 && location.startsWith('/interaction/')) return 'interaction';
      if (answer.status === 303 && location.startsWith(redirectUri)) {
        const params = new URL(location).searchParams;
        if (params.get('error') === 'temporarily_unavailable' && params.get('state') === 's') return 'sent back';
      }
      return `${answer.status} ${location || answer.body.slice(0, 120)}`;
    };

    const startedAt = Date.now();
    const before = records();
    const heapBefore = heapMb();
    const first = await flood(2000, authorize, outcome);
    const afterFirst = records();
    const heapAfterFirst = heapMb();
    const second = await flood(2000, authorize, outcome);
    const afterSecond = records();
    const heapAfterSecond = heapMb();
    const windows = 1 + Math.floor((Date.now() - startedAt) / 60_000);
    console.log(`authorization flood (${windows} minute window(s)): ${JSON.stringify(first)} then ${JSON.stringify(second)}; records ${before} → ${afterFirst} → ${afterSecond}; heap ${heapBefore.toFixed(1)} → ${heapAfterFirst.toFixed(1)} → ${heapAfterSecond.toFixed(1)} MB`);

    const admitted = (first.interaction ?? 0) + (second.interaction ?? 0);
    // Only these two kinds of answer; each admitted request stored exactly one interaction, each refused one nothing.
    expect(first.interaction! + first['sent back']!).toBe(2000);
    expect((second.interaction ?? 0) + second['sent back']!).toBe(2000);
    expect(afterSecond - before).toBe(admitted);
    // At most the per-address limit per minute that passed (one window on anything but a stalled machine).
    expect(first.interaction).toBe(newInteractionsPerAddressPerMinute);
    expect(admitted).toBeLessThanOrEqual(newInteractionsPerAddressPerMinute * windows);
    if (windows === 1) expect(afterSecond).toBe(afterFirst);
    expect(heapAfterSecond - heapAfterFirst).toBeLessThan(8);
  });
});

describe('anonymous clients are kept while used', () => {
  let short: RunningReference;
  const clock = new MovingClock();
  beforeAll(async () => {
    const { defaultConfig } = await import('../../../reference-server/config/default.ts');
    short = await startReferenceServer({ directory, clock, config: { ...defaultConfig, registration: { unusedClientTtl: 4 } } });
  });
  afterAll(async () => {
    await short?.stop();
  });

  it('a client used at the token endpoint stays past unusedClientTtl; one nobody uses is gone, with its registration access token', async () => {
    const registerService = async () => {
      const response = await fetch(`${short.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'service', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { client_id: string; client_secret: string; registration_access_token: string; registration_client_uri: string };
    };
    const used = await registerService();
    const unused = await registerService();
    const token = (c: { client_id: string; client_secret: string }) => postForm(`${short.issuer}/token`, { grant_type: 'client_credentials', scope: 'api:read' }, { clientId: c.client_id, secret: c.client_secret });
    expect((await token(used)).status).toBe(200);
    expect((await token(unused)).status).toBe(200);

    // Seven seconds, the used client authenticating every second: renewed each second (a quarter of 4 s).
    for (let i = 0; i < 7; i++) {
      clock.advance(1);
      expect((await token(used)).status).toBe(200);
    }
    const gone = await token(unused);
    expect(gone.status).toBe(401);
    expect(gone.body.error).toBe('invalid_client');
    const management = await fetch(unused.registration_client_uri, { headers: { authorization: `Bearer ${unused.registration_access_token}` } });
    expect(management.status).toBe(401);
    // The used client can still be managed: its registration access token was renewed with it.
    const read = await fetch(used.registration_client_uri, { headers: { authorization: `Bearer ${used.registration_access_token}` } });
    expect(read.status).toBe(200);
  }, 30_000);
});

describe('the in-memory store refuses past its cap, and never evicts', () => {
  it('refuses anonymous records at the anonymous share, others at the cap, and always allows replacing and the server\'s own', async () => {
    let now = 1_000_000;
    const storage = new MemoryStorage(() => now, { maxRecords: 100 });
    try {
      for (let i = 0; i < 80; i++) await storage.upsert('Interaction', `i${i}`, {}, 600);
      await expect(storage.upsert('Interaction', 'one-more', {}, 600)).rejects.toBeInstanceOf(StorageFull);
      await expect(storage.upsert('Client', 'c', {}, 600)).rejects.toBeInstanceOf(StorageFull);
      // What follows a sign-in or client authentication still has room.
      for (let i = 0; i < 20; i++) await storage.upsert('AuthorizationCode', `code${i}`, { grantId: 'g' }, 60);
      await expect(storage.upsert('AccessToken', 'at', {}, 60)).rejects.toBeInstanceOf(StorageFull);
      await expect(storage.insert('ClientAssertion', 'jti', {}, 60)).rejects.toBeInstanceOf(StorageFull);
      // Nothing live was evicted to make room.
      expect(await storage.find('AuthorizationCode', 'code0')).toEqual({ grantId: 'g' });
      expect(await storage.find('Interaction', 'i0')).toEqual({});
      expect(storage.size).toBe(100);
      // Replacing a record does not grow the store; the server's own records are never refused.
      await storage.upsert('Interaction', 'i0', { prompt: 'login' }, 600);
      expect(await storage.consume('AuthorizationCode', 'code1')).toBe(true);
      await storage.upsert('SigningKeys', 'current', {}, 600);
      // Expired records make room again: a full store sweeps before it refuses.
      now += 61_000;
      await storage.upsert('AccessToken', 'at', {}, 60);
      expect(storage.size).toBe(80 + 1 + 1);
    } finally {
      await storage.close();
    }
  });

  it('a full store answers a new anonymous request with 503 temporarily_unavailable and Retry-After', async () => {
    const { defaultConfig } = await import('../../../reference-server/config/default.ts');
    const tiny = await startReferenceServer({ directory, config: { ...defaultConfig, memoryStore: { maxRecords: 100 } } });
    try {
      let last: Response | undefined;
      // Start-up records (keys, secrets, generated client credentials) count too; the 80-record anonymous share is reached within 80 registrations.
      for (let i = 0; i < 81; i++) {
        last = await fetch(`${tiny.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: metadata });
        if (last.status !== 201) break;
      }
      expect(last!.status).toBe(503);
      expect(last!.headers.get('retry-after')).toBe('1');
      expect(((await last!.json()) as { error: string }).error).toBe('temporarily_unavailable');
      expect((tiny.storage as MemoryStorage).size).toBeLessThanOrEqual(80);
    } finally {
      await tiny.stop();
    }
  });
});
