/** Proofs of the faults in reference-server/config/faults/authorization.ts. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

export const authorizationProofs: FaultProof[] = [
  {
    fault: 'reusableCodes',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token/code-reuse-refused',
      step: 'Exchanges Authorization Code for Access Token',
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
  {
    fault: 'prefixRedirectUri',
    group: 'redirect-uri-matching',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/redirect-uri-sharing-only-prefix-registered-one',
      step: 'Redirects user to Authorization Server',
      detail: /expected no redirect to \S+, the browser was sent to \S+\/callback\.attacker\/x with code/,
    },
    // Prefix matching accepts every longer variant of the registered URI the suite tries too.
    ...['redirect-uri-extra-query-refused', 'redirect-uri-trailing-slash-refused', 'redirect-uri-fragment-refused', 'redirect-uri-dot-segments-refused'].map((check) => ({
      id: `authorization-code/authorize/${check}`,
      step: 'Redirects user to Authorization Server',
      detail: /^expected no redirect to \S+, the browser was sent to \S+ with /,
    }))],
  },
  {
    fault: 'ignorePkce',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token/wrong-code-verifier-refused',
      step: 'Exchanges Authorization Code for Access Token',
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
  {
    fault: 'redirectUriPathCaseInsensitive',
    group: 'redirect-uri-matching',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/redirect-uri-path-case-refused',
      step: 'Redirects user to Authorization Server',
      detail: /expected no redirect to \S+\/CALLBACK, the browser was sent to \S+\/CALLBACK with code/,
    }],
  },
  {
    fault: 'redirectUriQueryIgnored',
    group: 'redirect-uri-matching',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/redirect-uri-extra-query-refused',
      step: 'Redirects user to Authorization Server',
      detail: /expected no redirect to \S+\/callback\?nauthera=extra, the browser was sent to \S+ with [\w, ]*\bcode\b/,
    }],
  },
  {
    fault: 'duplicateParametersAccepted',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/duplicate-parameter-refused',
      step: 'Redirects user to Authorization Server',
      detail: /^the AS issued code/,
    }],
  },
  {
    fault: 'unsupportedResponseTypeAsInvalidRequest',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/unsupported-response-type-refused-error-code',
      step: 'Redirects user to Authorization Server',
      detail: /invalid_request/,
    }],
  },
  {
    fault: 'plainPkceAccepted',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/unsupported-plain-code-challenge-method-refused',
      step: 'Redirects user to Authorization Server',
      detail: /^the AS issued code/,
    }],
  },
  {
    fault: 'errorsWithoutState',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/error-responses-carry-state',
      step: 'Redirects user to Authorization Server',
      detail: /carries state \(none\)/,
    }],
  },
  {
    fault: 'stateFormDecoded',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorization-response/state-special-characters-echoed-exactly',
      step: 'Provides Authorization Code',
      detail: /^state mismatch/,
    }],
  },
  {
    fault: 'noPragmaOnCodeExchange',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token-response/token-response-pragma-no-cache',
      step: 'Provides Access Token (and optionally a Refresh Token)',
      detail: /Pragma/,
    }],
  },
  {
    fault: 'redirectUriOptionalAtToken',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token/missing-redirect-uri-refused',
      step: 'Exchanges Authorization Code for Access Token',
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
  {
    fault: 'redirectUriSlashInsensitiveAtToken',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token/redirect-uri-trailing-slash-refused',
      step: 'Exchanges Authorization Code for Access Token',
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
  {
    fault: 'codeChallengeInResponse',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorization-response/code-challenge-not-in-authorization-response',
      step: 'Provides Authorization Code',
      detail: /the code_challenge appears in the authorization response \(code_challenge\)/,
    }],
  },
  {
    fault: 'emptyResponseModeKept',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorization-response/empty-parameters-treated-as-omitted',
      step: 'Provides Authorization Code',
      detail: /invalid_request/,
    }],
  },
];
