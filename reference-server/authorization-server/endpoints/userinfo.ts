/**
 * UserInfo (OIDC Core §5.3): GET or POST with a bearer token that carries openid; the claims
 * of the granted scopes, read fresh from LDAP.
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { bearerToken } from '../bearer-token.ts';
import { findAccessToken } from '../tokens/access-token.ts';
import { InsufficientScope, InvalidToken, OAuthError, TemporarilyUnavailable } from '../errors.ts';
import { claimsFor, claimsSupported } from '../accounts/claims.ts';
import { DirectoryUnavailable } from '../accounts/ldap-connection.ts';

export const userinfo: Endpoint = {
  name: 'userinfo',
  register(router, provider) {
    const handler = async (ctx: import('koa').Context) => {
      const token = await bearerToken(ctx);
      const record = await findAccessToken(provider, token);
      // FAULT userinfoNoChallenge (config/faults.ts, only to prove the harness): the 401 comes without WWW-Authenticate.
      if (!record && provider.config.faults.userinfoNoChallenge) throw new OAuthError('invalid_token', 'the access token is invalid, expired or revoked', 401);
      if (!record) throw new InvalidToken();
      const scopes = new Set(record.scope.split(' '));
      if (!scopes.has('openid') || !record.sub || !record.accountDn) throw new InsufficientScope('openid');
      try {
        const account = await provider.accounts.findByDn(record.accountDn);
        if (!account || account.sub !== record.sub) throw new InvalidToken('the account of this token no longer exists');
        const claims = await claimsFor(account, scopes, () => provider.groupsClaim.of(account));
        // FAULT userinfoSubIsUsername (config/faults.ts, only to prove the harness): sub is the username.
        if (provider.config.faults.userinfoSubIsUsername) claims.sub = account.username;
        // FAULT emailVerifiedString (config/faults.ts, only to prove the harness): email_verified as a string.
        if (provider.config.faults.emailVerifiedString && typeof claims.email_verified === 'boolean') claims.email_verified = String(claims.email_verified);
        ctx.body = claims;
      } catch (error) {
        if (error instanceof DirectoryUnavailable) throw new TemporarilyUnavailable('the directory is unavailable');
        throw error;
      }
    };
    router.get('/userinfo', handler);
    // FAULT userinfoGetOnly (config/faults.ts, only to prove the harness): no POST.
    if (!provider.config.faults.userinfoGetOnly) router.post('/userinfo', handler);
  },
  metadata(provider) {
    return { userinfo_endpoint: endpointUrl(provider, '/userinfo'), claims_supported: ['iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'c_hash', 'amr', 'azp', ...claimsSupported()] };
  },
};
