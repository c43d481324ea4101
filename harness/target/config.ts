/**
 * The target config file (JSON): the clients, test users, login automation, flows to
 * skip and expected failures of an IdP under test. The format is documented in
 * docs/config.md and stated by config.schema.json; the schema checks the shape, then the
 * rules between fields are checked here. Validation reports every problem at once, each
 * with its JSON path, so a vendor fixes the file in one go.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../cli-errors.ts';
import { isComment, substituteEnv } from './config-env.ts';
import { describe, formatPath, orderProblems, schemaProblems, type ConfigProblem, type PathSegment } from './config-schema.ts';
import {
  checkIdPattern, clientRoles, defaultAuthMethod, interactionVerbs, locatorKinds,
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
type Obj = Record<string, Json>;

const asObject = (value: Json): Obj | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined);
const asArray = (value: Json): Json[] => (Array.isArray(value) ? value : []);

const browserRoles: ClientRole[] = ['confidential', 'public', 'par', 'implicit', 'hybrid', 'opaque', 'jar'];
const deviceRoles: ClientRole[] = ['device', 'device-expiring', 'device-confidential'];
const secretMethods = ['client_secret_basic', 'client_secret_post'];
const authMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
/** Roles whose whole point is one auth method. */
const requiredMethod: Partial<Record<ClientRole, string>> = { 'service-post': 'client_secret_post', 'service-jwt': 'private_key_jwt', public: 'none' };
const roleOf = (value: Json): ClientRole | undefined => clientRoles.find((r) => r === value);

function defaultGrants(role: ClientRole): string[] {
  switch (role) {
    case 'device': return ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'];
    case 'device-expiring': case 'device-confidential': return ['urn:ietf:params:oauth:grant-type:device_code'];
    case 'service': case 'service-post': case 'service-jwt': return ['client_credentials'];
    case 'exchanger': return ['urn:ietf:params:oauth:grant-type:token-exchange'];
    case 'implicit': return ['implicit'];
    case 'hybrid': return ['authorization_code', 'implicit', 'refresh_token'];
    default: return ['authorization_code', 'refresh_token'];
  }
}

function defaultResponseTypes(role: ClientRole): string[] {
  switch (role) {
    case 'device': case 'device-expiring': case 'device-confidential': case 'service': case 'service-post': case 'service-jwt': case 'exchanger': return [];
    case 'implicit': return ['id_token token', 'token', 'id_token'];
    case 'hybrid': return ['code id_token', 'code token', 'code id_token token'];
    default: return ['code'];
  }
}

/**
 * The rules between fields, which the schema leaves to code so each gets a message that
 * says why. They read the document defensively: a value of the wrong shape is the schema's
 * problem, not theirs.
 */
function crossFieldProblems(root: Obj): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: PathSegment[], message: string) => problems.push({ path, message });

  const seen = new Set<string>();
  asArray(root.clients).forEach((value, i) => {
    const client = asObject(value);
    if (!client) return;
    const at = (field: string): PathSegment[] => ['clients', i, field];
    const role = roleOf(client.role);
    const method = client.token_endpoint_auth_method === undefined
      ? (role ? defaultAuthMethod[role] : undefined)
      : authMethods.find((m) => m === client.token_endpoint_auth_method);
    if (role && method && requiredMethod[role] && requiredMethod[role] !== method) {
      add(at('token_endpoint_auth_method'), `a "${role}" client authenticates with ${requiredMethod[role]}, not ${method}`);
    }
    if (method && secretMethods.includes(method) && client.client_secret === undefined) add(at('client_secret'), `is required for token_endpoint_auth_method ${method}`);
    if (method === 'private_key_jwt' && client.private_jwk === undefined) {
      add(at('private_jwk'), 'is required for token_endpoint_auth_method private_key_jwt (a private JWK with kty, d and kid)');
    }
    if (role === 'jar' && method !== 'private_key_jwt' && client.private_jwk === undefined) add(at('private_jwk'), 'is required for a "jar" client: the private key it signs Request Objects with (its public key registered at the IdP)');
    if (role && browserRoles.includes(role)) {
      if (client.redirect_uris === undefined) add(at('redirect_uris'), `is required for a "${role}" client (the browser is sent back there)`);
      else if (Array.isArray(client.redirect_uris) && client.redirect_uris.length === 0) add(at('redirect_uris'), 'must list at least one URI');
    }
    if (role && typeof client.client_id === 'string') {
      const key = `${role}\0${client.client_id}`;
      if (seen.has(key)) add(['clients', i], `repeats client ${client.client_id} with role ${role}`);
      seen.add(key);
    }
  });

  asArray(asObject(root.login)?.interactions).forEach((value, i) => {
    const at: PathSegment[] = ['login', 'interactions', i, 'actions'];
    const decisions: string[] = [];
    asArray(asObject(value)?.actions).forEach((a, k) => {
      const action = asObject(a);
      if (!action) return;
      if (action.fill !== undefined && Array.isArray(action.value)) add([...at, k, 'value'], `must be a string, got ${describe(action.value)}`);
      const decision = action.decision === 'approve' || action.decision === 'deny' ? action.decision : undefined;
      if (decision && action.optional === true) add([...at, k, 'optional'], 'a consent answer cannot be optional: without its control the user never answered');
      if (decision) decisions.push(decision);
    });
    for (const d of ['approve', 'deny']) {
      if (decisions.filter((x) => x === d).length > 1) add(at, `has more than one action with "decision": "${d}"; a consent page is answered once`);
    }
  });

  const needsBrowser = asArray(root.clients).some((c) => {
    const role = roleOf(asObject(c)?.role);
    return role !== undefined && (browserRoles.includes(role) || deviceRoles.includes(role));
  });
  if (needsBrowser && asArray(root.users).length > 0 && root.login === undefined) {
    add(['login'], 'is required when the config has users and browser clients (the locators of your sign-in page)');
  }

  asArray(root.expectedFailures).forEach((value, i) => {
    const entry = asObject(value);
    const id = entry?.id;
    if (typeof id !== 'string' || !checkIdPattern.test(id) || typeof entry?.flow !== 'string') return;
    const idFlow = id.split('/')[0];
    if (entry.flow !== idFlow) add(['expectedFailures', i, 'flow'], `"${entry.flow}" is not the flow of id ${id} ("${idFlow}"); leave it out`);
  });
  return problems;
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** A copy without comment keys: the driver prints locators as they are. */
function toLocator(value: Json): LocatorSpec {
  const obj = value as Obj;
  const spec: Obj = {};
  for (const key of [...locatorKinds, 'name', 'exact', 'frame']) if (obj[key] !== undefined) spec[key] = obj[key];
  return spec as unknown as LocatorSpec;
}

/** `when` of an interaction: a locator, a urlPattern, or both. */
function toPageMatch(value: Json): PageMatch {
  const obj = value as Obj;
  const urlPattern = obj.urlPattern as string | undefined;
  const hasLocator = [...locatorKinds, 'name', 'exact', 'frame'].some((k) => obj[k] !== undefined);
  if (!hasLocator) return { urlPattern: urlPattern! };
  const spec = toLocator(obj);
  return urlPattern === undefined ? spec : { ...spec, urlPattern };
}

function toAction(value: Json): InteractionAction {
  const obj = value as Obj;
  const verb = interactionVerbs.find((v) => obj[v] !== undefined)!;
  return stripUndefined({
    [verb]: toLocator(obj[verb]),
    ...(verb === 'check' ? { all: obj.all } : {}),
    value: verb === 'fill' || verb === 'select' ? obj.value : undefined,
    decision: obj.decision,
    optional: obj.optional,
    timeoutMs: obj.timeoutMs,
  }) as unknown as InteractionAction;
}

function toLogin(value: Json): LoginAutomation {
  const obj = value as Obj;
  const consent = asObject(obj.consent);
  const device = asObject(obj.device);
  return stripUndefined({
    username: toLocator(obj.username),
    password: toLocator(obj.password),
    submit: toLocator(obj.submit),
    next: obj.next === undefined ? undefined : toLocator(obj.next),
    consent: consent && stripUndefined({ approve: toLocator(consent.approve), deny: consent.deny === undefined ? undefined : toLocator(consent.deny) }),
    interactions: obj.interactions === undefined ? undefined : asArray(obj.interactions).map((v): Interaction => {
      const entry = v as Obj;
      return stripUndefined({ name: entry.name as string | undefined, when: toPageMatch(entry.when), actions: asArray(entry.actions).map(toAction) });
    }),
    device: device && stripUndefined({
      userCode: toLocator(device.userCode),
      submit: toLocator(device.submit),
      confirm: device.confirm === undefined ? undefined : toLocator(device.confirm),
    }),
    timeoutMs: obj.timeoutMs as number | undefined,
    settleMs: obj.settleMs as number | undefined,
  });
}

function toClient(value: Json): TargetClient {
  const obj = value as Obj;
  const role = obj.role as ClientRole;
  const jwk = asObject(obj.private_jwk);
  return stripUndefined({
    role,
    client_id: obj.client_id as string,
    client_secret: obj.client_secret as string | undefined,
    token_endpoint_auth_method: (obj.token_endpoint_auth_method as string | undefined) ?? defaultAuthMethod[role],
    grant_types: (obj.grant_types as string[] | undefined) ?? defaultGrants(role),
    response_types: (obj.response_types as string[] | undefined) ?? defaultResponseTypes(role),
    redirect_uris: (obj.redirect_uris as string[] | undefined) ?? [],
    post_logout_redirect_uris: obj.post_logout_redirect_uris as string[] | undefined,
    backchannel_logout_uri: obj.backchannel_logout_uri as string | undefined,
    scope: obj.scope as string | undefined,
    private_jwk: jwk && (withoutComments(jwk) as TargetClient['private_jwk']),
    require_pushed_authorization_requests: obj.require_pushed_authorization_requests as boolean | undefined,
    require_signed_request_object: obj.require_signed_request_object as boolean | undefined,
  });
}

const withoutComments = (obj: Obj): Obj => Object.fromEntries(Object.entries(obj).filter(([key]) => !isComment(key)));

/** expectedFailures[i], with `flow` taken from the id when left out. */
function toExpectedFailure(value: Json): ExpectedFailure {
  const obj = value as Obj;
  const id = obj.id as string | undefined;
  return stripUndefined({
    flow: (obj.flow as string | undefined) ?? id!.split('/')[0]!,
    step: obj.step as string | undefined,
    id,
    check: obj.check as string | undefined,
    detail: obj.detail as string | undefined,
    reason: obj.reason as string,
  });
}

/** The config a document that passed every check describes, with the role defaults filled in. */
function toConfig(root: Obj, ca: string | undefined): TargetConfig {
  const config = emptyConfig();
  config.issuer = root.issuer as string | undefined;
  config.clients = asArray(root.clients).map(toClient);
  config.users = asArray(root.users).map((v) => {
    const user = v as Obj;
    return { role: user.role, username: user.username, password: user.password } as TargetUser;
  });
  if (root.login !== undefined) config.login = toLogin(root.login);
  config.resourceServer = root.resourceServer as string | undefined;
  const ldap = asObject(root.ldap);
  if (ldap) config.ldap = { url: ldap.url as string, baseDN: ldap.baseDN as string, bindDN: ldap.bindDN as string, password: ldap.password as string };
  config.skipFlows = asArray(root.skipFlows).map((v) => ({ flow: (v as Obj).flow as string, reason: (v as Obj).reason as string }));
  // The members flows are chosen by are type-checked by the schema; the issuer comes from
  // --target or `issuer` and discovery must confirm it (RFC 8414 §3.3).
  if (root.metadata !== undefined) config.metadata = withoutComments(root.metadata as Obj) as Partial<ServerMetadata>;
  config.expectedFailures = asArray(root.expectedFailures).map(toExpectedFailure);
  const timeouts = asObject(root.timeouts);
  if (timeouts) config.timeouts = stripUndefined({ discoveryMs: timeouts.discoveryMs, httpMs: timeouts.httpMs, stepMs: timeouts.stepMs } as Partial<Timeouts>);
  const tls = asObject(root.tls);
  if (typeof tls?.insecure === 'boolean') config.tls.insecure = tls.insecure;
  if (ca !== undefined) config.tls.ca = ca;
  if (root.options !== undefined) config.options = root.options as Record<string, unknown>;
  return config;
}

/**
 * Validates a parsed config document. `baseDir` resolves tls.caFile. Throws
 * ConfigValidationError listing every problem.
 */
export function parseTargetConfig(doc: Json, file = 'config', baseDir = process.cwd()): TargetConfig {
  const problems = schemaProblems(doc);
  const root = asObject(doc);
  if (!root) throw new ConfigValidationError(file, problems.map((p) => `${formatPath(p.path)}: ${p.message}`));
  problems.push(...crossFieldProblems(root));
  let ca: string | undefined;
  const caFile = asObject(root.tls)?.caFile;
  if (typeof caFile === 'string' && caFile !== '') {
    try {
      ca = readFileSync(resolve(baseDir, caFile), 'utf8');
    } catch (error) {
      problems.push({ path: ['tls', 'caFile'], message: `cannot read ${resolve(baseDir, caFile)}: ${(error as NodeJS.ErrnoException).code ?? error}` });
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(file, orderProblems(doc, problems).map((p) => `${formatPath(p.path)}: ${p.message}`));
  const config = toConfig(root, ca);
  config.notes = asArray(root.expectedFailures).flatMap((v, i) => ((v as Obj).check === undefined ? [] : [
    `${formatPath(['expectedFailures', i, 'check'])}: naming a check by its name is deprecated (names change, ids do not); use "id": "<flow>/<step-key>/<check-key>", the id results.json gives the check`,
  ]));
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
