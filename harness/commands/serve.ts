/**
 * `nauthera serve [--config FILE] [--json] [--ldap-url URL] [--store URL] ...`: the reference server (AS, RS)
 * with the OpenLDAP fixture, or with the directory named by --ldap-url, on loopback. Prints
 * how to reach it once ready and runs until SIGINT/SIGTERM, then stops everything it started.
 */
import { startReferenceServer, ReferenceConfigError, type DirectoryInfo } from '../../reference-server/index.ts';
import { parseLdapWorkerUrl, LdapWorkerError } from '../../actors/ldap-worker/index.ts';
import { ConfigError, UsageError } from '../cli-errors.ts';
import { defineCommand, parseCommand } from './command-table.ts';
import { runUntilSignal } from './until-signal.ts';

export const serveCommand = defineCommand({
  command: 'serve',
  description: `Starts the reference authorization server and resource server on 127.0.0.1, signing users
in against the OpenLDAP fixture (started here), and runs until SIGINT/SIGTERM.`,
  options: {
    config: { type: 'string', value: 'FILE', help: 'a JSON config (see docs/reference-server.md); default: the built-in one' },
    json: { type: 'boolean', help: 'print one line {issuer, resourceServer, ldap, clients, users} once ready' },
    'ldap-url': { type: 'string', value: 'URL', help: 'use this directory instead of starting the fixture, as a JDBC-like URL:\nldap://host:port/<baseDN>?user=<bindDN>&password=<percent-encoded>' },
    port: { type: 'string', value: 'PORT', help: 'port of the authorization server (default: a free one)' },
    'resource-port': { type: 'string', value: 'PORT', help: 'port of the resource server (default: a free one)' },
    store: { type: 'string', value: 'URL', help: 'where codes, tokens, sessions, clients, keys and limits are kept: memory (the\ndefault) or redis://host:port[/db]; instances on one Redis act as one server,\nand a restart loses nothing' },
    issuer: { type: 'string', value: 'URL', with: 'resource-url', help: 'the public issuer, when this instance runs behind a load balancer with others\non the same --store (with --resource-url, the balancer of the resource servers)' },
    'resource-url': { type: 'string', value: 'URL', help: "the resource server's public URL (with --issuer)" },
  },
  exitCodes: { 0: 'stopped by a signal', 2: 'a usage or config error, or a store or directory that cannot be reached' },
});

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
  const parsed = parseCommand(serveCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  const port = portOf(values.port, '--port');
  const resourcePort = portOf(values['resource-port'], '--resource-port');
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
