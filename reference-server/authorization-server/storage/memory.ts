/**
 * The in-memory storage: a Map per process, expiry checked on read and swept once a minute.
 * Enough for the reference server, which lives as long as one harness run.
 */
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterOptions, ModelName, Storage, StoredPayload } from './adapter.ts';

interface Entry {
  payload: StoredPayload;
  expiresAt: number;
}

export class MemoryStorage implements Storage {
  private readonly entries = new Map<string, Entry>();
  private readonly byGrant = new Map<string, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async upsert(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): Promise<void> {
    this.write(model, id, payload, ttlSeconds);
  }

  async insert(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): Promise<boolean> {
    // The look-up and the write in one synchronous stretch: no other request runs in between.
    if (this.live(keyOf(model, id))) return false;
    this.write(model, id, payload, ttlSeconds);
    return true;
  }

  private write(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): void {
    const key = keyOf(model, id);
    this.forget(key);
    // A copy, so that callers mutating their object cannot change what is stored.
    this.entries.set(key, { payload: structuredClone(payload), expiresAt: this.now() + ttlSeconds * 1000 });
    if (payload.grantId) {
      let keys = this.byGrant.get(payload.grantId);
      if (!keys) this.byGrant.set(payload.grantId, (keys = new Set()));
      keys.add(key);
    }
  }

  async find<T extends StoredPayload = StoredPayload>(model: ModelName, id: string): Promise<T | undefined> {
    const entry = this.live(keyOf(model, id));
    return entry ? (structuredClone(entry.payload) as T) : undefined;
  }

  async consume(model: ModelName, id: string): Promise<boolean> {
    const entry = this.live(keyOf(model, id));
    if (!entry || entry.payload.consumed !== undefined) return false;
    entry.payload.consumed = Math.floor(this.now() / 1000);
    return true;
  }

  async destroy(model: ModelName, id: string): Promise<void> {
    this.forget(keyOf(model, id));
  }

  async revokeByGrant(grantId: string): Promise<void> {
    const keys = this.byGrant.get(grantId);
    if (!keys) return;
    for (const key of [...keys]) this.forget(key);
    this.byGrant.delete(grantId);
  }

  limiter(options: LimiterOptions): RateLimiterAbstract {
    // One limiter per name and settings, as Redis would share one set of counters: two parts of
    // the server asking for the same limiter count together.
    const key = JSON.stringify([options.keyPrefix, options.points, options.duration, options.blockDuration]);
    let limiter = this.limiters.get(key);
    if (!limiter) this.limiters.set(key, (limiter = new RateLimiterMemory(options)));
    return limiter;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.byGrant.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.forget(key);
      return undefined;
    }
    return entry;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const grantId = entry.payload.grantId;
    if (grantId) {
      const keys = this.byGrant.get(grantId);
      keys?.delete(key);
      if (keys && keys.size === 0) this.byGrant.delete(grantId);
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.forget(key);
  }
}

function keyOf(model: ModelName, id: string): string {
  return `${model}\u0000${id}`;
}
