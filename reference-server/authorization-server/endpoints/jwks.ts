/** The public signing keys (RFC 7517), current and retiring, each with its kid. */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { faultKeys } from '../keys/fault-keys.ts';

export const jwks: Endpoint = {
  name: 'jwks',
  register(router, provider) {
    router.get('/jwks', async (ctx) => {
      // Short: after a rotation, clients should see the new key soon.
      ctx.set('Cache-Control', 'public, max-age=60');
      ctx.remove('Pragma');
      ctx.type = 'application/jwk-set+json';
      // A key another instance made (a rotation) is published here too.
      await provider.keys.refresh();
      const jwks = provider.keys.jwks();
      // FAULT jwksPrivateRsaMembers, jwksSymmetricKey, jwksShortRsaKey, jwksEcKeyWithoutY, jwksContradictoryKeyOps, jwksDuplicateKid
      // (config/faults.ts, only to prove the harness): an extra key breaking one key-set rule each.
      ctx.body = { keys: [...jwks.keys, ...(await faultKeys(provider.config.faults))] };
    });
  },
  metadata(provider) {
    return { jwks_uri: endpointUrl(provider, '/jwks') };
  },
};
