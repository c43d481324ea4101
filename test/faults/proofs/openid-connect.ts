/** Proofs of the faults in reference-server/config/faults/openid-connect.ts. */
import { flowsUsing, type ExpectedFailure, type FaultProof } from '../support/catalogue.ts';

const absentNonce = /^nonce: expected ".+", got nothing \(absent\)$/;

/** The flows whose response types issue an ID token beside an access token at the authorization endpoint. */
const frontChannelTokenFlows = ['implicit', 'hybrid'] as const;

/** The flows that ask UserInfo. */
const userInfoFlows = ['openid-connect', 'implicit', 'hybrid'] as const;

/** One check of checkIdToken (suites/lib/id-token.ts), failed on every ID token the reference validates in the suites. */
function everyIdToken(check: string, detail: RegExp): ExpectedFailure[] {
  return [
    { id: `authorization-code/token-response/${check}`, step: 'Provides Access Token (and optionally a Refresh Token)', detail },
    { id: `pushed-authorization/token/${check}`, step: 'Provides Access Token', detail },
    { id: `authorization-code-ldap-consent/token-response/${check}`, step: 'Return token', detail },
    { id: `openid-connect/authn-response/${check}`, step: '(3) AuthN Response', detail },
    // id_token token and id_token.
    { id: `implicit/authorization-response/${check}`, step: 'Issue access token (via redirect)', detail, times: 2 },
    // code id_token and code id_token token, then the one token-endpoint ID token the suite validates.
    { id: `hybrid/authorization-response/${check}`, step: 'Issue ID token and authorization code', detail, times: 2 },
    { id: `hybrid/token-response/${check}`, step: 'Return access token', detail },
  ];
}

const signInPage = /sign-in page/;

export const openIdConnectProofs: FaultProof[] = [
  {
    fault: 'dropNonce',
    group: 'id-token-claims',
    flows: flowsUsing.idTokens,
    expected: [
      { id: 'openid-connect/authn-response/id-token-nonce-echoed', step: '(3) AuthN Response', detail: absentNonce },
      { id: 'implicit/authorization-response/id-token-nonce-echoed', step: 'Issue access token (via redirect)', detail: absentNonce, times: 2 },
      { id: 'hybrid/authorization-response/id-token-nonce-echoed', step: 'Issue ID token and authorization code', detail: absentNonce, times: 2 },
      // The flow goes on after the front channel: the token endpoint's ID token lacks it too (OIDC Core §2).
      { id: 'hybrid/token-response/id-token-nonce-echoed', step: 'Return access token', detail: absentNonce },
    ],
  },
  {
    // The sample web app of registered-app-jwt is an RFC 9207 client and refuses the callback
    // (§2.4), so its resource is never served: rightly a second failure.
    fault: 'omitIss',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      {
        id: 'authorization-code/authorization-response/authorization-response-carries-iss-rfc-9207',
        step: 'Provides Authorization Code',
        detail: /^iss: expected "http:\/\/127\.0\.0\.1:\d+", got nothing \(absent\)$/,
      },
      {
        id: 'registered-app-jwt/resource/resource-server-serves-resource-once-callback-done',
        step: '5. redirect to callback (with access token - JWT)',
        detail: /refused the callback .*not from the expected issuer \(iss, RFC 9207\)/,
      },
      {
        // Error responses are authorization responses too (RFC 9207 §2): they lose iss as well.
        id: 'authorization-code/authorize/error-responses-carry-iss',
        step: 'Redirects user to Authorization Server',
        detail: /iss \(none\), expected http:\/\/127\.0\.0\.1:\d+/,
      },
    ],
  },
  {
    fault: 'idTokenIssTrailingSlash',
    group: 'id-token-claims',
    flows: flowsUsing.idTokens,
    expected: everyIdToken('id-token-iss-is-issuer', /^iss: expected "http:\/\/127\.0\.0\.1:\d+", got "http:\/\/127\.0\.0\.1:\d+\/"$/),
  },
  {
    fault: 'idTokenAudWithoutClient',
    group: 'id-token-claims',
    flows: flowsUsing.idTokens,
    expected: everyIdToken('id-token-aud-has-client', /^aud: expected something containing "[^"]+", got .*resource-server/),
  },
  {
    fault: 'idTokenExpiresAtIat',
    group: 'id-token-claims',
    flows: flowsUsing.idTokens,
    expected: everyIdToken('id-token-exp-after-iat', /^exp \(iat \d+\): expected greater than \d+, got \d+$/),
  },
  {
    fault: 'frontChannelAtHashFullDigest',
    group: 'front-channel-hashes',
    flows: frontChannelTokenFlows,
    expected: [
      // id_token token, and code id_token token: the ID tokens issued beside an access token.
      { id: 'implicit/authorization-response/id-token-at-hash-matches', step: 'Issue access token (via redirect)', detail: /^at_hash \(left half of sha256 of the access token\): expected "[\w-]{22}", got "[\w-]{43}"$/ },
      { id: 'hybrid/authorization-response/id-token-at-hash-matches', step: 'Issue ID token and authorization code', detail: /^at_hash \(left half of sha256 of the access token\): expected "[\w-]{22}", got "[\w-]{43}"$/ },
    ],
  },
  {
    fault: 'cHashOfAccessToken',
    group: 'front-channel-hashes',
    flows: frontChannelTokenFlows,
    expected: [
      { id: 'hybrid/authorization-response/id-token-c-hash-matches', step: 'Issue ID token and authorization code', detail: /^c_hash \(left half of sha256 of the code\): expected "[\w-]{22}", got "[\w-]{22}"$/ },
    ],
  },
  {
    // Only openid-connect sends max_age; the auth_time comparison after prompt=login is then not applicable.
    fault: 'omitAuthTime',
    group: 'id-token-claims',
    flows: flowsUsing.idTokens,
    expected: [
      { id: 'openid-connect/authn-response/id-token-auth-time-honours-max-age', step: '(3) AuthN Response', detail: /^auth_time: expected a number, got nothing \(absent\)$/ },
    ],
  },
  {
    fault: 'ignorePromptLogin',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'openid-connect/authn/prompt-login-asks-sign-in-again', step: '(2) AuthN & AuthZ', detail: /^prompt=login with a session: the OP answered with a code/ },
    ],
  },
  {
    // max_age=0 alone and with prompt=none: one rule, two requests that rely on it.
    fault: 'ignoreMaxAgeZero',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'openid-connect/authn/max-age-zero-asks-sign-in-again', step: '(2) AuthN & AuthZ', detail: /^max_age=0 with a session: the OP answered with a code/ },
      { id: 'openid-connect/authn-response/prompt-none-max-age-zero-answered-error', step: '(3) AuthN Response', detail: /^prompt=none with max_age=0: the OP answered with a code/ },
    ],
  },
  {
    fault: 'promptNoneShowsLogin',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'authorization-code/authorize/prompt-none-without-session-refused', step: 'Redirects user to Authorization Server', detail: signInPage },
      { id: 'openid-connect/authn-response/prompt-none-without-session-answered-error', step: '(3) AuthN Response', detail: signInPage },
      { id: 'implicit/authorize/prompt-none-without-session-answered-error', step: 'Request authorization', detail: signInPage },
      { id: 'hybrid/authorize/prompt-none-without-session-answered-error', step: 'Request authorization (ID and access tokens)', detail: signInPage },
    ],
  },
  {
    fault: 'userinfoSubIsUsername',
    flows: userInfoFlows,
    expected: [
      { id: 'openid-connect/userinfo-response/userinfo-sub-equals-id-token-sub', step: '(5) UserInfo Response', detail: /^UserInfo sub: expected "[0-9a-f-]{36}", got "alice"$/ },
      { id: 'implicit/authorization-response/userinfo-sub-equals-id-token-sub', step: 'Issue access token (via redirect)', detail: /^UserInfo sub \(the ID token's\): expected "[0-9a-f-]{36}", got "alice"$/ },
      { id: 'hybrid/authorization-response/userinfo-sub-equals-id-token-sub', step: 'Issue ID token and authorization code', detail: /^UserInfo sub \(the ID token's\): expected "[0-9a-f-]{36}", got "alice"$/ },
    ],
  },
  {
    fault: 'emailVerifiedString',
    flows: userInfoFlows,
    expected: [
      { id: 'openid-connect/userinfo-response/userinfo-claim-email-verified-boolean', step: '(5) UserInfo Response', detail: /^email_verified: expected a boolean \(OIDC Core §5\.1\), got string "false"$/ },
    ],
  },
  {
    fault: 'userinfoNoChallenge',
    flows: userInfoFlows,
    expected: [
      { id: 'openid-connect/userinfo-request/userinfo-refuses-invalid-access-token-401-invalid', step: '(4) UserInfo Request', detail: /WWW-Authenticate: expected a Bearer challenge/ },
    ],
  },
  {
    fault: 'nonceOptionalForIdTokens',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'implicit/authorize/implicit-request-id-token-without-nonce-refused', step: 'Request authorization', detail: /^the AS issued (access_token, )?id_token/ },
      { id: 'hybrid/authorize/hybrid-request-id-token-without-nonce-refused', step: 'Request authorization (ID and access tokens)', detail: /^the AS issued code/ },
    ],
  },
  {
    fault: 'queryModeForTokens',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      { id: 'implicit/authorize/query-response-mode-puts-no-token-in-query', step: 'Request authorization', detail: /with response_mode=query put access_token, id_token in the query/ },
      { id: 'hybrid/authorize/query-response-mode-puts-nothing-in-query', step: 'Request authorization (ID and access tokens)', detail: /with response_mode=query put code, id_token in the query/ },
    ],
  },
  {
    fault: 'userinfoGetOnly',
    flows: userInfoFlows,
    expected: [
      { id: 'openid-connect/userinfo-request/userinfo-answers-post-bearer-header', step: '(4) UserInfo Request', detail: /^HTTP status of POST \S+: expected 200, got 40[45]/ },
    ],
  },
];
