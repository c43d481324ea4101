/** Proofs of the faults in reference-server/config/faults/device-and-par.ts. */
import type { FaultProof } from '../support/catalogue.ts';

const pushStep = 'Requests Request Token';
const pushAnswer = 'Provides Request Token';
const codesStep = 'Provide device code and user verification URL';
const requestStep = 'Request device code';
const tokenStep = 'Issue access token';

export const deviceAndParProofs: FaultProof[] = [
  {
    fault: 'shortDeviceCode',
    flows: ['device-code'],
    expected: [{
      id: 'device-code/device-authorization-response/device-code-entropy-at-least-128-bits',
      step: codesStep,
      detail: /^bits the device_code can hold: at most \d+\.\d bits \(8 characters of a \d+-character alphabet\): expected at least 128, got \d+/,
    }],
  },
  {
    fault: 'deviceCodeOfAnotherClient',
    flows: ['device-code'],
    expected: [{
      id: 'device-code/device-authorization-response/device-code-of-another-client-refused',
      step: codesStep,
      detail: /error: expected "invalid_grant" or "invalid_client" or "unauthorized_client", got "authorization_pending"/,
    }],
  },
  {
    fault: 'reusableDeviceCode',
    flows: ['device-code'],
    expected: [{
      id: 'device-code/token-response/reused-device-code-refused',
      step: tokenStep,
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
  {
    fault: 'expiredDeviceCodeRedeemable',
    flows: ['device-code'],
    expected: [{
      id: 'device-code/token-response/expired-device-code-gets-expired-token',
      step: tokenStep,
      detail: /error: expected "expired_token", got "authorization_pending"/,
    }],
  },
  {
    fault: 'deviceClientIdAloneAuthenticates',
    flows: ['device-code'],
    expected: [{
      id: 'device-code/device-authorization/confidential-device-client-without-authentication-refused',
      step: requestStep,
      detail: /^expected an OAuth error "invalid_client" with HTTP 400 or 401, got HTTP 200/,
    }],
  },
  {
    fault: 'parClientIdAloneAuthenticates',
    flows: ['pushed-authorization'],
    expected: [{
      id: 'pushed-authorization/par/pushed-request-without-client-authentication-refused',
      step: pushStep,
      detail: /^expected an OAuth error "invalid_client" with HTTP 400 or 401, got HTTP 201/,
    }],
  },
  {
    fault: 'parIgnoresNestedRequestUri',
    flows: ['pushed-authorization'],
    expected: [{
      id: 'pushed-authorization/par/request-uri-inside-pushed-request-refused',
      step: pushStep,
      detail: /^expected an OAuth error "invalid_request" or "request_uri_not_supported" with HTTP 400, got HTTP 201/,
    }],
  },
  {
    fault: 'parSkipsRedirectUriCheck',
    flows: ['pushed-authorization'],
    expected: [{
      id: 'pushed-authorization/par/pushed-request-unregistered-redirect-uri-refused',
      step: pushStep,
      detail: /^expected an OAuth error "invalid_request" with HTTP 400, got HTTP 201/,
    }],
  },
  {
    fault: 'shortRequestUri',
    flows: ['pushed-authorization'],
    expected: [{
      id: 'pushed-authorization/par-response/request-uri-entropy-at-least-128-bits',
      step: pushAnswer,
      detail: /\(8 characters of a \d+-character alphabet\): expected at least 128, got \d+/,
    }],
  },
  {
    fault: 'parResponseWithoutExpiresIn',
    flows: ['pushed-authorization'],
    expected: [{
      id: 'pushed-authorization/par-response/answer-201-request-uri-lifetime',
      step: pushAnswer,
      detail: /expires_in: expected a number, got nothing \(absent\)/,
    }],
  },
  {
    fault: 'parSkipsPkceMethodCheck',
    flows: ['pushed-authorization'],
    expected: [{
      id: 'pushed-authorization/par/pushed-request-unsupported-pkce-method-refused',
      step: pushStep,
      detail: /^expected an OAuth error "invalid_request" with HTTP 400, got HTTP 201/,
    }],
  },
];
