/**
 * private_key_jwt (RFC 7523 §2.2, §3; OIDC Core §9): a JWT signed with the client's key,
 * iss = sub = client_id, aud = the issuer or the endpoint URL, an exp, and a jti that is
 * accepted once (replay protection, RFC 7523 §3 item 7).
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, UnsecuredJWT } from 'jose';
import type { Client } from '../clients.ts';
import type { Provider } from '../provider.ts';
import { InvalidClient } from '../errors.ts';
import type { PresentedCredentials } from './presented.ts';

/** Asymmetric algorithms only: no HMAC, never none. */
export const assertionAlgorithms = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

export async function privateKeyJwt(client: Client, presented: PresentedCredentials, provider: Provider, endpointUrl: string): Promise<void> {
  if (!client.jwks || !presented.assertion) throw new InvalidClient('client has no keys registered');
  const claims = {
    // FAULT assertionIssIgnored (config/faults.ts, only to prove the harness): any iss is accepted.
    issuer: provider.config.faults.assertionIssIgnored ? undefined : client.clientId,
    subject: client.clientId,
    audience: [provider.issuer, `${provider.issuer}/token`, endpointUrl],
    requiredClaims: ['exp', 'jti'],
    currentDate: new Date(provider.now() * 1000),
  };
  if (provider.config.faults.assertionExpIgnored) {
    // FAULT assertionExpIgnored (config/faults.ts, only to prove the harness): an expired assertion is judged as of its exp.
    const exp = (() => { try { return decodeJwt(presented.assertion).exp; } catch { return undefined; } })();
    if (typeof exp === 'number' && exp <= provider.now()) claims.currentDate = new Date((exp - 1) * 1000);
  }
  let payload;
  try {
    if (provider.config.faults.acceptAlgNone && decodeProtectedHeader(presented.assertion).alg === 'none') {
      // FAULT acceptAlgNone (config/faults.ts, only to prove the harness): claims checked, no signature at all.
      ({ payload } = UnsecuredJWT.decode(presented.assertion, claims));
    } else {
      ({ payload } = await jwtVerify(presented.assertion, createLocalJWKSet(client.jwks), { ...claims, algorithms: assertionAlgorithms }));
    }
  } catch (error) {
    throw new InvalidClient(`client_assertion rejected: ${(error as { code?: string }).code ?? 'invalid'}`);
  }
  const jti = String(payload.jti);
  const id = `${client.clientId}:${jti}`;
  // Kept until the assertion has expired anyway (a minute of margin for clock skew).
  const fresh = await provider.storage.insert('ClientAssertion', id, { clientId: client.clientId }, Math.max(1, (payload.exp ?? 0) - provider.now() + 60));
  if (!fresh) throw new InvalidClient('client_assertion jti was already used');
}
