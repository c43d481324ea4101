/**
 * The DPoP proof of a token request (RFC 9449 §5): optional, but when present it must pass
 * every §4.3 check, and the tokens issued are bound to its key (token_type DPoP, cnf.jkt).
 * A refused proof is invalid_dpop_proof; a missing or stale nonce is use_dpop_nonce with a
 * fresh DPoP-Nonce header (§8).
 */
import type { Context } from 'koa';
import { UseDpopNonce } from '../errors.ts';
import type { Provider } from '../provider.ts';
import { endpointUrl } from '../provider.ts';
import { dpopHeader, verifyDpopProof, type DpopProof } from './proof.ts';
import { dpopNonces } from './nonce.ts';

export async function tokenRequestProof(provider: Provider, ctx: Context): Promise<DpopProof | undefined> {
  const proof = dpopHeader(ctx.req.headers.dpop);
  if (proof === undefined) return undefined;
  const { faults } = provider.config;
  const url = endpointUrl(provider, '/token');
  const nonces = dpopNonces(provider);
  try {
    return await verifyProof();
  } catch (error) {
    // FAULT dpopNonceWithoutHeader (config/faults.ts, only to prove the harness): use_dpop_nonce without DPoP-Nonce.
    if (error instanceof UseDpopNonce && faults.dpopNonceWithoutHeader) delete (error.headers as Record<string, string>)['DPoP-Nonce'];
    throw error;
  }
  function verifyProof() {
    return verifyDpopProof(proof!, {
    // FAULT dpopHtmIgnored (config/faults.ts, only to prove the harness): htm is not compared.
    method: faults.dpopHtmIgnored ? undefined : 'POST',
    // FAULT dpopHtuIgnored (config/faults.ts, only to prove the harness): htu is not compared.
    url: faults.dpopHtuIgnored ? undefined : url,
    now: provider.now(),
    // FAULT dpopTokenIatIgnored (config/faults.ts, only to prove the harness): no nonce is asked
    // (which §8 allows) and any iat is accepted, so nothing tells a fresh proof from a stale one.
    iatWindow: faults.dpopTokenIatIgnored ? 10 * 365 * 86400 : provider.config.dpop.iatWindowSeconds,
    storage: provider.storage,
    nonce: faults.dpopTokenIatIgnored ? { ...nonces, required: false } : nonces,
    // FAULT dpopReplayAccepted (config/faults.ts, only to prove the harness): jti is not remembered.
    replay: !faults.dpopReplayAccepted,
    });
  }
}
