/**
 * The pushed authorization request endpoint (RFC 9126): POST, form-encoded, the client
 * authenticated as at /token. The request is checked now, by the same checks as /authorize,
 * and errors come back here as JSON (§2.3) rather than at the redirect_uri. A request_uri
 * inside the pushed request is refused (§2.1). The answer is 201 with a single-use
 * request_uri bound to this client and its lifetime, expires_in (§2.2).
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from './provider.ts';
import { readForm } from './http/body.ts';
import { Params } from './http/params.ts';
import { authenticateClient } from './client-auth/index.ts';
import { InvalidRequest } from './errors.ts';
import { newAuthorizationRequest } from './authorize/request.ts';
import { clientChecks, requestChecks } from './authorize/checks/index.ts';
import { savePushedRequest } from './pushed-authorization/request-uri.ts';

/** Client authentication travels with the push but is not part of the authorization request. */
const clientAuthenticationParams = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

export const par: Endpoint = {
  name: 'pushed-authorization-request',
  register(router, provider) {
    router.post('/par', async (ctx) => {
      const form = await readForm(ctx);
      const client = await authenticateClient(provider, ctx, form, endpointUrl(provider, '/par'));
      if (form.has('request_uri')) throw new InvalidRequest('request_uri must not be sent in a pushed authorization request (RFC 9126 §2.1)');
      const params = Object.fromEntries(Object.entries(form.toRecord()).filter(([name]) => !clientAuthenticationParams.has(name)));
      params.client_id = client.clientId;
      const request = newAuthorizationRequest(Params.from(new URLSearchParams(params)));
      // Pushed, so require_pushed_authorization_requests is met; every other check runs as at /authorize.
      request.pushed = true;
      for (const check of [...clientChecks, ...requestChecks]) await check(request, provider);
      ctx.status = 201;
      ctx.body = await savePushedRequest(provider, client.clientId, request.params.toRecord());
    });
  },
  metadata(provider) {
    return {
      pushed_authorization_request_endpoint: endpointUrl(provider, '/par'),
      require_pushed_authorization_requests: provider.config.pushedAuthorizationRequests.required,
    };
  },
};
