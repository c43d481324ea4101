/**
 * Fault keepDeletedClients: a client deleted at its registration_client_uri (RFC 7592 §2.3) still
 * authenticates. Only registered-app-jwt registers and deletes clients through the API.
 */
import { describeBrokenTarget } from './support/broken-target.ts';

describeBrokenTarget('keepDeletedClients', {
  flows: ['registered-app-jwt'],
  expected: [{
    id: 'registered-app-jwt/register/client-deleted-registration-client-uri-no-longer',
    step: '0. register application',
    detail: /^error: expected "invalid_client", got "invalid_grant" .* with HTTP 400$/,
  }],
});
