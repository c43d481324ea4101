/**
 * The logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): a JWT signed with the keys
 * ID tokens are signed with, explicitly typed logout+jwt (§2.4, §4.1), with iss, aud, iat,
 * exp, jti, the events member http://schemas.openid.net/event/backchannel-logout, sub and sid,
 * and never a nonce. Short-lived: §4 recommends about two minutes.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Provider } from '../provider.ts';
import type { Client } from '../clients.ts';
import { signJwt } from '../tokens/jws.ts';
import { randomToken } from '../tokens/random.ts';

export const backChannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';
const lifetimeSeconds = 120;

export async function issueLogoutToken(provider: Provider, client: Client, session: { sub: string; sid?: string }): Promise<string> {
  const faults = provider.config.faults;
  const { kid, alg, signer } = provider.keys.signingKey(client.idTokenAlg);
  const iat = provider.now();
  const claims: Record<string, unknown> = {
    // FAULT logoutTokenWrongIssuer (config/faults.ts, only to prove the harness): the issuer with a slash appended.
    iss: faults.logoutTokenWrongIssuer ? `${provider.issuer}/` : provider.issuer,
    sub: session.sub,
    // FAULT logoutTokenWrongAudience (config/faults.ts, only to prove the harness): another audience than the client.
    aud: faults.logoutTokenWrongAudience ? 'resource-server' : client.clientId,
    iat,
    exp: iat + lifetimeSeconds,
    jti: randomToken(16),
    events: { [backChannelLogoutEvent]: {} },
  };
  // FAULT logoutTokenWithoutSid (config/faults.ts, only to prove the harness): no sid, even when the client requires it.
  if (session.sid !== undefined && !faults.logoutTokenWithoutSid) claims.sid = session.sid;
  // FAULT logoutTokenOtherSession (config/faults.ts, only to prove the harness): a sid no ID token carried.
  if (faults.logoutTokenOtherSession) claims.sid = randomToken(16);
  // FAULT logoutTokenWithoutIat (config/faults.ts, only to prove the harness): no iat.
  if (faults.logoutTokenWithoutIat) delete claims.iat;
  // FAULT logoutTokenWithoutExp (config/faults.ts, only to prove the harness): no exp.
  if (faults.logoutTokenWithoutExp) delete claims.exp;
  // FAULT logoutTokenWithoutJti (config/faults.ts, only to prove the harness): no jti.
  if (faults.logoutTokenWithoutJti) delete claims.jti;
  // FAULT logoutTokenWithoutSubOrSid (config/faults.ts, only to prove the harness): neither sub nor sid.
  if (faults.logoutTokenWithoutSubOrSid) {
    delete claims.sub;
    delete claims.sid;
  }
  // FAULT logoutTokenWithoutEvents (config/faults.ts, only to prove the harness): no events claim.
  if (faults.logoutTokenWithoutEvents) delete claims.events;
  // FAULT logoutTokenWithNonce (config/faults.ts, only to prove the harness): a nonce, which §2.4 prohibits.
  if (faults.logoutTokenWithNonce) claims.nonce = randomToken(16);
  // FAULT logoutTokenTypJwt (config/faults.ts, only to prove the harness): typ JWT instead of logout+jwt.
  const typ = faults.logoutTokenTypJwt ? 'JWT' : 'logout+jwt';
  // FAULT logoutTokenForeignKey (config/faults.ts, only to prove the harness): signed by a key the JWKS does not hold, under the real kid.
  const key = faults.logoutTokenForeignKey ? foreignKey(alg) : signer;
  return signJwt({ alg, kid, typ }, claims, key);
}

function foreignKey(alg: string) {
  return alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}
