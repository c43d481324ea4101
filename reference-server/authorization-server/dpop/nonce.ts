/**
 * DPoP nonces of the token endpoint (RFC 9449 §8): random values handed out in the DPoP-Nonce
 * header and kept in storage, so that a nonce from one instance is accepted by another.
 */
import type { Provider } from '../provider.ts';
import { randomToken } from '../tokens/random.ts';

/** A nonce lives this long; a client asks again after a use_dpop_nonce answer (§8.2). */
const nonceTtlSeconds = 300;

export function dpopNonces(provider: Provider) {
  return {
    required: provider.config.dpop.requireNonce,
    async issue(): Promise<string> {
      const nonce = randomToken(16);
      await provider.storage.upsert('DpopNonce', nonce, {}, nonceTtlSeconds);
      return nonce;
    },
    async isValid(nonce: string): Promise<boolean> {
      // FAULT dpopNonceNeverAccepted (config/faults.ts, only to prove the harness): no nonce is valid.
      if (provider.config.faults.dpopNonceNeverAccepted) return false;
      return nonce.length <= 256 && (await provider.storage.find('DpopNonce', nonce)) !== undefined;
    },
  };
}
