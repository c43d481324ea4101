/** Proofs of the faults in reference-server/config/faults/protected-resource.ts: each fails its check of the protected-resource flow, on its arrow. */
import type { FaultProof } from '../support/catalogue.ts';

const flows = ['protected-resource'] as const;

export const protectedResourceProofs: FaultProof[] = [
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
