/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2), GET and POST. The request
 * runs through the named checks of authorize/checks; errors about the client or its
 * redirect_uri are shown as a page, later ones are redirected to the client with state and
 * iss. /authorize/resume/:uid continues a request after sign-in or consent.
 */
import type { Context } from 'koa';
import type { Endpoint } from './endpoint.ts';
import type { Provider } from '../provider.ts';
import { endpointUrl } from '../provider.ts';
import { Params } from '../http/params.ts';
import { readForm } from '../http/body.ts';
import { htmlErrors } from '../http/html-errors.ts';
import { toOAuthError } from '../http/error-handler.ts';
import { OAuthError, TemporarilyUnavailable, UnverifiedAuthorizationRequest } from '../errors.ts';
import { DirectoryUnavailable } from '../accounts/ldap-connection.ts';
import { newAuthorizationRequest, verified, type AuthorizationRequest } from '../authorize/request.ts';
import { clientChecks, requestChecks } from '../authorize/checks/index.ts';
import { continueAuthorization } from '../authorize/continue.ts';
import { respondWithError } from '../authorize/respond.ts';
import { responseTypeHandlers } from '../authorize/response-types.ts';
import { responseModes } from '../authorize/response-modes.ts';
import { loadInteraction, type InteractionRecord } from '../interaction/interaction.ts';

export const authorize: Endpoint = {
  name: 'authorization',
  register(router, provider) {
    const handler = async (ctx: Context) => {
      const { faults } = provider.config;
      const query = new URLSearchParams(ctx.querystring);
      // FAULT duplicateParametersAccepted (config/faults.ts, only to prove the harness): a repeated parameter keeps its first value.
      const search = faults.duplicateParametersAccepted ? new URLSearchParams([...new Map([...query].reverse()).entries()].reverse()) : query;
      // FAULT emptyResponseModeKept (config/faults.ts, only to prove the harness): response_mode= is not treated as omitted.
      if (faults.emptyResponseModeKept && ctx.method === 'GET' && query.get('response_mode') === '') search.set('response_mode', '(empty)');
      const params = ctx.method === 'POST' ? await readForm(ctx) : Params.from(search);
      await authorizeRequest(ctx, provider, params);
    };
    router.get('/authorize', htmlErrors, handler);
    router.post('/authorize', htmlErrors, handler);
    router.get('/authorize/resume/:uid', htmlErrors, async (ctx) => {
      const uid = ctx.params.uid;
      const record = await loadInteraction(ctx, provider, uid);
      await authorizeRequest(ctx, provider, Params.from(new URLSearchParams(record.params)), { uid: uid!, record });
    });
  },
  metadata(provider) {
    return {
      authorization_endpoint: endpointUrl(provider, '/authorize'),
      response_types_supported: Object.keys(responseTypeHandlers),
      response_modes_supported: Object.keys(responseModes),
      // FAULT pkceMethodsNotAdvertised (config/faults.ts, only to prove the harness): S256 is taken but not published.
      ...(provider.config.faults.pkceMethodsNotAdvertised ? {} : { code_challenge_methods_supported: ['S256'] }),
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    };
  },
};

async function authorizeRequest(ctx: Context, provider: Provider, params: Params, interaction?: { uid: string; record: InteractionRecord }): Promise<void> {
  const request: AuthorizationRequest = newAuthorizationRequest(params);
  if (interaction) request.resumed = true;
  // Until the client and redirect_uri are verified, an error is a page (thrown to htmlErrors).
  for (const check of clientChecks) await check(request, provider);
  if (interaction && interaction.record.clientId !== request.client!.clientId) {
    throw new UnverifiedAuthorizationRequest('invalid_request', 'the sign-in belongs to another client');
  }
  try {
    for (const check of requestChecks) await check(request, provider);
    await continueAuthorization(ctx, provider, verified(request), interaction);
  } catch (caught) {
    if (caught instanceof OAuthError && !caught.redirectable) throw caught;
    const error = caught instanceof DirectoryUnavailable ? new TemporarilyUnavailable('the directory is unavailable') : toOAuthError(caught, (m) => console.error(m));
    if (interaction) await provider.storage.destroy('Interaction', interaction.uid);
    respondWithError(ctx, provider, request, error);
  }
}
