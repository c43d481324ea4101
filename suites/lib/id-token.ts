/**
 * ID token validation as checks (OIDC Core §3.1.3.7, §3.2.2.11, §3.3.2.12): every rule is
 * its own named check, so a report says exactly which one an OP breaks. Shared by every
 * suite that receives an ID token (openid-connect, implicit, hybrid, ...).
 *
 *   const idt = await checkIdToken(ctx, tokens.id_token, { client, nonce, accessToken: tokens.access_token });
 *   idt?.claims.sub
 *
 * Checks are soft (one broken claim does not hide the others) except the first one: a value
 * that is not a JWS at all leaves nothing to validate. A step that validates ID tokens declares
 * `...idTokenChecks()` among its checks; a step that validates several (one per response type)
 * declares `idTokenChecks({ tagged: true })` and passes each token's `tag`.
 */
import { createHash } from 'node:crypto';
import {
  compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader,
  type JSONWebKeySet, type JWTPayload, type ProtectedHeaderParameters,
} from 'jose';
import type { CheckCatalogue, FlowContext, TargetClient } from '../../harness/flow/index.ts';

/** The checks checkIdToken runs, by key (for `names`). */
export type IdTokenCheckKey =
  | 'format' | 'claims' | 'alg' | 'signature' | 'iss' | 'aud' | 'azp' | 'exp' | 'iat' | 'nonce' | 'atHash' | 'cHash' | 'authTime'
  | 'subAscii' | 'expAfterIat' | 'authTimeType' | 'amrType' | 'acrType' | 'kid' | 'algDefault';

/** The checks' keys: the last part of their ids (`<flow>/<step>/id-token-signature`). */
export const idTokenCheckKeys: Record<IdTokenCheckKey, string> = {
  format: 'id-token-is-jws',
  claims: 'id-token-required-claims',
  alg: 'id-token-alg-advertised-not-none',
  signature: 'id-token-signature-verifies',
  iss: 'id-token-iss-is-issuer',
  aud: 'id-token-aud-has-client',
  azp: 'id-token-azp-is-client',
  exp: 'id-token-not-expired',
  iat: 'id-token-iat-not-future',
  nonce: 'id-token-nonce-echoed',
  atHash: 'id-token-at-hash-matches',
  cHash: 'id-token-c-hash-matches',
  authTime: 'id-token-auth-time-honours-max-age',
  subAscii: 'id-token-sub-ascii',
  expAfterIat: 'id-token-exp-after-iat',
  authTimeType: 'id-token-auth-time-number',
  amrType: 'id-token-amr-array-strings',
  acrType: 'id-token-acr-string',
  kid: 'id-token-kid-names-jwks-key',
  algDefault: 'id-token-alg-client-registered-rs256',
};

const idTokenSpecs: Record<IdTokenCheckKey, string> = {
  format: 'OIDC Core §2, RFC 7515 §7.1',
  claims: 'OIDC Core §2',
  alg: 'OIDC Core §3.1.3.7 step 7, §2',
  signature: 'OIDC Core §3.1.3.7 step 6, RFC 7515 §5.2',
  iss: 'OIDC Core §3.1.3.7 step 2',
  aud: 'OIDC Core §3.1.3.7 step 3',
  azp: 'OIDC Core §3.1.3.7 steps 4-5',
  exp: 'OIDC Core §3.1.3.7 step 9',
  iat: 'OIDC Core §3.1.3.7 step 10',
  nonce: 'OIDC Core §3.1.3.7 step 11, §2',
  atHash: 'OIDC Core §3.1.3.8, §3.2.2.9, §3.3.2.11',
  cHash: 'OIDC Core §3.3.2.11, §3.3.2.10',
  authTime: 'OIDC Core §3.1.3.7 step 13, §3.1.2.1',
  subAscii: 'OIDC Core §2',
  expAfterIat: 'OIDC Core §2',
  authTimeType: 'OIDC Core §2',
  amrType: 'OIDC Core §2',
  acrType: 'OIDC Core §2',
  kid: 'OIDC Core §10.1, RFC 7515 §4.1.4',
  algDefault: 'OIDC Core §3.1.3.7 step 7',
};

/** Checks that are SHOULDs of the spec: a departure is a warning. */
const idTokenSeverities: Partial<Record<IdTokenCheckKey, 'warning'>> = { algDefault: 'warning' };

/**
 * The catalogue entries of checkIdToken's checks, for a step's `checks`. `tagged`: each name
 * ends " ({tag})", for a step that validates one ID token per response type.
 */
export function idTokenChecks(options: { tagged?: boolean } = {}): CheckCatalogue {
  const out: CheckCatalogue = {};
  for (const key of Object.keys(idTokenCheckKeys) as IdTokenCheckKey[]) {
    const severity = idTokenSeverities[key];
    out[idTokenCheckKeys[key]] = { name: options.tagged ? `${idTokenCheckNames[key]} ({tag})` : idTokenCheckNames[key], spec: idTokenSpecs[key], ...(severity ? { severity } : {}) };
  }
  return out;
}

/** Default check names. */
export const idTokenCheckNames: Record<IdTokenCheckKey, string> = {
  format: 'ID token is a signed JWT (JWS compact serialization)',
  claims: 'ID token carries the required claims (iss, sub, aud, exp, iat)',
  alg: 'ID token is signed with an advertised algorithm, not none',
  signature: 'ID token signature verifies against the JWKS',
  iss: 'ID token iss is the issuer',
  aud: 'ID token aud contains the client_id',
  azp: 'ID token azp names the client',
  exp: 'ID token is not expired',
  iat: 'ID token iat is not in the future',
  nonce: 'ID token echoes the nonce of the request',
  atHash: 'ID token at_hash matches the access token',
  cHash: 'ID token c_hash matches the code',
  authTime: 'ID token auth_time honours max_age',
  subAscii: 'ID token sub is ASCII',
  expAfterIat: 'ID token exp is after its iat',
  authTimeType: 'ID token auth_time is a number of seconds when present',
  amrType: 'ID token amr is an array of strings when present',
  acrType: 'ID token acr is a string when present',
  kid: 'ID token kid names a key of the JWKS (required when the JWKS has several)',
  algDefault: 'ID token alg is the client\'s registered one, RS256 by default',
};


export interface CheckIdTokenOptions {
  /** The client the token was issued to: aud / azp, and the secret for HS* signatures (OIDC Core §10.1). */
  client: TargetClient;
  /** The nonce sent in the authentication request; when given, the token must echo it (§3.1.3.7 step 11). */
  nonce?: string;
  /** The access token issued with the ID token: at_hash is compared when the token carries one. */
  accessToken?: string;
  /** The code issued with the ID token: c_hash is compared when the token carries one. */
  code?: string;
  /** at_hash is REQUIRED here (implicit `id_token token` §3.2.2.10, hybrid `code id_token token` §3.3.2.11). */
  requireAtHash?: boolean;
  /** c_hash is REQUIRED here (hybrid `code id_token` / `code id_token token` at the authorization endpoint, §3.3.2.11). */
  requireCHash?: boolean;
  /** max_age of the request: auth_time must be present and not older (§3.1.2.1, §3.1.3.7 step 13). */
  maxAgeSeconds?: number;
  /** Which token this is, for a step that declared idTokenChecks({ tagged: true }) (e.g. the response type). */
  tag?: string;
  /** Allowed clock skew in seconds for exp / iat / auth_time (default 60). */
  clockToleranceSeconds?: number;
}

export interface ValidatedIdToken {
  header: ProtectedHeaderParameters;
  claims: JWTPayload & Record<string, unknown>;
  /** Whether the signature check passed. */
  signatureValid: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = FlowContext<any>;

const jwsCompact = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The hash behind at_hash / c_hash: the one of the JWS alg (OIDC Core §3.1.3.6), SHA-512
 * for EdDSA with Ed25519 (OIDC Core errata set 2).
 */
export function hashAlgorithmOf(alg: string): 'sha256' | 'sha384' | 'sha512' | undefined {
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'sha512';
  const m = /^(?:HS|RS|PS|ES)(256|384|512)K?$/.exec(alg);
  return m ? (`sha${m[1]}` as 'sha256' | 'sha384' | 'sha512') : undefined;
}

/** at_hash / c_hash: base64url of the left-most half of the hash of the ASCII value (OIDC Core §3.1.3.6, §3.3.2.11). */
export function leftHalfHash(value: string, alg: string): string | undefined {
  const hash = hashAlgorithmOf(alg);
  if (!hash) return undefined;
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** A copy of `jwt` re-headed with alg none and no signature: what an attacker forges (RFC 7519 §6, RFC 8725 §2.1). */
export function forgeAlgNone(jwt: string): string {
  const [, payload] = jwt.split('.');
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return `${header}.${payload}.`;
}

/** The target's JWKS (RFC 7517 §5), fetched through ctx.http so the exchange is evidence. */
export async function fetchJwks(ctx: AnyContext): Promise<JSONWebKeySet> {
  const res = await ctx.http.get(ctx.target.endpoint('jwks_uri'), { headers: { accept: 'application/json' } });
  if (res.status !== 200 || !res.json || !Array.isArray(res.json.keys)) {
    throw new Error(`jwks_uri answered HTTP ${res.status} without a {"keys": [...]} JWK Set (RFC 7517 §5)`);
  }
  return res.json as JSONWebKeySet;
}

/**
 * Verifies a JWS signature the way the harness's relying party does: alg none is refused
 * outright (OIDC Core §3.1.3.7 step 7; only an explicitly registered none with no ID token
 * from the authorization endpoint could allow it, and no harness client registers it);
 * HS* uses the client secret (§10.1); anything else a key of the JWKS.
 * Resolves to the key id used; rejects with the reason otherwise.
 */
export async function verifyJwsSignature(jwt: string, jwks: JSONWebKeySet, client?: TargetClient): Promise<string> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new Error('the JWS header does not decode');
  }
  const alg = header.alg;
  if (!alg || alg.toLowerCase() === 'none') throw new Error(`alg "${alg ?? ''}" is refused: an unsigned token proves nothing (RFC 8725 §3.1)`);
  if (alg.startsWith('HS')) {
    if (!client?.client_secret) throw new Error(`alg ${alg} needs the client secret, and the client has none`);
    await compactVerify(jwt, new TextEncoder().encode(client.client_secret), { algorithms: [alg] });
    return `client_secret (${alg})`;
  }
  const keys = createLocalJWKSet(jwks);
  await compactVerify(jwt, keys, { algorithms: [alg] });
  return header.kid ? `kid ${header.kid} (${alg})` : `the only ${alg} key`;
}

const describeError = (error: unknown) => (error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error));

/**
 * Validates an ID token with one check per rule of OIDC Core §3.1.3.7 (plus at_hash / c_hash
 * and auth_time). Resolves to the decoded token, or undefined when it is not a JWT at all
 * (that check fails the step).
 */
export async function checkIdToken(ctx: AnyContext, idToken: unknown, options: CheckIdTokenOptions): Promise<ValidatedIdToken | undefined> {
  const call = { soft: true, ...(options.tag !== undefined ? { args: { tag: options.tag } } : {}) };
  const key = (which: IdTokenCheckKey) => idTokenCheckKeys[which];
  const { client } = options;
  const skew = options.clockToleranceSeconds ?? 60;
  let header: ProtectedHeaderParameters | undefined;
  let claims: (JWTPayload & Record<string, unknown>) | undefined;

  await ctx.check(key('format'), (c) => {
    c.expect(idToken, 'id_token').toBeNonEmptyString();
    const token = idToken as string;
    if (!jwsCompact.test(token)) c.fail(`id_token is not a JWS compact serialization (three base64url parts): ${token.split('.').length} part(s)${token.split('.').length === 5 ? ', an encrypted JWE, which the harness clients never register for' : ''}`);
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token) as JWTPayload & Record<string, unknown>;
    } catch (error) {
      c.fail(`id_token does not decode: ${describeError(error)}`);
    }
    c.note('ID token header', JSON.stringify(header));
    c.note('ID token claims', JSON.stringify(claims, null, 1));
    c.pass(`a JWS signed with ${header!.alg}`);
  }, { ...call, soft: false });
  if (!header || !claims) return undefined;
  const token = idToken as string;
  const h = header;
  const p = claims;
  const now = Math.floor(Date.now() / 1000);
  let signatureValid = false;

  await ctx.check(key('claims'), (c) => {
    c.expect(p.iss, 'iss').toBeNonEmptyString();
    c.expect(p.sub, 'sub').toBeNonEmptyString();
    // §2: sub is at most 255 ASCII characters.
    c.expect(String(p.sub).length, 'length of sub').toBeLessThanOrEqual(255);
    if (typeof p.aud !== 'string' && !(Array.isArray(p.aud) && p.aud.length > 0 && p.aud.every((a) => typeof a === 'string'))) {
      c.fail(`aud: expected a string or a non-empty array of strings, got ${JSON.stringify(p.aud)}`);
    }
    c.expect(p.exp, 'exp').toBeNumber();
    c.expect(p.iat, 'iat').toBeNumber();
  }, call);

  await ctx.check(key('alg'), (c) => {
    c.expect(String(h.alg).toLowerCase(), 'alg').not.toBe('none');
    const advertised = ctx.target.capabilities.idTokenSigningAlgs;
    if (advertised.length > 0) c.expect(h.alg, 'alg (id_token_signing_alg_values_supported)').toBeOneOf(advertised);
  }, call);

  await ctx.check(key('signature'), async (c) => {
    const jwks = await fetchJwks(ctx);
    try {
      const used = await verifyJwsSignature(token, jwks, client);
      signatureValid = true;
      c.pass(`the signature verifies with ${used}`);
    } catch (error) {
      const kids = jwks.keys.map((k) => `${k.kid ?? '(no kid)'}/${k.alg ?? k.kty}`).join(', ');
      c.fail(`the signature does not verify: ${describeError(error)}; header kid ${JSON.stringify(h.kid)}, alg ${JSON.stringify(h.alg)}; JWKS keys: ${kids || 'none'}`);
    }
  }, call);

  await ctx.check(key('kid'), async (c) => {
    if (String(h.alg).startsWith('HS')) c.notApplicable(`alg ${h.alg} is keyed by the client secret, not by the JWKS`);
    const jwks = await fetchJwks(ctx);
    const candidates = jwks.keys.filter((k) => k.use === undefined || k.use === 'sig');
    if (h.kid === undefined) {
      // §10.1: "If there are multiple keys in the referenced JWK Set document, a kid value MUST be provided in the JOSE Header."
      if (candidates.length > 1) c.fail(`the header has no kid, and the JWKS holds ${candidates.length} signing keys`);
      return `no kid, and the JWKS holds ${candidates.length} signing key`;
    }
    const kids = jwks.keys.map((k) => k.kid);
    if (!kids.includes(h.kid)) c.fail(`kid ${JSON.stringify(h.kid)} is not in the JWKS (kids: ${kids.map((k) => JSON.stringify(k ?? null)).join(', ')})`);
    return `kid ${JSON.stringify(h.kid)} is in the JWKS`;
  }, call);

  await ctx.check(key('algDefault'), (c) => {
    // §3.1.3.7 step 7: "The alg value SHOULD be the default of RS256 or the algorithm sent by the Client in the id_token_signed_response_alg parameter during Registration."
    const registered = (client as TargetClient & { id_token_signed_response_alg?: string }).id_token_signed_response_alg;
    const expected = registered ?? 'RS256';
    c.should(h.alg === expected, `alg ${JSON.stringify(h.alg)}, expected ${expected}${registered ? ' (the client\'s id_token_signed_response_alg)' : ' (the default; the config names no id_token_signed_response_alg for the client)'}`);
  }, call);

  await ctx.check(key('iss'), (c) => {
    // Exact match with the issuer of the discovery document (OIDC Discovery §4.3).
    c.expect(p.iss, 'iss').toBe(ctx.target.issuer);
  }, call);

  await ctx.check(key('aud'), (c) => {
    const audiences = Array.isArray(p.aud) ? p.aud : [p.aud];
    c.expect(audiences, 'aud').toContain(client.client_id);
  }, call);

  await ctx.check(key('azp'), (c) => {
    const audiences = Array.isArray(p.aud) ? p.aud : [p.aud];
    if (p.azp === undefined) {
      if (audiences.length > 1) c.fail(`aud has ${audiences.length} audiences (${audiences.join(', ')}) and no azp names the authorized party`);
      return 'no azp, and aud is the client alone';
    }
    c.expect(p.azp, 'azp').toBe(client.client_id);
  }, call);

  await ctx.check(key('exp'), (c) => {
    c.expect(p.exp, 'exp').toBeNumber();
    c.expect(p.exp! + skew, `exp + ${skew} s skew (now ${now})`).toBeGreaterThan(now);
    return `expires in ${p.exp! - now} s`;
  }, call);

  await ctx.check(key('iat'), (c) => {
    c.expect(p.iat, 'iat').toBeNumber();
    c.expect(p.iat!, `iat (now ${now}, ${skew} s skew)`).toBeLessThanOrEqual(now + skew);
    return `issued ${now - p.iat!} s ago`;
  }, call);

  await ctx.check(key('expAfterIat'), (c) => {
    // §2: exp is the time on or after which the token MUST NOT be accepted; a token expiring when issued is never valid.
    if (typeof p.exp !== 'number' || typeof p.iat !== 'number') c.notApplicable('exp or iat is not a number (judged by the required-claims check)');
    c.expect(p.exp!, `exp (iat ${p.iat})`).toBeGreaterThan(p.iat!);
    return `valid for ${p.exp! - p.iat!} s`;
  }, call);

  await ctx.check(key('subAscii'), (c) => {
    // §2: sub is "a locally unique ... identifier ... It MUST NOT exceed 255 ASCII characters".
    if (typeof p.sub !== 'string') c.notApplicable('sub is not a string (judged by the required-claims check)');
    const bad = [...String(p.sub)].find((ch) => ch.charCodeAt(0) > 0x7f);
    if (bad !== undefined) c.fail(`sub ${JSON.stringify(p.sub)} holds the non-ASCII character ${JSON.stringify(bad)}`);
    return `sub ${JSON.stringify(p.sub)} is ASCII`;
  }, call);

  await ctx.check(key('authTimeType'), (c) => {
    if (p.auth_time === undefined) c.notApplicable('the ID token has no auth_time');
    c.expect(p.auth_time, 'auth_time').toBeNumber();
  }, call);

  await ctx.check(key('amrType'), (c) => {
    if (p.amr === undefined) c.notApplicable('the ID token has no amr');
    if (!Array.isArray(p.amr) || !p.amr.every((v) => typeof v === 'string')) c.fail(`amr: expected a JSON array of strings, got ${JSON.stringify(p.amr)}`);
    return `amr ${JSON.stringify(p.amr)}`;
  }, call);

  await ctx.check(key('acrType'), (c) => {
    if (p.acr === undefined) c.notApplicable('the ID token has no acr');
    c.expect(p.acr, 'acr').toBeNonEmptyString();
  }, call);

  if (options.nonce !== undefined) {
    await ctx.check(key('nonce'), (c) => {
      c.expect(p.nonce, 'nonce').toBe(options.nonce);
    }, call);
  }

  if (options.maxAgeSeconds !== undefined) {
    await ctx.check(key('authTime'), (c) => {
      c.expect(p.auth_time, 'auth_time').toBeNumber();
      c.expect(p.auth_time as number, `auth_time (now ${now}, max_age ${options.maxAgeSeconds})`).toBeGreaterThanOrEqual(now - options.maxAgeSeconds! - skew);
    }, call);
  }

  await hashCheck(ctx, {
    key: key('atHash'), call,
    claim: 'at_hash', what: 'access token', value: options.accessToken, required: options.requireAtHash === true, header: h, claims: p,
  });
  await hashCheck(ctx, {
    key: key('cHash'), call,
    claim: 'c_hash', what: 'code', value: options.code, required: options.requireCHash === true, header: h, claims: p,
  });

  return { header: h, claims: p, signatureValid };
}

async function hashCheck(ctx: AnyContext, o: {
  key: string; call: { soft: boolean; args?: Record<string, string> }; claim: 'at_hash' | 'c_hash'; what: string; value?: string; required: boolean;
  header: ProtectedHeaderParameters; claims: Record<string, unknown>;
}): Promise<void> {
  const present = o.claims[o.claim] !== undefined;
  // Nothing to compare and nothing required: no check at all (e.g. an ID token from a refresh).
  if (!present && !o.required) return;
  await ctx.check(o.key, (c) => {
    if (!present) {
      if (o.required) c.fail(`${o.claim} is REQUIRED for this response type, and the ID token has none`);
      c.notApplicable(`the ID token has no ${o.claim} (it is OPTIONAL here)`);
    }
    // A hash is never wrong for being there (OIDC Core §3.1.3.6 allows at_hash on any ID token);
    // with nothing to compare it against, it is not judged.
    if (o.value === undefined) c.notApplicable(`the ID token has ${o.claim}, and no ${o.what} came with it to compare`);
    const expected = leftHalfHash(o.value!, String(o.header.alg));
    if (!expected) c.notApplicable(`no hash is defined for alg ${JSON.stringify(o.header.alg)}`);
    c.expect(o.claims[o.claim], `${o.claim} (left half of ${hashAlgorithmOf(String(o.header.alg))} of the ${o.what})`).toBe(expected);
  }, o.call);
}
