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
    grantId,
    ...(request.resource !== undefined ? { resource: request.resource } : {}),
  };
  await provider.storage.upsert('AuthorizationCode', code, record, provider.config.ttl.authorizationCode);
  await rememberGrant(provider, session.account.sub, request.client.clientId, grantId);
  return code;
}
