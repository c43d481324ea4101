/** Proofs of the faults in reference-server/config/faults/dpop.ts: each fails its check of the dpop flow, on its arrow. */
import type { FaultProof } from '../support/catalogue.ts';

const flows = ['dpop'] as const;
const nonceArrow = 'use_dpop_nonce with a DPoP-Nonce header';
const retryArrow = 'Retries with the nonce in a new proof';
const boundArrow = 'DPoP-bound access token (token_type DPoP, cnf.jkt)';
const resourceArrow = 'Calls with DPoP and a proof carrying ath';
const refreshArrow = 'Refreshes with a proof of the same key';
const accepted = (what: RegExp) => new RegExp(`${what.source} was accepted \\(HTTP 200\\)`);

export const dpopProofs: FaultProof[] = [
  {
    fault: 'dpopNonceWithoutHeader',
    flows,
    alone: true,
    stops: true,
    expected: [{ id: 'dpop/nonce-challenge/nonce-header-with-use-dpop-nonce', step: nonceArrow, detail: /use_dpop_nonce came without a DPoP-Nonce header/ }],
  },
  {
    fault: 'dpopNonceNeverAccepted',
    flows,
    alone: true,
    stops: true,
    expected: [{ id: 'dpop/nonce-retry/nonce-retry-accepted', step: retryArrow, detail: /expected 200, got 400 with error "use_dpop_nonce"/ }],
  },
  {
    fault: 'dpopTokenTypeBearer',
    flows,
    expected: [
      { id: 'dpop/bound-token/token-type-dpop', step: boundArrow, detail: /token_type.*"DPoP".*"Bearer"/ },
      { id: 'dpop/refresh/refresh-same-key-bound', step: refreshArrow, detail: /token_type.*"DPoP".*"Bearer"/ },
    ],
  },
  {
    fault: 'dpopNoCnf',
    flows,
    // Without cnf the resource server cannot tell the token is bound: it refuses the DPoP scheme
    // and takes the token as a bearer token, two consequences of the one missing claim. Alone:
    // the resource server's other faults would not be seen behind it.
    alone: true,
    expected: [
      { id: 'dpop/bound-token/access-token-cnf-jkt', step: boundArrow, detail: /cnf\.jkt of the JWT access token/ },
      { id: 'dpop/resource-call/resource-accepts-dpop', step: resourceArrow, detail: /expected 200, got 401 with error "invalid_token"/ },
      { id: 'dpop/resource-call/resource-refuses-bearer', step: resourceArrow, detail: accepted(/the DPoP-bound token presented as a Bearer token/) },
    ],
  },
  { fault: 'dpopHtmIgnored', flows, expected: [{ id: 'dpop/refresh/token-refuses-wrong-htm', step: refreshArrow, detail: accepted(/a proof for GET on the POST token request/) }] },
  {
    // Without a nonce asked the nonce arrows are not applicable (§8 lets an AS ask none), and
    // nothing but iat can tell the stale proof: the check has no nonce to excuse it with.
    fault: 'dpopTokenIatIgnored',
    flows,
    expected: [{ id: 'dpop/refresh/token-refuses-stale-iat', step: refreshArrow, detail: accepted(/a proof issued 3600 s ago/) }],
  },
  { fault: 'dpopHtuIgnored', flows, expected: [{ id: 'dpop/refresh/token-refuses-wrong-htu', step: refreshArrow, detail: accepted(/a proof for another URI/) }] },
  {
    fault: 'dpopReplayAccepted',
    flows,
    expected: [{ id: 'dpop/refresh/token-refuses-replay', step: refreshArrow, status: 'warning', detail: /the code exchange's proof replayed on a refresh was accepted \(HTTP 200\)/ }],
  },
  { fault: 'dpopRefreshProofOptional', flows, expected: [{ id: 'dpop/refresh/refresh-without-proof-refused', step: refreshArrow, detail: accepted(/a refresh of the public client's bound refresh token without a proof/) }] },
  { fault: 'dpopRefreshKeyIgnored', flows, expected: [{ id: 'dpop/refresh/refresh-other-key-refused', step: refreshArrow, detail: accepted(/a refresh of the public client's bound refresh token with a proof of another key/) }] },
  {
    fault: 'dpopResourceBearerOnly',
    flows,
    alone: true,
    expected: [
      { id: 'dpop/resource-call/resource-accepts-dpop', step: resourceArrow, detail: /expected 200, got 400/ },
      { id: 'dpop/resource-call/resource-refuses-bearer', step: resourceArrow, detail: accepted(/the DPoP-bound token presented as a Bearer token/) },
    ],
  },
  {
    fault: 'dpopResourceAcceptsBearer',
    flows,
    group: 'dpop-resource-scheme',
    expected: [{ id: 'dpop/resource-call/resource-refuses-bearer', step: resourceArrow, detail: accepted(/the DPoP-bound token presented as a Bearer token/) }],
  },
  { fault: 'dpopResourceAthIgnored', flows, expected: [{ id: 'dpop/resource-call/resource-refuses-missing-ath', step: resourceArrow, detail: accepted(/a proof without ath/) }] },
  { fault: 'dpopResourceHtmIgnored', flows, expected: [{ id: 'dpop/resource-call/resource-refuses-wrong-htm', step: resourceArrow, detail: accepted(/a proof for POST on a GET/) }] },
  { fault: 'dpopResourceHtuIgnored', flows, expected: [{ id: 'dpop/resource-call/resource-refuses-wrong-htu', step: resourceArrow, detail: accepted(/a proof for another URI/) }] },
  { fault: 'dpopResourceIatIgnored', flows, expected: [{ id: 'dpop/resource-call/resource-refuses-stale-iat', step: resourceArrow, detail: accepted(/a proof issued 3600 s ago/) }] },
  { fault: 'dpopResourceKeyIgnored', flows, expected: [{ id: 'dpop/resource-call/resource-refuses-other-key', step: resourceArrow, detail: accepted(/a proof signed by another key/) }] },
  {
    fault: 'dpopResourceReplayAccepted',
    flows,
    expected: [{ id: 'dpop/resource-call/resource-refuses-replay', step: resourceArrow, status: 'warning', detail: /a replayed proof \(same jti\) was accepted \(HTTP 200\)/ }],
  },
];
