/**
 * The response types that return tokens from the authorization endpoint:
 *   implicit (RFC 6749 §4.2, OIDC Core §3.2): token, id_token, id_token token
 *   hybrid (OIDC Core §3.3): code id_token, code token, code id_token token
 * A client gets them only when its response_types list them: they are off by default
 * (RFC 9700 §2.1.2), and the default config turns them on for the implicit and hybrid roles.
 * No refresh token ever comes from here (RFC 6749 §4.2.2). The ID token carries nonce (checked
 * as required by check-nonce.ts), at_hash for an access token and c_hash for a code issued
 * alongside it (OIDC Core §3.2.2.10, §3.3.2.11). Every token belongs to one grant, so a
 * code reuse or a consent withdrawal revokes the front-channel access token too.
 */
import type { Provider } from '../provider.ts';
import type { VerifiedRequest } from './request.ts';
import type { SessionRecord } from '../interaction/session.ts';
import type { ResponseTypeHandler } from './response-types.ts';
import { issueCode, type AuthorizationCodeRecord } from '../tokens/authorization-code.ts';
import { issueAccessToken } from '../tokens/access-token.ts';
import { rememberSessionClient } from '../logout/session-clients.ts';
import { issueIdToken } from '../tokens/id-token.ts';
import { randomToken } from '../tokens/random.ts';
import { formatScope } from '../scopes.ts';
import { rememberGrant } from '../interaction/consents.ts';
import { claimsFor } from '../accounts/claims.ts';

interface Parts {
  code: boolean;
  idToken: boolean;
  token: boolean;
}

async function frontChannelResponse(provider: Provider, request: VerifiedRequest, session: SessionRecord, parts: Parts): Promise<Record<string, string>> {
  const { client } = request;
  const { account, authTime } = session;
  const scope = formatScope(request.scopes);
  const response: Record<string, string> = {};

  let grantId: string;
  if (parts.code) {
    response.code = await issueCode(provider, request, session);
    // The code started the grant; tokens issued here join it.
    const record = await provider.storage.find<AuthorizationCodeRecord>('AuthorizationCode', response.code);
    grantId = record!.grantId;
  } else {
    grantId = randomToken(16);
    await rememberGrant(provider, account.sub, client.clientId, grantId);
    if (session.sid) await rememberSessionClient(provider, session.sid, client.clientId);
  }

  let accessToken: string | undefined;
  if (parts.token) {
    const issued = await issueAccessToken(provider, { client, scope, sub: account.sub, accountDn: account.dn, grantId, authTime });
    accessToken = issued.value;
    Object.assign(response, { access_token: issued.value, token_type: 'Bearer', expires_in: String(issued.expiresIn), scope });
  }

  if (parts.idToken) {
    // OIDC Core §5.4: with no access token at all (response_type id_token), the scope's claims go in the ID token.
    const claims = !parts.token && !parts.code ? await claimsFor(account, new Set(request.scopes), () => provider.groupsClaim.of(account)) : undefined;
    response.id_token = await issueIdToken(provider, { client, sub: account.sub, authTime, nonce: request.nonce, accessToken, code: response.code, claims, frontChannel: true, sid: session.sid });
  }
  return response;
}

const handler = (parts: Parts): ResponseTypeHandler => (provider, request, session) => frontChannelResponse(provider, request, session, parts);

/** Keyed by canonical response_type (response-types.ts canonicalResponseType). */
export const implicitAndHybridHandlers: Record<string, ResponseTypeHandler> = {
  token: handler({ code: false, idToken: false, token: true }),
  id_token: handler({ code: false, idToken: true, token: false }),
  'id_token token': handler({ code: false, idToken: true, token: true }),
  'code id_token': handler({ code: true, idToken: true, token: false }),
  'code token': handler({ code: true, idToken: false, token: true }),
  'code id_token token': handler({ code: true, idToken: true, token: true }),
};
