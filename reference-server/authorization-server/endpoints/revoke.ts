/**
 * Token revocation (RFC 7009). A client revokes only its own tokens (§2.1). Revoking a
 * refresh token revokes its whole grant, access tokens included (§2.1 SHOULD); revoking an
 * access token revokes that token. An unknown or already invalid token still gets 200 (§2.2).
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { authenticateClient, authMethods } from '../client-auth/index.ts';
import { assertionAlgorithms } from '../client-auth/private-key-jwt.ts';
import { InvalidRequest } from '../errors.ts';
import { accessTokenStorageId, findAccessToken } from '../tokens/access-token.ts';
import type { RefreshTokenRecord } from '../tokens/refresh-token.ts';

export const revoke: Endpoint = {
  name: 'revocation',
  register(router, provider) {
    router.post('/revoke', async (ctx) => {
      const form = await readForm(ctx);
      const client = await authenticateClient(provider, ctx, form, endpointUrl(provider, '/revoke'));
      const token = form.require('token');
      const hint = form.get('token_type_hint');
      let order = hint === 'refresh_token' ? [revokeRefresh, revokeAccess] : [revokeAccess, revokeRefresh];
      // FAULT revocationHintNotExtended (config/faults.ts, only to prove the harness): a token is looked for only as the type its hint names.
      if (provider.config.faults.revocationHintNotExtended && (hint === 'refresh_token' || hint === 'access_token')) order = order.slice(0, 1);
      for (const attempt of order) if (await attempt(token, client.clientId)) break;
      ctx.status = 200;
      ctx.body = '';
    });

    async function revokeAccess(token: string, clientId: string): Promise<boolean> {
      const record = await findAccessToken(provider, token);
      if (!record) return false;
      // FAULT revokeOtherClientsTokens (config/faults.ts, only to prove the harness): the token's client is not compared.
      if (record.clientId !== clientId && !provider.config.faults.revokeOtherClientsTokens) throw new InvalidRequest('the token was not issued to this client');
      await provider.storage.destroy('AccessToken', accessTokenStorageId(record, token));
      return true;
    }

    async function revokeRefresh(token: string, clientId: string): Promise<boolean> {
      const record = await provider.storage.find<RefreshTokenRecord>('RefreshToken', token);
      if (!record) return false;
      if (record.clientId !== clientId) throw new InvalidRequest('the token was not issued to this client');
      await provider.storage.revokeByGrant(record.grantId);
      // FAULT revokedRefreshTokenUsable (config/faults.ts, only to prove the harness): the grant's access
      // tokens are revoked, the refresh token itself is put back.
      if (provider.config.faults.revokedRefreshTokenUsable) await provider.storage.upsert('RefreshToken', token, record, Math.max(1, record.familyExp - provider.now()));
      return true;
    }
  },
  metadata(provider) {
    return {
      revocation_endpoint: endpointUrl(provider, '/revoke'),
      revocation_endpoint_auth_methods_supported: Object.keys(authMethods),
      revocation_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
    };
  },
};
