/**
 * The client side of DPoP (RFC 9449): a key pair, proofs (§4.2) with any claim changed for a
 * check, and requests that follow the nonce round trip (§8, §9): a use_dpop_nonce answer with a
 * DPoP-Nonce header is retried once with that nonce in a new proof.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, type KeyObject } from 'jose';
import type { FlowContext, HttpResponse } from '../../harness/flow/index.ts';

export interface DpopKey {
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
  /** RFC 7638 thumbprint: the cnf.jkt a bound token names (§6). */
  jkt: string;
}

export async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

export interface ProofClaims {
  htm: string;
  htu: string;
  nonce?: string;
  /** The access token whose hash goes in ath (§4.2, at a resource server). */
  accessToken?: string;
  /** Seconds added to now for iat (a stale proof). */
  iatOffset?: number;
  /** ath given as is (undefined: from accessToken). */
  omitAth?: boolean;
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/** A proof of `key` (§4.2): typ dpop+jwt, ES256, the public jwk, jti, htm, htu, iat. */
export async function dpopProof(key: DpopKey, claims: ProofClaims): Promise<string> {
  const payload: Record<string, unknown> = { jti: randomUUID(), htm: claims.htm, htu: claims.htu };
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  if (claims.accessToken !== undefined && !claims.omitAth) payload.ath = accessTokenHash(claims.accessToken);
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    .setIssuedAt(Math.floor(Date.now() / 1000) + (claims.iatOffset ?? 0))
    .sign(key.privateKey);
}

/** Whether a response asks for a nonce (§8 at the AS: 400; §9 at an RS: 401 with a DPoP challenge). */
export function nonceAsked(res: HttpResponse): boolean {
  const challenge = res.header('www-authenticate') ?? '';
  return (res.json?.error === 'use_dpop_nonce' || /error="use_dpop_nonce"/.test(challenge)) && !!res.header('dpop-nonce');
}

/**
 * The DPoP state of one client: its key and the latest nonce each server handed out (a server
 * may send a fresh DPoP-Nonce on any answer, §8.2).
 */
export class DpopClient {
  readonly nonces = new Map<string, string>();
  /** The proof of the latest request (to replay it, §11.1). */
  lastProof?: string;
  constructor(readonly key: DpopKey) {}

  private origin(url: string): string {
    return new URL(url).origin;
  }

  note(res: HttpResponse): void {
    const nonce = res.header('dpop-nonce');
    if (nonce) this.nonces.set(this.origin(res.url), nonce);
  }

  nonceFor(url: string): string | undefined {
    return this.nonces.get(this.origin(url));
  }

  /**
   * Sends `send(proof)` with a proof for (method, url) and the latest nonce; a use_dpop_nonce
   * answer is retried once with the new nonce. `tweak` changes the proof's claims for a check.
   */
  async request(method: string, url: string, send: (proof: string) => Promise<HttpResponse>, tweak: Partial<ProofClaims> = {}): Promise<HttpResponse> {
    const once = async () => {
      const proof = await dpopProof(this.key, { htm: method, htu: url, nonce: this.nonceFor(url), ...tweak });
      this.lastProof = proof;
      const res = await send(proof);
      this.note(res);
      return res;
    };
    const res = await once();
    return nonceAsked(res) && tweak.nonce === undefined ? once() : res;
  }
}

/** POST a token request with a DPoP header (§5). */
export function tokenRequestWithProof(ctx: FlowContext<any>, form: Record<string, string | undefined>, client: import('../../harness/flow/index.ts').TargetClient, proof: string | undefined): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('token_endpoint'), form, { client, headers: proof ? { dpop: proof } : {} });
}
