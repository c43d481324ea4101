/**
 * The resource server: a small Koa API that accepts the AS's access tokens (RFC 6750).
 *   GET  /resource  needs the read scope (default api:read)
 *   POST /resource  needs the write scope (default api:write)
 * No token: 401 with a bare Bearer challenge (§3.1). A bad, expired or revoked token: 401
 * error="invalid_token". Too little scope: 403 error="insufficient_scope". Every 401 names the
 * resource's metadata (RFC 9728 §5.1, metadata.ts), and a token's aud must name this server.
 * A DPoP-bound token (RFC 9449 §7.1) is accepted only as `Authorization: DPoP <token>` with a
 * proof of its key carrying ath; presented as Bearer it is refused (§7.2).
 */
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { errorHandler } from '../authorization-server/http/error-handler.ts';
import { securityHeaders } from '../authorization-server/http/security-headers.ts';
import { InsufficientScope, InvalidDpopProof, InvalidRequest, InvalidToken, dpopChallenge } from '../authorization-server/errors.ts';
import type { Storage } from '../authorization-server/storage/adapter.ts';
import type { FaultsConfig } from '../config/faults.ts';
import { dpopHeader, verifyDpopProof } from '../authorization-server/dpop/proof.ts';
import { MissingToken } from '../authorization-server/bearer-token.ts';
import { tokenVerifier, type TokenVerifierOptions, type VerifiedToken } from './verify-access-token.ts';
import { challengeWithMetadata, registerMetadata } from './metadata.ts';
import { epochSeconds, systemClock } from '../clock.ts';

export interface ResourceServerOptions extends TokenVerifierOptions {
  readScope: string;
  writeScope: string;
  /** Its public origin, named in its metadata (RFC 9728). */
  publicUrl: string;
  /** Where DPoP proofs' jti are remembered (RFC 9449 §11.1), shared with the AS's instances. */
  storage: Storage;
  /** Seconds a DPoP proof's iat may be from now (default 60). */
  dpopIatWindowSeconds?: number;
  /** Deliberate violations, only to prove the harness (config/faults.ts). */
  faults?: FaultsConfig;
}

export function createResourceServer(options: ResourceServerOptions): Koa {
  const verify = tokenVerifier(options);
  const app = new Koa();
  app.silent = true;
  const router = new Router();

  async function authorizeRequest(ctx: Context, scope: string): Promise<VerifiedToken> {
    const header = ctx.get('authorization');
    if (!header) throw new MissingToken();
    const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match) throw new InvalidRequest('the Authorization header is not "Bearer <token>" or "DPoP <token>"');
    const faults = options.faults ?? {};
    const scheme = match[1]!.toLowerCase();
    // FAULT dpopResourceBearerOnly (config/faults.ts, only to prove the harness): the DPoP scheme is refused.
    if (scheme === 'dpop' && faults.dpopResourceBearerOnly) throw new InvalidRequest('the Authorization header is not "Bearer <token>"');
    const token = await verify(match[2]!);
    // FAULT dpopResourceAcceptsBearer, dpopResourceBearerOnly (config/faults.ts, only to prove the harness): a bound token passes as Bearer.
    const bearerLetThrough = scheme === 'bearer' && (faults.dpopResourceAcceptsBearer || faults.dpopResourceBearerOnly);
    if (!bearerLetThrough && (scheme === 'dpop' || token.jkt !== undefined)) await checkDpop(ctx, scheme, match[2]!, token, faults);
    if (!token.scope.includes(scope)) throw new InsufficientScope(scope);
    return token;
  }

  /** RFC 9449 §7.1: the DPoP scheme needs a bound token and a proof of its key with ath. */
  async function checkDpop(ctx: Context, scheme: string, accessToken: string, token: VerifiedToken, faults: FaultsConfig): Promise<void> {
    // §7.2: a bound token presented as a bearer token is refused.
    if (scheme === 'bearer') throw new InvalidToken('the access token is bound to a DPoP key: present it with the DPoP scheme and a proof', dpopChallenge('invalid_token', 'the access token is DPoP-bound'));
    if (token.jkt === undefined) throw new InvalidToken('the access token is not DPoP-bound: present it as a Bearer token');
    const proof = dpopHeader(ctx.req.headers.dpop, true);
    if (proof === undefined) throw new InvalidDpopProof('a DPoP proof is required with the DPoP scheme', true);
    const verified = await verifyDpopProof(proof, {
      // FAULT dpopResourceHtmIgnored (config/faults.ts, only to prove the harness): htm is not compared.
      method: faults.dpopResourceHtmIgnored ? undefined : ctx.method,
      // FAULT dpopResourceHtuIgnored (config/faults.ts, only to prove the harness): htu is not compared.
      url: faults.dpopResourceHtuIgnored ? undefined : `${ctx.protocol}://${ctx.host}${ctx.path}`,
      now: epochSeconds(options.clock ?? systemClock),
      // FAULT dpopResourceIatIgnored (config/faults.ts, only to prove the harness): any iat is accepted.
      iatWindow: faults.dpopResourceIatIgnored ? 10 * 365 * 86400 : options.dpopIatWindowSeconds ?? 60,
      storage: options.storage,
      // FAULT dpopResourceAthIgnored (config/faults.ts, only to prove the harness): ath is not required.
      accessToken: faults.dpopResourceAthIgnored ? undefined : accessToken,
      // FAULT dpopResourceReplayAccepted (config/faults.ts, only to prove the harness): jti is not remembered.
      replay: !faults.dpopResourceReplayAccepted,
      atResource: true,
    });
    // §7.1, §4.3 step 12: the proof's key is the one the token is bound to.
    // FAULT dpopResourceKeyIgnored (config/faults.ts, only to prove the harness): any key is accepted.
    if (verified.jkt !== token.jkt && !faults.dpopResourceKeyIgnored) throw new InvalidDpopProof('the DPoP proof is not signed by the key the access token is bound to', true);
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
  // FAULT tokenlessRequestForbidden (config/faults.ts, only to prove the harness): the 401 to a request without a token, its challenge kept, becomes a 403.
  if (options.faults?.tokenlessRequestForbidden) {
    app.use(async (ctx, next) => {
      await next();
      if (ctx.status === 401 && !ctx.get('authorization')) ctx.status = 403;
    });
  }
  app.use(challengeWithMetadata(metadata));
  app.use(errorHandler());
  app.use(securityHeaders);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
