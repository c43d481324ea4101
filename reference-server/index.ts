/**
 * nauthera, the reference server: the authorization server, the resource server and (unless
 * a directory is given) the OpenLDAP fixture, all on loopback.
 *
 *   const ref = await startReferenceServer();
 *   ref.issuer          http://127.0.0.1:PORT       (discovery at /.well-known/openid-configuration)
 *   ref.resourceServer  http://127.0.0.1:PORT2      (GET /resource)
 *   ref.clients         one per harness role, with generated secrets / private_jwk
 *   await ref.stop();
 */
import { protectedResourceOf } from './resource-server/metadata.ts';
import { epochSeconds, systemClock, type Clock } from './clock.ts';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { JWK } from 'jose';
import { startDirectory, type Directory, type DirectoryInfo } from '../fixtures/ldap/index.ts';
import type { ReferenceConfig } from './config/types.ts';
import { loadConfig, ReferenceConfigError, storeUrl } from './config/load.ts';
import { faultWarning } from './config/faults.ts';
import { KeyStore } from './authorization-server/keys/keystore.ts';
import { ClientRegistry } from './authorization-server/clients.ts';
import { MemoryStorage, type MemoryStorageOptions } from './authorization-server/storage/memory.ts';
import { RedisStorage } from './authorization-server/storage/redis.ts';
import { StorageUnavailable, type Storage } from './authorization-server/storage/adapter.ts';
import { agreed } from './authorization-server/storage/agreed.ts';
import { LdapAccounts } from './authorization-server/accounts/ldap-accounts.ts';
import { WorkerGroupSource } from './authorization-server/accounts/group-source.ts';
import { ConsentPolicy } from './authorization-server/accounts/consent-policy.ts';
import { GroupsClaim } from './authorization-server/accounts/groups-claim.ts';
import { ldapSettingsFor } from './authorization-server/accounts/ldap-connection.ts';
import type { Provider } from './authorization-server/provider.ts';
import { createAuthorizationServer } from './authorization-server/app.ts';
import { createResourceServer } from './resource-server/app.ts';
import { randomToken } from './authorization-server/tokens/random.ts';
import { closeHttp, listenHttp } from './loopback-http.ts';

export type { ReferenceConfig } from './config/types.ts';
export type { DirectoryInfo } from '../fixtures/ldap/index.ts';
export { ReferenceConfigError } from './config/load.ts';
export { faultNames, faultDescriptions, type FaultName, type FaultsConfig } from './config/faults.ts';

export interface StartReferenceOptions {
  /** A config object, or the path of a JSON config file. Default: config/default.ts. */
  config?: ReferenceConfig | string;
  /** The LDAP directory to use; when absent, config.ldap.url, else the fixture is started (and stopped by stop()). */
  directory?: DirectoryInfo;
  host?: '127.0.0.1';
  /** Port of the authorization server (default: a free one). The resource server always takes a free port. */
  port?: number;
  /** Port of the resource server (default: a free one). */
  resourcePort?: number;
  /** Where the server keeps its state: "memory" or a redis:// URL (default: the config's store). */
  store?: string;
  /**
   * The public URLs, when the instance sits behind a load balancer with others on the same
   * store (reference-server/cluster/): the issuer every instance names, and the resource server's.
   * Default: this instance's own addresses.
   */
  publicUrls?: { issuer: string; resourceServer: string };
  /** The time the servers read (default: the system clock); a test moves it instead of sleeping. */
  clock?: Clock;
}

export interface ReferenceClient {
  client_id: string;
  client_secret?: string;
  role: string;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  /** Space-separated scopes the client may ask for. */
  scope: string;
  /** private_key_jwt clients whose key pair was generated at start. */
  private_jwk?: JWK;
  /** RFC 9126 §6: this client's plain authorization requests are refused. */
  require_pushed_authorization_requests?: boolean;
  /** OIDC RP-Initiated Logout 1.0 §3.1. */
  post_logout_redirect_uris?: string[];
  /** OIDC Back-Channel Logout 1.0 §2.2. */
  backchannel_logout_uri?: string;
}

export interface RunningReference {
  issuer: string;
  resourceServer: string;
  ldap: { url: string; baseDN: string; bindDN: string; password: string };
  clients: ReferenceClient[];
  users: Array<{ username: string; password: string; role: string }>;
  /** This instance's own addresses (the same as issuer and resourceServer unless publicUrls were given). */
  listening: { authorizationServer: string; resourceServer: string };
  /** What the server keeps its records in (tests count them). */
  storage: Storage;
  /** Rotates the signing keys: new tokens use new kids, the old keys keep verifying until they retire. */
  rotateKeys(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReferenceServer(options: StartReferenceOptions = {}): Promise<RunningReference> {
  const config = await loadConfig(options.config);
  // Deliberate faults exist only to prove the harness (config/faults.ts): never start one quietly.
  const brokenOnPurpose = faultWarning(config.faults);
  if (brokenOnPurpose) console.warn(brokenOnPurpose);
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new ReferenceConfigError('the reference server listens on 127.0.0.1 only');

  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    let directory: DirectoryInfo;
    if (options.directory) {
      directory = options.directory;
    } else if (config.ldap.url) {
      if (!config.ldap.bindDN || !config.ldap.password || !config.ldap.baseDN) {
        throw new ReferenceConfigError('ldap.url needs ldap.baseDN, ldap.bindDN and ldap.password');
      }
      directory = { url: config.ldap.url, baseDN: config.ldap.baseDN, bindDN: config.ldap.bindDN, password: config.ldap.password };
    } else {
      const started: Directory = await startDirectory();
      cleanups.push(() => started.stop());
      directory = started;
    }

    // A request node's HTTP parser refuses still gets an RFC-shaped answer.
    const answerMalformed = (server: Server) => server.on('clientError', answerClientError);
    const asServer = await listenHttp(host, options.port ?? 0, answerMalformed);
    cleanups.push(() => closeHttp(asServer));
    const rsServer = await listenHttp(host, options.resourcePort ?? 0, answerMalformed);
    cleanups.push(() => closeHttp(rsServer));
    const issuer = options.publicUrls?.issuer ?? `http://${host}:${(asServer.address() as AddressInfo).port}`;
    const resourceServer = options.publicUrls?.resourceServer ?? `http://${host}:${(rsServer.address() as AddressInfo).port}`;

    const clock = options.clock ?? systemClock;
    const storage = await openStorage(options.store === undefined ? config.store : storeUrl(options.store, 'store'), config.memoryStore, clock);
    cleanups.push(async () => storage.close?.());
    const keys = await KeyStore.create({ ...config.keys, storage, now: () => clock.now() });
    cleanups.push(async () => keys.close());
    const { registry, issued } = await ClientRegistry.create(config.clients, {
      scopes: Object.keys(config.scopes),
      defaultConsentGroup: config.consent.defaultGroup,
      keep: (name, make) => agreed(storage, `client:${name}`, make),
    });
    const cookieKeys = await agreed(storage, 'cookie-keys', async () => ({ keys: [randomToken()] }));
    const ldap = ldapSettingsFor(directory, config.ldap);
    const groupSource = new WorkerGroupSource(ldap, config.faults);
    const accounts = new LdapAccounts(ldap, config.faults);
    cleanups.push(() => accounts.close());
    const resourceAudience = config.resourceServer.audience ?? resourceServer;
    const provider: Provider = {
      issuer,
      config,
      clients: registry.attach(storage, () => epochSeconds(clock)),
      keys,
      storage,
      accounts,
      consentPolicy: new ConsentPolicy(groupSource, config.faults),
      groupsClaim: new GroupsClaim(groupSource, config.groups.dns),
      resourceAudience,
      resourceIdentifiers: [...new Set([resourceAudience, protectedResourceOf(resourceServer)])],
      metadata: {},
      now: () => epochSeconds(clock),
      clock,
    };
    asServer.on('request', createAuthorizationServer(provider, cookieKeys.keys).callback());

    const rsCredentials = issued.find((c) => c.client_id === config.resourceServer.clientId);
    const rsClient = registry.configuredClient(config.resourceServer.clientId);
    rsServer.on(
      'request',
      createResourceServer({
        issuer,
        // FAULT protectedResourceAudienceRefused (config/faults.ts, only to prove the harness): the protected resource's URL is no audience.
        audience: config.faults.protectedResourceAudienceRefused ? resourceAudience : provider.resourceIdentifiers,
        publicUrl: resourceServer,
        jwksUri: `${issuer}/jwks`,
        introspectionEndpoint: `${issuer}/introspect`,
        clientId: config.resourceServer.clientId,
        // Without its credentials (a config without that client), opaque tokens are refused as invalid.
        clientSecret: rsClient && rsCredentials?.client_secret ? rsCredentials.client_secret : '',
        readScope: config.resourceServer.readScope,
        writeScope: config.resourceServer.writeScope,
        clock,
        storage,
        dpopIatWindowSeconds: config.dpop.iatWindowSeconds,
        faults: config.faults,
      }).callback(),
    );

    return {
      issuer,
      resourceServer,
      ldap: { url: directory.url, baseDN: directory.baseDN, bindDN: directory.bindDN, password: directory.password },
      clients: config.clients.map((c) => {
        const credentials = issued.find((i) => i.client_id === c.client_id);
        return {
          client_id: c.client_id,
          ...(credentials?.client_secret !== undefined ? { client_secret: credentials.client_secret } : c.client_secret !== undefined ? { client_secret: c.client_secret } : {}),
          role: c.role ?? c.client_id,
          grant_types: [...c.grant_types],
          response_types: [...c.response_types],
          redirect_uris: [...c.redirect_uris],
          token_endpoint_auth_method: c.token_endpoint_auth_method,
          scope: [...registry.configuredClient(c.client_id)!.scopes].join(' '),
          ...(credentials?.private_jwk ? { private_jwk: credentials.private_jwk } : {}),
          ...(c.require_pushed_authorization_requests ? { require_pushed_authorization_requests: true } : {}),
          ...(c.post_logout_redirect_uris ? { post_logout_redirect_uris: [...c.post_logout_redirect_uris] } : {}),
          ...(c.backchannel_logout_uri ? { backchannel_logout_uri: c.backchannel_logout_uri } : {}),
          ...(c.require_signed_request_object ? { require_signed_request_object: true } : {}),
        };
      }),
      users: config.users.map((u) => ({ ...u })),
      listening: { authorizationServer: `http://${host}:${(asServer.address() as AddressInfo).port}`, resourceServer: `http://${host}:${(rsServer.address() as AddressInfo).port}` },
      storage,
      rotateKeys: () => keys.rotate(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The storage the config names; an unreachable Redis is a config error naming it, at start. */
async function openStorage(store: string, memory: MemoryStorageOptions, clock: Clock): Promise<Storage> {
  if (store === 'memory') return new MemoryStorage(() => clock.now(), memory);
  try {
    return await RedisStorage.connect({ url: store });
  } catch (error) {
    if (error instanceof StorageUnavailable) throw new ReferenceConfigError(error.message);
    throw error;
  }
}

/**
 * A request node's HTTP parser refuses before any middleware sees it (an unknown method, a
 * malformed request line, headers too large) still gets an RFC-shaped JSON answer.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({ error: 'invalid_request', error_description: tooLarge ? 'the request headers are too large' : 'the HTTP request is malformed' });
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      'Cache-Control: no-store\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

