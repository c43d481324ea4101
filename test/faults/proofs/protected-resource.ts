/** Proofs of the faults in reference-server/config/faults/protected-resource.ts: each fails its check of the protected-resource flow, on its arrow. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

const flows = ['protected-resource'] as const;

const signIn = 'Signs in: code, PKCE S256 and the resource';

export const protectedResourceProofs: FaultProof[] = [
  {
    fault: 'tokenlessRequestForbidden',
    flows: flowsUsing.resourceServer,
    expected: [
      // A MUST of MCP, which the reference is held to; a SHOULD of RFC 6750 where refresh-token judges it.
      { id: 'protected-resource/unauthenticated/unauthenticated-request-401-challenge', step: 'Request without a token', detail: /^HTTP status: a request without a token gets 401 \(RFC 6750 §3\.1, RFC 9110 §15\.5\.2\), got 403; the MCP authorization specification requires it$/ },
      { id: 'refresh-token/f-invalid-token/request-without-token-answered-bearer-challenge', step: '(F) Invalid Token Error', status: 'warning', detail: /^HTTP status: 401 is what a request without credentials gets \(RFC 6750 §3\.1, RFC 7235 §3\.1\), got 403/ },
    ],
  },
  {
    // An MCP client must refuse to proceed without it; elsewhere publishing it is RECOMMENDED (RFC 9700 §2.1.1).
    fault: 'pkceMethodsNotAdvertised',
    flows: ['discovery', 'authorization-code', 'registered-app-jwt', 'protected-resource'],
    expected: [
      { id: 'protected-resource/as-metadata/pkce-s256-advertised', step: 'Reads the authorization server metadata', detail: /^code_challenge_methods_supported: expected present, got nothing \(absent\)$/ },
      { id: 'discovery/metadata/code-challenge-methods-include-s256', step: 'Provider metadata', status: 'warning', detail: /^code_challenge_methods_supported is absent/ },
      { id: 'authorization-code/authorize/s256-code-challenge-method-supported', step: 'Redirects user to Authorization Server', status: 'warning', detail: /^the metadata has no code_challenge_methods_supported/ },
    ],
  },
  {
    fault: 'resourceMetadataNotJson',
    flows,
    expected: [{ id: 'protected-resource/resource-metadata/metadata-200-json', step: 'Reads the protected resource metadata', detail: /^the Content-Type: expected "application\/json", got "text\/plain"$/ }],
  },
  {
    // Without a code the exchange and the token's arrows have nothing to work with.
    fault: 'protectedResourceRefusedAtAuthorize',
    flows,
    stops: true,
    expected: [{ id: 'protected-resource/authorize/authorization-with-resource-code', step: signIn, detail: /invalid_target/ }],
  },
  {
    fault: 'resourceRefusedAtCodeExchange',
    flows,
    stops: true,
    expected: [{ id: 'protected-resource/token/token-for-resource-issued', step: 'Exchanges the code with the resource', detail: /^HTTP status of POST \/token: expected 200, got 400 with error "invalid_target"/ }],
  },
  {
    fault: 'protectedResourceAudienceRefused',
    flows: flowsUsing.resourceServer,
    expected: [{ id: 'protected-resource/resource-call/resource-accepts-token', step: 'Request with the access token', detail: /^HTTP status of GET \/resource: expected 200, got 401 with error "invalid_token"/ }],
  },
  {
    fault: 'resourceMetadataNotAdvertised',
    flows,
    expected: [{ id: 'protected-resource/challenge/challenge-names-resource-metadata', step: '401 naming its resource_metadata', detail: /^the 401 has no resource_metadata parameter in WWW-Authenticate$/ }],
  },
  {
    fault: 'resourceMetadataOtherResource',
    flows,
    expected: [{ id: 'protected-resource/resource-metadata/resource-identical-to-requested-url', step: 'Reads the protected resource metadata', detail: /^resource: expected "http:\/\/127\.0\.0\.1:\d+\/resource", got "http:\/\/127\.0\.0\.1:\d+"$/ }],
  },
  {
    fault: 'resourceMetadataWithoutAuthorizationServers',
    flows,
    expected: [{ id: 'protected-resource/resource-metadata/authorization-servers-listed', step: 'Reads the protected resource metadata', detail: /^authorization_servers is a non-empty array: expected true, got false$/ }],
  },
  {
    fault: 'unknownResourceAccepted',
    flows,
    expected: [{ id: 'protected-resource/authorize/unknown-resource-refused-invalid-target', step: 'Signs in: code, PKCE S256 and the resource', detail: /a code came back; RFC 8707 §2 says invalid_target/, status: 'warning' }],
  },
  {
    fault: 'resourceIndicatorIgnored',
    flows,
    expected: [{ id: 'protected-resource/access-token/token-audience-names-resource', step: 'An access token for the resource', detail: /does not name the resource http:\/\/127\.0\.0\.1:\d+\/resource it was asked for/, status: 'warning' }],
  },
  {
    fault: 'audienceNotChecked',
    flows,
    expected: [{ id: 'protected-resource/resource-call/token-for-another-audience-refused', step: 'Request with the access token', detail: /200/ }],
  },
];
