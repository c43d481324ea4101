/**
 * One contract, two adapters: what the server relies on its storage for (records with a time to
 * live, single use decided atomically, a grant's records revoked together, limiters) holds for
 * the in-memory default and for Redis, a real redis-server started by this file. On Redis, the
 * contract also holds across two connections, as two instances of the server would use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, type RunningRedis } from '../../../fixtures/redis/start-redis.ts';
import { MemoryStorage } from '../../../reference-server/authorization-server/storage/memory.ts';
import { RedisStorage } from '../../../reference-server/authorization-server/storage/redis.ts';
import { StorageUnavailable, type Storage } from '../../../reference-server/authorization-server/storage/adapter.ts';

let redis: RunningRedis;
const opened: Storage[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const storage of opened) await storage.close?.();
  await redis?.stop();
});

let prefixes = 0;
/** Two handles on one store: for memory the same object, for Redis two connections. */
const adapters: Record<string, () => Promise<[Storage, Storage]>> = {
  memory: async () => {
    const storage = new MemoryStorage();
    opened.push(storage);
    return [storage, storage];
  },
  redis: async () => {
    const prefix = `t${++prefixes}:`;
    const a = await RedisStorage.connect({ url: redis.url, prefix });
    const b = await RedisStorage.connect({ url: redis.url, prefix });
    opened.push(a, b);
    return [a, b];
  },
};

/** Polls until check() holds or 3 s pass: expiry is the store's, not a fixed sleep. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let waited = 0; waited < 3000; waited += 50) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

describe.each(Object.keys(adapters))('%s storage', (name) => {
  const open = adapters[name]!;

  it('finds what was stored, as stored (empty lists, nested objects, numbers), and replaces on upsert', async () => {
    const [a, b] = await open();
    const payload = { grantId: 'g0', scopes: [], claims: { nested: { list: [1, 'two', null], flag: false } }, exp: 1_900_000_000.5 };
    await a.upsert('AccessToken', 'at-1', payload, 60);
    expect(await b.find('AccessToken', 'at-1')).toEqual(payload);
    await b.upsert('AccessToken', 'at-1', { other: true }, 60);
    expect(await a.find('AccessToken', 'at-1')).toEqual({ other: true });
    expect(await a.find('AccessToken', 'absent')).toBeUndefined();
    // Models are separate name spaces.
    expect(await a.find('RefreshToken', 'at-1')).toBeUndefined();
  });

  it('keeps a record only for its time to live', async () => {
    const [a, b] = await open();
    await a.upsert('Interaction', 'short', { x: 1 }, 0.2);
    await a.upsert('Interaction', 'long', { x: 2 }, 60);
    expect(await eventually(async () => (await b.find('Interaction', 'short')) === undefined)).toBe(true);
    expect(await b.find('Interaction', 'long')).toEqual({ x: 2 });
  });

  it('consumes a record once, however many calls race for it, from either handle', async () => {
    const [a, b] = await open();
    await a.upsert('AuthorizationCode', 'code-1', { clientId: 'c' }, 60);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume('AuthorizationCode', 'code-1')));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    // A consumed record stays findable, marked, until it expires (code reuse is detected by it).
    const found = await b.find('AuthorizationCode', 'code-1');
    expect(found?.clientId).toBe('c');
    expect(typeof found?.consumed).toBe('number');
    expect(await a.consume('AuthorizationCode', 'absent')).toBe(false);
  });

  it('inserts an id once, however many calls race for it', async () => {
    const [a, b] = await open();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).insert('ClientAssertion', 'jti-1', { n: i }, 60)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    // Once expired, the id may be used again.
    await a.insert('ClientAssertion', 'jti-2', {}, 0.2);
    expect(await eventually(() => b.insert('ClientAssertion', 'jti-2', {}, 60))).toBe(true);
  });

  it('revokes every record of a grant, across models, and nothing else', async () => {
    const [a, b] = await open();
    await a.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, 60);
    await a.upsert('AccessToken', 'a1', { grantId: 'g1' }, 60);
    await b.upsert('RefreshToken', 'r1', { grantId: 'g1' }, 60);
    await b.upsert('RefreshToken', 'r2', { grantId: 'g2' }, 60);
    await b.revokeByGrant('g1');
    for (const [model, id] of [['AuthorizationCode', 'c1'], ['AccessToken', 'a1'], ['RefreshToken', 'r1']] as const) {
      expect(await a.find(model, id), `${model} ${id}`).toBeUndefined();
    }
    expect(await a.find('RefreshToken', 'r2')).toEqual({ grantId: 'g2' });
    await a.destroy('RefreshToken', 'r2');
    expect(await b.find('RefreshToken', 'r2')).toBeUndefined();
  });

  it('gives limiters that count together on one store and apart by prefix', async () => {
    const [a, b] = await open();
    const options = { keyPrefix: 'sign-in', points: 3, duration: 60 };
    const limiterA = a.limiter(options);
    const limiterB = b.limiter(options);
    const other = a.limiter({ ...options, keyPrefix: 'other' });
    await limiterA.consume('alice');
    await limiterB.consume('alice');
    await limiterA.consume('alice');
    // Past the points on either handle: a shared store refuses the fourth wherever it comes.
    await expect(limiterB.consume('alice')).rejects.toMatchObject({ remainingPoints: 0 });
    if (name === 'memory') return;
    await expect(other.consume('alice')).resolves.toMatchObject({ remainingPoints: 2 });
  });
});

describe('redis storage when the store is gone', () => {
  it('names the store it cannot reach at start', async () => {
    const gone = await startRedis();
    await gone.stop();
    await expect(RedisStorage.connect({ url: gone.url, timeoutMs: 500 })).rejects.toThrow(StorageUnavailable);
    await expect(RedisStorage.connect({ url: gone.url.replace('redis://', 'redis://:s3cret@'), timeoutMs: 500 })).rejects.toThrow(/cannot reach the Redis store at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
  });

  it('fails a command at once with StorageUnavailable when the store stops, instead of hanging', async () => {
    const own = await startRedis();
    const storage = await RedisStorage.connect({ url: own.url, timeoutMs: 1000, commandTimeoutMs: 1000 });
    opened.push(storage);
    await storage.upsert('Session', 's', {}, 60);
    await own.stop();
    const started = Date.now();
    await expect(storage.find('Session', 's')).rejects.toThrow(StorageUnavailable);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
