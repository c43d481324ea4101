/**
 * Several instances of the reference server acting as one, as a deployment runs them: one Redis
 * store, one directory, and a round-robin balancer in front of the authorization servers and one
 * in front of the resource servers, whose URLs are the issuer and the resource server every
 * instance names. Consecutive requests of a flow land on different instances, so a flow passes
 * only if nothing the server keeps lives in one process.
 *
 *   const cluster = await startReferenceCluster({ instances: 2 });
 *   cluster.issuer                 the balancer; discovery, tokens and iss all name it
 *   await cluster.instances[1].restart();
 *   await cluster.stop();
 */
import { startDirectory, type DirectoryInfo } from '../../fixtures/ldap/index.ts';
import { startRedis } from '../../fixtures/redis/start-redis.ts';
import { freePort } from '../../fixtures/ldap/free-port.ts';
import { startReferenceServer, type RunningReference, type StartReferenceOptions } from '../index.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.ts';

export interface StartClusterOptions extends Omit<StartReferenceOptions, 'port' | 'resourcePort' | 'publicUrls' | 'store'> {
  /** How many instances (at least 1). */
  instances: number;
  /** The shared store, a redis:// URL. Default: a private redis-server, started and stopped here. */
  store?: string;
}

export interface ClusterInstance {
  authorizationServer: string;
  resourceServer: string;
  /** Stops this instance and starts it again on the same ports and store. */
  restart(): Promise<void>;
  /** Stops this instance only (the balancer answers 502 for its turns until it is back). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface RunningCluster extends RunningReference {
  store: string;
  instances: ClusterInstance[];
  /** Requests each instance's authorization server was sent through the balancer. */
  requestCounts(): number[];
}

export async function startReferenceCluster(options: StartClusterOptions): Promise<RunningCluster> {
  if (!Number.isInteger(options.instances) || options.instances < 1) throw new Error('instances must be a whole number of at least 1');
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    let store = options.store;
    if (!store) {
      const redis = await startRedis();
      cleanups.push(() => redis.stop());
      store = redis.url;
    }
    let directory: DirectoryInfo | undefined = options.directory;
    if (!directory) {
      const started = await startDirectory();
      cleanups.push(() => started.stop());
      directory = started;
    }
    const ports = await Promise.all(Array.from({ length: options.instances }, async () => ({ as: await freePort(), rs: await freePort() })));
    const asProxy: RoundRobinProxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p.as}`));
    cleanups.push(() => asProxy.close());
    const rsProxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p.rs}`));
    cleanups.push(() => rsProxy.close());
    const publicUrls = { issuer: asProxy.url, resourceServer: rsProxy.url };

    const running: Array<RunningReference | undefined> = [];
    const startOne = async (i: number) => {
      // One after the other at first: the first start makes the shared secrets and keys.
      running[i] = await startReferenceServer({ ...options, directory, store, port: ports[i]!.as, resourcePort: ports[i]!.rs, publicUrls });
    };
    const stopOne = async (i: number) => {
      const instance = running[i];
      running[i] = undefined;
      await instance?.stop();
    };
    for (let i = 0; i < options.instances; i++) await startOne(i);
    cleanups.push(async () => { for (let i = 0; i < running.length; i++) await stopOne(i); });

    const first = running[0]!;
    return {
      ...first,
      store,
      instances: ports.map((p, i) => ({
        authorizationServer: `http://127.0.0.1:${p.as}`,
        resourceServer: `http://127.0.0.1:${p.rs}`,
        restart: async () => { await stopOne(i); await startOne(i); },
        stop: () => stopOne(i),
        start: () => startOne(i),
      })),
      requestCounts: () => asProxy.counts(),
      // Every instance shares the key set: rotating through any one rotates them all.
      rotateKeys: () => running.find((r) => r)!.rotateKeys(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
