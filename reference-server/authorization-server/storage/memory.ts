/**
 * The in-memory storage: a Map per process, expiry checked on read and swept once a minute.
 * Enough for the reference server, which lives as long as one harness run.
 *
 * Every record has a TTL, and the number of live records has a cap (maxRecords). When the cap
 * is reached, a new record is refused (StorageFull: the request gets a 503 temporarily_unavailable
 * with Retry-After) rather than another one evicted: evicting the soonest-expiring record would
 * let a flood of anonymous requests silently end other people's codes, tokens and sign-ins. A
 * replacement of an existing record is never refused (it does not grow the store). What an
 * anonymous caller can create (an interaction, a registered client, a PAR request, a device
 * code) is refused earlier, at anonymousShare of the cap, so that such a flood leaves room for
 * what only a signed-in user or an authenticated client can create (sessions, consents, codes,
 * tokens). The server's own few records (keys, secrets) are never refused. All of it is O(1)
 * per write: a full store is swept at most once a second before it refuses.
 */
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { StorageUnavailable, type LimiterOptions, type ModelName, type Storage, type StoredPayload } from './adapter.ts';

export interface MemoryStorageOptions {
  /** Live records at most (default 100,000, about 50 to 200 MB). */
  maxRecords?: number;
  /** The share of maxRecords that records an anonymous caller can create may fill (default 0.8). */
  anonymousShare?: number;
}

export const defaultMaxRecords = 100_000;

/** What a caller without credentials or a sign-in can make the server keep. */
const anonymousModels = new Set<ModelName>(['Interaction', 'Client', 'RegistrationAccessToken', 'PushedAuthorizationRequest', 'DeviceCode']);
/** The server's own records, a handful, which must never be refused. */
const serverModels = new Set<ModelName>(['SigningKeys', 'KeyRotation', 'ServerSecrets']);

/** The store holds maxRecords live records: the request fails with a 503 the caller may retry. */
export class StorageFull extends StorageUnavailable {
  override name = 'StorageFull';
}

interface Entry {
  payload: StoredPayload;
  expiresAt: number;
}

export class MemoryStorage implements Storage {
  private readonly entries = new Map<string, Entry>();
  private readonly byGrant = new Map<string, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly maxRecords: number;
  private readonly maxAnonymous: number;
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now, options: MemoryStorageOptions = {}) {
    this.maxRecords = options.maxRecords ?? defaultMaxRecords;
    this.maxAnonymous = Math.floor(this.maxRecords * (options.anonymousShare ?? 0.8));
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Records held now, expired ones not yet swept included: what the process's memory holds. */
  get size(): number {
    return this.entries.size;
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
    if (!this.entries.has(key)) this.makeRoom(model);
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

  /** Throws StorageFull when a new record of this model would pass its cap. */
  private makeRoom(model: ModelName): void {
    if (serverModels.has(model)) return;
    const cap = anonymousModels.has(model) ? this.maxAnonymous : this.maxRecords;
    if (this.entries.size < cap) return;
    // Expired records may be what fills it: sweep, at most once a second so that a flood
    // against a full store does not make every write walk the whole map.
    if (this.now() - this.lastSweep >= 1000) this.sweep();
    if (this.entries.size >= cap) throw new StorageFull(`the in-memory store is full (${this.entries.size} records; ${model} refused; memoryStore.maxRecords ${this.maxRecords})`);
  }

  private sweep(): void {
    const now = this.now();
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.forget(key);
  }
}

function keyOf(model: ModelName, id: string): string {
  return `${model}\u0000${id}`;
}
