/**
 * `nauthera serve [--config FILE] [--json] [--ldap-url URL] [--store URL] ...`: the reference server (AS, RS)
 * with the OpenLDAP fixture, or with the directory named by --ldap-url, on loopback. Prints
 * how to reach it once ready and runs until SIGINT/SIGTERM, then stops everything it started.
 */
import { startReferenceServer, ReferenceConfigError, type DirectoryInfo } from '../../reference-server/index.ts';
import { parseLdapWorkerUrl, LdapWorkerError } from '../../reference-server/ldap-worker/index.ts';
import { ConfigError, UsageError } from '../cli-errors.ts';
import { parseCommandArgs } from './command-args.ts';
import { runUntilSignal } from './until-signal.ts';

const help = `usage: nauthera serve [--config FILE] [--json] [--ldap-url URL] [--port PORT] [--store URL]
                      [--issuer URL --resource-url URL] [--resource-port PORT]

Starts the reference authorization server and resource server on 127.0.0.1, signing users
in against the OpenLDAP fixture (started here), and runs until SIGINT/SIGTERM.

  --config FILE    a JSON config (see docs/reference-server.md); default: the built-in one
  --json           print one line {issuer, resourceServer, ldap, clients, users} once ready
  --ldap-url URL   use this directory instead of starting the fixture, as a JDBC-like URL:
                   ldap://host:port/<baseDN>?user=<bindDN>&password=<percent-encoded>
  --port PORT      port of the authorization server (default: a free one)
  --resource-port PORT  port of the resource server (default: a free one)
  --store URL      where codes, tokens, sessions, clients, keys and limits are kept: memory (the
                   default) or redis://host:port[/db]; instances on one Redis act as one server,
                   and a restart loses nothing
  --issuer URL     the public issuer, when this instance runs behind a load balancer with others
                   on the same --store (with --resource-url, the balancer of the resource servers)
  --resource-url URL  the resource server's public URL (with --issuer)`;

function directoryFromUrl(raw: string): DirectoryInfo {
  let url;
  try {
    url = parseLdapWorkerUrl(raw);
  } catch (error) {
    throw new UsageError(`--ldap-url: ${error instanceof LdapWorkerError ? error.message : String(error)}`);
  }
  const password = url.revealPassword();
  if (!url.user || !password || !url.baseDN) throw new UsageError('--ldap-url needs a base DN, user= and password= (ldap://host:port/<baseDN>?user=...&password=...)');
  return { url: url.serverUrl, baseDN: url.baseDN, bindDN: url.user, password };
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandArgs(args, {
    config: { type: 'string' },
    json: { type: 'boolean' },
    'ldap-url': { type: 'string' },
    port: { type: 'string' },
    'resource-port': { type: 'string' },
    store: { type: 'string' },
    issuer: { type: 'string' },
    'resource-url': { type: 'string' },
  }, help);
  if (!values) return 0;
  const port = portOf(values.port, '--port');
  const resourcePort = portOf(values['resource-port'], '--resource-port');
  if ((values.issuer === undefined) !== (values['resource-url'] === undefined)) throw new UsageError('--issuer and --resource-url go together: the public URLs of the authorization and resource servers');
  const publicUrls = values.issuer !== undefined ? { issuer: publicUrl(values.issuer, '--issuer'), resourceServer: publicUrl(values['resource-url']!, '--resource-url') } : undefined;
  const directory = values['ldap-url'] !== undefined ? directoryFromUrl(values['ldap-url']) : undefined;

  await runUntilSignal(
    async () => {
      try {
        return await startReferenceServer({ config: values.config, directory, port, resourcePort, store: values.store, publicUrls });
      } catch (error) {
        if (error instanceof ReferenceConfigError) throw new ConfigError(error.message);
        throw error;
      }
    },
    {
      json: values.json,
      summary: ({ issuer, resourceServer, ldap, clients, users }) => ({ issuer, resourceServer, ldap, clients, users }),
      text: ({ issuer, resourceServer, ldap, clients, users }) => [
        'nauthera reference server ready',
        `  issuer           ${issuer}`,
        `  discovery        ${issuer}/.well-known/openid-configuration`,
        `  resource server  ${resourceServer}/resource`,
        `  ldap             ${ldap.url} (${ldap.baseDN})`,
        '  clients',
        ...clients.map((c) => `    ${c.role.padEnd(16)} ${c.client_id}${c.client_secret ? `  secret ${c.client_secret}` : ''}  (${c.token_endpoint_auth_method})`),
        '  users',
        ...users.map((u) => `    ${u.role.padEnd(16)} ${u.username}`),
        '',
        'Stop with Ctrl-C.',
      ].join('\n'),
    },
  );
  return 0;
}

function portOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} must be a port number, got "${value}"`);
  return port;
}

/** RFC 8414 §2: an issuer is an https (here also http, loopback) URL without query or fragment. */
function publicUrl(value: string, flag: string): string {
  let url: URL;
  try { url = new URL(value); } catch { throw new UsageError(`${flag} must be a URL, got "${value}"`); }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) throw new UsageError(`${flag} must be an http(s) URL without query or fragment, got "${value}"`);
  return value.replace(/\/$/, '');
}
