/**
 * The server's signing keys: one current key per algorithm (ES256, RS256), each with a kid
 * (its RFC 7638 thumbprint). rotate() makes a new current key per algorithm; the old one stays
 * in the JWKS, verifying what it signed, until it retires (retireAfterSeconds later).
 * Given a storage, the key set lives there: every instance on a shared store signs with the same
 * keys, a restart keeps them, and a scheduled rotation happens once, by whichever instance is first.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../../config/types.ts';
import type { Storage, StoredPayload } from '../storage/adapter.ts';

interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  /** The same private key as a node:crypto KeyObject, made once, for tokens/jws.ts. */
  signer: KeyObject;
  publicJwk: JWK;
  /** The private JWK, for the shared key set. */
  privateJwk: JWK;
  /** Epoch ms when it became current. */
  createdAt: number;
  /** Epoch ms after which a rotated-out key leaves the JWKS; undefined while current. */
  retiresAt?: number;
}

/** The key set as kept in the storage, so that every instance signs with the same keys. */
interface StoredKeySet extends StoredPayload {
  version: number;
  keys: Array<{ jwk: JWK; createdAt: number; retiresAt?: number }>;
}

/** The key set outlives any token signed with it; the storage wants a time to live all the same. */
const keySetTtlSeconds = 10 * 365 * 24 * 3600;
/** How often an instance looks for keys another instance made (a rotation), ms. */
const refreshEveryMs = 5_000;

export interface KeyStoreOptions {
  algorithms: SigningAlg[];
  /** Keys pinned by the config: every instance has them, so they are not kept in the storage. */
  jwks?: { keys: JWK[] };
  retireAfterSeconds: number;
  /** A new current key per algorithm this often (default: only when rotate() is called). */
  rotateEverySeconds?: number;
  now?: () => number;
  /** Where the key set is kept, shared by every instance on the same store and across restarts. */
  storage?: Storage;
}

export class KeyStore {
  private keys: SigningKey[] = [];
  private version = 0;
  private storage?: Storage;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly algorithms: SigningAlg[],
    private readonly retireAfterSeconds: number,
    private readonly rotateEverySeconds: number | undefined,
    private readonly now: () => number,
  ) {}

  static async create(options: KeyStoreOptions): Promise<KeyStore> {
    const store = new KeyStore(options.algorithms, options.retireAfterSeconds, options.rotateEverySeconds, options.now ?? Date.now);
    if (options.jwks) {
      for (const jwk of options.jwks.keys) store.keys.push(await fromPrivateJwk(jwk, store.now()));
      for (const alg of options.algorithms) {
        if (!store.keys.some((k) => k.alg === alg)) throw new Error(`keys.jwks has no ${alg} key`);
      }
    } else if (options.storage) {
      store.storage = options.storage;
      // The first instance to start makes the key set; the others (and a restart) load it.
      if (!(await store.refresh())) {
        store.keys = await Promise.all(options.algorithms.map((alg) => generate(alg, store.now())));
        store.version = 1;
        if (!(await options.storage.insert('SigningKeys', 'current', store.stored(), keySetTtlSeconds))) await store.refresh();
      }
      await store.rotateWhenDue();
    } else {
      for (const alg of options.algorithms) store.keys.push(await generate(alg, store.now()));
    }
    if (options.storage || options.rotateEverySeconds) {
      // Often enough that a scheduled rotation is not late by more than half its period.
      const every = Math.min(refreshEveryMs, (options.rotateEverySeconds ?? Infinity) * 500);
      store.timer = setInterval(() => void store.tick(), every);
      store.timer.unref();
    }
    return store;
  }

  get signingAlgorithms(): SigningAlg[] {
    return [...this.algorithms];
  }

  /** The current key for alg (the newest one that has not been rotated out). */
  signingKey(alg: SigningAlg): { kid: string; alg: SigningAlg; key: CryptoKey; signer: KeyObject } {
    const key = this.keys.find((k) => k.alg === alg && k.retiresAt === undefined);
    if (!key) throw new Error(`no ${alg} signing key`);
    return { kid: key.kid, alg: key.alg, key: key.privateKey, signer: key.signer };
  }

  /** The public JWKS (current and retiring keys), as served at jwks_uri. */
  jwks(): { keys: JWK[] } {
    this.dropRetired();
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }

  /**
   * Loads the shared key set when another instance changed it. Resolves false when the storage
   * holds none yet. The JWKS endpoint calls it before answering, so a key made by any instance
   * is published by every instance.
   */
  async refresh(): Promise<boolean> {
    if (!this.storage) return true;
    const stored = await this.storage.find<StoredKeySet>('SigningKeys', 'current');
    if (!stored) return false;
    if (stored.version !== this.version) {
      this.keys = await Promise.all(stored.keys.map(async (k) => ({ ...(await fromPrivateJwk(k.jwk, k.createdAt)), ...(k.retiresAt !== undefined ? { retiresAt: k.retiresAt } : {}) })));
      this.version = stored.version;
    }
    return true;
  }

  /** New current key per algorithm; the previous ones keep verifying until they retire. */
  async rotate(): Promise<void> {
    if (this.storage) {
      await this.refresh();
      // One rotation per version, whichever instance asks first: the others load its keys.
      // The mark only has to outlive the moment of the race (the loser then loads the new
      // version), so it expires in an hour: scheduled rotations leave no trail in the store.
      if (!(await this.storage.insert('KeyRotation', String(this.version), {}, 3600))) {
        await this.refresh();
        return;
      }
    }
    const retiresAt = this.now() + this.retireAfterSeconds * 1000;
    const fresh = await Promise.all(this.algorithms.map((alg) => generate(alg, this.now())));
    for (const key of this.keys) key.retiresAt ??= retiresAt;
    this.keys.unshift(...fresh);
    this.dropRetired();
    this.version++;
    if (this.storage) await this.storage.upsert('SigningKeys', 'current', this.stored(), keySetTtlSeconds);
  }

  /** Stops the refresh and rotation timer. */
  close(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      await this.refresh();
      await this.rotateWhenDue();
    } catch {
      // The store is down for a moment: keep signing with the keys already loaded.
    }
  }

  private async rotateWhenDue(): Promise<void> {
    if (!this.rotateEverySeconds) return;
    const newest = Math.max(...this.keys.filter((k) => k.retiresAt === undefined).map((k) => k.createdAt));
    if (this.now() - newest >= this.rotateEverySeconds * 1000) await this.rotate();
  }

  private stored(): StoredKeySet {
    return { version: this.version, keys: this.keys.map((k) => ({ jwk: k.privateJwk, createdAt: k.createdAt, ...(k.retiresAt !== undefined ? { retiresAt: k.retiresAt } : {}) })) };
  }

  private dropRetired(): void {
    const now = this.now();
    this.keys = this.keys.filter((k) => k.retiresAt === undefined || k.retiresAt > now);
  }
}

async function generate(alg: SigningAlg, createdAt: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg };
  return { kid, alg, privateKey, signer: KeyObject.from(privateKey), publicJwk: { ...publicJwk, kid, alg, use: 'sig' }, privateJwk, createdAt };
}

async function fromPrivateJwk(jwk: JWK, createdAt: number): Promise<SigningKey> {
  const alg = jwk.alg as SigningAlg;
  if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`keys.jwks: alg must be ES256 or RS256 (got ${String(jwk.alg)})`);
  if (!jwk.d) throw new Error('keys.jwks: each key must be a private JWK');
  const privateKey = (await importJWK(jwk, alg)) as CryptoKey;
  const { d, p, q, dp, dq, qi, ...publicPart } = jwk;
  void d; void p; void q; void dp; void dq; void qi;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const fields = { kty: publicPart.kty, crv: publicPart.crv, x: publicPart.x, y: publicPart.y, n: publicPart.n, e: publicPart.e, kid, alg, use: 'sig' };
  const publicJwk = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as JWK;
  return { kid, alg, privateKey, signer: KeyObject.from(privateKey), publicJwk, privateJwk: { ...jwk, kid }, createdAt };
}
