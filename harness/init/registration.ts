/**
 * The test clients `nauthera init` registers at an IdP that offers dynamic client
 * registration (RFC 7591), one per client role the IdP can serve, or, where it offers none,
 * placeholders to fill. A role is planned from the discovery document alone, so that what is
 * registered is what the suites will ask of it.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ConfigError } from '../cli-errors.ts';
import { HttpClient } from '../http/client.ts';
import { supportsResponseType } from '../target/capabilities.ts';
import type { Capabilities, ClientRole, ServerMetadata } from '../target/model.ts';

/** Where the harness catches authorization responses: it need not resolve (harness/browser/flow-browser.ts). */
export const initRedirectUri = 'https://rp.nauthera.test/callback';

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
/** OpenID Connect's own scopes (OIDC Core §5.4, §11): a client_credentials client asks for the API's. */
const userScopes = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** One client to register: the RFC 7591 §2 metadata a role needs. */
export interface PlannedClient {
  role: ClientRole;
  client_name: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  scope?: string;
  require_pushed_authorization_requests?: boolean;
  /** RFC 9101 §10.5: its requests come only as signed Request Objects (the jar role). */
  require_signed_request_object?: boolean;
}

/** A client as the config file has it (clients[]), possibly still to be filled. */
export interface ConfigClient extends Omit<PlannedClient, 'client_name'> {
  '//'?: string;
  client_id: string;
  client_secret?: string;
  private_jwk?: JWK;
}

/** Roles no registration can ask for: they depend on how the IdP is set up, not on client metadata. */
export const unregistrableRoles: Record<string, string> = {
  opaque: 'a client whose access tokens are opaque (not JWTs): an IdP setting, so register one yourself if your IdP can, with role "opaque"',
  'device-expiring': 'a device client whose device codes expire within seconds: an IdP setting, so add one with role "device-expiring" if your IdP can (the device-code suite waits for the default expiry otherwise)',
};

/** The client roles this IdP can serve, each with the metadata to register it with. */
export function planClients(caps: Capabilities, metadata: ServerMetadata): PlannedClient[] {
  const grant = (g: string) => caps.grantTypes.includes(g);
  const auth = (m: string) => caps.tokenEndpointAuthMethods.includes(m);
  const browserScope = caps.scopes.length ? caps.scopes.join(' ') : undefined;
  // A scope named after a claim releases that user claim (as OIDC Core §5.4's scopes do): not for a service.
  const claims = new Set(Array.isArray(metadata.claims_supported) ? metadata.claims_supported : []);
  const apiScopes = caps.scopes.filter((s) => !userScopes.has(s) && !claims.has(s));
  const serviceScope = apiScopes.length ? apiScopes.join(' ') : undefined;
  const code = grant('authorization_code') && supportsResponseType(caps, 'code');
  const withRefresh = (grants: string[]) => (grant('refresh_token') ? [...grants, 'refresh_token'] : grants);
  const browser = (role: ClientRole, name: string, method: string, grants: string[], responseTypes: string[], extra: Partial<PlannedClient> = {}): PlannedClient => ({
    role, client_name: name, token_endpoint_auth_method: method, grant_types: grants, response_types: responseTypes, redirect_uris: [initRedirectUri],
    ...(browserScope ? { scope: browserScope } : {}), ...extra,
  });
  const machine = (role: ClientRole, name: string, method: string, grants: string[], scope: string | undefined): PlannedClient => ({
    role, client_name: name, token_endpoint_auth_method: method, grant_types: grants, response_types: [], redirect_uris: [], ...(scope ? { scope } : {}),
  });
  const plan: PlannedClient[] = [];
  if (code && auth('client_secret_basic')) plan.push(browser('confidential', 'nauthera confidential web app', 'client_secret_basic', withRefresh(['authorization_code']), ['code']));
  if (code && auth('none')) plan.push(browser('public', 'nauthera public native app', 'none', withRefresh(['authorization_code']), ['code']));
  // RFC 9126 §6: a client registered so may only use pushed authorization requests.
  if (code && caps.par && auth('client_secret_basic')) plan.push(browser('par', 'nauthera PAR client', 'client_secret_basic', withRefresh(['authorization_code']), ['code'], { require_pushed_authorization_requests: true }));
  // RFC 9101: a client that signs its requests as Request Objects with the key registered for private_key_jwt.
  if (code && metadata.request_parameter_supported === true && auth('private_key_jwt') && signingAlg(metadata)) {
    plan.push(browser('jar', 'nauthera JAR client', 'private_key_jwt', ['authorization_code'], ['code'], { require_signed_request_object: true }));
  }
  const implicitTypes = ['id_token', 'id_token token', 'token'].filter((t) => supportsResponseType(caps, t));
  if (grant('implicit') && implicitTypes.length && auth('none')) plan.push(browser('implicit', 'nauthera implicit client', 'none', ['implicit'], implicitTypes));
  const hybridTypes = ['code id_token', 'code token', 'code id_token token'].filter((t) => supportsResponseType(caps, t));
  if (grant('authorization_code') && grant('implicit') && hybridTypes.length && auth('client_secret_basic')) {
    plan.push(browser('hybrid', 'nauthera hybrid client', 'client_secret_basic', withRefresh(['authorization_code', 'implicit']), hybridTypes));
  }
  if (caps.deviceAuthorization && grant(deviceGrant)) {
    if (auth('none')) plan.push(machine('device', 'nauthera TV device', 'none', withRefresh([deviceGrant]), browserScope));
    if (auth('client_secret_basic')) plan.push(machine('device-confidential', 'nauthera confidential device', 'client_secret_basic', [deviceGrant], browserScope));
  }
  if (grant('client_credentials')) {
    if (auth('client_secret_basic')) plan.push(machine('service', 'nauthera service (client_secret_basic)', 'client_secret_basic', ['client_credentials'], serviceScope));
    if (auth('client_secret_post')) plan.push(machine('service-post', 'nauthera service (client_secret_post)', 'client_secret_post', ['client_credentials'], serviceScope));
    if (auth('private_key_jwt') && signingAlg(metadata)) plan.push(machine('service-jwt', 'nauthera service (private_key_jwt)', 'private_key_jwt', ['client_credentials'], serviceScope));
  }
  return plan;
}

/** The key algorithm of a private_key_jwt client (RFC 7523): ES256 unless the IdP lists only RS256. */
export function signingAlg(metadata: ServerMetadata): 'ES256' | 'RS256' | undefined {
  const algs = metadata.token_endpoint_auth_signing_alg_values_supported;
  if (!Array.isArray(algs)) return 'ES256';
  if (algs.includes('ES256')) return 'ES256';
  return algs.includes('RS256') ? 'RS256' : undefined;
}

async function clientKey(alg: 'ES256' | 'RS256'): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateJwk: { ...(await exportJWK(privateKey)), alg, kid }, publicJwk: { ...publicJwk, alg, kid, use: 'sig' } };
}

export interface RegistrationOutcome {
  clients: ConfigClient[];
  /** One line per role that could not be registered, with the IdP's answer. */
  problems: string[];
}

/**
 * Registers every planned client (RFC 7591 §3.1), with the initial access token as a bearer
 * token when one is given (§3). A role the IdP refuses is left out and named in `problems`;
 * when it refuses every one (registration closed, a token needed), that is a config error.
 */
export async function registerClients(endpoint: string, plan: PlannedClient[], options: { initialAccessToken?: string; timeoutMs?: number; signingAlg?: 'ES256' | 'RS256' } = {}): Promise<RegistrationOutcome> {
  const http = new HttpClient({ timeoutMs: options.timeoutMs ?? 10_000, userAgent: 'nauthera init' });
  const clients: ConfigClient[] = [];
  const problems: string[] = [];
  try {
    for (const planned of plan) {
      const key = planned.token_endpoint_auth_method === 'private_key_jwt' ? await clientKey(options.signingAlg ?? 'ES256') : undefined;
      const body: Record<string, unknown> = { ...planned };
      delete body.role;
      if (key) body.jwks = { keys: [key.publicJwk] };
      const res = await http.postJson(endpoint, body, options.initialAccessToken ? { bearer: options.initialAccessToken } : {});
      const json = res.json as Record<string, unknown> | undefined;
      if (res.status !== 201 || typeof json?.client_id !== 'string') {
        const why = typeof json?.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : res.text.slice(0, 200);
        problems.push(`${planned.role}: the registration endpoint answered HTTP ${res.status} (${why})`);
        continue;
      }
      clients.push(configClient(planned, json, key?.privateJwk));
    }
  } finally {
    await http.close();
  }
  if (clients.length === 0 && plan.length > 0) {
    const hint = options.initialAccessToken ? 'check the initial access token' : 'if it needs an initial access token (RFC 7591 §3), give it with --initial-access-token';
    throw new ConfigError(`dynamic registration at ${endpoint} refused every client; ${hint}:\n  ${problems.join('\n  ')}`);
  }
  return { clients, problems };
}

const strings = (v: unknown, fallback: string[]) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fallback);

/** The registered client as the config lists it: what the IdP answered (RFC 7591 §3.2.1), else what was asked. */
function configClient(planned: PlannedClient, answer: Record<string, unknown>, privateJwk: JWK | undefined): ConfigClient {
  const client: ConfigClient = {
    role: planned.role,
    client_id: answer.client_id as string,
    ...(typeof answer.client_secret === 'string' ? { client_secret: answer.client_secret } : {}),
    token_endpoint_auth_method: typeof answer.token_endpoint_auth_method === 'string' ? answer.token_endpoint_auth_method : planned.token_endpoint_auth_method,
    grant_types: strings(answer.grant_types, planned.grant_types),
    response_types: strings(answer.response_types, planned.response_types),
    redirect_uris: strings(answer.redirect_uris, planned.redirect_uris),
  };
  const scope = typeof answer.scope === 'string' ? answer.scope : planned.scope;
  if (scope) client.scope = scope;
  if (planned.require_pushed_authorization_requests) client.require_pushed_authorization_requests = true;
  if (planned.require_signed_request_object) client.require_signed_request_object = true;
  if (privateJwk) client.private_jwk = privateJwk;
  return client;
}

/**
 * Placeholders for an IdP without open registration: ${env:…} references, so the file loads
 * and a run names what is missing. A private_key_jwt client gets a fresh key pair: its private
 * JWK is written, its public JWK is in the note, to register with the client.
 */
export async function placeholderClients(plan: PlannedClient[], alg: 'ES256' | 'RS256' = 'ES256'): Promise<ConfigClient[]> {
  const clients: ConfigClient[] = [];
  for (const planned of plan) {
    const variable = `NAUTHERA_${planned.role.toUpperCase().replace(/-/g, '_')}`;
    const method = planned.token_endpoint_auth_method;
    const key = method === 'private_key_jwt' ? await clientKey(alg) : undefined;
    clients.push({
      '//': `register a client with this metadata at your IdP, then set ${variable}_CLIENT_ID${method.startsWith('client_secret') ? ` and ${variable}_CLIENT_SECRET` : ''} or replace the \${env:…} values${key ? `; register it with this public key: ${JSON.stringify(key.publicJwk)}` : ''}`,
      role: planned.role,
      client_id: `\${env:${variable}_CLIENT_ID}`,
      ...(method.startsWith('client_secret') ? { client_secret: `\${env:${variable}_CLIENT_SECRET}` } : {}),
      token_endpoint_auth_method: method,
      grant_types: planned.grant_types,
      response_types: planned.response_types,
      redirect_uris: planned.redirect_uris,
      ...(planned.scope ? { scope: planned.scope } : {}),
      ...(planned.require_pushed_authorization_requests ? { require_pushed_authorization_requests: true } : {}),
      ...(key ? { private_jwk: key.privateJwk } : {}),
    });
  }
  return clients;
}
