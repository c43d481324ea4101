/**
 * The round-robin balancer of reference-server/cluster/ in a child process of its own, so the
 * load generator never shares its event loop:
 *
 *   node bin/run-ts.js bench/servers/round-robin.ts URL[,URL...] [URL[,URL...] ...]
 *
 * One balancer per argument, each over the comma-separated upstreams it names. Prints one line
 * {"urls": [...]} once all listen (in argument order), and closes them on SIGTERM or SIGINT.
 */
import { startRoundRobinProxy, type RoundRobinProxy } from '../../reference-server/cluster/round-robin-proxy.ts';

const groups = process.argv.slice(2).map((arg) => arg.split(',').filter(Boolean));
if (groups.length === 0 || groups.some((g) => g.length === 0)) {
  console.error('usage: round-robin.ts URL[,URL...] [URL[,URL...] ...]');
  process.exit(2);
}

const proxies: RoundRobinProxy[] = [];
for (const upstreams of groups) proxies.push(await startRoundRobinProxy(upstreams));
console.log(JSON.stringify({ urls: proxies.map((p) => p.url) }));

const stop = () => {
  void Promise.allSettled(proxies.map((p) => p.close())).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
