/**
 * Client authentication at the token, PAR, device, introspection and revocation
 * endpoints, by the client's token_endpoint_auth_method (RFC 6749 §2.3, OIDC Core §9).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK, type JWK } from 'jose';
import { basicAuthorization, type ClientAuthenticator } from '../http/client.ts';
import type { TargetClient } from './model.ts';

function algOf(jwk: JWK): string {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  throw new Error(`cannot pick a signing alg for a ${jwk.kty} key; set "alg" in private_jwk`);
}

/** RFC 7523 §3 client assertion; aud is the token endpoint (OIDC Core §9), which RFC 9126 §2 also accepts for PAR. */
export async function clientAssertion(client: TargetClient, audience: string): Promise<string> {
  if (!client.private_jwk) throw new Error(`client ${client.client_id} uses private_key_jwt but has no private_jwk`);
  const alg = algOf(client.private_jwk);
  const key = await importJWK(client.private_jwk, alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(client.private_jwk.kid ? { kid: client.private_jwk.kid } : {}) })
    .setIssuer(client.client_id)
    .setSubject(client.client_id)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .sign(key);
}

/** The authenticator ctx.http uses; `audience` is the token endpoint of the target. */
export function clientAuthenticator(audience: string): ClientAuthenticator {
  return async (client, request) => {
    const method = client.token_endpoint_auth_method;
    switch (method) {
      case 'client_secret_basic':
        request.headers.authorization = basicAuthorization(client.client_id, client.client_secret ?? '');
        return;
      case 'client_secret_post':
        request.form.client_id = client.client_id;
        request.form.client_secret = client.client_secret ?? '';
        return;
      case 'private_key_jwt':
        request.form.client_id = client.client_id;
        request.form.client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
        request.form.client_assertion = await clientAssertion(client, audience);
        return;
      case 'none':
        request.form.client_id = client.client_id;
        return;
      default:
        throw new Error(`client ${client.client_id}: token_endpoint_auth_method "${method}" is not supported by nauthera`);
    }
  };
}
