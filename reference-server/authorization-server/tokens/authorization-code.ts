/**
 * The authorization code (RFC 6749 §4.1.2): its record and its issuing. Random, short-lived
 * (ttl.authorizationCode, RFC 6749 recommends at most 10 minutes), bound to client,
 * redirect_uri, PKCE challenge and nonce. Each code starts a grant: the id that later revokes
 * every token issued from it. The token endpoint redeems it (grants/authorization-code.ts).
 */
import type { Provider } from '../provider.ts';
import type { VerifiedRequest } from '../authorize/request.ts';
import type { SessionRecord } from '../interaction/session.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import { randomToken } from './random.ts';
import { formatScope } from '../scopes.ts';
import { rememberGrant } from '../interaction/consents.ts';
import { rememberSessionClient } from '../logout/session-clients.ts';

export interface AuthorizationCodeRecord extends StoredPayload {
  clientId: string;
  sub: string;
  accountDn: string;
  scope: string;
  redirectUri: string;
  /** Whether redirect_uri was in the authorization request (then it is required at the token endpoint). */
  redirectUriSent: boolean;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
  authTime: number;
  /** The session's sid, for the ID token (OIDC Back-Channel Logout 1.0 §2.1). */
  sid?: string;
  grantId: string;
  /** RFC 8707 §2: the resource of the authorization request, the aud of the tokens. */
  resource?: string;
}

export async function issueCode(provider: Provider, request: VerifiedRequest, session: SessionRecord): Promise<string> {
  const code = randomToken();
  const grantId = randomToken(16);
  const record: AuthorizationCodeRecord = {
    clientId: request.client.clientId,
    sub: session.account.sub,
    accountDn: session.account.dn,
    scope: formatScope(request.scopes),
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    authTime: session.authTime,
    sid: session.sid,
    grantId,
    ...(request.resource !== undefined ? { resource: request.resource } : {}),
  };
  await provider.storage.upsert('AuthorizationCode', code, record, provider.config.ttl.authorizationCode);
  await rememberGrant(provider, session.account.sub, request.client.clientId, grantId);
  if (session.sid) await rememberSessionClient(provider, session.sid, request.client.clientId);
  return code;
}
