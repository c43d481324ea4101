/** Proofs of the faults in reference-server/config/faults/token-exchange.ts: each fails its check of the token-exchange flow, on its arrow. */
import type { FaultProof } from '../support/catalogue.ts';

const exchangeArrow = 'Token exchange (subject_token, audience, actor_token)';
const flows = ['token-exchange'] as const;
const issuedInsteadOfInvalidRequest = /^expected an OAuth error "invalid_request" with HTTP 400, got HTTP 200 with a JSON body with access_token/;

export const tokenExchangeProofs: FaultProof[] = [
  {
    fault: 'exchangeRefused',
    flows,
    alone: true,
    stops: true,
    expected: [{
      id: 'token-exchange/exchange/subject-token-exchanged',
      step: exchangeArrow,
      detail: /expected 200, got 400 with error "invalid_request"/,
    }],
  },
  {
    fault: 'missingSubjectTokenIssues',
    flows,
    expected: [{ id: 'token-exchange/exchange/missing-subject-token-refused', step: exchangeArrow, detail: issuedInsteadOfInvalidRequest }],
  },
  {
    fault: 'actorTokenTypeNotRequired',
    flows,
    expected: [{ id: 'token-exchange/exchange/actor-token-without-type-refused', step: exchangeArrow, detail: issuedInsteadOfInvalidRequest }],
  },
  {
    fault: 'subjectTokenSignatureIgnored',
    flows,
    expected: [{ id: 'token-exchange/exchange/tampered-subject-token-refused', step: exchangeArrow, detail: issuedInsteadOfInvalidRequest }],
  },
  {
    fault: 'expiredSubjectTokenAccepted',
    flows,
    expected: [{ id: 'token-exchange/exchange/expired-subject-token-refused', step: exchangeArrow, detail: issuedInsteadOfInvalidRequest }],
  },
  {
    fault: 'unknownAudienceInvalidRequest',
    flows,
    expected: [{
      id: 'token-exchange/exchange/unknown-audience-invalid-target',
      step: exchangeArrow,
      detail: /^an audience the AS does not serve: HTTP 400 error "invalid_request"; §2\.2\.2 says invalid_target SHOULD be used/,
      status: 'warning',
    }],
  },
  {
    fault: 'clientOwnTokenExchanged',
    flows,
    expected: [{
      id: 'token-exchange/exchange/another-clients-own-token-refused',
      step: exchangeArrow,
      detail: /^client exchanger exchanged client service's own client_credentials token \(no user\)/,
      status: 'warning',
    }],
  },
  {
    fault: 'exchangeWidensScope',
    flows,
    expected: [{
      id: 'token-exchange/exchange/scope-widening-refused',
      step: exchangeArrow,
      detail: /^the exchanged token was granted api:write, beyond the subject token's scope/,
      status: 'warning',
    }],
  },
  {
    fault: 'noIssuedTokenType',
    flows,
    expected: [{ id: 'token-exchange/issued-token/issued-token-type-token-type-present', step: 'Issued token (issued_token_type, act)', detail: /^issued_token_type: expected a non-empty string, got nothing \(absent\)/ }],
  },
  {
    fault: 'noActClaim',
    flows,
    expected: [{
      id: 'token-exchange/issued-token/delegated-token-names-actor',
      step: 'Issued token (issued_token_type, act)',
      detail: /^the delegated token has no act claim naming the actor \(RFC 8693 §4\.1\)/,
      status: 'warning',
    }],
  },
  {
    fault: 'exchangeAudienceIgnored',
    flows,
    expected: [{
      id: 'token-exchange/downstream-call/downstream-accepts-exchanged-token',
      step: 'Calls with the exchanged token',
      detail: /^aud of the exchanged token: expected "downstream-api" \(the audience asked for\), got "http:\/\/127\.0\.0\.1:\d+"/,
      status: 'warning',
    }],
  },
];
