/** Assembles a Target from discovery, the config file and (for the reference) what the server reports. */
import { capabilitiesOf } from './capabilities.ts';
import type { TargetConfig } from './config.ts';
import type { Discovered } from './discovery.ts';
import {
  defaultTimeouts, NotApplicableError,
  type ClientRole, type EndpointName, type ServerMetadata, type Target, type UserRole,
} from './model.ts';

/**
 * The discovered metadata with the config's `metadata` laid over it, and what that changed:
 * each key whose configured value differs from the discovered one (null where the document
 * lacks the key). Capabilities are derived from the result, so a grant type the IdP supports
 * but does not advertise makes its flow applicable, and the report can say the document is
 * incomplete.
 */
export function applyMetadataOverrides(discovered: ServerMetadata, configured: Partial<ServerMetadata> = {}): {
  metadata: ServerMetadata;
  overrides: Target['metadataOverrides'];
} {
  const metadata: ServerMetadata = { ...discovered };
  const overrides: Target['metadataOverrides'] = {};
  for (const [key, value] of Object.entries(configured)) {
    if (key === 'issuer' || value === undefined) continue; // the loader refuses issuer; discovery vouched for it
    const before = Object.hasOwn(discovered, key) ? discovered[key] : undefined;
    if (JSON.stringify(before) !== JSON.stringify(value)) overrides[key] = { discovered: before ?? null, configured: value };
    metadata[key] = value;
  }
  return { metadata, overrides };
}

export interface BuildTargetInput {
  kind: Target['kind'];
  issuer: string;
  discovered: Discovered;
  config: TargetConfig;
  configPath?: string;
  close?: () => Promise<void>;
}

export function buildTarget(input: BuildTargetInput): Target {
  const { config, discovered } = input;
  const { metadata, overrides } = applyMetadataOverrides(discovered.metadata, config.metadata);
  let closed: Promise<void> | undefined;
  const target: Target = {
    kind: input.kind,
    issuer: input.issuer,
    ...(input.configPath ? { configPath: input.configPath } : {}),
    discoveryUrl: discovered.url,
    ...(discovered.problem ? { discoveryProblem: discovered.problem } : {}),
    metadata,
    capabilities: capabilitiesOf(metadata, { openid: discovered.openid }),
    metadataOverrides: overrides,
    clients: config.clients,
    users: config.users,
    ...(config.login ? { login: config.login } : {}),
    ...(config.resourceServer ? { resourceServer: config.resourceServer } : {}),
    ...(config.ldap ? { ldap: config.ldap } : {}),
    skipFlows: config.skipFlows,
    expectedFailures: config.expectedFailures,
    timeouts: { ...defaultTimeouts, ...config.timeouts },
    tls: config.tls,
    options: config.options,
    findClient(role: ClientRole, index = 0) {
      return target.clients.filter((c) => c.role === role)[index];
    },
    client(role: ClientRole, index = 0) {
      const client = target.findClient(role, index);
      if (!client) {
        const have = target.clients.filter((c) => c.role === role).length;
        throw new NotApplicableError(have === 0
          ? `the target has no client with role "${role}" (clients[].role in the config)`
          : `the target has ${have} client(s) with role "${role}", and this step needs ${index + 1}`);
      }
      return client;
    },
    findUser(role: UserRole) {
      return target.users.find((u) => u.role === role);
    },
    user(role: UserRole) {
      const user = target.findUser(role);
      if (!user) throw new NotApplicableError(`the target has no user with role "${role}" (users[].role in the config)`);
      return user;
    },
    endpoint(name: EndpointName) {
      const value = target.metadata[name];
      if (typeof value !== 'string' || !value) throw new NotApplicableError(`the discovery metadata has no ${name}`);
      return value;
    },
    close() {
      closed ??= (input.close ?? (async () => {}))();
      return closed;
    },
  };
  return target;
}
