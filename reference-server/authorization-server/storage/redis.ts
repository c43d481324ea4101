/**
 * The Redis storage: the same records as the in-memory one, shared by every instance of the
 * server that uses the same Redis, and kept across restarts.
 *
 * Each record is a hash under <prefix><model>:<id> with two fields, p (the payload as JSON) and
 * c (when consume() marked it), and a Redis TTL: expiry is Redis's own. Single use (codes,
 * request_uris, device codes, assertion jtis) is decided by one atomic command or script, so two
 * instances redeeming the same code at once see one success. The consumed mark is a field of
 * its own rather than a JSON edit inside a script: Lua's cjson turns an empty list into {}.
 * A grant's records are indexed in a set <prefix>grant:<grantId> that lives as long as its
 * longest record, so revokeByGrant() finds them on any instance.
 */
import { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { StorageUnavailable, type LimiterOptions, type ModelName, type Storage, type StoredPayload } from './adapter.ts';

// KEYS[1] record, KEYS[2] grant index or ''; ARGV payload, ttl ms, 'nx' or 'replace'.
const writeScript = `
if ARGV[3] == 'nx' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'p', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if KEYS[2] ~= '' then
  redis.call('SADD', KEYS[2], KEYS[1])
  if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
end
return 1`;

// KEYS[1] record; ARGV now (epoch seconds). 1 only for the call that set the mark.
const consumeScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'c', ARGV[1])`;

// KEYS[1] grant index: every record it names, then the index.
const revokeScript = `
local keys = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(keys) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return #keys`;

interface ScriptedRedis extends Redis {
  nautheraWrite(record: string, grant: string, payload: string, ttlMs: number, mode: 'nx' | 'replace'): Promise<number>;
  nautheraConsume(record: string, now: number): Promise<number>;
  nautheraRevoke(grant: string): Promise<number>;
}

export interface RedisStorageOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prefix of every key (default "nauthera:"), so that several servers can share one Redis. */
  prefix?: string;
  /** How long a connection attempt may take, ms (default 2000). */
  timeoutMs?: number;
  /**
   * How long one command may take before its request fails with a 503, ms (default 10000): long
   * enough for a loaded machine (a two-core CI runner with four browsers timed out at 2 s), short
   * enough that a request never hangs on a store that stopped answering.
   */
  commandTimeoutMs?: number;
  now?: () => number;
}

export class RedisStorage implements Storage {
  /** The connection, for what else must live in the same Redis (rate limiters). */
  readonly client: ScriptedRedis;
  private readonly prefix: string;
  private readonly now: () => number;

  private constructor(client: ScriptedRedis, prefix: string, now: () => number) {
    this.client = client;
    this.prefix = prefix;
    this.now = now;
  }

  /** Connects, and fails with a message naming the store when it cannot. */
  static async connect(options: RedisStorageOptions): Promise<RedisStorage> {
    const timeout = options.timeoutMs ?? 2000;
    const client = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: timeout,
      commandTimeout: options.commandTimeoutMs ?? 10_000,
      // A command while the connection is down fails at once instead of waiting in a queue, so
      // a request gets its 503 rather than hanging; the connection itself keeps retrying.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    }) as ScriptedRedis;
    client.defineCommand('nautheraWrite', { numberOfKeys: 2, lua: writeScript });
    client.defineCommand('nautheraConsume', { numberOfKeys: 1, lua: consumeScript });
    client.defineCommand('nautheraRevoke', { numberOfKeys: 1, lua: revokeScript });
    // Errors are thrown to the caller of each command; the event would otherwise print them.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      throw new StorageUnavailable(`cannot reach the Redis store at ${redactUrl(options.url)}: ${(error as Error).message}`);
    }
    return new RedisStorage(client, options.prefix ?? 'nauthera:', options.now ?? Date.now);
  }

  async upsert(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): Promise<void> {
    await this.write(model, id, payload, ttlSeconds, 'replace');
  }

  async insert(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): Promise<boolean> {
    return (await this.write(model, id, payload, ttlSeconds, 'nx')) === 1;
  }

  private write(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number, mode: 'nx' | 'replace'): Promise<number> {
    const grant = payload.grantId ? this.grantKey(payload.grantId) : '';
    return this.run(() => this.client.nautheraWrite(this.key(model, id), grant, JSON.stringify(payload), Math.max(1, Math.round(ttlSeconds * 1000)), mode));
  }

  async find<T extends StoredPayload = StoredPayload>(model: ModelName, id: string): Promise<T | undefined> {
    const [payload, consumed] = await this.run(() => this.client.hmget(this.key(model, id), 'p', 'c'));
    if (payload === null || payload === undefined) return undefined;
    const record = JSON.parse(payload) as T;
    if (consumed !== null && consumed !== undefined) record.consumed = Number(consumed);
    return record;
  }

  async consume(model: ModelName, id: string): Promise<boolean> {
    return (await this.run(() => this.client.nautheraConsume(this.key(model, id), Math.floor(this.now() / 1000)))) === 1;
  }

  async destroy(model: ModelName, id: string): Promise<void> {
    await this.run(() => this.client.del(this.key(model, id)));
  }

  async revokeByGrant(grantId: string): Promise<void> {
    await this.run(() => this.client.nautheraRevoke(this.grantKey(grantId)));
  }

  limiter(options: LimiterOptions): RateLimiterAbstract {
    return new RateLimiterRedis({ ...options, keyPrefix: `${this.prefix}limit:${options.keyPrefix}`, storeClient: this.client });
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(model: ModelName, id: string): string {
    return `${this.prefix}${model}:${id}`;
  }

  private grantKey(grantId: string): string {
    return `${this.prefix}grant:${grantId}`;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StorageUnavailable(`the Redis store did not answer: ${(error as Error).message}`);
    }
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured URL';
  }
}
