/**
 * The default config: one client per harness role, and the seed directory's users.
 * Secrets and the private_key_jwt key pair are generated at every start (none sit in git);
 * startReferenceServer() returns them. The same structure is what a JSON --config holds.
 */
import type { ClientConfig, ReferenceConfig } from './types.ts';
import { consentGroupDN, engineeringGroupDN, seedUsers } from '../../fixtures/ldap/seed.ts';

export const defaultRedirectUri = 'https://rp.nauthera.test/callback';
export const defaultPostLogoutRedirectUri = 'https://rp.nauthera.test/signed-out';

const userRoles: Record<string, string> = { alice: 'user', bob: 'outsider', carol: 'special', dsmith: 'escaped-dn', 'mia*(x)\\y': 'metacharacters', tnash: 'escaped-dn-edges', lena: 'consent-leaver' };

const code = (fields: Partial<ClientConfig> & Pick<ClientConfig, 'client_id' | 'role' | 'token_endpoint_auth_method'>): ClientConfig => ({
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: [defaultRedirectUri],
  ...fields,
});

const service = (fields: Pick<ClientConfig, 'client_id' | 'role' | 'token_endpoint_auth_method'>): ClientConfig => ({
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  scope: 'api:read api:write',
  ...fields,
});

export const defaultConfig: ReferenceConfig = {
  clients: [
    code({ client_id: 'confidential', role: 'confidential', client_name: 'Confidential web app', token_endpoint_auth_method: 'client_secret_basic', access_token_signed_response_alg: 'ES256', post_logout_redirect_uris: [defaultPostLogoutRedirectUri] }),
    code({ client_id: 'public', role: 'public', client_name: 'Public native app', token_endpoint_auth_method: 'none', require_pkce: true }),
    code({ client_id: 'par', role: 'par', client_name: 'PAR client', token_endpoint_auth_method: 'client_secret_basic', require_pushed_authorization_requests: true }),
    code({ client_id: 'implicit', role: 'implicit', client_name: 'Implicit client', token_endpoint_auth_method: 'none', grant_types: ['implicit'], response_types: ['token', 'id_token', 'id_token token'] }),
    code({ client_id: 'hybrid', role: 'hybrid', client_name: 'Hybrid client', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'implicit', 'refresh_token'], response_types: ['code id_token', 'code token', 'code id_token token'] }),
    code({ client_id: 'device', role: 'device', client_name: 'Device', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], redirect_uris: [] }),
    // Its device codes expire within seconds, so a run sees expired_token (RFC 8628 §3.5) without waiting ttl.deviceCode.
    code({ client_id: 'device-expiring', role: 'device-expiring', client_name: 'Device (short-lived codes)', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], response_types: [], redirect_uris: [], device_code_ttl: 5 }),
    // A device with a secret: it must authenticate at the device authorization and token endpoints (RFC 8628 §3.1, §3.4).
    code({ client_id: 'device-confidential', role: 'device-confidential', client_name: 'Device (confidential)', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], response_types: [], redirect_uris: [] }),
    // Signs its authorization requests as Request Objects (RFC 9101) with its generated key, and must (§10.5).
    code({ client_id: 'jar', role: 'jar', client_name: 'JAR client', token_endpoint_auth_method: 'private_key_jwt', require_signed_request_object: true }),
    service({ client_id: 'service', role: 'service', token_endpoint_auth_method: 'client_secret_basic' }),
    service({ client_id: 'service-post', role: 'service-post', token_endpoint_auth_method: 'client_secret_post' }),
    service({ client_id: 'service-jwt', role: 'service-jwt', token_endpoint_auth_method: 'private_key_jwt' }),
    // A second "service" client whose client_id holds characters form-urlencoding changes (RFC 6749 §2.3.1).
    service({ client_id: 'service:reserved+/%', role: 'service', token_endpoint_auth_method: 'client_secret_basic' }),
    code({ client_id: 'opaque', role: 'opaque', client_name: 'Opaque-token client', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], access_token_format: 'opaque' }),
    // The API Service of the token-exchange flow (RFC 8693): it exchanges the user's token it received, and its own
    // client_credentials token is the actor of a delegation. Its tokens live seconds, so an expired one is quick to get.
    { client_id: 'exchanger', role: 'exchanger', client_name: 'API Service (token exchange)', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange', 'client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read api:write', access_token_ttl: 5 },
    // The Downstream API of the token-exchange flow: a resource (no grants), so its client_id is an audience tokens are exchanged for.
    { client_id: 'downstream-api', role: 'downstream-api', token_endpoint_auth_method: 'client_secret_basic', grant_types: [], response_types: [], redirect_uris: [] },
    // The resource server's own credentials, for token introspection (RFC 7662 §2.1).
    { client_id: 'resource-server', role: 'resource-server', token_endpoint_auth_method: 'client_secret_basic', grant_types: [], response_types: [], redirect_uris: [] },
  ],
  users: seedUsers.map((u) => ({ username: u.username, password: u.password, role: userRoles[u.username] ?? 'user' })),
  consent: { defaultGroup: consentGroupDN },
  groups: { dns: [consentGroupDN, engineeringGroupDN] },
};
