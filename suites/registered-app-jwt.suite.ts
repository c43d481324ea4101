/**
 * The registered-app JWT flow of drawing 001 (diagrams/registered-app-jwt.mmd), played by
 * nauthera's sample web application (reference-server/sample-app), which is the drawing's
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
import { generateKeyPair, SignJWT } from 'jose';
import { defineFlow, randomValue, step, type FlowContext, type RedirectOutcome } from '../harness/flow/index.ts';
import type { SampleApp } from '../reference-server/sample-app/index.ts';
import { deleteAtFlowEnd, initialAccessToken, register } from './lib/client-registration.ts';

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  app?: SampleApp;
  /** Why the sample app could not run (steps 1-5 are then not applicable). */
  noApp?: string;
  /** The app's redirect to the AS (arrow 2). */
  authorizationUrl?: string;
  appResponse?: { status: number; location?: string };
  callback?: RedirectOutcome;
}

/** The aud the sample app must require: options.accessTokenAudience, or the reference's resource server. */
function audienceOf(ctx: FlowContext<State>): string | undefined {
  const configured = ctx.target.options.accessTokenAudience;
  if (typeof configured === 'string' && configured) return configured;
  if (ctx.target.kind === 'reference' && ctx.target.resourceServer) return new URL(ctx.target.resourceServer).origin;
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

/** A JWT with the claims of a real access token, but signed by a key the AS never had (or not at all). */
async function forgedAccessToken(claims: Record<string, unknown>, kid: string | undefined, unsigned = false): Promise<string> {
  if (unsigned) {
    const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(claims)}.`;
  }
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(kid ? { kid } : {}) }).sign(privateKey);
}

export default defineFlow<State>({
  id: 'registered-app-jwt',
  title: 'Registered application with a JWT access token',
  diagram: 'diagrams/registered-app-jwt.mmd',
  needs: { users: ['user'], login: true, endpoints: ['registration_endpoint', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] },
  steps: [
    step('RS', 'AS', '0. register application', async (ctx) => {
      const redirectUri = 'https://rp.nauthera.test/registered-app/callback';
      const valid = { client_name: 'nauthera registration check', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' };

      await ctx.check({ name: 'a valid registration succeeds with a client_id and the registered metadata', spec: 'RFC 7591 §3.2.1' }, async (c) => {
        const res = await register(ctx, valid);
        deleteAtFlowEnd(ctx, res);
        c.expectStatus(res, 201);
        const json = c.expectJson(res);
        c.expect(json.client_id, 'client_id').toBeNonEmptyString();
        c.expect(json.redirect_uris, 'redirect_uris').toEqual([redirectUri]);
        // client_secret_basic needs a secret; with one, client_secret_expires_at is REQUIRED.
        c.expect(json.client_secret, 'client_secret').toBeNonEmptyString();
        c.expect(json.client_secret_expires_at, 'client_secret_expires_at').toBeNumber();
      });

      // RFC 6749 §3.1.2: a redirection endpoint MUST NOT include a fragment.
      await ctx.check({ name: 'a redirect URI with a fragment is refused with invalid_redirect_uri', spec: 'RFC 7591 §3.2.2, RFC 6749 §3.1.2', soft: true }, async (c) => {
        const res = await register(ctx, { ...valid, redirect_uris: [`${redirectUri}#fragment`] });
        deleteAtFlowEnd(ctx, res);
        c.expectOAuthError(res, 'invalid_redirect_uri');
      });
      await ctx.check({ name: 'a redirect URI that is not an absolute URI is refused with invalid_redirect_uri', spec: 'RFC 7591 §3.2.2, RFC 6749 §3.1.2', soft: true }, async (c) => {
        const res = await register(ctx, { ...valid, redirect_uris: ['/relative/callback'] });
        deleteAtFlowEnd(ctx, res);
        c.expectOAuthError(res, 'invalid_redirect_uri');
      });
      // §2: the server MAY replace metadata it does not support instead of refusing it.
      await ctx.check({ name: 'an unsupported token_endpoint_auth_method is refused with invalid_client_metadata or replaced', spec: 'RFC 7591 §2, §3.2.2', soft: true }, async (c) => {
        const bogus = 'nauthera_unknown_method';
        const res = await register(ctx, { ...valid, token_endpoint_auth_method: bogus });
        deleteAtFlowEnd(ctx, res);
        if (res.status === 201) {
          c.expect(res.json?.token_endpoint_auth_method, 'the registered token_endpoint_auth_method').not.toBe(bogus);
        } else {
          c.expectOAuthError(res, 'invalid_client_metadata');
        }
      });

      // RFC 7592 §2.3: once deleted, the client is gone; the server SHOULD also end its grants and tokens.
      await ctx.check({ name: 'a client deleted at its registration_client_uri no longer authenticates', spec: 'RFC 7592 §2.3', soft: true }, async (c) => {
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
        c.expectOAuthError(await exchange(), 'invalid_client');
      });

      await ctx.check({ name: 'the application registers itself at the authorization server', spec: 'RFC 7591 §3.1' }, async (c) => {
        const audience = audienceOf(ctx);
        if (!audience) {
          ctx.state.noApp = 'the access token audience the sample app must require is unknown: set options.accessTokenAudience in the target config';
          return c.notApplicable(ctx.state.noApp);
        }
        const { startSampleApp } = await import('../reference-server/sample-app/index.ts');
        const app = await startSampleApp({ issuer: ctx.target.issuer, audience, initialAccessToken: initialAccessToken(ctx), timeoutMs: ctx.target.timeouts.httpMs });
        ctx.state.app = app;
        ctx.onFlowEnd(() => app.stop());
        const { res, status } = await appStatus(ctx, app);
        c.expectStatus(res, 200);
        c.expect(status?.registration.client_id, 'the client_id the app registered').toBe(app.clientId);
        c.expect(status?.registration.redirect_uris, 'its redirect_uris').toEqual([app.redirectUri]);
        c.note('sample app', `${app.url} (client_id ${app.clientId}, audience ${audience})`);
      });
    }),

    step('Client', 'RS', '1. access', async (ctx) => {
      const app = requireApp(ctx);
      const page = await ctx.browser.page();
      await ctx.check({ name: 'without a token the resource server does not serve the resource', spec: 'RFC 6750 §3' }, async (c) => {
        // The app's own answer is the first response of the navigation (the browser then follows it).
        const first = page.waitForResponse((r) => r.url() === `${app.url}/` || r.url() === app.url, { timeout: 10_000 });
        await page.goto(app.url, { waitUntil: 'domcontentloaded' });
        const response = await first;
        ctx.state.appResponse = { status: response.status(), location: (await response.headerValue('location')) ?? undefined };
        c.evidence(await ctx.browser.screenshot('access'));
        c.expect(response.status(), `HTTP status of GET ${app.url}/`).not.toBe(200);
        c.expect(ctx.state.appResponse.status >= 300 && ctx.state.appResponse.status < 400, `GET ${app.url}/ answers with a redirect`).toBe(true);
      });
    }),

    step('RS', 'Client', '2. redirect to Auth Server', async (ctx) => {
      const app = requireApp(ctx);
      const location = ctx.state.appResponse?.location;
      await ctx.check({ name: 'the redirect goes to the authorization endpoint with the registered client_id and redirect_uri', spec: 'RFC 6749 §4.1.1' }, (c) => {
        c.expect(location, 'Location').toBeNonEmptyString();
        const url = new URL(location!, app.url);
        const endpoint = new URL(ctx.target.endpoint('authorization_endpoint'));
        c.expect(`${url.origin}${url.pathname}`, 'redirect target').toBe(`${endpoint.origin}${endpoint.pathname}`);
        c.expect(url.searchParams.get('response_type'), 'response_type').toBe('code');
        c.expect(url.searchParams.get('client_id'), 'client_id').toBe(app.clientId);
        c.expect(url.searchParams.get('redirect_uri'), 'redirect_uri').toBe(app.redirectUri);
        ctx.state.authorizationUrl = url.toString();
      });
      await ctx.check({ name: 'the request carries a state and an S256 PKCE challenge', spec: 'RFC 6749 §10.12, RFC 7636 §4.3, RFC 9700 §2.1.1' }, (c) => {
        const url = new URL(ctx.state.authorizationUrl!);
        c.expect(url.searchParams.get('state'), 'state').toBeNonEmptyString();
        c.expect(url.searchParams.get('code_challenge'), 'code_challenge').toMatch(/^[A-Za-z0-9_-]{43}$/);
        c.expect(url.searchParams.get('code_challenge_method'), 'code_challenge_method').toBe('S256');
      });
    }),

    step('Client', 'AS', '3. redirect', async (ctx) => {
      const app = requireApp(ctx);
      const authorizationUrl = ctx.state.authorizationUrl!;
      // Registration bound the app to its redirect URI: another one must not receive anything.
      await ctx.check({ name: 'a redirect_uri the app did not register is not redirected to', spec: 'RFC 6749 §3.1.2.4, RFC 9700 §4.1.3', soft: true }, async (c) => {
        const evil = 'https://evil.nauthera.test/callback';
        const url = new URL(authorizationUrl);
        url.searchParams.set('redirect_uri', evil);
        c.expectNoRedirect(await ctx.browser.authorize(url.toString(), { user: ctx.target.user('user') }), evil);
      });
      await ctx.check({ name: 'the user signs in and consents, and the AS redirects to the registered callback', spec: 'RFC 6749 §4.1.2' }, async (c) => {
        const outcome = await ctx.browser.authorize(authorizationUrl, { user: ctx.target.user('user'), redirectUris: [app.redirectUri] });
        const redirect = c.expectRedirect(outcome);
        ctx.state.callback = redirect;
        c.expect(redirect.redirectUri, 'redirected to').toBe(app.redirectUri);
      });
    }),

    step('AS', 'Client', '4. redirect to callback (with access token - JWT)', async (ctx) => {
      requireApp(ctx);
      const callback = ctx.state.callback!;
      const sent = new URL(ctx.state.authorizationUrl!).searchParams.get('state');
      await ctx.check({ name: "the callback gets a code with the app's state", spec: 'RFC 6749 §4.1.2' }, (c) => {
        const params = c.expectAuthorizationResponse(callback);
        c.expect(params.code, 'code').toBeNonEmptyString();
        c.expect(params.state, 'state').toBe(sent);
      });
      await ctx.check({ name: 'no access token travels in the front channel for response_type code', spec: 'RFC 6749 §4.1.2, RFC 9700 §2.1.2' }, (c) => {
        c.expect(callback.params.access_token, 'access_token at the callback').not.toBeDefined();
        c.expect(callback.responseMode, 'response mode').toBe('query');
      });
    }),

    step('Client', 'RS', '5. redirect to callback (with access token - JWT)', async (ctx) => {
      const app = requireApp(ctx);
      const page = await ctx.browser.page();

      await ctx.check({ name: 'the resource server serves the resource once the callback is done', spec: 'RFC 6750 §2' }, async (c) => {
        // The browser follows the AS's redirect into the app's callback, which answers with a
        // redirect to the resource, or with its error page (staying at /callback).
        const origin = new URL(app.url).origin;
        await page.waitForURL((u) => u.origin === origin, { timeout: 15_000, waitUntil: 'domcontentloaded' })
          .catch(() => c.fail(`the browser did not come back to the app within 15 s; it is at ${page.url().split('?')[0]}`));
        c.evidence(await ctx.browser.screenshot('resource'));
        const problem = await page.locator('#error').first().innerText({ timeout: 500 }).catch(() => '');
        if (problem) c.fail(`the app refused the callback at ${new URL(page.url()).pathname}: ${problem}`);
        const heading = await page.locator('h1').first().innerText({ timeout: 5_000 }).catch(() => '');
        c.expect(heading, 'page heading').toBe('Protected resource');
      });

      let validated: { header?: { alg?: string; kid?: string; typ?: string }; claims?: Record<string, unknown> } | undefined;
      await ctx.check({ name: 'the JWT access token is validated against the JWKS of the AS', spec: 'RFC 9068 §4' }, async (c) => {
        const { res, status } = await appStatus(ctx, app);
        c.expectStatus(res, 200);
        const callbackValidations = (status?.validations ?? []).filter((v) => v.via === 'callback');
        c.expect(callbackValidations.length, 'tokens validated at the callback').toBe(1);
        const v = callbackValidations[0]!;
        c.expect(v.valid, `the validation (${v.reason ?? 'no reason given'})`).toBe(true);
        validated = v;
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

      const claims = { ...(validated?.claims ?? {}), exp: Math.floor(Date.now() / 1000) + 300 };
      await ctx.check({ name: 'the resource server refuses a JWT signed by a key the AS does not hold', spec: 'RFC 9068 §4, RFC 6750 §3.1', soft: true }, async (c) => {
        const token = await forgedAccessToken(claims, validated?.header?.kid);
        c.expectBearerError(await ctx.http.get(`${app.url}/api/resource`, { bearer: token }), 'invalid_token');
      });
      await ctx.check({ name: 'the resource server refuses an unsigned (alg none) access token', spec: 'RFC 9068 §4, RFC 8725 §3.1', soft: true }, async (c) => {
        const token = await forgedAccessToken(claims, undefined, true);
        c.expectBearerError(await ctx.http.get(`${app.url}/api/resource`, { bearer: token }), 'invalid_token');
      });
    }),
  ],
});
