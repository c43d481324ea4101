/**
 * Token introspection (RFC 7662). Only confidential clients may ask (§2.1). A client sees its
 * own tokens; the resource server (config resourceServer.clientId) sees every access token
 * meant for it. Anything else, and any invalid, expired or revoked token, is
 * `{"active": false}` (§2.2), which tells nothing about why.
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { authenticateClient, authMethods } from '../client-auth/index.ts';
import { assertionAlgorithms } from '../client-auth/private-key-jwt.ts';
import { InvalidClient } from '../errors.ts';
import { findAccessToken } from '../tokens/access-token.ts';
import type { RefreshTokenRecord } from '../tokens/refresh-token.ts';

export const introspect: Endpoint = {
  name: 'introspection',
  register(router, provider) {
    // Only for the cachedIntrospection fault: answers by token value.
    const answered = new Map<string, Record<string, unknown>>();
    router.post('/introspect', async (ctx) => {
      const form = await readForm(ctx);
      const anonymous = !ctx.get('authorization') && !['client_id', 'client_secret', 'client_assertion'].some((p) => form.has(p));
      // FAULT introspectionWithoutAuthentication (config/faults.ts, only to prove the harness): a caller
      // presenting no credentials at all is answered as the resource server is.
      const unauthenticated = provider.config.faults.introspectionWithoutAuthentication && anonymous;
      const client = unauthenticated ? undefined : await authenticateClient(provider, ctx, form, endpointUrl(provider, '/introspect'));
      if (client?.isPublic) throw new InvalidClient('public clients cannot introspect tokens');
      const token = form.require('token');
      const hint = form.get('token_type_hint');
      const isResourceServer = unauthenticated || client!.clientId === provider.config.resourceServer.clientId;
      const lookups = hint === 'refresh_token' ? [refresh, access] : [access, refresh];
      const cached = provider.config.faults.cachedIntrospection ? answered.get(token) : undefined;
      if (cached && cached.client_id === client?.clientId) {
        ctx.body = cached;
        return;
      }
      for (const lookup of lookups) {
        const answer = await lookup(token);
        if (answer && (answer.client_id === client?.clientId || (isResourceServer && (answer.token_type === 'Bearer' || answer.token_type === 'DPoP')))) {
          // FAULT cachedIntrospection (config/faults.ts, only to prove the harness): an active answer is
          // remembered and given again, even after the token is revoked.
          if (provider.config.faults.cachedIntrospection) answered.set(token, answer);
          ctx.body = answer;
          return;
        }
      }
      ctx.body = { active: false };
    });

    async function access(token: string) {
      const record = await findAccessToken(provider, token);
      if (!record) return undefined;
      return {
        active: true,
        // RFC 9449 §6.2: a bound token is of type DPoP and names its key in cnf.jkt.
        token_type: record.jkt ? 'DPoP' : 'Bearer',
        ...(record.jkt && !provider.config.faults.dpopNoCnf ? { cnf: { jkt: record.jkt } } : {}),
        scope: record.scope,
        client_id: record.clientId,
        sub: record.sub ?? record.clientId,
        aud: record.audience,
        iss: provider.issuer,
        iat: record.iat,
        // Valid from issue: RFC 7662 §2.2 nbf.
        nbf: record.iat,
        exp: record.exp,
        jti: record.jti,
        ...(record.authTime ? { auth_time: record.authTime } : {}),
      };
    }

    async function refresh(token: string) {
      const record = await provider.storage.find<RefreshTokenRecord>('RefreshToken', token);
      if (!record || record.consumed !== undefined || record.familyExp <= provider.now()) return undefined;
      // RFC 7592 §2.3: the tokens of a deleted client stop working with it.
      if (!(await provider.clients.find(record.clientId))) return undefined;
      return {
        active: true,
        token_type: 'refresh_token',
        scope: record.scope,
        client_id: record.clientId,
        sub: record.sub,
        iss: provider.issuer,
        iat: record.iat,
        exp: record.familyExp,
      };
    }
  },
  metadata(provider) {
    return {
      introspection_endpoint: endpointUrl(provider, '/introspect'),
      introspection_endpoint_auth_methods_supported: Object.keys(authMethods).filter((m) => m !== 'none'),
      introspection_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
    };
  },
};
