/**
 * A client nobody here wrote: openid-client v6 (npm) runs authorization code + PKCE, refresh
 * and client credentials (with client_secret_basic, client_secret_post and private_key_jwt)
 * against the reference server, doing its own discovery, iss (RFC 9207), state, nonce and
 * ID token validation. The browser step follows the redirects with fetch and a cookie jar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { importJWK, type CryptoKey } from 'jose';
import { startReferenceServer, type RunningReference } from '../../reference-server/index.ts';
import { authorize, redirectUri } from './support/user-agent.ts';
import { client, user } from './support/oauth.ts';

let ref: RunningReference;

beforeAll(async () => {
  ref = await startReferenceServer();
});
afterAll(async () => {
  await ref?.stop();
});

// The reference server runs on http://127.0.0.1: openid-client needs allowInsecureRequests for that.
const insecure = { execute: [oidc.allowInsecureRequests] };

async function configFor(role: string): Promise<oidc.Configuration> {
  const c = client(ref, role);
  const issuer = new URL(ref.issuer);
  switch (c.token_endpoint_auth_method) {
    case 'none':
      return oidc.discovery(issuer, c.client_id, undefined, oidc.None(), insecure);
    case 'client_secret_post':
      return oidc.discovery(issuer, c.client_id, undefined, oidc.ClientSecretPost(c.client_secret), insecure);
    case 'private_key_jwt':
      return oidc.discovery(issuer, c.client_id, undefined, oidc.PrivateKeyJwt({ key: (await importJWK(c.private_jwk!, 'ES256')) as CryptoKey, kid: c.private_jwk!.kid }), insecure);
    default:
      return oidc.discovery(issuer, c.client_id, undefined, oidc.ClientSecretBasic(c.client_secret), insecure);
  }
}

async function codeFlow(role: string) {
  const config = await configFor(role);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email groups api:read',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const outcome = await authorize(ref, url, { signIn: user(ref, 'user') });
  expect(outcome.callback, outcome.page?.slice(-300)).toBeDefined();
  const tokens = await oidc.authorizationCodeGrant(config, outcome.callback!, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  return { config, tokens };
}

describe('openid-client against the reference server', () => {
  it('discovers the server', async () => {
    const config = await configFor('confidential');
    expect(config.serverMetadata().issuer).toBe(ref.issuer);
    expect(config.serverMetadata().supportsPKCE()).toBe(true);
  });

  it('runs authorization code + PKCE for a confidential client, then UserInfo', async () => {
    const { config, tokens } = await codeFlow('confidential');
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(ref.issuer);
    expect(claims.aud).toBe('confidential');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, preferred_username: 'alice', email: 'alice@nauthera.test' });
  });

  it('runs authorization code + PKCE for a public client', async () => {
    const { tokens } = await codeFlow('public');
    expect(tokens.claims()!.aud).toBe('public');
  });

  it('refreshes, gets a rotated refresh token, and cannot reuse the old one', async () => {
    const { config, tokens } = await codeFlow('confidential');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.sub).toBe(tokens.claims()!.sub);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('introspects and revokes the tokens', async () => {
    const { config, tokens } = await codeFlow('opaque');
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
  });

  it.each(['service', 'service-post', 'service-jwt'])('runs client credentials for %s, with no refresh token', async (role) => {
    const config = await configFor(role);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api:read' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('api:read');
    expect(tokens.refresh_token).toBeUndefined();
    const resource = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(resource.status).toBe(200);
  });

  it('surfaces a wrong client secret as invalid_client', async () => {
    const config = await oidc.discovery(new URL(ref.issuer), 'service', undefined, oidc.ClientSecretBasic('wrong'), insecure);
    // openid-client reports a 401 with WWW-Authenticate as a challenge error; the body holds the RFC code.
    const error = await oidc.clientCredentialsGrant(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    const { response } = error as oidc.WWWAuthenticateChallengeError;
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });
});
