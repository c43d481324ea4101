/**
 * How the resource server trusts an access token: a JWT (RFC 9068) is verified locally
 * against the AS's JWKS (signature, iss, aud, exp, typ at+jwt, §4); anything else is asked
 * about at the introspection endpoint (RFC 7662) with the RS's own client credentials.
 * Every network call has a timeout.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { InvalidToken, TemporarilyUnavailable } from '../authorization-server/errors.ts';
import { introspectionClient } from './introspection-client.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { FaultsConfig } from '../config/faults.ts';

export interface TokenVerifierOptions {
  issuer: string;
  /** The identifiers the resource server answers to: a token's aud must name one (RFC 9068 §4). */
  audience: string | string[];
  jwksUri: string;
  introspectionEndpoint: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  /** The time exp is judged against (default: the system clock). */
  clock?: Clock;
  faults?: Partial<FaultsConfig>;
}

export interface VerifiedToken {
  sub: string;
  clientId: string;
  scope: string[];
  exp: number;
  format: 'jwt' | 'opaque';
  /** RFC 9449 §6: the DPoP key the token is bound to (cnf.jkt), if any. */
  jkt?: string;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

export function tokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const timeoutMs = options.timeoutMs ?? 5000;
  // A short cooldown: after a key rotation the RS refetches the JWKS for an unknown kid.
  const keys = createRemoteJWKSet(new URL(options.jwksUri), { timeoutDuration: timeoutMs, cooldownDuration: 1000, cacheMaxAge: 60_000 });
  const askIntrospection = introspectionClient({ ...options, timeoutMs });

  async function verifyJwt(token: string): Promise<VerifiedToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        // FAULT audienceNotChecked (config/faults.ts, only to prove the harness): any aud is taken.
        ...(options.faults?.audienceNotChecked ? {} : { audience: options.audience }),
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
        requiredClaims: ['exp', 'sub', 'client_id'],
        currentDate: new Date((options.clock ?? systemClock).now()),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWKS_TIMEOUT') throw new TemporarilyUnavailable('the authorization server keys could not be fetched');
      throw new InvalidToken(code === 'ERR_JWT_EXPIRED' ? 'the access token expired' : 'the access token is invalid');
    }
    return {
      sub: String(payload.sub),
      clientId: String(payload.client_id),
      scope: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
      exp: payload.exp!,
      format: 'jwt',
      ...(jktOf(payload.cnf) ? { jkt: jktOf(payload.cnf) } : {}),
    };
  }

  async function introspect(token: string): Promise<VerifiedToken> {
    let answer: Record<string, unknown>;
    try {
      answer = await askIntrospection(token);
    } catch {
      throw new TemporarilyUnavailable('the token could not be introspected');
    }
    const audiences = Array.isArray(answer.aud) ? answer.aud : [answer.aud];
    const own = Array.isArray(options.audience) ? options.audience : [options.audience];
    if (answer.active !== true || (answer.token_type !== 'Bearer' && answer.token_type !== 'DPoP') || (!audiences.some((aud) => own.includes(aud)) && !options.faults?.audienceNotChecked)) {
      throw new InvalidToken('the access token is invalid, expired or revoked');
    }
    return {
      sub: String(answer.sub),
      clientId: String(answer.client_id),
      scope: typeof answer.scope === 'string' ? answer.scope.split(' ') : [],
      exp: Number(answer.exp),
      format: 'opaque',
      ...(jktOf(answer.cnf) ? { jkt: jktOf(answer.cnf) } : {}),
    };
  }

  function jktOf(cnf: unknown): string | undefined {
    const jkt = (cnf as { jkt?: unknown } | undefined)?.jkt;
    return typeof jkt === 'string' ? jkt : undefined;
  }

  return (token) => (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) ? verifyJwt(token) : introspect(token));
}
