/**
 * The server's signing keys: one current key per algorithm (ES256, RS256), each with a kid
 * (its RFC 7638 thumbprint). rotate() makes a new current key per algorithm; the old one stays
 * in the JWKS, verifying what it signed, until it retires (retireAfterSeconds later).
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../../config/types.ts';

interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  /** The same private key as a node:crypto KeyObject, made once, for tokens/jws.ts. */
  signer: KeyObject;
  publicJwk: JWK;
  /** Epoch ms after which a rotated-out key leaves the JWKS; undefined while current. */
  retiresAt?: number;
}

export class KeyStore {
  private keys: SigningKey[] = [];

  private constructor(
    private readonly algorithms: SigningAlg[],
    private readonly retireAfterSeconds: number,
    private readonly now: () => number,
  ) {}

  static async create(options: { algorithms: SigningAlg[]; jwks?: { keys: JWK[] }; retireAfterSeconds: number; now?: () => number }): Promise<KeyStore> {
    const store = new KeyStore(options.algorithms, options.retireAfterSeconds, options.now ?? Date.now);
    if (options.jwks) {
      for (const jwk of options.jwks.keys) store.keys.push(await fromPrivateJwk(jwk));
      for (const alg of options.algorithms) {
        if (!store.keys.some((k) => k.alg === alg)) throw new Error(`keys.jwks has no ${alg} key`);
      }
    } else {
      for (const alg of options.algorithms) store.keys.push(await generate(alg));
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

  /** New current key per algorithm; the previous ones keep verifying until they retire. */
  async rotate(): Promise<void> {
    const retiresAt = this.now() + this.retireAfterSeconds * 1000;
    const fresh = await Promise.all(this.algorithms.map((alg) => generate(alg)));
    for (const key of this.keys) key.retiresAt ??= retiresAt;
    this.keys.unshift(...fresh);
    this.dropRetired();
  }

  private dropRetired(): void {
    const now = this.now();
    this.keys = this.keys.filter((k) => k.retiresAt === undefined || k.retiresAt > now);
  }
}

async function generate(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, privateKey, signer: KeyObject.from(privateKey), publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

async function fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
  const alg = jwk.alg as SigningAlg;
  if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`keys.jwks: alg must be ES256 or RS256 (got ${String(jwk.alg)})`);
  if (!jwk.d) throw new Error('keys.jwks: each key must be a private JWK');
  const privateKey = (await importJWK(jwk, alg)) as CryptoKey;
  const { d, p, q, dp, dq, qi, ...publicPart } = jwk;
  void d; void p; void q; void dp; void dq; void qi;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const fields = { kty: publicPart.kty, crv: publicPart.crv, x: publicPart.x, y: publicPart.y, n: publicPart.n, e: publicPart.e, kid, alg, use: 'sig' };
  const publicJwk = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as JWK;
  return { kid, alg, privateKey, signer: KeyObject.from(privateKey), publicJwk };
}
