/** The public signing keys (RFC 7517), current and retiring, each with its kid. */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from './provider.ts';

export const jwks: Endpoint = {
  name: 'jwks',
  register(router, provider) {
    router.get('/jwks', (ctx) => {
      // Short: after a rotation, clients should see the new key soon.
      ctx.set('Cache-Control', 'public, max-age=60');
      ctx.remove('Pragma');
      ctx.type = 'application/jwk-set+json';
      ctx.body = provider.keys.jwks();
    });
  },
  metadata(provider) {
    return { jwks_uri: endpointUrl(provider, '/jwks') };
  },
};
