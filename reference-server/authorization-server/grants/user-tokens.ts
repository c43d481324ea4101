/**
 * The token response for grants that act for an end-user (authorization code, refresh):
 * access token, a rotated or new refresh token when the client may refresh, and an ID
 * token when openid was granted.
 */
import type { Provider } from '../provider.ts';
import type { Client } from '../clients.ts';
import { issueAccessToken } from '../tokens/access-token.ts';
import { issueRefreshToken } from '../tokens/refresh-token.ts';
import { issueIdToken } from '../tokens/id-token.ts';

export interface UserGrant {
  client: Client;
  sub: string;
  accountDn: string;
  /** Scope of the new access token. */
  scope: string;
  /** Scope the refresh token keeps: the ceiling of later refreshes (RFC 6749 §6). */
  grantedScope: string;
  grantId: string;
  authTime: number;
  nonce?: string;
  /** The session's sid for the ID token (OIDC Back-Channel Logout 1.0 §2.1), from the code. */
  sid?: string;
  /** Keeps a rotated family's absolute expiry. */
  familyExp?: number;
  /** RFC 8707 §2: the resource the access token is for (its aud); default the resource server's audience. */
  resource?: string;
  /** The DPoP key of the request (RFC 9449 §5): the tokens are bound to it. */
  jkt?: string;
}

export async function userTokenResponse(provider: Provider, grant: UserGrant): Promise<Record<string, unknown>> {
  const { client } = grant;
  const accessToken = await issueAccessToken(provider, {
    client,
    scope: grant.scope,
    sub: grant.sub,
    accountDn: grant.accountDn,
    grantId: grant.grantId,
    authTime: grant.authTime,
    // FAULT resourceIndicatorIgnored (config/faults.ts, only to prove the harness): the aud is the resource server's whatever was asked.
    ...(grant.resource !== undefined && !provider.config.faults.resourceIndicatorIgnored ? { audience: grant.resource } : {}),
    jkt: grant.jkt,
  });
  const body: Record<string, unknown> = {
    access_token: accessToken.value,
    // FAULT dpopTokenTypeBearer (config/faults.ts, only to prove the harness): a bound token says Bearer.
    token_type: grant.jkt && !provider.config.faults.dpopTokenTypeBearer ? 'DPoP' : 'Bearer',
    expires_in: accessToken.expiresIn,
    scope: grant.scope,
  };
  if (client.grantTypes.includes('refresh_token')) {
    body.refresh_token = await issueRefreshToken(provider, {
      clientId: client.clientId,
      sub: grant.sub,
      accountDn: grant.accountDn,
      scope: grant.grantedScope,
      grantId: grant.grantId,
      authTime: grant.authTime,
      familyExp: grant.familyExp,
      // RFC 9449 §5: only public clients' refresh tokens are bound (a confidential client authenticates).
      ...(grant.jkt && client.isPublic ? { jkt: grant.jkt } : {}),
    });
  }
  if (grant.scope.split(' ').includes('openid')) {
    body.id_token = await issueIdToken(provider, {
      client,
      sub: grant.sub,
      authTime: grant.authTime,
      nonce: grant.nonce,
      accessToken: accessToken.value,
      sid: grant.sid,
    });
  }
  return body;
}
