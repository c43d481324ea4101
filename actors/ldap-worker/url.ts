/**
 * The worker's JDBC-like LDAP URL: server, base DN, login and password in one string,
 * percent-encoded as in RFC 3986 §2.1. The exact grammar is in README.md, section
 * "LDAP fixture and worker". The password is kept in a private field: toString(), toJSON()
 * and util.inspect() show it as ***, and every error message masks it.
 */
import { inspect } from 'node:util';
import { MalformedLdapUrlError } from './errors.ts';
import { DnSyntaxError, parseDN } from './dn-syntax.ts';

export type LdapScheme = 'ldap' | 'ldaps';

export interface LdapWorkerUrlParts {
  scheme?: LdapScheme;
  host: string;
  port?: number;
  baseDN?: string;
  user?: string;
  password?: string;
  startTLS?: boolean;
  caFile?: string;
  timeoutMs?: number;
}

export const defaultPorts: Record<LdapScheme, number> = { ldap: 389, ldaps: 636 };
export const defaultTimeoutMs = 10_000;
const maxTimeoutMs = 600_000;
const paramNames = ['user', 'password', 'starttls', 'ca', 'timeout'] as const;
type ParamName = (typeof paramNames)[number];

const publicParams = new Set(['user', 'starttls', 'ca', 'timeout']);

/**
 * Hides the password in any string that looks like a worker URL, even a malformed one: the
 * value of every parameter but user, starttls, ca and timeout (so a misspelt "pasword=" is
 * hidden too), and a password in userinfo (user:pw@host).
 */
export function maskPassword(raw: string): string {
  const withoutUserinfo = raw.replace(/^([^:/?#]*:\/\/[^/?#@]*?):[^/?#@]*@/, '$1:***@');
  const q = withoutUserinfo.indexOf('?');
  if (q < 0) return withoutUserinfo;
  // Split on "&" only: an unencoded "#" in a password must not end the masking.
  const pairs = withoutUserinfo.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    if (eq >= 0 && publicParams.has(name)) return pair;
    return eq < 0 ? (publicParams.has(name) ? pair : '***') : `${pair.slice(0, eq)}=***`;
  });
  return `${withoutUserinfo.slice(0, q + 1)}${pairs.join('&')}`;
}

/** RFC 3986 §2.1 decoding (UTF-8). "+" stays a plus: this is not form encoding. */
function decode(text: string, what: string, masked: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MalformedLdapUrlError(masked, `${what} has a "%" that is not followed by two hex digits, or is not UTF-8`);
  }
}

/** Stricter than encodeURIComponent: also encodes !'()* so that only unreserved characters stay raw. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class LdapWorkerUrl {
  readonly scheme: LdapScheme;
  readonly host: string;
  readonly port: number;
  readonly baseDN: string;
  readonly user: string | undefined;
  readonly startTLS: boolean;
  readonly caFile: string | undefined;
  readonly timeoutMs: number;
  readonly #password: string | undefined;

  constructor(parts: LdapWorkerUrlParts) {
    this.scheme = parts.scheme ?? 'ldap';
    this.host = parts.host;
    this.port = parts.port ?? defaultPorts[this.scheme];
    this.baseDN = parts.baseDN ?? '';
    this.user = parts.user;
    this.#password = parts.password;
    this.startTLS = parts.startTLS ?? false;
    this.caFile = parts.caFile;
    this.timeoutMs = parts.timeoutMs ?? defaultTimeoutMs;
  }

  /** The password, for the bind only. Named so each use is easy to find. */
  revealPassword(): string | undefined {
    return this.#password;
  }

  /** What ldapts connects to: scheme, host and port only. */
  get serverUrl(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.scheme}://${host}:${this.port}`;
  }

  /** Whether the connection is encrypted (ldaps:// or StartTLS). */
  get tls(): boolean {
    return this.scheme === 'ldaps' || this.startTLS;
  }

  /** The URL with every part encoded; the password as given only when asked, else ***. */
  format(options: { revealPassword?: boolean } = {}): string {
    const params: string[] = [];
    if (this.user !== undefined) params.push(`user=${percentEncode(this.user)}`);
    if (this.#password !== undefined) params.push(`password=${options.revealPassword ? percentEncode(this.#password) : '***'}`);
    if (this.startTLS) params.push('starttls=true');
    if (this.caFile !== undefined) params.push(`ca=${percentEncode(this.caFile)}`);
    if (this.timeoutMs !== defaultTimeoutMs) params.push(`timeout=${this.timeoutMs}`);
    // In the path, "=" and "," may stay raw (RFC 3986 sub-delims), which keeps DNs readable.
    const base = percentEncode(this.baseDN).replace(/%3D/g, '=').replace(/%2C/g, ',');
    return `${this.serverUrl}/${base}${params.length ? `?${params.join('&')}` : ''}`;
  }

  toString(): string {
    return this.format();
  }

  toJSON(): string {
    return this.format();
  }

  [inspect.custom](): string {
    return `LdapWorkerUrl <${this.format()}>`;
  }
}

/** Builds a worker URL string from its parts, percent-encoding each (the inverse of parseLdapWorkerUrl). */
export function formatLdapWorkerUrl(parts: LdapWorkerUrlParts): string {
  return new LdapWorkerUrl(parts).format({ revealPassword: true });
}

// RFC 3986 §2: characters that may appear raw in a URI; everything else must be percent-encoded.
const uriChars = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const urlShape = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;

export function parseLdapWorkerUrl(raw: string): LdapWorkerUrl {
  const masked = maskPassword(raw);
  const fail = (reason: string): never => { throw new MalformedLdapUrlError(masked, reason); };

  if (typeof raw !== 'string' || raw.trim() === '') fail('empty');
  if (!uriChars.test(raw)) {
    // Name the offending character, unless it sits in the password (then only say so).
    const bad = [...masked].find((c) => !uriChars.test(c));
    if (bad === undefined) fail('the password holds a character that must be percent-encoded (RFC 3986 §2.1)');
    fail(`${bad === ' ' ? 'a space' : `character ${JSON.stringify(bad)}`} must be percent-encoded (RFC 3986 §2.1)`);
  }
  const shape = urlShape.exec(raw);
  if (!shape) return fail('expected ldap://host:port/baseDN?user=...&password=...');
  const [, rawScheme, authority, path = '', query, fragment] = shape;
  const scheme = rawScheme.toLowerCase();
  if (scheme !== 'ldap' && scheme !== 'ldaps') fail(`scheme must be ldap or ldaps, got "${rawScheme}"`);
  // "#" starts a fragment (RFC 3986 §3.5); here it is almost always an unencoded "#" in the password.
  if (fragment !== undefined) fail('"#" must be percent-encoded as %23 (a URL fragment is not allowed)');

  if (authority.includes('@')) fail('put the login in ?user=...&password=..., not before the host (user@host)');
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::(\d*))?$/.exec(authority);
  if (!hostPort) return fail(authority === '' ? 'no host' : `bad host "${authority}"`);
  const host = decode(hostPort[1].replace(/^\[|\]$/g, ''), 'host', masked);
  let port = defaultPorts[scheme as LdapScheme];
  if (hostPort[2] !== undefined && hostPort[2] !== '') {
    port = Number(hostPort[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port must be 1-65535, got ${hostPort[2]}`);
  }

  if (path === '') fail('missing "/" and base DN after host:port (use "/" alone for an empty base DN)');
  const baseDN = decode(path.slice(1), 'base DN', masked);
  try {
    parseDN(baseDN);
  } catch (error) {
    fail(`base DN "${baseDN}" is not an RFC 4514 DN: ${(error as DnSyntaxError).message}`);
  }

  const params = new Map<ParamName, string>();
  if (query !== undefined && query !== '?') {
    for (const pair of query.slice(1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq < 0) fail(`a parameter has no "=" (expected name=value)`);
      const name = pair.slice(0, eq).toLowerCase();
      if (!(paramNames as readonly string[]).includes(name)) fail(`unknown parameter "${pair.slice(0, eq)}" (known: ${paramNames.join(', ')})`);
      if (params.has(name as ParamName)) fail(`parameter "${name}" given twice`);
      params.set(name as ParamName, decode(pair.slice(eq + 1), `parameter "${name}"`, masked));
    }
  }

  const user = params.get('user');
  const password = params.get('password');
  if (user !== undefined) {
    if (user === '') fail('user is empty (omit user and password for an anonymous bind)');
    try {
      parseDN(user);
    } catch (error) {
      fail(`user "${user}" is not an RFC 4514 DN: ${(error as DnSyntaxError).message}`);
    }
    // An empty password would be an unauthenticated bind, which servers accept without checking (RFC 4513 §5.1.2).
    if (!password) fail('user is given without a password (an empty password is an unauthenticated bind, RFC 4513 §5.1.2)');
  } else if (password !== undefined) {
    fail('password is given without user');
  }

  let startTLS = false;
  const starttls = params.get('starttls');
  if (starttls !== undefined) {
    if (!/^(true|false)$/i.test(starttls)) fail(`starttls must be true or false, got "${starttls}"`);
    startTLS = starttls.toLowerCase() === 'true';
    if (startTLS && scheme === 'ldaps') fail('starttls=true with ldaps:// (the connection is already TLS)');
  }

  const caFile = params.get('ca');
  if (caFile !== undefined && !(scheme === 'ldaps' || startTLS)) fail('ca is given but the connection is not TLS (use ldaps:// or starttls=true)');
  if (caFile === '') fail('ca is empty');

  let timeoutMs = defaultTimeoutMs;
  const timeout = params.get('timeout');
  if (timeout !== undefined) {
    timeoutMs = Number(timeout);
    if (!/^\d+$/.test(timeout) || timeoutMs < 1 || timeoutMs > maxTimeoutMs) fail(`timeout must be 1-${maxTimeoutMs} milliseconds, got "${timeout}"`);
  }

  return new LdapWorkerUrl({ scheme: scheme as LdapScheme, host, port, baseDN, user, password, startTLS, caFile, timeoutMs });
}
