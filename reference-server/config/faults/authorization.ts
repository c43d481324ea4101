/** Faults of the authorization endpoint, the code exchange and sign-in (RFC 6749 §3–4.1, RFC 7636, RFC 9700, LDAP sign-in) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const authorizationFaults = {
  reusableCodes: 'authorization codes are never consumed and can be exchanged again (breaks RFC 6749 §4.1.2)',
  prefixRedirectUri: 'a redirect_uri is accepted when it merely starts with a registered one (breaks RFC 9700 §4.1.3)',
  ignorePkce: 'the code_verifier is not compared with the code_challenge: any well-formed verifier is accepted (breaks RFC 7636 §4.6)',
  redirectUriPathCaseInsensitive: 'a redirect_uri is accepted when its path differs from a registered one only in case (breaks RFC 9700 §2.1, §4.1.3)',
  redirectUriQueryIgnored: 'a redirect_uri is accepted when it is a registered one with a query added (breaks RFC 9700 §2.1, §4.1.3)',
  duplicateParametersAccepted: 'the authorization endpoint takes the first value of a repeated parameter instead of refusing the request (breaks RFC 6749 §3.1)',
  unsupportedResponseTypeAsInvalidRequest: 'an unsupported response_type is answered with invalid_request instead of unsupported_response_type (breaks RFC 6749 §4.1.2.1)',
  plainPkceAccepted: 'code_challenge_method plain is accepted although the metadata advertises only S256 (breaks RFC 7636 §4.4.1)',
  errorsWithoutState: 'error responses in the query with an error code of RFC 6749 leave out the state of the request (breaks RFC 6749 §4.1.2.1)',
  stateFormDecoded: 'state comes back form-decoded a second time, each "+" turned into a space (breaks RFC 6749 §4.1.2)',
  noPragmaOnCodeExchange: 'the token response of the code exchange carries no Pragma: no-cache (breaks RFC 6749 §5.1)',
  redirectUriOptionalAtToken: 'the code exchange accepts a missing redirect_uri although the authorization request had one (breaks RFC 6749 §4.1.3)',
  redirectUriSlashInsensitiveAtToken: 'the code exchange accepts a redirect_uri differing from the authorization request\'s by a trailing slash (breaks RFC 6749 §4.1.3)',
  codeChallengeInResponse: 'the authorization response echoes the code_challenge (breaks RFC 7636 §4.4)',
  emptyResponseModeKept: 'response_mode sent without a value is taken as given (an unsupported response mode) instead of omitted (breaks RFC 6749 §3.1)',
} as const;
