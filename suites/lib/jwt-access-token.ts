/**
 * The JWT profile for access tokens (RFC 9068 §2), one check per rule, for any step that got
 * an access token: the typ header, each required claim, and a signature the AS's JWKS
 * verifies (what lets a resource server validate it, §4). An opaque access token is not
 * subject to RFC 9068, so every check is then not applicable. Also: expires_in of the token
 * response agrees with the token's own exp (RFC 6749 §5.1).
 */
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { CheckCatalogue, CheckScope, FlowContext, HttpResponse } from '../../harness/flow/index.ts';
import { isJwt } from './token-request.ts';

/** The declarations of the RFC 9068 checks, to spread into a step's `checks`. */
export const jwtAccessTokenChecks: CheckCatalogue = {
  'jwt-access-token-typ-at-jwt': { name: 'a JWT access token declares typ at+jwt', spec: 'RFC 9068 §2.1' },
  'jwt-access-token-iss-issuer': { name: 'a JWT access token names the issuer in iss', spec: 'RFC 9068 §2.2, §4' },
  'jwt-access-token-exp-future': { name: 'a JWT access token has an exp in the future', spec: 'RFC 9068 §2.2' },
  'jwt-access-token-aud-present': { name: 'a JWT access token has an aud', spec: 'RFC 9068 §2.2, §3' },
  'jwt-access-token-sub-present': { name: 'a JWT access token has a sub', spec: 'RFC 9068 §2.2' },
  'jwt-access-token-client-id-client': { name: 'a JWT access token names its client in client_id', spec: 'RFC 9068 §2.2' },
  'jwt-access-token-iat-not-future': { name: 'a JWT access token has an iat that is not in the future', spec: 'RFC 9068 §2.2' },
  'jwt-access-token-jti-unique': { name: 'a JWT access token has a jti of its own', spec: 'RFC 9068 §2.2, RFC 7519 §4.1.7' },
  'jwt-access-token-scope-claim': { name: 'a JWT access token carries the granted scope in its scope claim', spec: 'RFC 9068 §2.2.3', severity: 'warning' },
  'jwt-access-token-signature-jwks': { name: "a JWT access token is signed (not alg none) with a key of the AS's JWKS", spec: 'RFC 9068 §2.1, §4' },
  'expires-in-agrees-with-exp': { name: "the token response's expires_in agrees with the access token's exp", spec: 'RFC 6749 §5.1, RFC 9068 §2.2' },
};

/** Clock skew allowed between the AS and the harness. */
const skewSeconds = 60;

export interface JwtAccessTokenExpectations {
  /** The client the token was issued to. */
  clientId: string;
  /** The scope the token response granted (or the requested one when it named none). */
  scope?: string;
  /** For client_credentials: sub SHOULD identify the client (RFC 9068 §2.2). */
  subIsClient?: boolean;
  /** jti values of other access tokens seen in the run: this one must differ. */
  otherJtis?: string[];
}

const numericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Runs every RFC 9068 check on the access token of `res` (a successful token response), and
 * returns the token's jti (for the uniqueness check of the next token).
 */
export async function checkJwtAccessToken(ctx: FlowContext<any>, res: HttpResponse, expected: JwtAccessTokenExpectations): Promise<string | undefined> {
  const token = res.json?.access_token;
  const receivedAt = Math.floor(Date.now() / 1000);
  let header: ProtectedHeaderParameters | undefined;
  let claims: JWTPayload | undefined;
  if (typeof token === 'string' && isJwt(token)) {
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      header = undefined;
    }
  }
  const opaque = 'the access token is not a JWT (an opaque token): RFC 9068 does not apply';
  const run = (key: string, fn: (c: CheckScope, header: ProtectedHeaderParameters, claims: JWTPayload) => Promise<string | void> | string | void) =>
    ctx.check(key, (c) => {
      if (!header || !claims) return c.notApplicable(typeof token === 'string' ? opaque : 'the token response has no access_token');
      c.note('access token (decoded)', JSON.stringify({ header, claims }, null, 2));
      return fn(c, header, claims);
    }, { soft: true });

  await run('jwt-access-token-typ-at-jwt', (c, h) => {
    // "at+jwt" or its full media type; media types compare case-insensitively (RFC 9068 §2.1).
    c.expect(String(h.typ ?? '(none)').toLowerCase(), 'typ header').toBeOneOf(['at+jwt', 'application/at+jwt']);
  });
  await run('jwt-access-token-iss-issuer', (c, _h, p) => {
    c.expect(p.iss, 'iss').toBe(ctx.target.issuer);
  });
  await run('jwt-access-token-exp-future', (c, _h, p) => {
    if (!numericDate(p.exp)) c.fail(`exp: expected a NumericDate, got ${JSON.stringify(p.exp)}`);
    c.expect(p.exp, 'exp').toBeGreaterThan(receivedAt - skewSeconds);
  });
  await run('jwt-access-token-aud-present', (c, _h, p) => {
    const aud = Array.isArray(p.aud) ? p.aud : [p.aud];
    if (aud.length === 0 || !aud.every((a) => typeof a === 'string' && a.length > 0)) c.fail(`aud: expected a string or an array of strings, got ${JSON.stringify(p.aud)}`);
    c.pass(`aud is ${JSON.stringify(p.aud)}`);
  });
  await run('jwt-access-token-sub-present', (c, _h, p) => {
    c.expect(p.sub, 'sub').toBeNonEmptyString();
    // RFC 9068 §2.2: without a resource owner (client credentials), sub SHOULD identify the client.
    if (expected.subIsClient) c.should(p.sub === expected.clientId, `sub of a client_credentials token SHOULD identify the client (${expected.clientId}), got ${JSON.stringify(p.sub)}`);
  });
  await run('jwt-access-token-client-id-client', (c, _h, p) => {
    c.expect(p.client_id, 'client_id').toBe(expected.clientId);
  });
  await run('jwt-access-token-iat-not-future', (c, _h, p) => {
    if (!numericDate(p.iat)) c.fail(`iat: expected a NumericDate, got ${JSON.stringify(p.iat)}`);
    c.expect(p.iat, 'iat').toBeLessThanOrEqual(receivedAt + skewSeconds);
  });
  await run('jwt-access-token-jti-unique', (c, _h, p) => {
    c.expect(p.jti, 'jti').toBeNonEmptyString();
    for (const other of expected.otherJtis ?? []) c.expect(p.jti, 'jti (against another access token of this run)').not.toBe(other);
  });
  await run('jwt-access-token-scope-claim', (c, _h, p) => {
    if (!expected.scope) return c.notApplicable('the request named no scope and the response states none');
    c.should(typeof p.scope === 'string', `the token carries no scope claim (a space-separated string), got ${JSON.stringify(p.scope)}`);
    if (typeof p.scope === 'string') {
      const claimed = p.scope.split(' ').filter(Boolean).sort().join(' ');
      const granted = expected.scope.split(' ').filter(Boolean).sort().join(' ');
      c.should(claimed === granted, `scope claim "${p.scope}" is not the granted scope "${expected.scope}"`);
    }
  });
  await run('jwt-access-token-signature-jwks', async (c, h) => {
    if (String(h.alg).toLowerCase() === 'none') c.fail('alg: the access token is unsigned (alg none)');
    const jwksUri = ctx.target.metadata.jwks_uri;
    if (typeof jwksUri !== 'string') return c.notApplicable('the discovery metadata has no jwks_uri');
    const jwks = await ctx.http.get(jwksUri);
    c.expectStatus(jwks, 200);
    try {
      await compactVerify(token, createLocalJWKSet(jwks.json));
    } catch (error) {
      c.fail(`the signature (alg ${h.alg}, kid ${JSON.stringify(h.kid)}) does not verify with any key of ${jwksUri}: ${(error as Error).message}`);
    }
    c.pass(`signed with ${h.alg}, verified with the JWKS`);
  });
  await run('expires-in-agrees-with-exp', (c, _h, p) => {
    const expiresIn = res.json?.expires_in;
    if (expiresIn === undefined) return c.notApplicable('the token response has no expires_in (RECOMMENDED only)');
    if (!numericDate(p.exp)) return c.notApplicable('the token has no numeric exp (judged by the exp check)');
    // expires_in is counted from the response; allow the clock skew of both sides.
    const stated = receivedAt + Number(expiresIn);
    if (Math.abs(p.exp - stated) > skewSeconds) c.fail(`expires_in ${expiresIn} says the token expires at ${stated}, its exp says ${p.exp} (${p.exp - receivedAt} s from now)`);
    c.pass(`expires_in ${expiresIn} agrees with exp ${p.exp}`);
  });
  return typeof claims?.jti === 'string' ? claims.jti : undefined;
}
