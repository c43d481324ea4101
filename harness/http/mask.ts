/**
 * Secret masking for recorded evidence. Reports are shared (CI artefacts, tickets), so
 * nothing that authenticates a client or a user may appear in them in full.
 *   - credentials that prove identity (client_secret, password, code_verifier) are hidden entirely;
 *   - bearer artefacts (tokens, codes) keep a short prefix, so one exchange can be matched
 *     with the next in the report, plus their length.
 */

/** Parameter and JSON keys whose values are hidden entirely. */
const hiddenKeys = new Set(['client_secret', 'password', 'code_verifier', 'secret', 'private_jwk']);
/** Private members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const privateJwkMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
/**
 * Keys whose values keep a prefix and their length: every bearer artefact, in any position
 * (form bodies, query strings, fragments, JSON): `token` is what revocation and introspection
 * send (RFC 7009 §2.1, RFC 7662 §2.1), `request_uri` a pushed request's handle (RFC 9126 §2.2),
 * `user_code` what authorizes a device (RFC 8628 §3.3).
 */
const partialKeys = new Set([
  'access_token', 'refresh_token', 'id_token', 'code', 'device_code', 'user_code', 'client_assertion',
  'registration_access_token', 'initial_access_token', 'assertion', 'subject_token', 'actor_token', 'logout_token',
  'token', 'request_uri',
]);

/** Whether a parameter or member of this name carries a secret: hidden entirely, or kept to a prefix. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return hiddenKeys.has(k) || /secret|passw(or)?d/.test(k) || partialKeys.has(k);
}

export const hidden = '****';

/** `eyJhbG…(812 chars)`: enough to correlate two exchanges, not enough to replay one. */
export function maskPartially(value: string): string {
  if (value.length <= 12) return `${hidden}(${value.length} chars)`;
  return `${value.slice(0, 6)}…(${value.length} chars)`;
}

export function maskValue(key: string, value: string): string {
  const k = key.toLowerCase();
  if (hiddenKeys.has(k) || /secret|passw(or)?d/.test(k)) return hidden;
  // A pushed request's URN prefix (RFC 9126 §2.2) is the same for all: the prefix kept is the handle's.
  const urn = k === 'request_uri' ? /^(urn:ietf:params:oauth:request_uri:)(.+)$/.exec(value) : null;
  if (urn) return `${urn[1]}${maskPartially(urn[2])}`;
  if (partialKeys.has(k)) return maskPartially(value);
  return value;
}

/** Authorization / Proxy-Authorization: keep the scheme, hide Basic credentials, shorten tokens. */
export function maskAuthorization(value: string): string {
  const [scheme, ...rest] = value.split(' ');
  const credentials = rest.join(' ');
  if (!credentials) return hidden;
  if (scheme.toLowerCase() === 'basic') return `${scheme} ${hidden}`;
  return `${scheme} ${maskPartially(credentials)}`;
}

function maskCookie(value: string): string {
  return value.replace(/(^|;\s*)([^=;\s]+)=([^;]*)/g, (_m, sep: string, name: string, v: string) => {
    // Attributes of Set-Cookie (Path, Expires...) stay readable.
    if (/^(path|domain|expires|max-age|samesite)$/i.test(name)) return `${sep}${name}=${v}`;
    return `${sep}${name}=${v ? maskPartially(v) : ''}`;
  });
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    if (n === 'authorization' || n === 'proxy-authorization') out[name] = maskAuthorization(value);
    else if (n === 'cookie' || n === 'set-cookie') out[name] = maskCookie(value);
    else if (n === 'dpop') out[name] = maskPartially(value);
    else out[name] = value;
  }
  return out;
}

/** A query string for display: masked values stay readable ("code=7c90a7…(32 chars)"). */
function displayParams(params: URLSearchParams): string {
  return [...params].map(([k, v]) => {
    const masked = maskValue(k, v);
    return `${encodeURIComponent(k)}=${masked === v ? encodeURIComponent(v) : masked}`;
  }).join('&');
}

/** Masks query and fragment parameters (codes and tokens travel there in the front channel). For display only. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const auth = parsed.username ? `${parsed.username}${parsed.password ? `:${hidden}` : ''}@` : '';
  let out = `${parsed.protocol}//${auth}${parsed.host}${parsed.pathname}`;
  if (parsed.search) out += `?${displayParams(parsed.searchParams)}`;
  if (parsed.hash.length > 1) {
    out += parsed.hash.includes('=') ? `#${displayParams(new URLSearchParams(parsed.hash.slice(1)))}` : parsed.hash;
  }
  return out;
}

export function maskJson(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key ? maskValue(key, value) : value;
  if (Array.isArray(value)) return value.map((v) => maskJson(v, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const isJwk = 'kty' in value;
    for (const [k, v] of Object.entries(value)) {
      const lower = k.toLowerCase();
      if (isJwk && privateJwkMembers.has(k)) {
        out[k] = hidden;
        continue;
      }
      // A whole object under a hidden key (a private JWK) is hidden as one.
      out[k] = (hiddenKeys.has(lower) && typeof v === 'object' && v !== null) ? hidden : maskJson(v, k);
    }
    return out;
  }
  return value;
}

const maxBody = 64 * 1024;

/** Masks a request or response body according to its content type; truncates very long ones. */
export function maskBody(body: string, contentType: string | undefined): string {
  const type = (contentType ?? '').toLowerCase();
  let masked = body;
  if (type.includes('json')) {
    try {
      masked = JSON.stringify(maskJson(JSON.parse(body)), null, 2);
    } catch {
      masked = body;
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    masked = displayParams(new URLSearchParams(body));
  }
  if (masked.length > maxBody) masked = `${masked.slice(0, maxBody)}\n… (${masked.length - maxBody} more characters not recorded)`;
  return masked;
}
