/**
 * nauthera under load: the real `nauthera serve --config FILE --json` (reference server and
 * its own slapd) in a child process. The config is the built-in one with two changes:
 * - the `service` client signs its JWT access tokens ES256 (the comparison with oidc-provider
 *   is client_credentials + ES256 on both sides; the default is RS256);
 * - authorization codes live 15 minutes, so a pool prepared before the code-exchange run does
 *   not expire during the token-endpoint runs that come first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../reference-server/config/default.ts';
import type { ReferenceConfig } from '../../reference-server/config/types.ts';
import { startChild, type Child } from '../child.ts';

export interface ServeInfo {
  issuer: string;
  resourceServer: string;
  clients: Array<{ client_id: string; client_secret?: string; redirect_uris: string[] }>;
  users: Array<{ username: string; password: string }>;
}

export function benchConfig(): ReferenceConfig {
  const config = structuredClone(defaultConfig);
  config.clients = config.clients.map((c) => (c.client_id === 'service' ? { ...c, access_token_signed_response_alg: 'ES256' } : c));
  config.ttl = { ...config.ttl, authorizationCode: 900 };
  return config;
}

/** options.args: more `nauthera serve` options (--store, --ldap-url, --port, --issuer, ...). */
export async function startNauthera(root: string, options: { nodeArgs?: string[]; args?: string[]; label?: string } = {}): Promise<Child<ServeInfo>> {
  const dir = mkdtempSync(join(tmpdir(), 'nauthera-bench-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(benchConfig()));
  try {
    const child = await startChild<ServeInfo>(process.execPath, [...(options.nodeArgs ?? []), join(root, 'bin', 'nauthera.js'), 'serve', '--json', '--config', file, ...(options.args ?? [])], {
      cwd: root,
      label: options.label ?? 'nauthera serve',
    });
    return {
      ...child,
      stop: async () => {
        await child.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export function credentials(info: ServeInfo, clientId: string): { id: string; secret: string } {
  const client = info.clients.find((c) => c.client_id === clientId);
  if (!client?.client_secret) throw new Error(`nauthera serve announced no secret for client ${clientId}`);
  return { id: client.client_id, secret: client.client_secret };
}

export function basicAuth(id: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode each part before base64.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}
