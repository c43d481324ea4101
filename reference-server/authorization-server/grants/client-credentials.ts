/**
 * grant_type=client_credentials (RFC 6749 §4.4): the client acts for itself, so only
 * non-user scopes, and no refresh token (§4.4.3). A `resource` indicator (RFC 8707 §2) must
 * name the resource server this AS issues tokens for: anything else is invalid_target.
 */
import type { GrantHandler } from './grant.ts';
import { InvalidScope, InvalidTarget } from '../errors.ts';
import { formatScope, parseScope, userScopes } from '../scopes.ts';
import { issueAccessToken } from '../tokens/access-token.ts';

export const clientCredentials: GrantHandler = async ({ provider, form, client }) => {
  const allowed = [...client.scopes].filter((s) => !userScopes.has(s));
  let scopes = parseScope(form.get('scope'));
  // RFC 6749 §3.3: without a scope, the pre-defined default: everything the client may ask for.
  if (scopes.length === 0) scopes = allowed;
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for client_credentials: ${refused.join(' ')}`);
  const resource = form.get('resource');
  if (resource !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(resource);
    } catch {
      url = undefined;
    }
    if (!url || url.hash || resource.includes('#')) throw new InvalidTarget('resource must be an absolute URI without a fragment (RFC 8707 §2)');
    if (resource.replace(/\/$/, '') !== provider.resourceAudience.replace(/\/$/, '')) throw new InvalidTarget('the resource is not one this authorization server issues tokens for');
  }
  const scope = formatScope(scopes);
  const token = await issueAccessToken(provider, { client, scope });
  // FAULT expiresInMilliseconds (config/faults.ts, only to prove the harness): the lifetime is stated in ms.
  const expiresIn = provider.config.faults.expiresInMilliseconds ? token.expiresIn * 1000 : token.expiresIn;
  return { access_token: token.value, token_type: 'Bearer', expires_in: expiresIn, scope };
};
