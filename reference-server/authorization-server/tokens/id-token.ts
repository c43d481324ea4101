/**
 * ID tokens (OIDC Core §2): signed with the client's id_token_signed_response_alg, carrying
 * nonce when the request had one, auth_time, and at_hash / c_hash for the access token and
 * code issued alongside (§3.1.3.6, §3.3.2.11).
 */
import type { Provider } from '../provider.ts';
import type { Client } from '../clients.ts';
import { createHash } from 'node:crypto';
import { leftHalfHash } from './hash-claim.ts';
import { signJwt } from './jws.ts';

export async function issueIdToken(
  provider: Provider,
  input: { client: Client; sub: string; authTime: number; nonce?: string; accessToken?: string; code?: string; claims?: Record<string, unknown>; frontChannel?: boolean; sid?: string },
): Promise<string> {
  const faults = provider.config.faults;
  const { client } = input;
  const { kid, alg, signer } = provider.keys.signingKey(client.idTokenAlg);
  const iat = provider.now();
  const payload: Record<string, unknown> = { ...(input.claims ?? {}), auth_time: input.authTime, amr: ['pwd'], azp: client.clientId };
  // FAULT omitAuthTime (config/faults.ts, only to prove the harness): no auth_time, even for a request with max_age.
  if (faults.omitAuthTime) delete payload.auth_time;
  // OIDC Back-Channel Logout 1.0 §2.1: with backchannel_logout_session_supported, ID tokens carry the session's sid.
  // FAULT idTokenWithoutSid (config/faults.ts, only to prove the harness): no sid in ID tokens.
  if (input.sid !== undefined && !faults.idTokenWithoutSid) payload.sid = input.sid;
  // FAULT dropNonce (config/faults.ts, only to prove the harness): the nonce is left out.
  if (input.nonce !== undefined && !provider.config.faults.dropNonce) payload.nonce = input.nonce;
  if (input.accessToken !== undefined) payload.at_hash = leftHalfHash(input.accessToken, alg);
  // FAULT frontChannelAtHashFullDigest (config/faults.ts, only to prove the harness): the whole digest, not its left half.
  if (input.accessToken !== undefined && input.frontChannel && faults.frontChannelAtHashFullDigest) payload.at_hash = createHash('sha256').update(input.accessToken, 'ascii').digest('base64url');
  if (input.code !== undefined) payload.c_hash = leftHalfHash(input.code, alg);
  // FAULT cHashOfAccessToken (config/faults.ts, only to prove the harness): c_hash of the access token issued beside the code.
  if (input.code !== undefined && input.accessToken !== undefined && faults.cHashOfAccessToken) payload.c_hash = leftHalfHash(input.accessToken, alg);
  // FAULT idTokenIssTrailingSlash (config/faults.ts, only to prove the harness): the issuer with a slash appended.
  const iss = faults.idTokenIssTrailingSlash ? `${provider.issuer}/` : provider.issuer;
  // FAULT idTokenAudWithoutClient (config/faults.ts, only to prove the harness): the resource server as the audience.
  const aud = faults.idTokenAudWithoutClient ? 'resource-server' : client.clientId;
  // FAULT idTokenExpiresAtIat (config/faults.ts, only to prove the harness): exp equals iat.
  const exp = faults.idTokenExpiresAtIat ? iat : iat + provider.config.ttl.idToken;
  const claims = { ...payload, iss, sub: input.sub, aud, iat, exp };
  return signJwt({ alg, kid, typ: 'JWT' }, claims, signer);
}
