/** Proofs of the faults in reference-server/config/faults/discovery.ts. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

const keySet = 'JSON Web Key Set';
const metadata = 'Provider metadata';
/** The JWKS faults add a key no token names: the flows that verify ID tokens and JWTs with the JWKS see nothing else. */
const jwksReaders = ['discovery', ...flowsUsing.idTokens] as const;

export const discoveryProofs: FaultProof[] = [
  {
    fault: 'jwksPrivateRsaMembers',
    flows: jwksReaders,
    expected: [{ id: 'discovery/jwks/no-private-rsa-members', step: keySet, detail: /^key "fault-private-rsa": publishes the private members d, p, q, dp, dq, qi$/ }],
  },
  {
    fault: 'jwksSymmetricKey',
    flows: jwksReaders,
    expected: [{ id: 'discovery/jwks/no-symmetric-keys', step: keySet, detail: /^key "fault-oct": is a symmetric key with its secret k$/ }],
  },
  {
    fault: 'jwksShortRsaKey',
    flows: jwksReaders,
    expected: [{ id: 'discovery/jwks/rsa-keys-least-2048-bits', step: keySet, detail: /^key "fault-rsa-1024": the modulus has 1024 bits, fewer than 2048$/ }],
  },
  {
    fault: 'jwksEcKeyWithoutY',
    flows: jwksReaders,
    expected: [{ id: 'discovery/jwks/ec-keys-have-crv-x-y-full-size', step: keySet, detail: /^key "fault-ec-no-y": y is missing or not base64url \(curve P-256\)$/ }],
  },
  {
    fault: 'jwksContradictoryKeyOps',
    flows: jwksReaders,
    expected: [{ id: 'discovery/jwks/use-and-key-ops-agree', step: keySet, detail: /^key "fault-key-ops": use "sig" but key_ops \["encrypt"\]$/ }],
  },
  {
    // The client-credentials suite signs its assertions with an algorithm the client has a key for, never from this list.
    fault: 'assertionAlgNoneAdvertised',
    flows: ['discovery', ...flowsUsing.clientAssertions],
    expected: [{ id: 'discovery/metadata/client-auth-signing-algs-exclude-none', step: metadata, detail: /^token_endpoint_auth_signing_alg_values_supported lists "none"$/ }],
  },
  {
    fault: 'metadataBooleanAsString',
    flows: ['discovery', 'openid-connect'],
    expected: [{ id: 'discovery/metadata/claims-parameter-supported-is-boolean', step: metadata, detail: /^claims_parameter_supported is "false" \(string\), not true or false$/ }],
  },
  {
    // registered-app-jwt's sample app reads the RFC 8414 document and rightly refuses it (RFC 8414
    // §3.3): it never registers, and its later arrows are skipped naming that.
    fault: 'oauthMetadataOtherIssuer',
    flows: ['discovery', 'registered-app-jwt', 'protected-resource'],
    alone: true,
    stops: true,
    expected: [
      { id: 'discovery/metadata/oauth-metadata-names-same-issuer', step: metadata, detail: /^issuer at \S+\/\.well-known\/oauth-authorization-server: expected "(http:\/\/127\.0\.0\.1:\d+)", got "\1\/"$/ },
      // An MCP client reads RFC 8414 first (MCP Authorization 2025-06-18) and finds the issuer changed.
      { id: 'protected-resource/as-metadata/issuer-identical', step: 'Reads the authorization server metadata', detail: /^issuer at \S+\/\.well-known\/oauth-authorization-server: expected "(http:\/\/127\.0\.0\.1:\d+)", got "\1\/"$/ },
      { id: 'registered-app-jwt/register/application-registers-itself-authorization-server', step: '0. register application', detail: /SampleAppError: discovery names issuer (http:\/\/127\.0\.0\.1:\d+)\/, not \1 \(RFC 8414 §3\.3\)/ },
    ],
  },
  {
    fault: 'metadataUrlWithFragment',
    flows: ['discovery'],
    expected: [{ id: 'discovery/metadata/op-policy-uri-is-url', step: metadata, detail: /^op_policy_uri "http:\/\/127\.0\.0\.1:\d+\/policy#terms" has a fragment$/ }],
  },
  {
    fault: 'metadataArrayAsString',
    flows: ['discovery'],
    expected: [{ id: 'discovery/metadata/ui-locales-supported-is-string-array', step: metadata, detail: /^ui_locales_supported is "en", not a JSON array$/ }],
  },
  {
    fault: 'jwksDuplicateKid',
    flows: jwksReaders,
    expected: [{ id: 'discovery/jwks/kids-distinct', step: keySet, status: 'warning', detail: /the same kid on several keys: kid "fault-duplicate" \(EC\) on 2 keys/ }],
  },
  {
    // Every other flow is skipped, naming the mismatch (test/harness/target.test.ts): it runs alone, through discovery only.
    fault: 'metadataOtherIssuer',
    flows: ['discovery'],
    alone: true,
    expected: [{ id: 'discovery/metadata/issuer-identical-target', step: metadata, detail: /^issuer: expected "(http:\/\/127\.0\.0\.1:\d+)", got "\1\/"$/ }],
  },
];
