/**
 * grant_type=client_credentials (RFC 6749 §4.4): the client acts for itself, so only
 * non-user scopes, and no refresh token (§4.4.3).
 */
import type { GrantHandler } from './grant.ts';
import { InvalidScope } from '../errors.ts';
import { formatScope, parseScope, userScopes } from '../scopes.ts';
import { issueAccessToken } from '../tokens/access-token.ts';

export const clientCredentials: GrantHandler = async ({ provider, form, client }) => {
  const allowed = [...client.scopes].filter((s) => !userScopes.has(s));
  let scopes = parseScope(form.get('scope'));
  // RFC 6749 §3.3: without a scope, the pre-defined default: everything the client may ask for.
  if (scopes.length === 0) scopes = allowed;
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for client_credentials: ${refused.join(' ')}`);
  const scope = formatScope(scopes);
  const token = await issueAccessToken(provider, { client, scope });
  return { access_token: token.value, token_type: 'Bearer', expires_in: token.expiresIn, scope };
};
