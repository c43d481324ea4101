/** Proofs of the faults in reference-server/config/faults/jar.ts: each fails its check of the jar flow, on its arrow. */
import type { FaultProof } from '../support/catalogue.ts';

const flows = ['jar'] as const;
const refusals = 'Request Objects the AS must refuse, and parameters beside one';
const answered = (what: RegExp) => new RegExp(`^${what.source}.* was answered with a code`);

export const jarProofs: FaultProof[] = [
  {
    fault: 'requestObjectQueryParamsPreferred',
    flows,
    expected: [{ id: 'jar/refusals/parameters-beside-request-object-not-used', step: refusals, detail: /carries the state sent beside the Request Object/ }],
  },
  {
    fault: 'requestObjectAnyKeyAccepted',
    flows,
    expected: [{ id: 'jar/refusals/request-object-signed-by-another-key-refused', step: refusals, detail: answered(/a Request Object signed by a key that is not the client's/) }],
  },
  {
    fault: 'requestObjectClientIdUnchecked',
    flows,
    expected: [{ id: 'jar/refusals/request-object-client-id-mismatch-refused', step: refusals, detail: answered(/a Request Object naming another client_id than the request/) }],
  },
  {
    fault: 'requestObjectExpiryIgnored',
    flows,
    expected: [{ id: 'jar/refusals/expired-request-object-refused', step: refusals, detail: answered(/a Request Object that expired ten minutes ago/) }],
  },
  {
    fault: 'requestObjectAlgNoneAccepted',
    flows,
    expected: [{ id: 'jar/refusals/unsigned-request-object-refused', step: refusals, detail: answered(/an unsigned Request Object \(alg none\)/) }],
  },
  {
    fault: 'signedRequestObjectNotRequired',
    flows,
    expected: [{ id: 'jar/refusals/plain-request-refused-signed-object-required', step: refusals, detail: answered(/a plain authorization request \(no Request Object\)/) }],
  },
  {
    fault: 'requestUriRefused',
    flows,
    expected: [{ id: 'jar/by-reference/request-uri-request-object-accepted', step: 'Authorization request by reference (client_id, request_uri)', detail: /a signed Request Object at a request_uri got no code: the AS answered error "invalid_request_uri"/ }],
  },
];
