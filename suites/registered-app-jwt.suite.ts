/**
 * The registered-app JWT flow of drawing 001 (diagrams/registered-app-jwt.mmd), played by
 * nauthera's sample web application (actors/sample-app), which is the drawing's
 * "Resource server": (0) it registers itself at the AS (RFC 7591), (1-2) a browser that asks
 * for its resource is redirected to the AS, (3) the user signs in and consents there, (4) the
 * AS redirects back to the app's callback, and (5) the app gets the JWT access token and
 * validates it locally against the AS's JWKS (RFC 9068 §4) before it serves the resource.
 *
 * The sample app receives a code at its callback and exchanges it, with PKCE, over the back
 * channel: the drawing's "with access token" is the token the callback ends up holding, and
 * it never crosses the browser (RFC 9700 §2.1.2 advises against the implicit grant).
 *
 * It runs against any AS with a registration endpoint. Target options:
 *   accessTokenAudience  the aud the app requires (reference: its resource server's URL)
 *   registrationInitialAccessToken  when registration needs one (RFC 7591 §3)
 */
import { defineFlow, randomValue, step, type FlowContext, type RedirectOutcome, type Target } from '../harness/flow/index.ts';
import type { SampleApp } from '../actors/sample-app/index.ts';
import { expectSameState } from './lib/authorization-response.ts';
import { deleteAtFlowEnd, initialAccessToken, register } from './lib/client-registration.ts';
import { registrationCheckDeclarations, registrationChecks } from './lib/registration-checks.ts';
import { managementCheckDeclarations, managementChecks, type DeletedClient } from './lib/client-management-checks.ts';

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  app?: SampleApp;
  /** Why the sample app could not run (steps 1-5 are then not applicable). */
  noApp?: string;
  /** The app's redirect to the AS (arrow 2). */
  authorizationUrl?: string;
  appResponse?: { status: number; location?: string };
  callback?: RedirectOutcome;
  /** The client the delete check removed at its registration_client_uri. */
  deleted?: DeletedClient;
}

/** The aud the sample app must require: options.accessTokenAudience, or the reference's resource server. */
function audienceOf(target: Target): string | undefined {
  const configured = target.options.accessTokenAudience;
  if (typeof configured === 'string' && configured) return configured;
  if (target.kind === 'reference' && target.resourceServer) return new URL(target.resourceServer).origin;
  return undefined;
}

function requireApp(ctx: FlowContext<State>): SampleApp {
  if (!ctx.state.app) return ctx.notApplicable(ctx.state.noApp ?? 'the sample app did not start');
  return ctx.state.app;
}

/** The sample app's account of its registration and of every token it validated. */
async function appStatus(ctx: FlowContext<State>, app: SampleApp) {
  const res = await ctx.http.get(`${app.url}/status`);
  return { res, status: res.json as ReturnType<SampleApp['status']> | undefined };
}

export default defineFlow<State>({
  id: 'registered-app-jwt',
  title: 'Registered application with a JWT access token',
  diagram: 'diagrams/registered-app-jwt.mmd',
  needs: { users: ['user'], login: true, endpoints: ['registration_endpoint', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] },
  fixtures: {
    // The drawing's "Resource server": nauthera's sample app (actors/sample-app), which registers
    // itself at the AS as it starts (RFC 7591) and validates the JWTs it receives.
    sampleApp: async ({ target }, use) => {
      const { startSampleApp } = await import('../actors/sample-app/index.ts');
      const app = await startSampleApp({ issuer: target.issuer, audience: audienceOf(target)!, initialAccessToken: initialAccessToken({ target }), timeoutMs: target.timeouts.httpMs });
      await use(app);
      await app.stop();
    },
  },
  steps: [
    step('RS', 'AS', '0. register application', async (ctx) => {
      const redirectUri = 'https://rp.nauthera.test/registered-app/callback';
      const valid = { client_name: 'nauthera registration check', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' };

      let registered: Awaited<ReturnType<typeof register>> | undefined;
      await ctx.check('registration-answered-201', async (c) => {
        registered = await register(ctx, valid);
        deleteAtFlowEnd(ctx, registered);
        c.expectStatus(registered, 201);
      }, { soft: true });
      await ctx.check('valid-registration-succeeds-client-id-registered-metadata', (c) => {
        const res = registered!;
        if (res.status >= 300) c.fail(`the registration was refused with HTTP ${res.status}${res.json?.error ? ` and error ${JSON.stringify(res.json.error)}` : ''}`);
        const json = c.expectJson(res);
        c.expect(json.client_id, 'client_id').toBeNonEmptyString();
        c.expect(json.redirect_uris, 'redirect_uris').toEqual([redirectUri]);
        // client_secret_basic needs a secret (client_secret_expires_at has its own check).
        c.expect(json.client_secret, 'client_secret').toBeNonEmptyString();
      });

      // RFC 6749 §3.1.2: a redirection endpoint MUST NOT include a fragment.
      await ctx.check('redirect-uri-fragment-refused-invalid-redirect-uri', async (c) => {
        const res = await register(ctx, { ...valid, redirect_uris: [`${redirectUri}#fragment`] });
        deleteAtFlowEnd(ctx, res);
        c.expectOAuthError(res, 'invalid_redirect_uri');
      }, { soft: true });
      await ctx.check('redirect-uri-not-absolute-uri-refused-invalid', async (c) => {
        const res = await register(ctx, { ...valid, redirect_uris: ['/relative/callback'] });
        deleteAtFlowEnd(ctx, res);
        c.expectOAuthError(res, 'invalid_redirect_uri');
      }, { soft: true });
      // §2: the server MAY replace metadata it does not support instead of refusing it.
      await ctx.check('unsupported-token-endpoint-auth-method-refused-invalid', async (c) => {
        const bogus = 'nauthera_unknown_method';
        const res = await register(ctx, { ...valid, token_endpoint_auth_method: bogus });
        deleteAtFlowEnd(ctx, res);
        if (res.status === 201) {
          c.expect(res.json?.token_endpoint_auth_method, 'the registered token_endpoint_auth_method').not.toBe(bogus);
        } else {
          c.expectOAuthError(res, 'invalid_client_metadata');
        }
      }, { soft: true });

      // RFC 7592 §2.3: once deleted, the client is gone; the server SHOULD also end its grants and tokens.
      await ctx.check('client-deleted-registration-client-uri-no-longer', async (c) => {
        const res = await register(ctx, valid);
        deleteAtFlowEnd(ctx, res);
        c.expectStatus(res, 201);
        const { client_id: clientId, client_secret: secret, registration_client_uri: uri, registration_access_token: token } = res.json ?? {};
        if (typeof uri !== 'string' || typeof token !== 'string') return c.notApplicable('the registration response has no registration_client_uri and registration_access_token: the server offers no client management (RFC 7592)');
        // A code that does not exist: invalid_grant while the client authenticates, invalid_client once it is gone.
        const tokenEndpoint = ctx.target.endpoint('token_endpoint');
        const exchange = () => ctx.http.postForm(tokenEndpoint, { grant_type: 'authorization_code', code: `nauthera-none-${randomValue(8)}`, redirect_uri: redirectUri }, { basic: { username: String(clientId), password: String(secret) } });
        c.expectOAuthError(await exchange(), 'invalid_grant');
        const deleted = await ctx.http.request('DELETE', uri, { bearer: token });
        c.expectStatus(deleted, 204);
        ctx.state.deleted = { clientId: String(clientId), uri, token, redirectUri };
        c.expectOAuthError(await exchange(), 'invalid_client');
      }, { soft: true });

      await registrationChecks(ctx, valid, registered);
      await managementChecks(ctx, valid, ctx.state.deleted);

      await ctx.check('application-registers-itself-authorization-server', async (c) => {
        const audience = audienceOf(ctx.target);
        if (!audience) {
          ctx.state.noApp = 'the access token audience the sample app must require is unknown: set options.accessTokenAudience in the target config';
          return c.notApplicable(ctx.state.noApp);
        }
        const app = await ctx.fixture<SampleApp>('sampleApp');
        ctx.state.app = app;
        const { res, status } = await appStatus(ctx, app);
        c.expectStatus(res, 200);
        c.expect(status?.registration.client_id, 'the client_id the app registered').toBe(app.clientId);
        c.expect(status?.registration.redirect_uris, 'its redirect_uris').toEqual([app.redirectUri]);
        c.note('sample app', `${app.url} (client_id ${app.clientId}, audience ${audience})`);
      });
    }, {
      key: 'register',
      checks: {
        'registration-answered-201': { name: 'a valid registration is answered 201 Created', spec: 'RFC 7591 §3.2.1' },
        'valid-registration-succeeds-client-id-registered-metadata': { name: 'a valid registration returns a client_id and the registered metadata', spec: 'RFC 7591 §3.2.1' },
        'redirect-uri-fragment-refused-invalid-redirect-uri': { name: 'a redirect URI with a fragment is refused with invalid_redirect_uri', spec: 'RFC 7591 §3.2.2, RFC 6749 §3.1.2' },
        'redirect-uri-not-absolute-uri-refused-invalid': { name: 'a redirect URI that is not an absolute URI is refused with invalid_redirect_uri', spec: 'RFC 7591 §3.2.2, RFC 6749 §3.1.2' },
        'unsupported-token-endpoint-auth-method-refused-invalid': { name: 'an unsupported token_endpoint_auth_method is refused with invalid_client_metadata or replaced', spec: 'RFC 7591 §2, §3.2.2' },
        'client-deleted-registration-client-uri-no-longer': { name: 'a client deleted at its registration_client_uri no longer authenticates', spec: 'RFC 7592 §2.3' },
        'application-registers-itself-authorization-server': { name: 'the application registers itself at the authorization server', spec: 'RFC 7591 §3.1' },
        ...registrationCheckDeclarations(),
        ...managementCheckDeclarations(),
      },
    }),

    // Arrows 1 and 2 are the sample app's own doing (nauthera plays the drawing's resource
    // server): they are walked, not judged; the target's part starts at arrow 3.
    step('Client', 'RS', '1. access', async (ctx) => {
      const app = requireApp(ctx);
      // A page of its own: the page of the last check may still be committing Chromium's error
      // page for a redirect URI whose host does not resolve (a target that wrongly redirected
      // there), and that late navigation would interrupt this one.
      const page = await (await ctx.browser.context()).newPage();
      try {
        // The app's own answer is the first response of the navigation (the browser then follows it).
        const first = page.waitForResponse((r) => r.url() === `${app.url}/` || r.url() === app.url, { timeout: 10_000 });
        await page.goto(app.url, { waitUntil: 'domcontentloaded' });
        const response = await first;
        ctx.state.appResponse = { status: response.status(), location: (await response.headerValue('location')) ?? undefined };
      } finally {
        await page.close().catch(() => {});
      }
    }, { key: 'access', needs: { app: 'the registered sample app' } }),

    step('RS', 'Client', '2. redirect to Auth Server', async (ctx) => {
      const app = requireApp(ctx);
      const location = ctx.state.appResponse?.location;
      if (!location) throw new Error(`the sample app answered GET / with HTTP ${ctx.state.appResponse?.status} and no Location`);
      ctx.state.authorizationUrl = new URL(location, app.url).toString();
    }, { key: 'redirect-to-as', needs: { appResponse: "the sample app's answer" } }),

    step('Client', 'AS', '3. redirect', async (ctx) => {
      const app = requireApp(ctx);
      const authorizationUrl = ctx.state.authorizationUrl!;
      // Registration bound the app to its redirect URI: another one must not receive anything.
      await ctx.check('redirect-uri-app-did-not-register-not', async (c) => {
        const evil = 'https://evil.nauthera.test/callback';
        const url = new URL(authorizationUrl);
        url.searchParams.set('redirect_uri', evil);
        c.expectNoRedirect(await ctx.browser.authorize(url.toString(), { user: ctx.target.user('user') }), evil);
      }, { soft: true });
      await ctx.check('user-signs-consents-redirects-registered-callback', async (c) => {
        const outcome = await ctx.browser.authorize(authorizationUrl, { user: ctx.target.user('user'), redirectUris: [app.redirectUri] });
        const redirect = c.expectRedirect(outcome);
        ctx.state.callback = redirect;
        c.expect(redirect.redirectUri, 'redirected to').toBe(app.redirectUri);
      });
    }, {
      key: 'authorize',
      needs: { authorizationUrl: "the sample app's authorization request" },
      checks: {
        'redirect-uri-app-did-not-register-not': { name: 'a redirect_uri the app did not register is not redirected to', spec: 'RFC 6749 §3.1.2.4, RFC 9700 §4.1.3' },
        'user-signs-consents-redirects-registered-callback': { name: 'the user signs in and consents, and the AS redirects to the registered callback', spec: 'RFC 6749 §4.1.2' },
      },
    }),

    step('AS', 'Client', '4. redirect to callback (with access token - JWT)', async (ctx) => {
      requireApp(ctx);
      const callback = ctx.state.callback!;
      const sent = new URL(ctx.state.authorizationUrl!).searchParams.get('state');
      await ctx.check('callback-gets-code-app-s-state', (c) => {
        const params = c.expectAuthorizationResponse(callback);
        c.expect(params.code, 'code').toBeNonEmptyString();
      }, { soft: true });
      await ctx.check('callback-state', (c) => {
        expectSameState(c, callback.params, sent ?? undefined);
      }, { soft: true });
      await ctx.check('no-access-token-travels-front-channel-response', (c) => {
        c.expect(callback.params.access_token, 'access_token at the callback').not.toBeDefined();
        c.expect(callback.responseMode, 'response mode').toBe('query');
      });
    }, {
      key: 'callback',
      needs: { callback: 'the authorization response at the callback' },
      checks: {
        'callback-gets-code-app-s-state': { name: 'the callback gets a code', spec: 'RFC 6749 §4.1.2' },
        'callback-state': { name: 'the callback gets the state of the app\'s request', spec: 'RFC 6749 §4.1.2' },
        'no-access-token-travels-front-channel-response': { name: 'no access token travels in the front channel for response_type code', spec: 'RFC 6749 §4.1.2, RFC 9700 §2.1.2' },
      },
    }),

    step('Client', 'RS', '5. redirect to callback (with access token - JWT)', async (ctx) => {
      const app = requireApp(ctx);
      const page = await ctx.browser.page();

      await ctx.check('resource-server-serves-resource-once-callback-done', async (c) => {
        // The browser follows the AS's redirect into the app's callback, which answers with a
        // redirect to the resource, or with its error page (staying at /callback).
        const origin = new URL(app.url).origin;
        await page.waitForURL((u) => u.origin === origin, { timeout: 15_000, waitUntil: 'domcontentloaded' })
          .catch(() => c.fail(`the browser did not come back to the app within 15 s; it is at ${page.url().split('?')[0]}`));
        c.evidence(await ctx.browser.screenshot('resource'));
        // The heading first: once it is there the page is rendered, and its error (if any) with it.
        const heading = await page.locator('h1').first().innerText({ timeout: 5_000 }).catch(() => '');
        const error = page.locator('#error').first();
        const problem = await error.count() > 0 ? await error.innerText({ timeout: 2_000 }).catch(() => '') : '';
        if (problem) c.fail(`the app refused the callback at ${new URL(page.url()).pathname}: ${problem}`);
        c.expect(heading, 'page heading').toBe('Protected resource');
      });

      await ctx.check('jwt-access-token-validated-against-jwks', async (c) => {
        const { res, status } = await appStatus(ctx, app);
        c.expectStatus(res, 200);
        const callbackValidations = (status?.validations ?? []).filter((v) => v.via === 'callback');
        c.expect(callbackValidations.length, 'tokens validated at the callback').toBe(1);
        const v = callbackValidations[0]!;
        c.expect(v.valid, `the validation (${v.reason ?? 'no reason given'})`).toBe(true);
        c.expect(v.header?.typ?.toLowerCase(), 'typ').toBeOneOf(['at+jwt', 'application/at+jwt']);
        c.expect(v.header?.alg, 'alg').toBeOneOf(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA']);
        const jwks = await ctx.http.get(ctx.target.endpoint('jwks_uri'));
        const kids = ((c.expectJson(jwks).keys ?? []) as Array<{ kid?: string }>).map((k) => k.kid);
        if (v.header?.kid !== undefined) c.expect(kids, 'kids of the JWKS').toContain(v.header.kid);
        c.expect(v.claims?.iss, 'iss').toBe(ctx.target.issuer);
        const aud = v.claims?.aud;
        c.expect(Array.isArray(aud) ? aud : [aud], 'aud').toContain(status!.audience);
        c.expect(v.claims?.client_id, 'client_id').toBe(app.clientId);
        c.expect(v.claims?.sub, 'sub').toBeNonEmptyString();
      });

    }, {
      key: 'resource',
      needs: { callback: 'the authorization response at the callback' },
      checks: {
        'resource-server-serves-resource-once-callback-done': { name: 'the resource server serves the resource once the callback is done', spec: 'RFC 6750 §2' },
        'jwt-access-token-validated-against-jwks': { name: 'the JWT access token is validated against the JWKS of the AS', spec: 'RFC 9068 §4' },
      },
    }),
  ],
});
