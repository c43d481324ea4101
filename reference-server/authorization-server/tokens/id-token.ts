/**
 * ID tokens (OIDC Core §2): signed with the client's id_token_signed_response_alg, carrying
 * nonce when the request had one, auth_time, and at_hash / c_hash for the access token and
 * code issued alongside (§3.1.3.6, §3.3.2.11).
 */
import type { Provider } from '../provider.ts';
import type { Client } from '../clients.ts';
import { leftHalfHash } from './hash-claim.ts';
import { signJwt } from './jws.ts';

export async function issueIdToken(
  provider: Provider,
  input: { client: Client; sub: string; authTime: number; nonce?: string; accessToken?: string; code?: string; claims?: Record<string, unknown> },
): Promise<string> {
  const { client } = input;
  const { kid, alg, signer } = provider.keys.signingKey(client.idTokenAlg);
  const iat = provider.now();
  const payload: Record<string, unknown> = { ...(input.claims ?? {}), auth_time: input.authTime, amr: ['pwd'], azp: client.clientId };
  // FAULT dropNonce (config/faults.ts, only to prove the harness): the nonce is left out.
  if (input.nonce !== undefined && !provider.config.faults.dropNonce) payload.nonce = input.nonce;
  if (input.accessToken !== undefined) payload.at_hash = leftHalfHash(input.accessToken, alg);
  if (input.code !== undefined) payload.c_hash = leftHalfHash(input.code, alg);
  const claims = { ...payload, iss: provider.issuer, sub: input.sub, aud: client.clientId, iat, exp: iat + provider.config.ttl.idToken };
  return signJwt({ alg, kid, typ: 'JWT' }, claims, signer);
}
