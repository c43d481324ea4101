/**
 * The pushed authorization request endpoint (RFC 9126): POST, form-encoded, the client
 * authenticated as at /token. The request is checked now, by the same checks as /authorize,
 * and errors come back here as JSON (§2.3) rather than at the redirect_uri. A request_uri
 * inside the pushed request is refused (§2.1). The answer is 201 with a single-use
 * request_uri bound to this client and its lifetime, expires_in (§2.2).
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { Params } from '../http/params.ts';
import { authenticateClient } from '../client-auth/index.ts';
import { presentedCredentials } from '../client-auth/presented.ts';
import { InvalidRequest } from '../errors.ts';
import { newAuthorizationRequest } from '../authorize/request.ts';
import { clientChecks, requestChecks } from '../authorize/checks/index.ts';
import { savePushedRequest } from '../pushed-authorization/request-uri.ts';

/** Client authentication travels with the push but is not part of the authorization request. */
const clientAuthenticationParams = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

export const par: Endpoint = {
  name: 'pushed-authorization-request',
  register(router, provider) {
    router.post('/par', async (ctx) => {
      const form = await readForm(ctx);
      const { faults } = provider.config;
      // FAULT parClientIdAloneAuthenticates (config/faults.ts, only to prove the harness): a client_id with no secret is taken as authentication.
      const claimed = faults.parClientIdAloneAuthenticates ? presentedCredentials(ctx, form) : undefined;
      const unauthenticated = claimed?.method === 'none' ? await provider.clients.find(claimed.clientId) : undefined;
      const client = unauthenticated ?? await authenticateClient(provider, ctx, form, endpointUrl(provider, '/par'));
      const params = Object.fromEntries(Object.entries(form.toRecord()).filter(([name]) => !clientAuthenticationParams.has(name)));
      if (form.has('request_uri')) {
        // FAULT parIgnoresNestedRequestUri (config/faults.ts, only to prove the harness): the nested request_uri is dropped, not refused.
        if (!faults.parIgnoresNestedRequestUri) throw new InvalidRequest('request_uri must not be sent in a pushed authorization request (RFC 9126 §2.1)');
        delete params.request_uri;
      }
      params.client_id = client.clientId;
      const checked = { ...params };
      // FAULT parSkipsRedirectUriCheck (config/faults.ts, only to prove the harness): the registered redirect_uri is checked in place of the pushed one.
      if (faults.parSkipsRedirectUriCheck && checked.redirect_uri !== undefined && client.redirectUris[0]) checked.redirect_uri = client.redirectUris[0];
      // FAULT parSkipsPkceMethodCheck (config/faults.ts, only to prove the harness): S256 is checked in place of the pushed method.
      if (faults.parSkipsPkceMethodCheck && checked.code_challenge_method !== undefined) checked.code_challenge_method = 'S256';
      const altered = Object.keys(params).some((name) => params[name] !== checked[name]);
      const request = newAuthorizationRequest(Params.from(new URLSearchParams(checked)));
      // Pushed, so require_pushed_authorization_requests is met; every other check runs as at /authorize.
      request.pushed = true;
      for (const check of [...clientChecks, ...requestChecks]) await check(request, provider);
      ctx.status = 201;
      ctx.body = await savePushedRequest(provider, client.clientId, altered ? params : request.params.toRecord());
    });
  },
  metadata(provider) {
    return {
      pushed_authorization_request_endpoint: endpointUrl(provider, '/par'),
      require_pushed_authorization_requests: provider.config.pushedAuthorizationRequests.required,
    };
  },
};
