/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of the resource server: one document for
 * the resource server as a whole (its origin) and one for its protected resource (/resource),
 * each at its well-known URL (§3.1), and the resource_metadata parameter that points a client
 * at the second from a 401 (§5.1).
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { FaultsConfig } from '../config/faults.ts';

export interface MetadataOptions {
  /** The resource server's public origin, e.g. http://127.0.0.1:PORT. */
  publicUrl: string;
  issuer: string;
  scopes: string[];
  faults?: Partial<FaultsConfig>;
}

/** §3.1: /.well-known/oauth-protected-resource inserted between the host and the path of the resource identifier. */
export function metadataUrlOf(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/** The identifier of the protected resource at /resource. */
export const protectedResourceOf = (publicUrl: string): string => `${publicUrl.replace(/\/$/, '')}/resource`;

function document(resource: string, options: MetadataOptions): Record<string, unknown> {
  const { faults } = options;
  return {
    // FAULT resourceMetadataOtherResource (config/faults.ts, only to prove the harness): the document names the origin, not the resource it describes (§3.3).
    resource: faults?.resourceMetadataOtherResource ? new URL(resource).origin : resource,
    // FAULT resourceMetadataWithoutAuthorizationServers (config/faults.ts, only to prove the harness): no authorization_servers.
    ...(faults?.resourceMetadataWithoutAuthorizationServers ? {} : { authorization_servers: [options.issuer] }),
    scopes_supported: options.scopes,
    bearer_methods_supported: ['header'],
    resource_name: 'nauthera protected resource',
  };
}

export function registerMetadata(router: Router, options: MetadataOptions): void {
  const origin = options.publicUrl.replace(/\/$/, '');
  const resource = protectedResourceOf(origin);
  router.get('/.well-known/oauth-protected-resource', (ctx) => {
    ctx.body = document(origin, options);
  });
  router.get('/.well-known/oauth-protected-resource/resource', (ctx) => {
    ctx.body = document(resource, options);
    // FAULT resourceMetadataNotJson (config/faults.ts, only to prove the harness): the JSON is sent as text/plain.
    if (options.faults?.resourceMetadataNotJson) {
      ctx.body = JSON.stringify(ctx.body);
      ctx.type = 'text/plain';
    }
  });
}

/** §5.1: every 401 of the resource server names its metadata in the challenge. */
export function challengeWithMetadata(options: MetadataOptions): Middleware {
  const url = metadataUrlOf(protectedResourceOf(options.publicUrl));
  return async (ctx, next) => {
    await next();
    const challenge = ctx.response.get('WWW-Authenticate');
    // FAULT resourceMetadataNotAdvertised (config/faults.ts, only to prove the harness): no resource_metadata in the 401.
    if (ctx.status === 401 && challenge && !options.faults?.resourceMetadataNotAdvertised) ctx.set('WWW-Authenticate', `${challenge}, resource_metadata="${url}"`);
  };
}
