/**
 * The reference server's config file (JSON), documented in README "## Reference server".
 * Field names of a client follow RFC 7591 client metadata where one exists.
 */
import type { JWK } from 'jose';
import type { EndpointSettingsConfig } from './endpoint-settings.ts';
import type { FaultsConfig } from './faults.ts';
import type { LimitsConfig } from './limits-settings.ts';

export type SigningAlg = 'ES256' | 'RS256';
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface ClientConfig {
  client_id: string;
  /** The harness role this client plays: confidential, public, par, implicit, hybrid, device, service, ... */
  role?: string;
  client_name?: string;
  /** Plain secret, hashed at load. Omitted for a secret-based method: one is generated at start. */
  client_secret?: string;
  /** base64url SHA-256 of the secret, for config files that must not hold the secret itself. */
  client_secret_sha256?: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  /** OIDC RP-Initiated Logout 1.0 §3.1: where the end-session endpoint may send the browser after logout (exact match). */
  post_logout_redirect_uris?: string[];
  /** OIDC Back-Channel Logout 1.0 §2.2: where the OP POSTs a logout token when a session the client signed into ends. */
  backchannel_logout_uri?: string;
  /** OIDC Back-Channel Logout 1.0 §2.2: the logout token must carry sid. */
  backchannel_logout_session_required?: boolean;
  /** Scopes the client may ask for, space-separated. Default: every scope the server knows. */
  scope?: string;
  /** RFC 9068 JWT (default) or an opaque string checked by introspection. */
  access_token_format?: 'jwt' | 'opaque';
  access_token_signed_response_alg?: SigningAlg;
  id_token_signed_response_alg?: SigningAlg;
  /** Access token lifetime for this client, seconds (default ttl.accessToken). */
  access_token_ttl?: number;
  /** Lifetime of this client's device codes (RFC 8628 §3.2 expires_in), seconds (default ttl.deviceCode). */
  device_code_ttl?: number;
  /** private_key_jwt: the client's public keys. Omitted: a key pair is generated at start. */
  jwks?: { keys: JWK[] };
  /** PKCE S256 required (always true for public clients). Default false for confidential ones. */
  require_pkce?: boolean;
  /** DN of the LDAP group whose members may consent for this client (default consent.defaultGroup). */
  consent_group?: string;
  /** RFC 9126 §6: the client's plain authorization requests are refused. */
  require_pushed_authorization_requests?: boolean;
  /** RFC 9101 §10.5: the client's authorization requests are refused unless they come as a signed Request Object. */
  require_signed_request_object?: boolean;
  /** OIDC Registration §2 request_uris: the only request_uri values (RFC 9101 §5.2) this server fetches for the client. */
  request_uris?: string[];
}

export interface UserConfig {
  username: string;
  password: string;
  /** The harness role: user, outsider, special, escaped-dn. */
  role: string;
}

export interface LdapConfig {
  url?: string;
  baseDN?: string;
  bindDN?: string;
  password?: string;
  /** Where people are searched (default: baseDN). */
  peopleDN?: string;
  /** The attribute a username is matched against (default uid). */
  usernameAttribute?: string;
  /** Timeout of every LDAP operation, ms (default 5000). */
  timeoutMs?: number;
}

export interface TtlConfig {
  authorizationCode?: number;
  accessToken?: number;
  idToken?: number;
  refreshToken?: number;
  interaction?: number;
  session?: number;
  consent?: number;
  /** A pushed authorization request's request_uri (RFC 9126 §2.2 expires_in, default 60). */
  pushedAuthorizationRequest?: number;
  /** A device_code and its user_code (RFC 8628 §3.2 expires_in, default 600). */
  deviceCode?: number;
}

export interface KeysConfig {
  /** One signing key per algorithm (default ES256 and RS256), generated at start unless jwks is given. */
  algorithms?: SigningAlg[];
  /** Private JWKs to sign with (each with alg and kid). */
  jwks?: { keys: JWK[] };
  /** How long a rotated-out key keeps verifying, seconds (default: ttl.idToken, so issued tokens stay valid). */
  retireAfterSeconds?: number;
  /** A new current key per algorithm this often, seconds (default: never on its own). */
  rotateEverySeconds?: number;
}

/**
 * Deliberate spec violations, which exist only to prove that the harness catches them
 * (see faults.ts for each one). The reference server refuses any fault it does not know.
 */
export type { FaultsConfig };

/** pushedAuthorizationRequests, deviceAuthorization and registration: see endpoint-settings.ts. */
export interface ReferenceConfig extends EndpointSettingsConfig {
  clients: ClientConfig[];
  /** Users the harness signs in as; they live in the LDAP directory, this only names them. */
  users?: UserConfig[];
  /** Scope values and what the consent page says about them. openid is always known. */
  scopes?: Record<string, string>;
  ttl?: TtlConfig;
  /** DPoP (RFC 9449). */
  dpop?: {
    /** Whether the token endpoint requires a nonce it hands out in DPoP-Nonce (§8). Default true. */
    requireNonce?: boolean;
    /** Seconds a proof's iat may be from the server's clock (§11.1). Default 60. */
    iatWindowSeconds?: number;
  };
  keys?: KeysConfig;
  /**
   * Where codes, tokens, sessions, registered clients, keys and limits are kept: "memory" (the
   * default: one process, gone at exit) or a redis:// URL, shared by every instance that names it
   * and kept across restarts.
   */
  store?: string;
  /** Failed sign-ins and client authentications before a block (limits-settings.ts). */
  limits?: LimitsConfig;
  /** The in-memory store (store "memory"): live records at most (default 100000); a Redis store is bounded by Redis's maxmemory. */
  memoryStore?: { maxRecords?: number };
  ldap?: LdapConfig;
  consent?: {
    /** DN of the group whose members may consent, for clients without consent_group. */
    defaultGroup?: string;
  };
  /** The groups claim lists the cn of each of these groups the user is a member of. */
  groups?: { dns?: string[] };
  resourceServer?: {
    /** The aud of JWT access tokens and what the resource server expects (default: its URL). */
    audience?: string;
    /** Scope GET /resource needs (default api:read); POST /resource needs writeScope (default api:write). */
    readScope?: string;
    writeScope?: string;
    /** The client the resource server authenticates as at /introspect (default resource-server). */
    clientId?: string;
  };
  faults?: FaultsConfig;
}
