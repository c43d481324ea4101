/**
 * The target model: what a run is pointed at. The reference server and an external IdP
 * (issuer URL + config file) both become a Target; the suites only ever see this shape.
 */
import type { JWK } from 'jose';

/**
 * What a client is for. Suites ask for a client by role, so a vendor registers one client
 * per role their IdP offers and the suites pick the right one.
 */
export type ClientRole =
  | 'confidential' // client_secret_basic, authorization_code + refresh_token
  | 'public' // token_endpoint_auth_method none, PKCE
  | 'par' // require_pushed_authorization_requests (RFC 9126 §6)
  | 'implicit' // response_type token / id_token token
  | 'hybrid' // code id_token, code token, code id_token token
  | 'device' // urn:ietf:params:oauth:grant-type:device_code (RFC 8628)
  | 'device-expiring' // a device client whose device codes expire within seconds (expired_token, RFC 8628 §3.5)
  | 'device-confidential' // a device client with a secret (client_secret_basic): it must authenticate (RFC 8628 §3.1, §3.4)
  | 'service' // client_credentials, client_secret_basic
  | 'service-post' // client_credentials, client_secret_post
  | 'service-jwt' // client_credentials, private_key_jwt (RFC 7523)
  | 'opaque' // issues opaque (non-JWT) access tokens
  | 'jar' // signs its authorization requests as Request Objects (RFC 9101) with private_jwk
  | 'exchanger'; // the API Service of token exchange (RFC 8693): urn:ietf:params:oauth:grant-type:token-exchange, client_secret_basic

export const clientRoles: readonly ClientRole[] = [
  'confidential', 'public', 'par', 'implicit', 'hybrid', 'device', 'device-expiring', 'service', 'service-post', 'service-jwt', 'opaque', 'device-confidential', 'exchanger', 'jar',
];

/** The token_endpoint_auth_method a role implies when the config does not name one. */
export const defaultAuthMethod: Record<ClientRole, string> = {
  confidential: 'client_secret_basic',
  public: 'none',
  par: 'client_secret_basic',
  implicit: 'none',
  hybrid: 'client_secret_basic',
  device: 'none',
  'device-expiring': 'none',
  'device-confidential': 'client_secret_basic',
  service: 'client_secret_basic',
  'service-post': 'client_secret_post',
  'service-jwt': 'private_key_jwt',
  opaque: 'client_secret_basic',
  exchanger: 'client_secret_basic',
  jar: 'private_key_jwt',
};

export type UserRole =
  | 'user' // an ordinary user who may consent
  | 'outsider' // a user who is NOT in the consent group: consent must be refused
  | 'special' // a password with LDAP filter/DN/URL special characters
  | 'escaped-dn' // a user whose DN needs RFC 4514 escaping
  | 'metacharacters' // a username holding LDAP filter metacharacters * ( ) \ (RFC 4515 §3), in the consent group
  | 'escaped-dn-edges' // a user whose RDN value starts with '#' and ends with a space (RFC 4514 §2.4), in the consent group
  | 'consent-leaver'; // a consent-group member the consent suite takes out of the group and puts back (no other flow uses it)

export const userRoles: readonly UserRole[] = ['user', 'outsider', 'special', 'escaped-dn', 'metacharacters', 'escaped-dn-edges', 'consent-leaver'];

export interface TargetClient {
  role: ClientRole;
  client_id: string;
  client_secret?: string;
  /** RFC 7591 §2 names; the config may omit them, the role gives defaults. */
  token_endpoint_auth_method: string;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  /** OIDC RP-Initiated Logout 1.0 §3.1: registered post-logout redirect URIs (the logout flow uses the first). */
  post_logout_redirect_uris?: string[];
  /** OIDC Back-Channel Logout 1.0 §2.2: pre-registered at the target, loopback http with a port; the logout flow's receiver listens on it. */
  backchannel_logout_uri?: string;
  /** Space-separated scope the client may ask for, e.g. "openid profile email offline_access". */
  scope?: string;
  /** For private_key_jwt, and the key a "jar" client signs Request Objects with: the client's private key (with kid and alg). */
  private_jwk?: JWK;
  /** Registered with require_pushed_authorization_requests (RFC 9126 §6): its plain authorization requests must be refused. */
  require_pushed_authorization_requests?: boolean;
  /** Registered with require_signed_request_object (RFC 9101 §10.5): its plain requests and unsigned Request Objects must be refused. */
  require_signed_request_object?: boolean;
}

export interface TargetUser {
  role: UserRole;
  username: string;
  password: string;
}

/**
 * How to find an element on the IdP's pages: one Playwright locator.
 *   { label }            page.getByLabel(label)
 *   { role, name? }      page.getByRole(role, { name })
 *   { css }              page.locator(css)
 *   { placeholder }      page.getByPlaceholder(placeholder)
 *   { text }             page.getByText(text)
 *   { testId }           page.getByTestId(testId)
 * `frame` (a CSS selector of an iframe) looks inside that frame; `exact` asks for an exact match.
 */
export type LocatorSpec = (
  | { label: string }
  | { role: string; name?: string }
  | { css: string }
  | { placeholder: string }
  | { text: string }
  | { testId: string }
) & { exact?: boolean; frame?: string };

export const locatorKinds = ['label', 'role', 'css', 'placeholder', 'text', 'testId'] as const;

/** Drives the IdP's own sign-in pages (the OpenID Foundation suite's "browser" config, as locators). */
export interface LoginAutomation {
  username: LocatorSpec;
  password: LocatorSpec;
  /** The button that submits the credentials. */
  submit: LocatorSpec;
  /** For two-page sign-in (username first): the button after the username. */
  next?: LocatorSpec;
  consent?: { approve: LocatorSpec; deny?: LocatorSpec };
  /**
   * Pages between sign-in and the redirect that need clicks of their own (consent with
   * checkboxes, "Continue" interstitials, account pickers), tried in order on every page
   * the sign-in passes; the first whose `when` matches is played. See interactionLimits.
   */
  interactions?: Interaction[];
  /** RFC 8628 §3.3 user interaction: where the user code is typed, and any confirmation. */
  device?: { userCode: LocatorSpec; submit: LocatorSpec; confirm?: LocatorSpec };
  /** Whole sign-in budget (default 30000 ms). */
  timeoutMs?: number;
  /** How long a page with nothing to do must keep its URL, with the network idle, before the driver stops (default 500 ms). */
  settleMs?: number;
}

/** The user's answer on a consent page: authorize(url, { consent }). */
export type ConsentChoice = 'approve' | 'deny';

/**
 * Which page an interaction is for: a locator visible on it, a regular expression (JS
 * source) its URL matches, or both (both must hold).
 */
export type PageMatch = (LocatorSpec & { urlPattern?: string }) | { urlPattern: string };

/** What an interaction step may do; every verb takes a locator. */
export const interactionVerbs = ['click', 'check', 'fill', 'select', 'waitFor'] as const;
export type InteractionVerb = (typeof interactionVerbs)[number];

/**
 * One action on a page:
 *   { click }                 clicks the first match
 *   { check, all? }           ticks the first matching checkbox, or every one with all: true
 *   { fill, value }           types value into the first match
 *   { select, value }         picks the option(s) of a <select>
 *   { waitFor }               waits until the locator is visible
 * `decision` makes the action part of one consent answer only: it runs when authorize() was
 * asked for that answer, and the page counts as a consent page. `optional` skips an action
 * whose locator matches nothing instead of stopping. `timeoutMs` is its own wait (default
 * interactionLimits.actionTimeoutMs).
 */
export type InteractionAction = (
  | { click: LocatorSpec }
  | { check: LocatorSpec; all?: boolean }
  | { fill: LocatorSpec; value: string }
  | { select: LocatorSpec; value: string | string[] }
  | { waitFor: LocatorSpec }
) & { decision?: ConsentChoice; optional?: boolean; timeoutMs?: number };

/** One page of the script: when it matches, its actions run in order. */
export interface Interaction {
  /** A name for progress lines and errors ("account picker"). */
  name?: string;
  when: PageMatch;
  actions: InteractionAction[];
}

/** The bounds of login.interactions, checked by the config loader and the driver. */
export const interactionLimits = {
  /** Entries in login.interactions. */
  interactions: 20,
  /** Actions in one entry. */
  actionsPerPage: 20,
  /** Interaction pages played (consent included) in one authorize() call. */
  pagesPerAuthorization: 10,
  /** Default wait of one action for its locator. */
  actionTimeoutMs: 5_000,
} as const;

export interface LdapInfo { url: string; baseDN: string; bindDN: string; password: string }

export interface SkipFlow { flow: string; reason: string }

/**
 * A failing check the target is known to fail; it is reported but does not fail the run.
 * The config names the check by `id` or (deprecated) by `check`; the loader fills `flow`
 * from the id when it is left out.
 */
export interface ExpectedFailure {
  flow: string;
  /** The arrow text of the step; any step of the flow when absent. */
  step?: string;
  /** The stable check id, `<flow>/<step-key>/<check-key>` (e.g. authorization-code/token/code-reuse-refused). */
  id?: string;
  /** The check name, exactly as reported (deprecated: names change, ids do not). */
  check?: string;
  /** A regular expression (JS source) the failed check's detail must match, so another failure of the same check is not absorbed. */
  detail?: string;
  /** Why, ideally citing the spec the target departs from. */
  reason: string;
}

/** The shape of a check id: three segments of lower-case words joined by '-'. */
export const checkIdPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*){2}$/;

export interface Timeouts {
  /** Fetching the discovery document (default 10000). */
  discoveryMs: number;
  /** One HTTP exchange (default 10000). */
  httpMs: number;
  /** One step, all its checks included (default 60000). */
  stepMs: number;
}

export const defaultTimeouts: Timeouts = { discoveryMs: 10_000, httpMs: 10_000, stepMs: 60_000 };

export interface TlsOptions {
  /** Accept any certificate (test IdPs with self-signed certificates only). */
  insecure?: boolean;
  /** PEM of the CA that signs the IdP's certificate. */
  ca?: string;
}

/** OAuth 2.0 Authorization Server Metadata (RFC 8414 §2) / OIDC Discovery 1.0 §3. */
export interface ServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  registration_endpoint?: string;
  pushed_authorization_request_endpoint?: string;
  require_pushed_authorization_requests?: boolean;
  device_authorization_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  end_session_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  response_modes_supported?: string[];
  grant_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [key: string]: unknown;
}

/** Metadata keys that name an endpoint, for Target.endpoint(). */
export type EndpointName =
  | 'authorization_endpoint' | 'token_endpoint' | 'jwks_uri' | 'userinfo_endpoint' | 'registration_endpoint'
  | 'pushed_authorization_request_endpoint' | 'device_authorization_endpoint' | 'revocation_endpoint'
  | 'introspection_endpoint' | 'end_session_endpoint';

/** What the target offers, from its metadata with the RFC 8414 / OIDC Discovery defaults applied. */
export interface Capabilities {
  grantTypes: string[];
  responseTypes: string[];
  responseModes: string[];
  codeChallengeMethods: string[];
  tokenEndpointAuthMethods: string[];
  scopes: string[];
  idTokenSigningAlgs: string[];
  /** Discovery served at /.well-known/openid-configuration (an OpenID Provider). */
  openid: boolean;
  par: boolean;
  requirePar: boolean;
  deviceAuthorization: boolean;
  registration: boolean;
  userinfo: boolean;
  revocation: boolean;
  introspection: boolean;
  /** RFC 9207: iss in the authorization response. */
  issParameter: boolean;
}

/** What a target config file says about an IdP, carried as is into its Target (config.ts, build.ts). */
export interface TargetSettings {
  clients: TargetClient[];
  users: TargetUser[];
  login?: LoginAutomation;
  /** A protected resource that accepts this AS's access tokens (RFC 6750). */
  resourceServer?: string;
  ldap?: LdapInfo;
  skipFlows: SkipFlow[];
  expectedFailures: ExpectedFailure[];
  tls: TlsOptions;
  /** Free-form settings for suites (`options` in the config file). */
  options: Record<string, unknown>;
}

export interface Target extends TargetSettings {
  kind: 'reference' | 'external';
  issuer: string;
  /** The config file, as given on the command line. */
  configPath?: string;
  /** Where the metadata came from (the well-known URL). */
  discoveryUrl: string;
  /** Why the discovery document cannot be used by the flows (its issuer differs); absent when it can. */
  discoveryProblem?: string;
  metadata: ServerMetadata;
  capabilities: Capabilities;
  /**
   * Metadata values the config's `metadata` set to something other than discovery gave,
   * by key; `discovered` is null where the document lacks the key. Empty when none.
   */
  metadataOverrides: Record<string, { discovered: unknown; configured: unknown }>;
  timeouts: Timeouts;
  /** The first (or index-th) client with this role; throws NotApplicableError when there is none. */
  client(role: ClientRole, index?: number): TargetClient;
  findClient(role: ClientRole, index?: number): TargetClient | undefined;
  /** The first user with this role; throws NotApplicableError when there is none. */
  user(role: UserRole): TargetUser;
  findUser(role: UserRole): TargetUser | undefined;
  /** The endpoint URL from the metadata; throws NotApplicableError when the metadata lacks it. */
  endpoint(name: EndpointName): string;
  /** Stops whatever the target started (reference server, directory). Idempotent. */
  close(): Promise<void>;
}

/**
 * Thrown when the target lacks something a step needs (a client role, an endpoint).
 * The flow engine turns it into a not-applicable step or check with this reason.
 */
export class NotApplicableError extends Error {
  override name = 'NotApplicableError';
}
