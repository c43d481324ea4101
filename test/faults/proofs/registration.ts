/** Proofs of the faults in reference-server/config/faults/registration.ts. */
import type { FaultProof } from '../support/catalogue.ts';

// Only registered-app-jwt registers, reads, updates and deletes clients through the API.
const flows = ['registered-app-jwt'] as const;
const step = '0. register application';
const id = (check: string) => `registered-app-jwt/register/${check}`;

export const registrationProofs: FaultProof[] = [
  {
    fault: 'keepDeletedClients',
    flows,
    expected: [{
      id: id('client-deleted-registration-client-uri-no-longer'),
      step,
      detail: /^error: expected "invalid_client", got "invalid_grant" .* with HTTP 400$/,
    }, {
      id: id('deleted-client-id-not-redirected-to'),
      step,
      detail: /^expected no redirect/,
    }],
  },
  {
    fault: 'clientIdIssuedAtMillis',
    // The sample app, a real RFC 7591 client, may not get past a registration answered this way: later arrows may be skipped.
    stops: true,
    flows,
    expected: [{ id: id('client-id-issued-at-seconds'), step, detail: /^distance of client_id_issued_at \d+ from now \(\d+\) in seconds: expected less than 86400/ }],
  },
  {
    fault: 'secretExpiresAtMissing',
    // The sample app, a real RFC 7591 client, may not get past a registration answered this way: later arrows may be skipped.
    stops: true,
    flows,
    expected: [{ id: id('client-secret-comes-with-expires-at'), step, detail: /^client_secret_expires_at: expected a number, got/ }],
  },
  {
    fault: 'registeredClientUriDropped',
    // The sample app, a real RFC 7591 client, may not get past a registration answered this way: later arrows may be skipped.
    stops: true,
    flows,
    expected: [{ id: id('registered-client-uri-returned'), step, detail: /^client_uri was sent as "https:\/\/rp\.nauthera\.test\/" and is missing from the response, though the server understands it/ }],
  },
  {
    fault: 'provisionedAuthMethodNotReturned',
    flows,
    expected: [{ id: id('omitted-token-endpoint-auth-method-provisioned-returned'), step, detail: /^token_endpoint_auth_method \(omitted in the request\): expected present/ }],
  },
  {
    fault: 'fragmentRedirectUriInvalidRequest',
    flows,
    expected: [{ id: id('redirect-uri-fragment-refused-invalid-redirect-uri'), step, detail: /^error: expected "invalid_redirect_uri", got "invalid_request"/ }],
  },
  {
    fault: 'publicClientWithoutRedirectUris',
    flows,
    expected: [{ id: id('public-client-without-redirect-uris-refused'), step, detail: /^expected an OAuth error "invalid_redirect_uri" or "invalid_client_metadata" with HTTP 400, got HTTP 201/ }],
  },
  {
    fault: 'invalidContactsKept',
    flows,
    expected: [{ id: id('invalid-contacts-refused-or-replaced'), step, detail: /^the registered contacts: expected not / }],
  },
  {
    fault: 'registrationTokenNotBoundToClient',
    flows,
    expected: [
      { id: id('read-another-clients-token-refused'), step, detail: /^expected a refusal with HTTP 401 or 403, got HTTP 200/ },
      { id: id('update-another-clients-token-refused'), step, detail: /^expected a refusal with HTTP 401 or 403, got HTTP 200/ },
      { id: id('delete-another-clients-token-refused'), step, detail: /^expected a refusal with HTTP 401 or 403, got HTTP 204/ },
    ],
  },
  {
    fault: 'updateNotSaved',
    flows,
    // It answers every update before the update's other faults act (updateAcceptsChosenSecret).
    // The sample app then never sees its updated redirect_uris, so its later arrows are skipped.
    alone: true,
    stops: true,
    expected: [{ id: id('read-after-update-returns-new-metadata'), step, detail: /^redirect_uris: expected/ }],
  },
  {
    fault: 'updateAcceptsChosenSecret',
    flows,
    expected: [{ id: id('update-cannot-choose-client-secret'), step, detail: /^client_secret after the update: expected not / }],
  },
];
