/**
 * The token endpoint (RFC 6749 §3.2): POST, form-encoded, client authenticated, then
 * dispatched to the module of its grant_type (grants/).
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { authenticateClient, authMethods } from '../client-auth/index.ts';
import { assertionAlgorithms } from '../client-auth/private-key-jwt.ts';
import { grantHandlers } from '../grants/index.ts';
import { UnauthorizedClient, UnsupportedGrantType } from '../errors.ts';
import { tokenRequestProof } from '../dpop/token-request.ts';
import { dpopAlgorithms } from '../dpop/proof.ts';

export const token: Endpoint = {
  name: 'token',
  register(router, provider) {
    router.post('/token', async (ctx) => {
      const form = await readForm(ctx);
      const client = await authenticateClient(provider, ctx, form, endpointUrl(provider, '/token'));
      const grantType = form.require('grant_type');
      const handler = Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined;
      if (!handler) throw new UnsupportedGrantType(`grant_type "${grantType.slice(0, 100)}" is not supported`);
      if (!client.grantTypes.includes(grantType)) throw new UnauthorizedClient(`the client may not use grant_type ${grantType}`);
      const dpop = await tokenRequestProof(provider, ctx);
      ctx.body = await handler({ provider, ctx, form, client, dpop });
    });
  },
  metadata(provider) {
    return {
      token_endpoint: endpointUrl(provider, '/token'),
      // implicit is served by the authorization endpoint, not here, but is a grant type all the same (RFC 8414 §2).
      grant_types_supported: [...Object.keys(grantHandlers), 'implicit'],
      token_endpoint_auth_methods_supported: Object.keys(authMethods),
      // RFC 9449 §5.1.
      dpop_signing_alg_values_supported: dpopAlgorithms,
      // FAULT assertionAlgNoneAdvertised (config/faults.ts, only to prove the harness): "none" advertised, never accepted.
      token_endpoint_auth_signing_alg_values_supported: provider.config.faults.assertionAlgNoneAdvertised ? [...assertionAlgorithms, 'none'] : assertionAlgorithms,
    };
  },
};
