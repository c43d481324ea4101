/**
 * Access tokens, per client: a JWT (RFC 9068, `typ: at+jwt`) that a resource server checks
 * against the JWKS, or an opaque string it checks by introspection. Both are recorded in
 * storage (the JWT by its jti) so that introspection and revocation work for either.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { Provider } from '../provider.ts';
import type { Client } from '../clients.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import type { KeyStore } from '../keys/keystore.ts';
import { randomToken } from './random.ts';
import { signJwt } from './jws.ts';

export interface AccessTokenRecord extends StoredPayload {
  clientId: string;
  /** The end-user's sub, absent for client_credentials. */
  sub?: string;
  accountDn?: string;
  scope: string;
  audience: string;
  format: 'jwt' | 'opaque';
  iat: number;
  exp: number;
  authTime?: number;
  jti: string;
  /** RFC 9449 §6: the JWK thumbprint of the DPoP key the token is bound to. */
  jkt?: string;
}

export interface IssuedAccessToken {
  value: string;
  expiresIn: number;
  record: AccessTokenRecord;
}

export async function issueAccessToken(
  provider: Provider,
  input: {
    client: Client; scope: string; sub?: string; accountDn?: string; grantId?: string; authTime?: number;
    /** The aud when not the resource server's (a token exchange for another audience, RFC 8693 §2.1). */
    audience?: string;
    /** RFC 8693 §4.1: the actor a delegated token was issued to. */
    act?: Record<string, unknown>;
    /** RFC 9449 §6: the DPoP key to bind the token to. */
    jkt?: string;
  },
): Promise<IssuedAccessToken> {
  const { client } = input;
  const ttl = client.accessTokenTtl ?? provider.config.ttl.accessToken;
  const iat = provider.now();
  const record: AccessTokenRecord = {
    clientId: client.clientId,
    sub: input.sub,
    accountDn: input.accountDn,
    scope: input.scope,
    audience: input.audience ?? provider.resourceAudience,
    format: client.accessTokenFormat,
    iat,
    exp: iat + ttl,
    authTime: input.authTime,
    jti: randomToken(16),
    grantId: input.grantId,
    ...(input.jkt ? { jkt: input.jkt } : {}),
  };
  let value: string;
  if (client.accessTokenFormat === 'jwt') {
    const { kid, alg, signer } = provider.keys.signingKey(client.accessTokenAlg);
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope §2.2.3; auth_time §2.2.1.
    const clientToken = input.sub === undefined;
    // FAULT clientTokenTypJwt (config/faults.ts, only to prove the harness): a client_credentials token declares typ JWT.
    const typ = clientToken && provider.config.faults.clientTokenTypJwt ? 'JWT' : 'at+jwt';
    value = await signJwt({ alg, kid, typ }, {
      iss: provider.issuer,
      sub: input.sub ?? client.clientId,
      aud: record.audience,
      // FAULT clientTokenWithoutIat (config/faults.ts, only to prove the harness): a client_credentials token has no iat.
      ...(clientToken && provider.config.faults.clientTokenWithoutIat ? {} : { iat }),
      exp: record.exp,
      jti: record.jti,
      client_id: client.clientId,
      scope: input.scope,
      ...(input.authTime ? { auth_time: input.authTime } : {}),
      ...(input.act ? { act: input.act } : {}),
      // FAULT dpopNoCnf (config/faults.ts, only to prove the harness): a bound token has no cnf.
      ...(input.jkt && !provider.config.faults.dpopNoCnf ? { cnf: { jkt: input.jkt } } : {}),
    }, signer);
    await provider.storage.upsert('AccessToken', record.jti, record, ttl);
  } else {
    value = randomToken();
    await provider.storage.upsert('AccessToken', value, record, ttl);
  }
  return { value, expiresIn: ttl, record };
}

/** The live record behind an access token (JWT or opaque), or undefined when invalid, expired or revoked. */
export async function findAccessToken(provider: Provider, token: string): Promise<AccessTokenRecord | undefined> {
  if (token.length > 4096) return undefined;
  let id = token;
  if (looksLikeJwt(token)) {
    try {
      // Only our own algorithms: never alg none (RFC 8725 §3.1).
      const { payload } = await jwtVerify(token, verificationKeys(provider.keys), {
        issuer: provider.issuer,
        typ: 'at+jwt',
        algorithms: provider.keys.signingAlgorithms,
        currentDate: new Date(provider.now() * 1000),
      });
      if (typeof payload.jti !== 'string') return undefined;
      id = payload.jti;
    } catch {
      return undefined;
    }
  }
  const record = await provider.storage.find<AccessTokenRecord>('AccessToken', id);
  if (!record || record.exp <= provider.now()) return undefined;
  // RFC 7592 §2.3: the tokens of a deleted client stop working with it.
  if (!(await provider.clients.find(record.clientId))) return undefined;
  // A JWT's jti must not be usable as an opaque token, nor the reverse.
  if ((record.format === 'jwt') !== (id !== token)) return undefined;
  return record;
}

/**
 * The public keys as a jose key set, built again only when the JWKS changes (rotation,
 * retirement). jose caches each imported key inside one set, so a new set per call imported the
 * EC key on every verification: a fifth of /introspect's CPU (bench/profile-token.ts).
 */
const keySets = new WeakMap<KeyStore, { jwks: string; set: ReturnType<typeof createLocalJWKSet> }>();

export function verificationKeys(keys: KeyStore): ReturnType<typeof createLocalJWKSet> {
  const jwks = keys.jwks();
  const text = JSON.stringify(jwks);
  let cached = keySets.get(keys);
  if (cached?.jwks !== text) keySets.set(keys, (cached = { jwks: text, set: createLocalJWKSet(jwks) }));
  return cached.set;
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** Where a token's record lives in storage: JWTs by jti, opaque tokens by value. */
export function accessTokenStorageId(record: AccessTokenRecord, value: string): string {
  return record.format === 'jwt' ? record.jti : value;
}
