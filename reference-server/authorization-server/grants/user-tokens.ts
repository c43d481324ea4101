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
  /** Keeps a rotated family's absolute expiry. */
  familyExp?: number;
  /** RFC 8707 §2: the resource the access token is for (its aud); default the resource server's audience. */
  resource?: string;
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
  });
  const body: Record<string, unknown> = {
    access_token: accessToken.value,
    token_type: 'Bearer',
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
    });
  }
  if (grant.scope.split(' ').includes('openid')) {
    body.id_token = await issueIdToken(provider, {
      client,
      sub: grant.sub,
      authTime: grant.authTime,
      nonce: grant.nonce,
      accessToken: accessToken.value,
    });
  }
  return body;
}
