/**
 * Discovery: OpenID Connect Discovery 1.0 §4 first, then RFC 8414 §3 (authorization
 * server metadata). A target that cannot be discovered is a config error (exit 2),
 * named with the URLs tried and why each failed; a document naming another issuer is
 * returned with its problem, for the run to fail (suites/discovery.suite.ts).
 */
import { ConfigError } from '../cli-errors.ts';
import { HttpClient, HttpError } from '../http/client.ts';
import type { ServerMetadata, TlsOptions } from './model.ts';

export interface Discovered {
  metadata: ServerMetadata;
  url: string;
  /** True when found at /.well-known/openid-configuration. */
  openid: boolean;
  /**
   * Why the document cannot be trusted for the flows (its issuer is not the target's): the
   * discovery flow fails on it and every other flow is skipped naming it.
   */
  problem?: string;
}

/** OIDC Discovery §4.1: the well-known path is appended to the issuer (after any path). */
export function openidConfigurationUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
export function oauthMetadataUrl(issuer: string): string {
  const u = new URL(issuer);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/+$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}

export function checkIssuerUrl(issuer: string): void {
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    throw new ConfigError(`issuer "${issuer}" is not a URL`);
  }
  // RFC 8414 §2: an https URL with no query or fragment (http is accepted for loopback test IdPs).
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError(`issuer "${issuer}" must be an https URL`);
  if (u.search || u.hash) throw new ConfigError(`issuer "${issuer}" must not have a query or fragment (RFC 8414 §2)`);
}

export async function discover(issuer: string, options: { timeoutMs?: number; tls?: TlsOptions } = {}): Promise<Discovered> {
  checkIssuerUrl(issuer);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const http = new HttpClient({ timeoutMs, tls: options.tls });
  const failures: string[] = [];
  try {
    for (const [url, openid] of [[openidConfigurationUrl(issuer), true], [oauthMetadataUrl(issuer), false]] as const) {
      let res;
      try {
        res = await http.get(url);
      } catch (error) {
        if (error instanceof HttpError) {
          // Unreachable host: the second URL is on the same host, so stop here.
          throw new ConfigError(`issuer ${issuer} is unreachable: ${error.evidence.error} (GET ${url}, timeout ${timeoutMs} ms)`);
        }
        throw error;
      }
      if (res.status !== 200) {
        failures.push(`GET ${url} gave HTTP ${res.status}`);
        continue;
      }
      const metadata = res.json;
      if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
        failures.push(`GET ${url} did not return a JSON object`);
        continue;
      }
      // OIDC Discovery §4.3, RFC 8414 §3.3: the issuer in the document must be identical. A
      // mismatch is the target's failure, judged by the discovery flow, not a config error.
      const problem = metadata.issuer === issuer
        ? undefined
        : `the discovery document at ${url} names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}; they must be identical (OIDC Discovery §4.3, RFC 8414 §3.3)`;
      return { metadata: metadata as ServerMetadata, url, openid, ...(problem ? { problem } : {}) };
    }
  } finally {
    await http.close();
  }
  throw new ConfigError(`no discovery document for issuer ${issuer}: ${failures.join('; ')}`);
}
