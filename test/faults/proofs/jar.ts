/** Proofs of the faults in reference-server/config/faults/jar.ts: each fails its check of the jar flow, on its arrow. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

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
    // The openid-connect flow's check for an OP without Request Objects (the reference has them, so a fault takes them away).
    fault: 'requestObjectsIgnoredUnadvertised',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'openid-connect/authn-request/request-parameter-refused-request-not-supported', step: '(1) AuthN Request', detail: /expected "request_not_supported", got no error/ },
    ],
  },
  {
    // The same for request_uri (OIDC Core §6.2): a fault takes them away and ignores them.
    fault: 'requestUrisIgnoredUnadvertised',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'openid-connect/authn-request/request-uri-refused-request-uri-not-supported', step: '(1) AuthN Request', detail: /expected "request_uri_not_supported", got no error/ },
    ],
  },
  {
    fault: 'requestObjectsRefused',
    flows,
    stops: true,
    expected: [
      { id: 'jar/by-value/signed-request-object-accepted', step: 'Authorization request by value (client_id, request: a signed Request Object)', detail: /got no code: the AS answered error "invalid_request_object"/ },
      { id: 'jar/by-reference/request-uri-request-object-accepted', step: 'Authorization request by reference (client_id, request_uri)', detail: /got no code: the AS answered error "invalid_request_object"/ },
    ],
  },
  {
    fault: 'requestObjectStateDropped',
    flows,
    expected: [
      { id: 'jar/by-value-response/request-object-state-returned', step: 'Code, with the state of the Request Object', detail: /state/ },
      { id: 'jar/by-reference/request-uri-request-object-accepted', step: 'Authorization request by reference (client_id, request_uri)', detail: /state/ },
    ],
  },
  {
    fault: 'requestObjectPkceDropped',
    flows,
    expected: [
      { id: 'jar/token/request-object-code-redeemed', step: "Exchanges the code (the object's redirect_uri, code_verifier)", detail: /HTTP status/ },
      // The by-reference client is public: without the object's code_challenge its request lacks the PKCE it must send.
      { id: 'jar/by-reference/request-uri-request-object-accepted', step: 'Authorization request by reference (client_id, request_uri)', detail: /got no code: the AS answered error "invalid_request"/ },
    ],
  },
  {
    fault: 'requestUriRefused',
    flows,
    expected: [{ id: 'jar/by-reference/request-uri-request-object-accepted', step: 'Authorization request by reference (client_id, request_uri)', detail: /a signed Request Object at a request_uri got no code: the AS answered error "invalid_request_uri"/ }],
  },
];
