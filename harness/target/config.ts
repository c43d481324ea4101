/**
 * The target config file (JSON): the clients, test users, login automation, flows to
 * skip and expected failures of an IdP under test. The format is documented in
 * docs/config.md. Validation reports every problem at once, each with its
 * JSON path, so a vendor fixes the file in one go.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../cli-errors.ts';
import { isComment, substituteEnv } from './config-env.ts';
import {
  checkIdPattern, clientRoles, defaultAuthMethod, interactionLimits, interactionVerbs, locatorKinds, userRoles,
  type ClientRole, type ExpectedFailure, type Interaction, type InteractionAction, type LocatorSpec, type LoginAutomation,
  type PageMatch, type ServerMetadata, type TargetClient, type TargetSettings, type TargetUser, type Timeouts,
} from './model.ts';

/** The settings of a Target, with the issuer and only the timeouts the file sets. */
export interface TargetConfig extends TargetSettings {
  issuer?: string;
  timeouts: Partial<Timeouts>;
  /** Discovery values to add or replace (an IdP that supports more than it advertises); applied by buildTarget. */
  metadata: Partial<ServerMetadata>;
  /** Deprecations in the file, one sentence each with its JSON path; the caller decides where to show them. */
  notes: string[];
}

export const emptyConfig = (): TargetConfig => ({ clients: [], users: [], skipFlows: [], expectedFailures: [], timeouts: {}, tls: {}, options: {}, metadata: {}, notes: [] });

/** A config that fails validation: every problem, each as "$.path: what is wrong". */
export class ConfigValidationError extends ConfigError {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} is not a valid target config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

type Json = unknown;


class Checker {
  readonly problems: string[] = [];
  readonly notes: string[] = [];

  note(path: string, message: string): void {
    this.notes.push(`${path}: ${message}`);
  }

  add(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(path: string, value: Json, allowed: readonly string[], required: readonly string[] = []): Record<string, Json> | undefined {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      this.add(path, `must be an object, got ${describe(value)}`);
      return undefined;
    }
    const obj = value as Record<string, Json>;
    for (const key of Object.keys(obj)) {
      if (isComment(key) || allowed.includes(key)) continue;
      const hint = closest(key, allowed);
      this.add(`${path}.${key}`, `unknown field${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`);
    }
    for (const key of required) if (obj[key] === undefined) this.add(`${path}.${key}`, 'is required');
    return obj;
  }

  string(path: string, value: Json, options: { optional?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    if (value === undefined) {
      if (!options.optional) this.add(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(path, `must be a string, got ${describe(value)}`);
      return undefined;
    }
    if (options.nonEmpty !== false && value.length === 0) {
      this.add(path, 'must not be empty');
      return undefined;
    }
    return value;
  }

  url(path: string, value: Json, options: { optional?: boolean; schemes?: string[] } = {}): string | undefined {
    const s = this.string(path, value, options);
    if (s === undefined) return undefined;
    try {
      const u = new URL(s);
      const schemes = options.schemes ?? ['http:', 'https:'];
      if (!schemes.includes(u.protocol)) {
        this.add(path, `must be a ${schemes.map((x) => x.replace(':', '')).join(' or ')} URL, got "${s}"`);
        return undefined;
      }
      return s;
    } catch {
      this.add(path, `must be an absolute URL, got "${s}"`);
      return undefined;
    }
  }

  boolean(path: string, value: Json): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.add(path, `must be true or false, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  positiveInt(path: string, value: Json): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      this.add(path, `must be a positive integer (milliseconds), got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  stringArray(path: string, value: Json, options: { optional?: boolean; urls?: boolean } = {}): string[] | undefined {
    if (value === undefined) {
      if (!options.optional) this.add(path, 'is required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(path, `must be an array of strings, got ${describe(value)}`);
      return undefined;
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      const s = options.urls ? this.url(`${path}[${i}]`, v) : this.string(`${path}[${i}]`, v);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  /** A regular expression written as JS source (no slashes, no flags). */
  pattern(path: string, value: Json, options: { optional?: boolean } = {}): string | undefined {
    const s = this.string(path, value, options);
    if (s === undefined) return undefined;
    try {
      new RegExp(s);
      return s;
    } catch (error) {
      this.add(path, `is not a valid regular expression: ${(error as Error).message}`);
      return undefined;
    }
  }

  array(path: string, value: Json): Json[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.add(path, `must be an array, got ${describe(value)}`);
      return [];
    }
    return value;
  }

  oneOf<T extends string>(path: string, value: Json, allowed: readonly T[]): T | undefined {
    const s = this.string(path, value);
    if (s === undefined) return undefined;
    if (!allowed.includes(s as T)) {
      const hint = closest(s, allowed);
      this.add(path, `"${s}" is not one of ${allowed.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`);
      return undefined;
    }
    return s as T;
  }
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const browserRoles: ClientRole[] = ['confidential', 'public', 'par', 'implicit', 'hybrid', 'opaque'];
const secretMethods = ['client_secret_basic', 'client_secret_post'];
const authMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
/** Roles whose whole point is one auth method. */
const requiredMethod: Partial<Record<ClientRole, string>> = { 'service-post': 'client_secret_post', 'service-jwt': 'private_key_jwt', public: 'none' };

function defaultGrants(role: ClientRole): string[] {
  switch (role) {
    case 'device': return ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'];
    case 'device-expiring': case 'device-confidential': return ['urn:ietf:params:oauth:grant-type:device_code'];
    case 'service': case 'service-post': case 'service-jwt': return ['client_credentials'];
    case 'implicit': return ['implicit'];
    case 'hybrid': return ['authorization_code', 'implicit', 'refresh_token'];
    default: return ['authorization_code', 'refresh_token'];
  }
}

function defaultResponseTypes(role: ClientRole): string[] {
  switch (role) {
    case 'device': case 'device-expiring': case 'device-confidential': case 'service': case 'service-post': case 'service-jwt': return [];
    case 'implicit': return ['id_token token', 'token', 'id_token'];
    case 'hybrid': return ['code id_token', 'code token', 'code id_token token'];
    default: return ['code'];
  }
}

function checkLocator(c: Checker, path: string, value: Json, optional = false): LocatorSpec | undefined {
  if (value === undefined) {
    if (!optional) c.add(path, `is required (a locator: one of ${locatorKinds.map((k) => `{"${k}": ...}`).join(', ')})`);
    return undefined;
  }
  const obj = c.object(path, value, [...locatorKinds, 'name', 'exact', 'frame']);
  if (!obj) return undefined;
  const kinds = locatorKinds.filter((k) => obj[k] !== undefined);
  if (kinds.length !== 1) {
    c.add(path, kinds.length === 0
      ? `must name exactly one of ${locatorKinds.join(', ')}`
      : `names ${kinds.join(' and ')}; a locator has exactly one of ${locatorKinds.join(', ')}`);
    return undefined;
  }
  const kind = kinds[0];
  c.string(`${path}.${kind}`, obj[kind]);
  if (obj.name !== undefined && kind !== 'role') c.add(`${path}.name`, 'only goes with "role"');
  c.string(`${path}.name`, obj.name, { optional: true });
  c.boolean(`${path}.exact`, obj.exact);
  c.string(`${path}.frame`, obj.frame, { optional: true });
  // A copy without comment keys: the driver prints locators as they are.
  const spec: Record<string, Json> = {};
  for (const key of [kind, 'name', 'exact', 'frame']) if (obj[key] !== undefined) spec[key] = obj[key];
  return spec as unknown as LocatorSpec;
}

/** `when` of an interaction: a locator, a urlPattern, or both. */
function checkPageMatch(c: Checker, path: string, value: Json): PageMatch | undefined {
  const obj = c.object(path, value, [...locatorKinds, 'name', 'exact', 'frame', 'urlPattern']);
  if (!obj) return undefined;
  const urlPattern = c.pattern(`${path}.urlPattern`, obj.urlPattern, { optional: true });
  const hasLocator = locatorKinds.some((k) => obj[k] !== undefined) || ['name', 'exact', 'frame'].some((k) => obj[k] !== undefined);
  if (!hasLocator) {
    if (obj.urlPattern === undefined) c.add(path, `must name the page: a locator (one of ${locatorKinds.join(', ')}) visible on it, a "urlPattern" (a regular expression its URL matches), or both`);
    return urlPattern === undefined ? undefined : { urlPattern };
  }
  const { urlPattern: _, ...locator } = obj;
  const spec = checkLocator(c, path, locator);
  if (!spec) return undefined;
  return urlPattern === undefined ? spec : { ...spec, urlPattern };
}

function checkAction(c: Checker, path: string, value: Json): InteractionAction | undefined {
  const obj = c.object(path, value, [...interactionVerbs, 'all', 'value', 'decision', 'optional', 'timeoutMs']);
  if (!obj) return undefined;
  const verbs = interactionVerbs.filter((v) => obj[v] !== undefined);
  if (verbs.length !== 1) {
    c.add(path, verbs.length === 0
      ? `must name exactly one action: ${interactionVerbs.map((v) => `{"${v}": <locator>}`).join(', ')}`
      : `names ${verbs.join(' and ')}; an action does exactly one of ${interactionVerbs.join(', ')} (use one action each)`);
    return undefined;
  }
  const verb = verbs[0];
  const spec = checkLocator(c, `${path}.${verb}`, obj[verb]);
  let ok = spec !== undefined;
  if (obj.all !== undefined && verb !== 'check') {
    c.add(`${path}.all`, 'only goes with "check"');
    ok = false;
  }
  const all = c.boolean(`${path}.all`, obj.all);
  let text: string | string[] | undefined;
  if (verb === 'fill') {
    text = c.string(`${path}.value`, obj.value, { nonEmpty: false });
    ok &&= text !== undefined;
  } else if (verb === 'select') {
    text = typeof obj.value === 'string' ? obj.value : c.stringArray(`${path}.value`, obj.value);
    if (Array.isArray(text) && text.length === 0) c.add(`${path}.value`, 'must name at least one option');
    ok &&= text !== undefined;
  } else if (obj.value !== undefined) {
    c.add(`${path}.value`, 'only goes with "fill" and "select"');
    ok = false;
  }
  const decision = obj.decision === undefined ? undefined : c.oneOf(`${path}.decision`, obj.decision, ['approve', 'deny'] as const);
  if (obj.decision !== undefined && decision === undefined) ok = false;
  const optional = c.boolean(`${path}.optional`, obj.optional);
  if (optional && decision) {
    c.add(`${path}.optional`, 'a consent answer cannot be optional: without its control the user never answered');
    ok = false;
  }
  const timeoutMs = c.positiveInt(`${path}.timeoutMs`, obj.timeoutMs);
  if (!ok || !spec) return undefined;
  return stripUndefined({ [verb]: spec, ...(verb === 'check' ? { all } : {}), value: text, decision, optional, timeoutMs }) as unknown as InteractionAction;
}

function checkInteractions(c: Checker, path: string, value: Json): Interaction[] {
  const list = c.array(path, value);
  if (list.length > interactionLimits.interactions) c.add(path, `has ${list.length} entries; at most ${interactionLimits.interactions}`);
  const out: Interaction[] = [];
  list.forEach((v, i) => {
    const p = `${path}[${i}]`;
    const obj = c.object(p, v, ['name', 'when', 'actions'], ['when', 'actions']);
    if (!obj) return;
    const name = c.string(`${p}.name`, obj.name, { optional: true });
    const when = obj.when === undefined ? undefined : checkPageMatch(c, `${p}.when`, obj.when);
    const raw = obj.actions === undefined ? [] : c.array(`${p}.actions`, obj.actions);
    if (obj.actions !== undefined && Array.isArray(obj.actions) && raw.length === 0) c.add(`${p}.actions`, 'must list at least one action');
    if (raw.length > interactionLimits.actionsPerPage) c.add(`${p}.actions`, `has ${raw.length} actions; at most ${interactionLimits.actionsPerPage}`);
    const actions = raw.map((a, k) => checkAction(c, `${p}.actions[${k}]`, a));
    const decisions = actions.flatMap((a) => (a?.decision ? [a.decision] : []));
    for (const d of ['approve', 'deny'] as const) {
      if (decisions.filter((x) => x === d).length > 1) c.add(`${p}.actions`, `has more than one action with "decision": "${d}"; a consent page is answered once`);
    }
    if (when && actions.length > 0 && actions.every((a) => a !== undefined)) out.push(stripUndefined({ name, when, actions: actions as InteractionAction[] }));
  });
  return out;
}

function checkLogin(c: Checker, path: string, value: Json): LoginAutomation | undefined {
  const obj = c.object(path, value, ['username', 'password', 'submit', 'next', 'consent', 'interactions', 'device', 'timeoutMs', 'settleMs'], []);
  if (!obj) return undefined;
  const login = {
    username: checkLocator(c, `${path}.username`, obj.username),
    password: checkLocator(c, `${path}.password`, obj.password),
    submit: checkLocator(c, `${path}.submit`, obj.submit),
    next: checkLocator(c, `${path}.next`, obj.next, true),
  } as LoginAutomation;
  if (obj.consent !== undefined) {
    const consent = c.object(`${path}.consent`, obj.consent, ['approve', 'deny'], ['approve']);
    if (consent) {
      login.consent = {
        approve: checkLocator(c, `${path}.consent.approve`, consent.approve, true)!,
        deny: checkLocator(c, `${path}.consent.deny`, consent.deny, true),
      };
    }
  }
  if (obj.interactions !== undefined) login.interactions = checkInteractions(c, `${path}.interactions`, obj.interactions);
  if (obj.device !== undefined) {
    const device = c.object(`${path}.device`, obj.device, ['userCode', 'submit', 'confirm'], ['userCode', 'submit']);
    if (device) {
      login.device = {
        userCode: checkLocator(c, `${path}.device.userCode`, device.userCode, true)!,
        submit: checkLocator(c, `${path}.device.submit`, device.submit, true)!,
        confirm: checkLocator(c, `${path}.device.confirm`, device.confirm, true),
      };
    }
  }
  login.timeoutMs = c.positiveInt(`${path}.timeoutMs`, obj.timeoutMs);
  login.settleMs = c.positiveInt(`${path}.settleMs`, obj.settleMs);
  return stripUndefined(login);
}

function checkClient(c: Checker, path: string, value: Json): TargetClient | undefined {
  const obj = c.object(path, value, ['role', 'client_id', 'client_secret', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'redirect_uris', 'scope', 'private_jwk', 'require_pushed_authorization_requests'], ['role', 'client_id']);
  if (!obj) return undefined;
  const role = obj.role === undefined ? undefined : c.oneOf(`${path}.role`, obj.role, clientRoles);
  const clientId = obj.client_id === undefined ? undefined : c.string(`${path}.client_id`, obj.client_id);
  const method = obj.token_endpoint_auth_method === undefined
    ? (role ? defaultAuthMethod[role] : undefined)
    : c.oneOf(`${path}.token_endpoint_auth_method`, obj.token_endpoint_auth_method, authMethods);
  if (role && method && requiredMethod[role] && requiredMethod[role] !== method) {
    c.add(`${path}.token_endpoint_auth_method`, `a "${role}" client authenticates with ${requiredMethod[role]}, not ${method}`);
  }
  const secret = c.string(`${path}.client_secret`, obj.client_secret, { optional: true });
  if (method && secretMethods.includes(method) && secret === undefined && obj.client_secret === undefined) {
    c.add(`${path}.client_secret`, `is required for token_endpoint_auth_method ${method}`);
  }
  let jwk: Record<string, Json> | undefined;
  if (obj.private_jwk !== undefined) {
    jwk = c.object(`${path}.private_jwk`, obj.private_jwk, ['kty', 'kid', 'alg', 'use', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi'], ['kty', 'd']);
  } else if (method === 'private_key_jwt') {
    c.add(`${path}.private_jwk`, 'is required for token_endpoint_auth_method private_key_jwt (a private JWK with kty, d and kid)');
  }
  const redirectUris = c.stringArray(`${path}.redirect_uris`, obj.redirect_uris, { optional: true, urls: true });
  if (role && browserRoles.includes(role) && obj.redirect_uris === undefined) {
    c.add(`${path}.redirect_uris`, `is required for a "${role}" client (the browser is sent back there)`);
  }
  if (redirectUris?.length === 0 && role && browserRoles.includes(role)) c.add(`${path}.redirect_uris`, 'must list at least one URI');
  const grantTypes = c.stringArray(`${path}.grant_types`, obj.grant_types, { optional: true });
  const responseTypes = c.stringArray(`${path}.response_types`, obj.response_types, { optional: true });
  const scope = c.string(`${path}.scope`, obj.scope, { optional: true });
  if (!role || clientId === undefined || !method) return undefined;
  return stripUndefined({
    role,
    client_id: clientId,
    client_secret: secret,
    token_endpoint_auth_method: method,
    grant_types: grantTypes ?? defaultGrants(role),
    response_types: responseTypes ?? defaultResponseTypes(role),
    redirect_uris: redirectUris ?? [],
    scope,
    private_jwk: jwk as TargetClient['private_jwk'],
    require_pushed_authorization_requests: c.boolean(`${path}.require_pushed_authorization_requests`, obj.require_pushed_authorization_requests),
  });
}

function checkUser(c: Checker, path: string, value: Json): TargetUser | undefined {
  const obj = c.object(path, value, ['role', 'username', 'password'], ['role', 'username', 'password']);
  if (!obj) return undefined;
  const role = obj.role === undefined ? undefined : c.oneOf(`${path}.role`, obj.role, userRoles);
  const username = obj.username === undefined ? undefined : c.string(`${path}.username`, obj.username);
  const password = obj.password === undefined ? undefined : c.string(`${path}.password`, obj.password, { nonEmpty: false });
  if (!role || username === undefined || password === undefined) return undefined;
  return { role, username, password };
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

const topLevel = ['issuer', 'clients', 'users', 'login', 'resourceServer', 'ldap', 'metadata', 'skipFlows', 'expectedFailures', 'timeouts', 'tls', 'options'];

/** Metadata members that hold a URL (RFC 8414 §2, OIDC Discovery §3, RFC 9126 §5, RFC 8628 §4). */
const isUrlMember = (key: string) => /_endpoint$|_uri$/.test(key);
/** Members that hold a boolean. */
const booleanMembers = ['require_pushed_authorization_requests', 'authorization_response_iss_parameter_supported', 'claims_parameter_supported', 'request_parameter_supported', 'request_uri_parameter_supported', 'require_request_uri_registration', 'tls_client_certificate_bound_access_tokens', 'backchannel_logout_supported', 'frontchannel_logout_supported'];

/**
 * `metadata`: discovery values an IdP supports but does not advertise. The members a
 * capability is read from are type-checked, so a typo cannot turn a flow on or off silently;
 * the issuer comes from --target or `issuer` and discovery must confirm it (RFC 8414 §3.3).
 */
function checkMetadata(c: Checker, path: string, value: Json): Partial<ServerMetadata> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    c.add(path, `must be an object of discovery members (RFC 8414 §2), got ${describe(value)}`);
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, Json>)) {
    if (isComment(key)) continue;
    const p = `${path}.${key}`;
    if (key === 'issuer') {
      c.add(p, 'cannot be overridden: the issuer is --target or "issuer", and the discovery document must name it (RFC 8414 §3.3)');
    } else if (key.endsWith('_supported') && !booleanMembers.includes(key)) {
      const list = c.stringArray(p, v);
      if (list) out[key] = list;
    } else if (isUrlMember(key)) {
      const url = c.url(p, v);
      if (url) out[key] = url;
    } else if (booleanMembers.includes(key)) {
      if (typeof v !== 'boolean') c.add(p, `must be true or false, got ${describe(v)}`);
      else out[key] = v;
    } else {
      out[key] = v;
    }
  }
  return out as Partial<ServerMetadata>;
}

/**
 * expectedFailures[i]: a check by `id` (or, deprecated, by `check` name), with `flow` taken
 * from the id when left out, and a `detail` pattern that must compile.
 */
function checkExpectedFailure(c: Checker, p: string, v: Json): ExpectedFailure | undefined {
  const obj = c.object(p, v, ['flow', 'step', 'id', 'check', 'detail', 'reason'], ['reason']);
  if (!obj) return undefined;
  const id = c.string(`${p}.id`, obj.id, { optional: true });
  if (id !== undefined && !checkIdPattern.test(id)) {
    c.add(`${p}.id`, `"${id}" is not a check id: <flow>/<step-key>/<check-key>, lower-case words joined by "-" (e.g. authorization-code/token/code-reuse-refused)`);
  }
  const check = c.string(`${p}.check`, obj.check, { optional: true });
  if (obj.id === undefined && obj.check === undefined) c.add(p, 'needs "id" (the check id, <flow>/<step-key>/<check-key>) or "check" (its name, deprecated)');
  let flow = c.string(`${p}.flow`, obj.flow, { optional: true });
  const idFlow = id !== undefined && checkIdPattern.test(id) ? id.split('/')[0] : undefined;
  if (flow !== undefined && idFlow !== undefined && flow !== idFlow) c.add(`${p}.flow`, `"${flow}" is not the flow of id ${id} ("${idFlow}"); leave it out`);
  if (obj.flow === undefined && obj.id === undefined) c.add(`${p}.flow`, 'is required with "check" (or give "id", which names the flow)');
  flow ??= idFlow;
  const step = c.string(`${p}.step`, obj.step, { optional: true });
  const detail = c.pattern(`${p}.detail`, obj.detail, { optional: true });
  const reason = obj.reason === undefined ? undefined : c.string(`${p}.reason`, obj.reason);
  if (check !== undefined) {
    c.note(`${p}.check`, 'naming a check by its name is deprecated (names change, ids do not); use "id": "<flow>/<step-key>/<check-key>", the id results.json gives the check');
  }
  const complete = flow !== undefined && reason !== undefined && (id === undefined ? check !== undefined : checkIdPattern.test(id));
  if (!complete || (obj.detail !== undefined && detail === undefined)) return undefined;
  return stripUndefined({ flow: flow!, step, id, check, detail, reason: reason! });
}

/**
 * Validates a parsed config document. `baseDir` resolves tls.caFile. Throws
 * ConfigValidationError listing every problem.
 */
export function parseTargetConfig(doc: Json, file = 'config', baseDir = process.cwd()): TargetConfig {
  const c = new Checker();
  const root = c.object('$', doc, topLevel);
  if (!root) throw new ConfigValidationError(file, c.problems);
  const config = emptyConfig();
  config.issuer = c.url('$.issuer', root.issuer, { optional: true });
  c.array('$.clients', root.clients).forEach((v, i) => {
    const client = checkClient(c, `$.clients[${i}]`, v);
    if (client) config.clients.push(client);
  });
  const ids = new Map<string, number>();
  config.clients.forEach((client, i) => {
    if (ids.has(`${client.role}\0${client.client_id}`)) c.add(`$.clients[${i}]`, `repeats client ${client.client_id} with role ${client.role}`);
    ids.set(`${client.role}\0${client.client_id}`, i);
  });
  c.array('$.users', root.users).forEach((v, i) => {
    const user = checkUser(c, `$.users[${i}]`, v);
    if (user) config.users.push(user);
  });
  if (root.login !== undefined) config.login = checkLogin(c, '$.login', root.login);
  config.resourceServer = c.url('$.resourceServer', root.resourceServer, { optional: true });
  if (root.ldap !== undefined) {
    const ldap = c.object('$.ldap', root.ldap, ['url', 'baseDN', 'bindDN', 'password'], ['url', 'baseDN', 'bindDN', 'password']);
    if (ldap) {
      const url = c.url('$.ldap.url', ldap.url, { optional: true, schemes: ['ldap:', 'ldaps:'] });
      const baseDN = c.string('$.ldap.baseDN', ldap.baseDN, { optional: true });
      const bindDN = c.string('$.ldap.bindDN', ldap.bindDN, { optional: true });
      const password = c.string('$.ldap.password', ldap.password, { optional: true, nonEmpty: false });
      if (url && baseDN && bindDN && password !== undefined) config.ldap = { url, baseDN, bindDN, password };
    }
  }
  c.array('$.skipFlows', root.skipFlows).forEach((v, i) => {
    const obj = c.object(`$.skipFlows[${i}]`, v, ['flow', 'reason'], ['flow', 'reason']);
    if (!obj) return;
    const flow = obj.flow === undefined ? undefined : c.string(`$.skipFlows[${i}].flow`, obj.flow);
    const reason = obj.reason === undefined ? undefined : c.string(`$.skipFlows[${i}].reason`, obj.reason);
    if (flow && reason) config.skipFlows.push({ flow, reason });
  });
  if (root.metadata !== undefined) config.metadata = checkMetadata(c, '$.metadata', root.metadata);
  c.array('$.expectedFailures', root.expectedFailures).forEach((v, i) => {
    const entry = checkExpectedFailure(c, `$.expectedFailures[${i}]`, v);
    if (entry) config.expectedFailures.push(entry);
  });
  if (root.timeouts !== undefined) {
    const t = c.object('$.timeouts', root.timeouts, ['discoveryMs', 'httpMs', 'stepMs']);
    if (t) {
      config.timeouts = stripUndefined({
        discoveryMs: c.positiveInt('$.timeouts.discoveryMs', t.discoveryMs),
        httpMs: c.positiveInt('$.timeouts.httpMs', t.httpMs),
        stepMs: c.positiveInt('$.timeouts.stepMs', t.stepMs),
      });
    }
  }
  if (root.tls !== undefined) {
    const t = c.object('$.tls', root.tls, ['insecure', 'caFile']);
    if (t) {
      const insecure = c.boolean('$.tls.insecure', t.insecure);
      const caFile = c.string('$.tls.caFile', t.caFile, { optional: true });
      if (insecure !== undefined) config.tls.insecure = insecure;
      if (caFile) {
        try {
          config.tls.ca = readFileSync(resolve(baseDir, caFile), 'utf8');
        } catch (error) {
          c.add('$.tls.caFile', `cannot read ${resolve(baseDir, caFile)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
        }
      }
    }
  }
  if (root.options !== undefined) {
    if (!root.options || typeof root.options !== 'object' || Array.isArray(root.options)) c.add('$.options', `must be an object, got ${describe(root.options)}`);
    else config.options = root.options as Record<string, unknown>;
  }
  const needsBrowser = config.clients.some((cl) => browserRoles.includes(cl.role) || cl.role === 'device' || cl.role === 'device-expiring' || cl.role === 'device-confidential');
  if (needsBrowser && config.users.length > 0 && !config.login) {
    c.add('$.login', 'is required when the config has users and browser clients (the locators of your sign-in page)');
  }
  if (c.problems.length > 0) throw new ConfigValidationError(file, c.problems);
  config.notes = c.notes;
  return config;
}

/** Reads and validates a config file; any problem is a ConfigError (exit 2). */
export function loadTargetConfig(file: string): TargetConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read config ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}`);
  }
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const substituted = substituteEnv(doc);
  if (substituted.problems.length > 0) throw new ConfigValidationError(file, substituted.problems);
  return parseTargetConfig(substituted.doc, file, dirname(resolve(file)));
}
