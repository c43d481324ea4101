/** Faults of the device authorization grant and pushed authorization requests (RFC 8628, RFC 9126) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const deviceAndParFaults = {
  shortDeviceCode: 'the device_code is 8 random characters, about 48 bits (breaks RFC 6749 §10.10, RFC 8628 §5.2)',
  deviceCodeOfAnotherClient: 'a device_code is polled for by any client that presents it, not only the one it was issued to (breaks RFC 6749 §5.2, RFC 8628 §3.4)',
  reusableDeviceCode: 'a device_code is not spent when its tokens are issued: presented again, it gives tokens again (breaks RFC 6749 §10.5, RFC 8628 §3.5)',
  expiredDeviceCodeRedeemable: 'an expired device_code is polled like a live one, never answered expired_token (breaks RFC 8628 §3.5)',
  deviceClientIdAloneAuthenticates: 'a device client with a secret that sends only its client_id gets device codes (breaks RFC 8628 §3.1, RFC 6749 §3.2.1)',
  parClientIdAloneAuthenticates: 'a PAR client with a secret that sends only its client_id may push a request (breaks RFC 9126 §2.1)',
  parIgnoresNestedRequestUri: 'a request_uri inside a pushed request is dropped instead of refused (breaks RFC 9126 §2.1)',
  parSkipsRedirectUriCheck: 'a pushed redirect_uri is not checked against the registered ones (breaks RFC 9126 §2.1, RFC 6749 §3.1.2.4)',
  shortRequestUri: 'the request_uri has an 8-character random part, about 48 bits (breaks RFC 9126 §2.2, RFC 6749 §10.10)',
  parResponseWithoutExpiresIn: 'the PAR response has no expires_in (breaks RFC 9126 §2.2)',
  parSkipsPkceMethodCheck: 'a pushed request with an unsupported code_challenge_method is accepted (breaks RFC 9126 §2.1, RFC 7636 §4.4.1)',
} as const;
