/** Faults of the token exchange grant (RFC 8693; see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const tokenExchangeFaults = {
  exchangeRefused: 'every subject token is refused as invalid, so no exchange succeeds (breaks RFC 8693 §2.1, §2.2.1)',
  missingSubjectTokenIssues: 'a token exchange without subject_token issues the client a token of its own (breaks RFC 8693 §2.1, §2.2.2)',
  actorTokenTypeNotRequired: 'an actor_token without actor_token_type is accepted (breaks RFC 8693 §2.1, §2.2.2)',
  unknownAudienceInvalidRequest: 'an audience the AS does not serve is refused with invalid_request, not invalid_target (breaks RFC 8693 §2.2.2, a SHOULD)',
  subjectTokenSignatureIgnored: "a subject token's JWT signature is not verified (breaks RFC 8693 §2.1)",
  expiredSubjectTokenAccepted: 'an expired subject token is exchanged (breaks RFC 8693 §2.1)',
  clientOwnTokenExchanged: "another client's own token (client_credentials, no user) is exchanged (breaks RFC 8693 §5 as the AS's policy, a warning)",
  exchangeWidensScope: "an exchange asking for more scope than the subject token's gets it (breaks RFC 8693 §5, a warning)",
  noIssuedTokenType: 'the token exchange response has no issued_token_type (breaks RFC 8693 §2.2.1)',
  noActClaim: 'a delegated token (actor_token given) has no act claim (breaks RFC 8693 §4.1, a warning)',
  exchangeAudienceIgnored: 'the exchanged token keeps the resource server audience instead of the one requested (breaks RFC 8693 §2.1 with RFC 8707 §2, a warning)',
} as const;
