/**
 * How the sample app, as the drawing's resource server, trusts a JWT access token: locally,
 * against the authorization server's JWKS (RFC 9068 §4): the signature with an asymmetric
 * algorithm only (never none, never HMAC: RFC 8725 §3.1), typ at+jwt, iss, aud, exp, and the
 * claims RFC 9068 §2.2 requires. Each result (valid or not, and why) is kept for the status.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';

export const acceptedAlgorithms = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

export interface TokenValidation {
  at: string;
  /** Where the token came in: the browser flow's callback, or a Bearer request to /api/resource. */
  via: 'callback' | 'bearer';
  valid: boolean;
  reason?: string;
  header?: { alg?: string; kid?: string; typ?: string };
  claims?: Pick<JWTPayload, 'iss' | 'sub' | 'aud' | 'exp' | 'iat' | 'jti'> & { client_id?: unknown; scope?: unknown };
}

export interface ValidatedToken {
  sub: string;
  clientId: string;
  scope: string[];
  exp: number;
}

export function accessTokenValidator(options: { issuer: string; audience: string; jwksUri: string; timeoutMs: number }) {
  const keys = createRemoteJWKSet(new URL(options.jwksUri), { timeoutDuration: options.timeoutMs, cooldownDuration: 1000 });

  return async function validate(token: string, via: TokenValidation['via']): Promise<{ validation: TokenValidation; token?: ValidatedToken }> {
    const validation: TokenValidation = { at: new Date().toISOString(), via, valid: false };
    try {
      const header = decodeProtectedHeader(token);
      validation.header = { alg: header.alg, kid: header.kid, typ: header.typ };
    } catch {
      validation.reason = 'not a JWT';
      return { validation };
    }
    if (!validation.header.alg || !acceptedAlgorithms.includes(validation.header.alg)) {
      validation.reason = `alg ${String(validation.header.alg)} is not accepted`;
      return { validation };
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        algorithms: acceptedAlgorithms,
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
      });
      validation.claims = { iss: payload.iss, sub: payload.sub, aud: payload.aud, exp: payload.exp, iat: payload.iat, jti: payload.jti, client_id: payload.client_id, scope: payload.scope };
      validation.valid = true;
      return {
        validation,
        token: { sub: payload.sub!, clientId: String(payload.client_id), scope: typeof payload.scope === 'string' ? payload.scope.split(' ') : [], exp: payload.exp! },
      };
    } catch (error) {
      const { code, claim } = error as { code?: string; claim?: string };
      validation.reason = code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim ? `claim ${claim} is wrong or missing` : (code ?? 'invalid');
      return { validation };
    }
  };
}
