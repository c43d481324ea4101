/**
 * JWT-Secured Authorization Request (RFC 9101), diagrams/jar.mmd: the client signs its code
 * request (PKCE, state, nonce) as a Request Object and sends it by value; the code that comes
 * back is redeemed with the object's redirect_uri and code_verifier. Then what the AS must not
 * take: parameters beside the object (§6.3: only the object's are used), an object signed by
 * another key (§6.2), another client_id inside (§6.3), an expired object (RFC 7519 §4.1.4), and,
 * for a client registered with require_signed_request_object, an unsigned object or a plain
 * request (§10.5). Last, the object by reference (§5.2): nauthera serves it on a loopback URL and
 * the AS fetches it.
 *
 * A refusal passes in any form the spec allows (an error redirected, or an error page when the AS
 * will not trust a redirect_uri it could not verify); an error code other than the one the spec
 * names is a warning.
 */
import { defineFlow, step, type AuthorizeOutcome, type CheckScope, type FlowContext, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, describeNoCode, type CodeRequest } from './lib/authorization-request.ts';
import { exchangeCode } from './lib/token-request.ts';
import { requestObjectClaims, requestObjectType, requestObjectUrl } from './lib/request-object.ts';
import { algOf, signWithAnotherKey, signWithClientKey, unsignedJwt } from './lib/client-signed-jwt.ts';
import { register, deleteAtFlowEnd } from './lib/client-registration.ts';
import { startRequestObjectHost, type RequestObjectHost } from '../actors/request-object-host/index.ts';

interface State {
  client: TargetClient;
  request: CodeRequest;
  outcome: AuthorizeOutcome;
  code: string;
}

function clientOf(target: Target): TargetClient | undefined {
  return target.clients.find((c) => c.role === 'jar' && c.private_jwk && c.redirect_uris.length > 0);
}

function applicable(target: Target): true | { reason: string } {
  if (target.metadata.request_parameter_supported !== true) {
    return { reason: `the discovery document says request_parameter_supported ${target.metadata.request_parameter_supported === undefined ? 'nothing (false when omitted, OIDC Discovery §3)' : JSON.stringify(target.metadata.request_parameter_supported)}: no Request Objects by value` };
  }
  if (!clientOf(target)) return { reason: 'the target config has no "jar" client: a code-flow client with the private_jwk it signs Request Objects with (its public key registered at the IdP)' };
  return true;
}

/** Whether the OP must refuse this client's unsigned objects and plain requests (RFC 9101 §10.5): by its registration or the server's metadata. */
function signedObjectsRequired(target: Target, client: TargetClient): string | undefined {
  if (client.require_signed_request_object === true) return 'the client is registered with require_signed_request_object';
  if (target.metadata.require_signed_request_object === true) return 'the metadata says require_signed_request_object true';
  return undefined;
}

const user = (ctx: FlowContext<State>) => ({ user: ctx.target.user('user'), consent: 'approve' as const });

/**
 * A request the OP must not answer with a code: a code back fails; any refusal passes. Where the
 * spec names the error (`error`), another one redirected is a warning; §10.5 names none.
 */
function expectRefused(c: CheckScope, outcome: AuthorizeOutcome, what: string, error: string | undefined, spec: string): string {
  c.evidence(outcome);
  if (outcome.kind === 'redirect' && outcome.params.code !== undefined) c.fail(`${what} was answered with a code: ${spec}`);
  if (outcome.kind === 'redirect' && error) c.should(outcome.params.error === error, `the refusal SHOULD carry the error ${error}; it was ${JSON.stringify(outcome.params.error ?? '(none)')}`);
  return describeNoCode(outcome);
}

export default defineFlow<State>({
  id: 'jar',
  title: 'JWT-Secured Authorization Request (JAR)',
  diagram: 'diagrams/jar.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable,
  state: () => ({}) as State,
  fixtures: {
    requestObjectHost: async (_args, use) => {
      const host = await startRequestObjectHost();
      await use(host);
      await host.stop();
    },
  },
  steps: [
    step('User', 'Authorization Server', 'Authorization request by value (client_id, request: a signed Request Object)', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      await ctx.check('signed-request-object-accepted', async (c) => {
        const request = codeRequest(ctx.target, client, { nonce: ctx.target.capabilities.openid });
        const jwt = await signWithClientKey(client, requestObjectClaims(ctx.target, request), requestObjectType);
        const outcome = await ctx.browser.authorize(requestObjectUrl(ctx.target, request, { request: jwt }), user(ctx));
        c.evidence(outcome);
        const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
        if (!code) c.fail(`a signed Request Object of the client's registered key got no code: ${describeNoCode(outcome)}`);
        ctx.state.request = request;
        ctx.state.outcome = outcome;
        ctx.state.code = code!;
        return 'a code came back';
      }, { soft: true });
    }, {
      key: 'by-value',
      checks: {
        'signed-request-object-accepted': { name: 'a Request Object signed with the client\'s registered key, passed by value, is answered with a code', spec: 'RFC 9101 §5.1, §6.2, §6.3' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Code, with the state of the Request Object', async (ctx) => {
      await ctx.check('request-object-state-returned', (c) => {
        const outcome = ctx.state.outcome as Extract<AuthorizeOutcome, { kind: 'redirect' }>;
        c.evidence(outcome);
        c.expect(outcome.params.state, 'state').toBe(ctx.state.request.state);
        return 'the state inside the object came back';
      }, { soft: true });
    }, {
      key: 'by-value-response',
      needs: { code: 'the code of the by-value request' },
      checks: {
        // RFC 6749 §4.1.2: state "REQUIRED if the state parameter was present in the client authorization request"; here it was, inside the object.
        'request-object-state-returned': { name: 'the response carries the state sent inside the Request Object', spec: 'RFC 9101 §6.3, RFC 6749 §4.1.2' },
      },
    }),

    step('Client Application', 'Authorization Server', 'Exchanges the code (the object\'s redirect_uri, code_verifier)', async (ctx) => {
      await ctx.check('request-object-code-redeemed', async (c) => {
        const res = await exchangeCode(ctx, ctx.state.request, ctx.state.code);
        c.evidence(res);
        c.expect(res.status, 'HTTP status').toBe(200);
        c.expect(typeof res.json?.access_token, 'access_token').toBe('string');
        return 'tokens issued for the object\'s redirect_uri and code_challenge';
      }, { soft: true });
    }, {
      key: 'token',
      needs: { code: 'the code of the by-value request' },
      checks: {
        'request-object-code-redeemed': { name: 'the code is redeemed with the redirect_uri and the code_verifier of the Request Object\'s code_challenge', spec: 'RFC 9101 §6.3, RFC 6749 §4.1.3, RFC 7636 §4.6' },
      },
    }),

    step('User', 'Authorization Server', 'Request Objects the AS must refuse, and parameters beside one', async (ctx) => {
      const { client } = ctx.state;
      const send = async (request: CodeRequest, jwt: string, outside: Record<string, string> = {}) => ctx.browser.authorize(requestObjectUrl(ctx.target, request, { request: jwt }, outside), user(ctx));
      const fresh = () => codeRequest(ctx.target, client, { nonce: ctx.target.capabilities.openid });

      // RFC 9101 §6.3: "The authorization server MUST only use the parameters in the Request Object, even if the same parameter is provided in the query parameter."
      await ctx.check('parameters-beside-request-object-not-used', async (c) => {
        const request = fresh();
        const outsideState = `outside-${request.state}`;
        const outcome = await send(request, await signWithClientKey(client, requestObjectClaims(ctx.target, request), requestObjectType), { state: outsideState });
        c.evidence(outcome);
        if (outcome.kind !== 'redirect' || outcome.params.code === undefined) return `no code (${describeNoCode(outcome)}): nothing from beside the object was used`;
        if (outcome.params.state === outsideState) c.fail('the response carries the state sent beside the Request Object, not the one inside it: §6.3 says only the object\'s parameters are used');
        return 'the state inside the object came back, not the one beside it';
      }, { soft: true });

      // RFC 9101 §6.2: "If the key is not associated with the client or if signature validation fails, the authorization server MUST return an invalid_request_object error".
      await ctx.check('request-object-signed-by-another-key-refused', async (c) => {
        const request = fresh();
        return expectRefused(c, await send(request, await signWithAnotherKey(client, requestObjectClaims(ctx.target, request), requestObjectType)),
          'a Request Object signed by a key that is not the client\'s (with the client\'s kid)', 'invalid_request_object', '§6.2 requires the signature be validated with a key associated with the client');
      }, { soft: true });

      // RFC 9101 §6.3: "The client ID values in the client_id request parameter and in the Request Object client_id claim MUST be identical."
      await ctx.check('request-object-client-id-mismatch-refused', async (c) => {
        const request = fresh();
        const jwt = await signWithClientKey(client, requestObjectClaims(ctx.target, request, { client_id: `${client.client_id}-someone-else` }), requestObjectType);
        return expectRefused(c, await send(request, jwt), 'a Request Object naming another client_id than the request', 'invalid_request_object', '§6.3 requires the two client_id values be identical');
      }, { soft: true });

      // RFC 7519 §4.1.4: "the current date/time MUST be before the expiration date/time listed in the exp claim".
      await ctx.check('expired-request-object-refused', async (c) => {
        const request = fresh();
        const past = Math.floor(Date.now() / 1000) - 600;
        const jwt = await signWithClientKey(client, requestObjectClaims(ctx.target, request, { iat: past - 300, nbf: past - 300, exp: past }), requestObjectType);
        return expectRefused(c, await send(request, jwt), 'a Request Object that expired ten minutes ago', 'invalid_request_object', 'RFC 7519 §4.1.4 forbids accepting a JWT after its exp');
      }, { soft: true });

      // RFC 9101 §10.5: with require_signed_request_object, the server "MUST also reject the request if the Request Object uses an alg value of none".
      await ctx.check('unsigned-request-object-refused', async (c) => {
        const why = signedObjectsRequired(ctx.target, client);
        if (!why) c.notApplicable('neither the jar client (require_signed_request_object in the config) nor the metadata requires signed Request Objects: an unsigned one may be accepted (OIDC Core §6.1)');
        const request = fresh();
        return expectRefused(c, await send(request, unsignedJwt(requestObjectClaims(ctx.target, request), requestObjectType)), `an unsigned Request Object (alg none), though ${why}`, 'invalid_request_object', '§10.5');
      }, { soft: true });

      // RFC 9101 §10.5: "the server MUST reject the authorization request from the client that does not conform to this specification".
      await ctx.check('plain-request-refused-signed-object-required', async (c) => {
        const why = signedObjectsRequired(ctx.target, client);
        if (!why) c.notApplicable('neither the jar client (require_signed_request_object in the config) nor the metadata requires signed Request Objects');
        const request = fresh();
        return expectRefused(c, await ctx.browser.authorize(request.url, user(ctx)), `a plain authorization request (no Request Object), though ${why}`, undefined, '§10.5');
      }, { soft: true });
    }, {
      key: 'refusals',
      needs: { client: 'the jar client' },
      checks: {
        'parameters-beside-request-object-not-used': { name: 'a parameter sent beside the Request Object does not replace the one inside it', spec: 'RFC 9101 §6.3' },
        'request-object-signed-by-another-key-refused': { name: 'a Request Object whose signature no key of the client verifies is refused', spec: 'RFC 9101 §6.2' },
        'request-object-client-id-mismatch-refused': { name: 'a Request Object whose client_id differs from the request\'s is refused', spec: 'RFC 9101 §6.3' },
        'expired-request-object-refused': { name: 'an expired Request Object is refused', spec: 'RFC 7519 §4.1.4, RFC 9101 §6' },
        'unsigned-request-object-refused': { name: 'an unsigned Request Object (alg none) is refused for a client that requires signed ones', spec: 'RFC 9101 §10.5' },
        'plain-request-refused-signed-object-required': { name: 'a plain authorization request is refused for a client that requires signed Request Objects', spec: 'RFC 9101 §10.5' },
      },
    }),

    step('User', 'Authorization Server', 'Authorization request by reference (client_id, request_uri)', async (ctx) => {
      await ctx.check('request-uri-request-object-accepted', async (c) => {
        const m = ctx.target.metadata;
        if (m.request_uri_parameter_supported === false) c.notApplicable('the metadata says request_uri_parameter_supported false');
        const host = new URL(ctx.target.issuer).hostname;
        if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) c.notApplicable(`the IdP at ${host} cannot fetch a request_uri from nauthera's loopback host (127.0.0.1)`);
        const objects = await ctx.fixture<RequestObjectHost>('requestObjectHost');
        const url = objects.reserve();
        let client = ctx.state.client;
        if (m.require_request_uri_registration === true) {
          if (!m.registration_endpoint) c.notApplicable('the OP requires request_uri values registered beforehand (require_request_uri_registration) and has no registration endpoint to register nauthera\'s loopback one');
          client = await registerForRequestUri(ctx, c, client, url);
        }
        const request = codeRequest(ctx.target, client, { nonce: ctx.target.capabilities.openid });
        objects.serve(await signWithClientKey(client, requestObjectClaims(ctx.target, request), requestObjectType), url);
        const outcome = await ctx.browser.authorize(requestObjectUrl(ctx.target, request, { request_uri: url }), user(ctx));
        c.evidence(outcome);
        c.note('request_uri fetched', `${objects.fetchesOf(url)} GET request(s) for ${url}`);
        if (outcome.kind !== 'redirect' || !outcome.params.code) return c.fail(`a signed Request Object at a request_uri got no code: ${describeNoCode(outcome)}`);
        c.expect(outcome.params.state, 'state').toBe(request.state);
        return 'the object at the request_uri was used';
      }, { soft: true });
    }, {
      key: 'by-reference',
      needs: { client: 'the jar client' },
      checks: {
        'request-uri-request-object-accepted': { name: 'a Request Object passed by reference (request_uri) is fetched and answered with a code and its state', spec: 'RFC 9101 §5.2, §6.3' },
      },
    }),
  ],
});

/**
 * A client registered for the by-reference request (RFC 7591, OIDC Registration §2 request_uris):
 * the jar client's public key and redirect URI, nauthera's loopback request_uri, a public client
 * with PKCE. Deleted at the flow's end when the server allows (RFC 7592).
 */
async function registerForRequestUri(ctx: FlowContext<State>, c: CheckScope, client: TargetClient, requestUri: string): Promise<TargetClient> {
  const alg = algOf(client.private_jwk!);
  // The public half: the private members dropped (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = client.private_jwk!;
  const res = await register(ctx, {
    client_name: 'nauthera JAR (by reference)',
    redirect_uris: [client.redirect_uris[0]],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    jwks: { keys: [{ ...publicJwk, alg, use: 'sig' }] },
    request_uris: [requestUri],
    request_object_signing_alg: alg,
    require_signed_request_object: true,
  });
  deleteAtFlowEnd(ctx, res);
  if (res.status !== 201 || typeof res.json?.client_id !== 'string') c.notApplicable(`the registration endpoint did not register a client with nauthera's request_uri (HTTP ${res.status}${typeof res.json?.error === 'string' ? ` ${res.json.error}` : ''}), so a request_uri cannot be used`);
  return { ...client, role: 'jar', client_id: res.json.client_id as string, client_secret: undefined, token_endpoint_auth_method: 'none' };
}
