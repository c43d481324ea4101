/**
 * A Request Object (RFC 9101 §4, §6; OIDC Core §6.1) turned into the authorization request it
 * carries. Signed only: alg none is refused (RFC 8725 §3.1, this server never takes unsigned
 * JWTs), the key must be one of the client's and, when a kid is named, that key (§6.2). The
 * object's client_id must be identical to the request's (§6.3); iss and aud, which §4 says it
 * SHOULD carry, must be right when present; exp and nbf are honoured (RFC 7519 §4.1.4, §4.1.5).
 * Only the object's parameters are used afterwards (§6.3): the caller replaces the query's.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, UnsecuredJWT, type JWTPayload } from 'jose';
import type { Client } from '../clients.ts';
import type { Provider } from '../provider.ts';
import { InvalidRequestObject } from '../errors.ts';

/** Asymmetric algorithms only (RFC 9101 §10.1 leaves the choice to the AS): no HMAC, never none. */
export const requestObjectAlgorithms = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

/** JWT claims that describe the object itself, not request parameters (RFC 9101 §4). */
const jwtClaims = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti']);

/**
 * The typ values a Request Object may carry: none, JWT, or oauth-authz-req+jwt (RFC 9101 §4,
 * §10.8), with or without application/ (RFC 7515 §4.1.9). Any other typ names another kind of
 * JWT (a client assertion, a DPoP proof, a logout token), which must never pass for a request.
 */
function typAllowed(typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== 'string') return false;
  const bare = typ.toLowerCase().replace(/^application\//, '');
  return bare === 'jwt' || bare === 'oauth-authz-req+jwt';
}

export async function requestObjectParams(jwt: string, client: Client, provider: Provider): Promise<Record<string, string>> {
  const { faults } = provider.config;
  let alg: unknown;
  let typ: unknown;
  try {
    ({ alg, typ } = decodeProtectedHeader(jwt));
  } catch {
    throw new InvalidRequestObject('the Request Object is not a JWT');
  }
  if (!typAllowed(typ)) throw new InvalidRequestObject(`a JWT typed ${JSON.stringify(typ)} is not a Request Object (RFC 9101 §10.8: cross-JWT confusion)`);
  const options = { currentDate: new Date(provider.now() * 1000), clockTolerance: 30 };
  // FAULT requestObjectExpiryIgnored (config/faults.ts, only to prove the harness): an expired Request Object is judged as of its exp.
  if (faults.requestObjectExpiryIgnored) {
    const exp = (() => { try { return decodeJwt(jwt).exp; } catch { return undefined; } })();
    if (typeof exp === 'number' && exp <= provider.now()) options.currentDate = new Date((exp - 1) * 1000);
  }
  // FAULT requestObjectsRefused (config/faults.ts, only to prove the harness): no Request Object is ever taken.
  if (faults.requestObjectsRefused) throw new InvalidRequestObject('Request Objects are refused');
  let payload: JWTPayload;
  if (alg === 'none') {
    // FAULT requestObjectAlgNoneAccepted (config/faults.ts, only to prove the harness): an unsigned Request Object is read as it is.
    if (!faults.requestObjectAlgNoneAccepted) throw new InvalidRequestObject('the Request Object must be signed (alg none is not accepted)');
    payload = readUnsecured(jwt, options);
  } else {
    if (!client.jwks) throw new InvalidRequestObject('the client has no keys registered to verify a Request Object with');
    try {
      ({ payload } = await jwtVerify(jwt, createLocalJWKSet(client.jwks), { ...options, algorithms: requestObjectAlgorithms }));
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'invalid';
      // FAULT requestObjectAnyKeyAccepted (config/faults.ts, only to prove the harness): a signature no key of the client verifies is let through.
      if (!faults.requestObjectAnyKeyAccepted || !/SIGNATURE|NO_MATCHING_KEY|JWKS_MULTIPLE/.test(code)) throw new InvalidRequestObject(`the Request Object was rejected: ${code}`);
      payload = readUnsecured(jwt, options, true);
    }
  }
  // FAULT requestObjectClientIdUnchecked (config/faults.ts, only to prove the harness): the object's client_id is not compared.
  if (payload.client_id !== client.clientId && !faults.requestObjectClientIdUnchecked) {
    throw new InvalidRequestObject('the client_id in the Request Object must be identical to the client_id of the request (RFC 9101 §6.3)');
  }
  if (payload.iss !== undefined && payload.iss !== client.clientId) throw new InvalidRequestObject('iss of the Request Object must be the client_id (RFC 9101 §4)');
  if (payload.aud !== undefined && !(Array.isArray(payload.aud) ? payload.aud : [payload.aud]).includes(provider.issuer)) {
    throw new InvalidRequestObject('aud of the Request Object must be the issuer (RFC 9101 §4)');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (jwtClaims.has(name)) continue;
    if (name === 'request' || name === 'request_uri') throw new InvalidRequestObject(`a Request Object must not hold ${name} (RFC 9101 §4)`);
    if (typeof value === 'string') params[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else if (value !== null) params[name] = JSON.stringify(value); // claims, authorization_details (JSON objects)
  }
  params.client_id = client.clientId;
  // FAULT requestObjectStateDropped (config/faults.ts, only to prove the harness): the object's state is lost.
  if (faults.requestObjectStateDropped) delete params.state;
  // FAULT requestObjectPkceDropped (config/faults.ts, only to prove the harness): the object's code_challenge is lost.
  if (faults.requestObjectPkceDropped) {
    delete params.code_challenge;
    delete params.code_challenge_method;
  }
  return params;
}

/** The claims of a JWT whose signature is not checked (only where a fault asks), exp and nbf still judged. */
function readUnsecured(jwt: string, options: { currentDate: Date; clockTolerance: number }, signed = false): JWTPayload {
  try {
    if (!signed) return UnsecuredJWT.decode(jwt, options).payload;
    const payload = decodeJwt(jwt);
    const now = options.currentDate.getTime() / 1000;
    if (typeof payload.exp === 'number' && payload.exp + options.clockTolerance <= now) throw Object.assign(new Error('expired'), { code: 'ERR_JWT_EXPIRED' });
    return payload;
  } catch (error) {
    throw new InvalidRequestObject(`the Request Object was rejected: ${(error as { code?: string }).code ?? 'invalid'}`);
  }
}
