/**
 * Where a client that knows only a URL finds metadata: the protected resource's (RFC 9728 §3.1)
 * and its authorization server's (RFC 8414 §3.1, and OpenID Connect Discovery §4, the
 * alternative the MCP authorization specification lets an authorization server offer instead).
 */
import type { FlowContext, HttpResponse } from '../../harness/flow/index.ts';

/** RFC 9728 §3.1: /.well-known/oauth-protected-resource between the host and the path. */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/**
 * The URLs the MCP authorization specification has a client try, in its order: RFC 8414 with the
 * issuer's path after the well-known segment, then OpenID Connect Discovery both with the path
 * inserted and appended (OIDC Discovery §4.1); for an issuer without a path, the two well-known URLs.
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  if (!path) return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** The first of those URLs that answers 200 with a JSON object, and every answer on the way. */
export async function authorizationServerMetadata(ctx: FlowContext<any>, issuer: string): Promise<{ metadata?: Record<string, unknown>; url?: string; tried: HttpResponse[] }> {
  const tried: HttpResponse[] = [];
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const res = await ctx.http.get(url);
    tried.push(res);
    if (res.status === 200 && res.json && typeof res.json === 'object' && !Array.isArray(res.json)) return { metadata: res.json as Record<string, unknown>, url, tried };
  }
  return { tried };
}
