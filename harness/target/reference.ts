/**
 * The `reference` target: the OpenLDAP fixture plus the nauthera reference server,
 * started for the run and stopped by target.close(). The server reports its clients,
 * users and login automation; they are validated like a vendor's config file, so the
 * reference and an external IdP reach the suites in the same shape.
 */
import { ConfigError } from '../cli-errors.ts';
import { buildTarget } from './build.ts';
import { emptyConfig, parseTargetConfig, type TargetConfig } from './config.ts';
import { discover } from './discovery.ts';
import { clientRoles, defaultTimeouts, type Target } from './model.ts';

/** What startReferenceServer() resolves to (the fields the harness reads). */
export interface ReferenceServerInfo {
  issuer: string;
  resourceServer?: string;
  ldap?: { url: string; baseDN: string; bindDN: string; password: string };
  clients: Array<Record<string, unknown>>;
  users: Array<Record<string, unknown>>;
  login?: Record<string, unknown>;
  stop?: () => Promise<void>;
  close?: () => Promise<void>;
}

export interface ReferenceTargetOptions {
  /** Extra options for startReferenceServer (e.g. `config`), merged with `{ directory }`. */
  serverOptions?: Record<string, unknown>;
  /**
   * Deliberate faults of the reference server, e.g. `{ omitIss: true }`: they go into its
   * config.faults (reference-server/config/faults.ts), on top of serverOptions.config or the
   * default config. They exist only to prove that the harness catches them (test/faults/).
   */
  faults?: Record<string, boolean>;
  /** skipFlows, expectedFailures, timeouts and options from a config file. */
  config?: TargetConfig;
  configPath?: string;
  /**
   * Instances of the server on one shared store, behind a round-robin balancer
   * (reference-server/cluster/): the suites then prove that nothing the server keeps lives in one
   * process. Default 1.
   */
  instances?: number;
  /** "memory" or a redis:// URL; with instances > 1 and no store, a private redis-server is started. */
  store?: string;
}

/**
 * The reference server's sign-in and consent pages (reference-server/authorization-server/views),
 * used when the server does not describe its own login automation.
 */
export const referenceLoginAutomation = {
  username: { label: 'Username' },
  password: { label: 'Password' },
  submit: { role: 'button', name: 'Sign in' },
  consent: { approve: { role: 'button', name: 'Allow' }, deny: { role: 'button', name: 'Deny' } },
  // The device verification page (reference-server/authorization-server/views/device-page.ts).
  device: { userCode: { label: 'Code' }, submit: { role: 'button', name: 'Continue' } },
};

/** The protected resource: the reference's resource server serves GET /resource. */
function resourceUrl(resourceServer: string): string {
  const u = new URL(resourceServer);
  return u.pathname === '/' ? new URL('/resource', u).toString() : resourceServer;
}

const pick = (obj: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
const clientKeys = ['role', 'client_id', 'client_secret', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'redirect_uris', 'scope', 'private_jwk', 'require_pushed_authorization_requests', 'post_logout_redirect_uris', 'require_signed_request_object', 'backchannel_logout_uri'];

/** Builds the target from a running reference server (used by startReferenceTarget and by tests that start the server themselves). */
export async function targetFromReferenceServer(info: ReferenceServerInfo, options: { config?: TargetConfig; configPath?: string; close?: () => Promise<void> } = {}): Promise<Target> {
  const overlay = options.config ?? emptyConfig();
  for (const key of ['issuer', 'clients', 'users', 'login'] as const) {
    const v = overlay[key];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
      throw new ConfigError(`${options.configPath ?? 'the config'}: "${key}" comes from the reference server; remove it, or use --target <issuer URL> for an external IdP`);
    }
  }
  const doc = {
    issuer: info.issuer,
    // The server has clients of its own (the resource server's introspection client): only harness roles are for suites.
    clients: info.clients.filter((c) => (clientRoles as readonly unknown[]).includes(c.role)).map((c) => pick(c, clientKeys)),
    users: info.users.map((u) => pick(u, ['role', 'username', 'password'])),
    login: info.login ?? referenceLoginAutomation,
    ...(info.resourceServer ? { resourceServer: resourceUrl(info.resourceServer) } : {}),
    ...(info.ldap ? { ldap: pick(info.ldap, ['url', 'baseDN', 'bindDN', 'password']) } : {}),
  };
  const fromServer = parseTargetConfig(doc, 'the reference server\'s description of itself');
  const config: TargetConfig = { ...fromServer, skipFlows: overlay.skipFlows, expectedFailures: overlay.expectedFailures, timeouts: overlay.timeouts, tls: overlay.tls, options: overlay.options };
  const discovered = await discover(info.issuer, { timeoutMs: config.timeouts.discoveryMs ?? defaultTimeouts.discoveryMs });
  return buildTarget({ kind: 'reference', issuer: info.issuer, discovered, config, configPath: options.configPath, close: options.close });
}

export async function startReferenceTarget(options: ReferenceTargetOptions = {}): Promise<Target> {
  // The directory is this target's own: only it needs slapd (an external target uses the config's ldap).
  const { directoryParts, ensureSystemParts } = await import('../commands/setup.ts');
  await ensureSystemParts({ quiet: true, parts: directoryParts() });
  // Imported lazily: the CLI must start (and run external targets) without the reference parts.
  const { startDirectory } = await import('../../fixtures/ldap/index.ts');
  // A variable specifier keeps this file type-checking while the reference server is absent.
  const referenceServerModule = '../../reference-server/index.ts';
  const clusterModule = '../../reference-server/cluster/start-cluster.ts';
  const instances = options.instances ?? 1;
  const { startReferenceServer } = instances > 1
    ? { startReferenceServer: (await import(clusterModule) as { startReferenceCluster: (options: Record<string, unknown>) => Promise<ReferenceServerInfo> }).startReferenceCluster }
    : await import(referenceServerModule) as { startReferenceServer: (options: Record<string, unknown>) => Promise<ReferenceServerInfo> };
  if (instances > 1) {
    const { redisParts, ensureSystemParts: ensure } = await import('../commands/setup.ts');
    if (!options.store) await ensure({ quiet: true, parts: redisParts() });
  }
  const directory = await startDirectory();
  let server: ReferenceServerInfo | undefined;
  const stopAll = async () => {
    try {
      if (server) await (server.stop ?? server.close)?.call(server);
    } finally {
      await directory.stop();
    }
  };
  try {
    const faulty = options.faults ? { config: await withFaults(options.serverOptions?.config, options.faults) } : {};
    const shape = instances > 1 ? { instances, ...(options.store ? { store: options.store } : {}) } : options.store ? { store: options.store } : {};
    server = await startReferenceServer({ ...options.serverOptions, ...faulty, directory, ...shape });
    return await targetFromReferenceServer(server, { config: options.config, configPath: options.configPath, close: stopAll });
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

/** The server config (an object, a JSON file path, or the default) with these faults added to config.faults. */
async function withFaults(config: unknown, faults: Record<string, boolean>): Promise<Record<string, unknown>> {
  let base: Record<string, unknown>;
  if (config === undefined) {
    const defaultModule = '../../reference-server/config/default.ts';
    ({ defaultConfig: base } = await import(defaultModule) as { defaultConfig: Record<string, unknown> });
  } else if (typeof config === 'string') {
    const { readFile } = await import('node:fs/promises');
    try {
      base = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`cannot read the reference server config ${config}: ${(error as Error).message}`);
    }
  } else {
    base = config as Record<string, unknown>;
  }
  return { ...base, faults: { ...(base.faults as Record<string, boolean> | undefined), ...faults } };
}
