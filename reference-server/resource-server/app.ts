/**
 * The resource server: a small Koa API that accepts the AS's access tokens (RFC 6750).
 *   GET  /resource  needs the read scope (default api:read)
 *   POST /resource  needs the write scope (default api:write)
 * No token: 401 with a bare Bearer challenge (§3.1). A bad, expired or revoked token: 401
 * error="invalid_token". Too little scope: 403 error="insufficient_scope". Every 401 names the
 * resource's metadata (RFC 9728 §5.1, metadata.ts), and a token's aud must name this server.
 */
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { errorHandler } from '../authorization-server/http/error-handler.ts';
import { securityHeaders } from '../authorization-server/http/security-headers.ts';
import { InsufficientScope, InvalidRequest } from '../authorization-server/errors.ts';
import { MissingToken } from '../authorization-server/bearer-token.ts';
import { tokenVerifier, type TokenVerifierOptions, type VerifiedToken } from './verify-access-token.ts';
import { challengeWithMetadata, registerMetadata } from './metadata.ts';
import type { FaultsConfig } from '../config/faults.ts';

export interface ResourceServerOptions extends TokenVerifierOptions {
  readScope: string;
  writeScope: string;
  /** Its public origin, named in its metadata (RFC 9728); the faults it may be started with. */
  publicUrl: string;
  faults?: Partial<FaultsConfig>;
}

export function createResourceServer(options: ResourceServerOptions): Koa {
  const verify = tokenVerifier(options);
  const app = new Koa();
  app.silent = true;
  const router = new Router();

  async function authorizeRequest(ctx: Context, scope: string): Promise<VerifiedToken> {
    const header = ctx.get('authorization');
    if (!header) throw new MissingToken();
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match) throw new InvalidRequest('the Authorization header is not "Bearer <token>"');
    const token = await verify(match[1]!);
    if (!token.scope.includes(scope)) throw new InsufficientScope(scope);
    return token;
  }

  router.get('/resource', async (ctx) => {
    const token = await authorizeRequest(ctx, options.readScope);
    ctx.body = { resource: 'nauthera protected resource', sub: token.sub, client_id: token.clientId, scope: token.scope.join(' '), token_format: token.format };
  });
  router.post('/resource', async (ctx) => {
    const token = await authorizeRequest(ctx, options.writeScope);
    ctx.body = { updated: true, sub: token.sub, client_id: token.clientId };
  });

  const metadata = { publicUrl: options.publicUrl, issuer: options.issuer, scopes: [options.readScope, options.writeScope], ...(options.faults ? { faults: options.faults } : {}) };
  registerMetadata(router, metadata);
  app.use(challengeWithMetadata(metadata));
  app.use(errorHandler());
  app.use(securityHeaders);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
