/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0), diagrams/logout.mmd: the user
 * signs in (code + PKCE, scope openid), the client sends the browser to the end_session_endpoint
 * first with a post_logout_redirect_uri it never registered, then with id_token_hint, its
 * registered post_logout_redirect_uri and state; afterwards an authorization request with
 * prompt=none must find no session (OIDC Core §3.1.2.6 login_required).
 *
 * A failure only where the specs have a MUST: no redirection to an unregistered
 * post_logout_redirect_uri (§3, §4). Redirection itself, state echoed and the session actually
 * ended are what §2 and §3 describe without a MUST keyword: warnings. An OP that asks the user
 * to confirm the logout passes: the browser confirms it with the config's login.interactions.
 *
 * Back-Channel Logout 1.0: before the logout, a second client registers (RFC 7591) with the
 * backchannel_logout_uri of a loopback receiver (a fixture), or the config names one pre-registered
 * with its backchannel_logout_uri, and it is approved in the same browser
 * session (no second sign-in); ending the session must bring that client a logout token (§2.5),
 * which is judged by §2.4 and §2.6. The MUSTs of §2.4 fail; the delivery itself, the typ
 * header, sid when the client requires it and sub/sid naming the session are what the spec
 * says without a MUST keyword: warnings. Not applicable, with the reason, when discovery lacks
 * backchannel_logout_supported, the target has no registration endpoint, the issuer is not on
 * loopback (it could not reach the receiver), or the registration is refused.
 */
import { defineFlow, step, type AuthorizeOutcome, type HttpResponse, type Target, type TargetClient, randomValue } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { promptNoneErrors } from './lib/authorization-response.ts';
import { exchangeCode } from './lib/token-request.ts';
import { codeFlowClient } from './lib/code-flow-client.ts';
import { register, deleteAtFlowEnd } from './lib/client-registration.ts';
import { fetchJwks, verifyJwsSignature } from './lib/id-token.ts';
import { startBackChannelReceiver, type BackChannelReceiver, type ReceivedLogout } from './lib/back-channel-receiver.ts';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';

const backChannelSpec = 'OIDC Back-Channel Logout 1.0';
const logoutEvent = 'http://schemas.openid.net/event/backchannel-logout';
/** How long the logout token may take to arrive after the end-session request. */
const deliveryWaitMs = 10_000;

interface BackChannel {
  client: TargetClient;
  receiver: BackChannelReceiver;
  sessionRequired: boolean;
  idToken?: JWTPayload;
  received?: ReceivedLogout;
}

interface State {
  client: TargetClient;
  postLogoutUri: string;
  request: CodeRequest;
  code: string;
  grant: HttpResponse;
  idToken: string;
  logoutState: string;
  logout: AuthorizeOutcome;
  /** The back-channel client, once registered and signed into; else why not (not applicable). */
  backChannel?: BackChannel;
  backChannelNotApplicable?: string;
}

const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'];

/** A code-flow client of the config pre-registered with a backchannel_logout_uri (used instead of registering one). */
function preRegistered(target: Target): TargetClient | undefined {
  return target.clients.find((c) => c.backchannel_logout_uri !== undefined && c.grant_types.includes('authorization_code') && c.redirect_uris.length > 0);
}

/** Why the back-channel arrows cannot run on this target, or undefined when they can. */
function backChannelUnavailable(target: Target): string | undefined {
  if (target.metadata.backchannel_logout_supported !== true) return `the discovery document does not say backchannel_logout_supported: true (${backChannelSpec} §2.1)`;
  if (!preRegistered(target) && !target.metadata.registration_endpoint) return 'the discovery document has no registration_endpoint, so nauthera cannot register a client with its backchannel_logout_uri (RFC 7591; OIDC Back-Channel Logout 1.0 §2.2)';
  if (!loopbackHosts.includes(new URL(target.issuer).hostname)) return `the issuer ${new URL(target.issuer).host} is not on loopback: it could not reach nauthera's back-channel receiver on 127.0.0.1`;
  return undefined;
}

function decodedOrUndefined(jwt: string): JWTPayload | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** The client application: a code-flow client (confidential, else public) that registered a post-logout redirect URI. */
function clientOf(target: Target): TargetClient | undefined {
  return codeFlowClient(target, ['confidential', 'public'], (c) => Boolean(c.post_logout_redirect_uris?.length));
}

function applicable(target: Target): true | { reason: string } {
  if (!target.metadata.end_session_endpoint) return { reason: 'the discovery document has no end_session_endpoint (OIDC RP-Initiated Logout 1.0 §2.1)' };
  if (!clientOf(target)) return { reason: 'the target config has no "confidential" or "public" code-flow client with post_logout_redirect_uris (OIDC RP-Initiated Logout 1.0 §3.1)' };
  return true;
}

function endSessionUrl(target: Target, params: Record<string, string>): string {
  const url = new URL(target.metadata.end_session_endpoint as string);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export default defineFlow<State>({
  id: 'logout',
  title: 'RP-Initiated Logout (OpenID Connect)',
  diagram: 'diagrams/logout.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable,
  state: () => ({}) as State,
  fixtures: {
    backChannelReceiver: async (args, use) => {
      const receiver = await startBackChannelReceiver(preRegistered(args.target)?.backchannel_logout_uri);
      try {
        await use(receiver);
      } finally {
        await receiver.stop();
      }
    },
  },
  steps: [
    step('User', 'Authorization Server', 'Signs in and approves the application', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      ctx.state.postLogoutUri = client.post_logout_redirect_uris![0]!;
      const request = codeRequest(ctx.target, client, { scope: 'openid', nonce: true });
      ctx.state.request = request;
      const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
      const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
      if (!code) throw new Error(`no authorization code came back (${outcome.kind === 'redirect' ? `parameters ${Object.keys(outcome.params).join(', ')}` : `the browser stopped on "${outcome.title}"`})`);
      ctx.state.code = code;
    }, { key: 'authorize' }),

    step('Client Application', 'Authorization Server', 'Exchanges the code for an ID token', async (ctx) => {
      const res = await exchangeCode(ctx, ctx.state.request, ctx.state.code);
      ctx.state.grant = res;
      if (res.status !== 200 || typeof res.json?.id_token !== 'string') throw new Error(`the code exchange got HTTP ${res.status} and no id_token`);
      ctx.state.idToken = res.json.id_token;
    }, { key: 'code-exchange', needs: { code: 'an authorization code' } }),

    step('Client Application', 'Authorization Server', 'Registers a second client with a backchannel_logout_uri', async (ctx) => {
      const why = backChannelUnavailable(ctx.target);
      if (why) {
        ctx.state.backChannelNotApplicable = why;
        ctx.notApplicable(why);
        return;
      }
      const receiver = await ctx.fixture<BackChannelReceiver>('backChannelReceiver');
      const configured = preRegistered(ctx.target);
      if (configured) {
        // The config names a client pre-registered with the receiver's URI; its registration metadata is not known.
        ctx.state.backChannel = { client: configured, receiver, sessionRequired: false };
        return;
      }
      // §2.2: ask for sid when the OP says it can send one (§2.1 backchannel_logout_session_supported).
      const sessionRequired = ctx.target.metadata.backchannel_logout_session_supported === true;
      const redirectUri = new URL('/callback', receiver.uri).href;
      const res = await register(ctx, {
        client_name: 'nauthera back-channel logout check',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        backchannel_logout_uri: receiver.uri,
        backchannel_logout_session_required: sessionRequired,
      });
      deleteAtFlowEnd(ctx, res);
      const json = res.json ?? {};
      if (res.status !== 201 || typeof json.client_id !== 'string' || json.backchannel_logout_uri !== receiver.uri) {
        const why = `the registration endpoint did not register a client with this backchannel_logout_uri (HTTP ${res.status}${typeof json.error === 'string' ? `, error ${json.error}` : ''}${res.status === 201 ? ', backchannel_logout_uri not echoed as sent' : ''}); registration may refuse metadata (RFC 7591 §3.2.2)`;
        ctx.state.backChannelNotApplicable = why;
        ctx.notApplicable(why);
        return;
      }
      const client: TargetClient = {
        role: 'confidential',
        client_id: json.client_id,
        ...(typeof json.client_secret === 'string' ? { client_secret: json.client_secret } : {}),
        token_endpoint_auth_method: typeof json.token_endpoint_auth_method === 'string' ? json.token_endpoint_auth_method : 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
      };
      ctx.state.backChannel = { client, receiver, sessionRequired: sessionRequired && json.backchannel_logout_session_required !== false };
    }, { key: 'back-channel-registration', needs: { idToken: 'the first client signed in' } }),

    step('User', 'Authorization Server', 'Approves the second client in the same session, which gets an ID token', async (ctx) => {
      const bc = ctx.state.backChannel;
      if (!bc) return ctx.notApplicable(ctx.state.backChannelNotApplicable ?? 'no back-channel client was registered');
      // The browser still holds the session of the first sign-in: only consent is asked, if anything.
      const request = codeRequest(ctx.target, bc.client, { scope: 'openid', nonce: true });
      const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
      const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
      if (!code) throw new Error(`the second client got no authorization code (${outcome.kind === 'redirect' ? `parameters ${Object.keys(outcome.params).join(', ')}` : `the browser stopped on "${outcome.title}"`})`);
      const res = await exchangeCode(ctx, request, code);
      if (res.status !== 200 || typeof res.json?.id_token !== 'string') throw new Error(`the second client's code exchange got HTTP ${res.status} and no id_token`);
      bc.idToken = decodedOrUndefined(res.json.id_token);
      if (ctx.target.metadata.backchannel_logout_session_supported === true) {
        await ctx.check('id-token-carries-sid', (c) => {
          const sid = bc.idToken?.sid;
          c.should(typeof sid === 'string' && sid !== '', `the ID token has no sid claim although discovery says backchannel_logout_session_supported (§2.1: "If supported, the sid Claim is also included in ID Tokens issued by the OP")`);
          return 'sid present';
        }, { soft: true });
      }
    }, {
      key: 'back-channel-sign-in',
      checks: {
        'id-token-carries-sid': { name: 'with backchannel_logout_session_supported, the ID token carries sid', spec: `${backChannelSpec} §2.1`, severity: 'warning' }, // "If supported, the sid Claim is also included in ID Tokens issued by the OP"
      },
    }),

    step('Client Application', 'Authorization Server', 'Sends the user to log out with an unregistered post_logout_redirect_uri', async (ctx) => {
      const unregistered = new URL(`/nauthera-unregistered-${randomValue()}`, ctx.state.postLogoutUri).href;
      await ctx.check('unregistered-post-logout-uri-not-redirected', async (c) => {
        const url = endSessionUrl(ctx.target, { id_token_hint: ctx.state.idToken, post_logout_redirect_uri: unregistered, state: randomValue() });
        c.expectNoRedirect(await ctx.browser.authorize(url, { redirectUris: [unregistered] }), unregistered);
      }, { soft: true });
    }, {
      key: 'unregistered-logout-redirect',
      needs: { idToken: 'an ID token for id_token_hint' },
      checks: {
        'unregistered-post-logout-uri-not-redirected': { name: 'the OP does not redirect to a post_logout_redirect_uri the client did not register', spec: 'OIDC RP-Initiated Logout 1.0 §3, §4' },
      },
    }),

    step('Client Application', 'Authorization Server', 'Sends the user to the end_session_endpoint (id_token_hint, post_logout_redirect_uri, state)', async (ctx) => {
      ctx.state.logoutState = randomValue();
      const url = endSessionUrl(ctx.target, { id_token_hint: ctx.state.idToken, post_logout_redirect_uri: ctx.state.postLogoutUri, state: ctx.state.logoutState });
      // An OP that asks the user to confirm (§2 SHOULD ask) is answered by the config's login.interactions.
      ctx.state.logout = await ctx.browser.authorize(url, { redirectUris: [ctx.state.postLogoutUri] });
    }, { key: 'end-session', needs: { idToken: 'an ID token for id_token_hint' } }),

    step('Authorization Server', 'Client Application', 'Redirects to the post_logout_redirect_uri with state', async (ctx) => {
      await ctx.check('post-logout-redirect-with-state', (c) => {
        const outcome = ctx.state.logout;
        c.evidence(outcome);
        const redirected = outcome.kind === 'redirect' && outcome.redirectUri === new URL(ctx.state.postLogoutUri).origin + new URL(ctx.state.postLogoutUri).pathname;
        c.should(redirected, `the browser was not sent to the registered post_logout_redirect_uri ${ctx.state.postLogoutUri} (${outcome.kind === 'redirect' ? `it went to ${outcome.redirectUri}` : `it stopped on "${outcome.title}"`}); §3 describes the redirection after logout`);
        if (!redirected) return undefined;
        const state = (outcome as { params: Record<string, string> }).params.state;
        c.should(state === ctx.state.logoutState, `state: the value sent ${state === undefined ? 'did not come back' : 'came back changed'}; §2 says the OP passes it back when redirecting`);
        return 'redirected with state';
      }, { soft: true });
    }, {
      key: 'post-logout-redirect',
      needs: { logout: 'the end-session request' },
      checks: {
        'post-logout-redirect-with-state': { name: 'the OP redirects to the registered post_logout_redirect_uri and passes state back', spec: 'OIDC RP-Initiated Logout 1.0 §2, §3', severity: 'warning' },
      },
    }),

    step('Authorization Server', 'Client Application', "POSTs a logout_token to the second client's backchannel_logout_uri", async (ctx) => {
      const bc = ctx.state.backChannel;
      if (!bc) return ctx.notApplicable(ctx.state.backChannelNotApplicable ?? 'no back-channel client was signed in');
      await ctx.check('logout-token-delivered', async (c) => {
        const received = await bc.receiver.next(deliveryWaitMs, ctx.signal);
        bc.received = received;
        c.should(received !== undefined, `no request reached the backchannel_logout_uri within ${deliveryWaitMs / 1000} s of the end-session request (§2.5: the OP sends the logout token to every RP of the session that registered one)`);
        if (!received) return undefined;
        c.should(/^application\/x-www-form-urlencoded\b/i.test(received.contentType ?? ''), `Content-Type: expected application/x-www-form-urlencoded, got ${received.contentType ?? 'none'} (§2.5)`);
        c.should(received.token !== undefined, `the POST has no logout_token parameter (parameters: ${received.parameters.join(', ') || 'none'}) (§2.5)`);
        return 'a logout_token was POSTed, form-encoded; the receiver answered 200 (§2.8)';
      }, { soft: true });
    }, {
      key: 'back-channel-logout',
      needs: { logout: 'the end-session request' },
      checks: {
        'logout-token-delivered': { name: 'the OP POSTs a form-encoded logout_token to the backchannel_logout_uri when the session ends', spec: `${backChannelSpec} §2.5 ("The OP sends an HTTP POST request ... using the application/x-www-form-urlencoded format with a logout_token parameter"), §2.3`, severity: 'warning' },
      },
    }),

    step('Client Application', 'Authorization Server', 'Validates the logout token with the jwks_uri keys', async (ctx) => {
      const bc = ctx.state.backChannel;
      if (!bc) return ctx.notApplicable(ctx.state.backChannelNotApplicable ?? 'no back-channel client was signed in');
      const token = bc.received?.token;
      if (!token) return ctx.notApplicable('no logout token arrived (the previous arrow says why)');
      const claims = decodedOrUndefined(token);
      let header: Record<string, unknown> | undefined;
      try {
        header = decodeProtectedHeader(token) as Record<string, unknown>;
      } catch {
        header = undefined;
      }
      const clientId = bc.client.client_id;
      await ctx.check('logout-token-signed', async (c) => {
        if (token.split('.').length === 5) return c.fail('the logout token is a JWE; the client registered no encryption, so it must be a JWS signed with the ID token keys (§2.4)');
        if (!claims || !header) return c.fail('the logout token is not a JWT (§2.4)');
        const jwks = await fetchJwks(ctx);
        try {
          return `signed: ${await verifyJwsSignature(token, jwks, bc.client)}`;
        } catch (error) {
          return c.fail(`the signature does not verify with the jwks_uri keys: ${(error as Error).message} (§2.4: "A Logout Token MUST be signed", with the keys of ID tokens; §2.6)`);
        }
      }, { soft: true });
      if (!claims) return;
      await ctx.check('logout-token-iss', (c) => {
        c.expect(claims.iss, 'iss').toBe(ctx.target.issuer);
      }, { soft: true });
      await ctx.check('logout-token-aud', (c) => {
        const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
        c.expect(aud, 'aud').toContain(clientId);
      }, { soft: true });
      await ctx.check('logout-token-iat', (c) => {
        c.expect(claims.iat, 'iat').toBeNumber();
      }, { soft: true });
      await ctx.check('logout-token-exp', (c) => {
        if (typeof claims.exp !== 'number') return c.fail(`exp: expected a number, got ${claims.exp === undefined ? 'no exp claim' : JSON.stringify(claims.exp)} (§2.4 as amended by errata set 1: exp REQUIRED)`);
        if (typeof claims.iat === 'number' && claims.exp <= claims.iat) return c.fail(`exp ${claims.exp} is not after iat ${claims.iat}: the token was never valid (§2.6 validates exp as for ID tokens)`);
        // Checked on arrival, with the same minute of clock skew the ID token checks allow.
        const arrived = Math.floor((bc.received?.at ?? Date.now()) / 1000);
        if (claims.exp + 60 < arrived) return c.fail(`exp ${claims.exp} had passed when the token arrived (${arrived}) (§2.6 validates exp as for ID tokens)`);
        return `exp ${claims.exp - (typeof claims.iat === 'number' ? claims.iat : arrived)} s after ${typeof claims.iat === 'number' ? 'iat' : 'arrival'}`;
      }, { soft: true });
      await ctx.check('logout-token-jti', (c) => {
        c.expect(claims.jti, 'jti').toBeNonEmptyString();
      }, { soft: true });
      await ctx.check('logout-token-events', (c) => {
        const events = claims.events as Record<string, unknown> | undefined;
        if (events === null || typeof events !== 'object' || Array.isArray(events)) return c.fail(`events: expected a JSON object, got ${events === undefined ? 'no events claim' : JSON.stringify(events)}`);
        const member = events[logoutEvent];
        if (member === null || typeof member !== 'object' || Array.isArray(member)) return c.fail(`events: expected a member ${logoutEvent} whose value is a JSON object, got ${member === undefined ? `members ${Object.keys(events).join(', ') || 'none'}` : JSON.stringify(member)}`);
        return `events has ${logoutEvent}`;
      }, { soft: true });
      await ctx.check('logout-token-sub-or-sid', (c) => {
        c.expect(typeof claims.sub === 'string' || typeof claims.sid === 'string', 'sub or sid present').toBe(true);
      }, { soft: true });
      await ctx.check('logout-token-no-nonce', (c) => {
        if (claims.nonce !== undefined) return c.fail('the logout token has a nonce claim (§2.4: "A nonce Claim MUST NOT be present", so that it cannot pass for an ID token, §4.1)');
        return 'no nonce';
      }, { soft: true });
      await ctx.check('logout-token-typ', (c) => {
        const typ = typeof header?.typ === 'string' ? header.typ.toLowerCase() : undefined;
        // RFC 8725 §3.11 / RFC 7515 §4.1.9: the application/ prefix may be left out.
        c.should(typ === 'logout+jwt' || typ === 'application/logout+jwt', `typ header: expected logout+jwt, got ${header?.typ === undefined ? 'none' : JSON.stringify(header.typ)} (§2.4 recommends explicit typing)`);
        return 'typ logout+jwt';
      }, { soft: true });
      if (bc.sessionRequired) {
        await ctx.check('logout-token-sid-when-required', (c) => {
          c.should(typeof claims.sid === 'string' && claims.sid !== '', 'the logout token has no sid although the client registered backchannel_logout_session_required: true (§2.2)');
          return 'sid present';
        }, { soft: true });
      }
      await ctx.check('logout-token-names-the-session', (c) => {
        const id = bc.idToken;
        if (!id) return c.notApplicable('the second client\'s ID token did not decode');
        if (typeof claims.sub === 'string') c.should(claims.sub === id.sub, `sub: the logout token names ${JSON.stringify(claims.sub)}, the ID token ${JSON.stringify(id.sub)}`);
        if (typeof claims.sid === 'string' && typeof id.sid === 'string') c.should(claims.sid === id.sid, 'sid: the logout token\'s sid is not the ID token\'s');
        return 'sub and sid are those of the ID token';
      }, { soft: true });
    }, {
      key: 'logout-token',
      checks: {
        'logout-token-signed': { name: 'the logout token is a JWS, not alg none, signed by a key of the jwks_uri (or the client secret for HS*, as ID tokens)', spec: `${backChannelSpec} §2.4 ("A Logout Token MUST be signed ... using the same keys ... as are used for ID Tokens"), §2.6` },
        'logout-token-iss': { name: 'the logout token\'s iss is the issuer', spec: `${backChannelSpec} §2.4 (iss REQUIRED), §2.6 (validate iss as for ID tokens)` },
        'logout-token-aud': { name: 'the logout token\'s aud contains the client_id', spec: `${backChannelSpec} §2.4 (aud REQUIRED), §2.6 (validate aud as for ID tokens)` },
        'logout-token-iat': { name: 'the logout token has iat', spec: `${backChannelSpec} §2.4 (iat REQUIRED)` },
        'logout-token-exp': { name: 'the logout token has exp, after iat and not passed when it arrives', spec: `${backChannelSpec} §2.4 (exp REQUIRED since errata set 1), §2.6 (validate exp as for ID tokens)` },
        'logout-token-jti': { name: 'the logout token has jti', spec: `${backChannelSpec} §2.4 (jti REQUIRED)` },
        'logout-token-events': { name: 'the logout token\'s events claim is a JSON object with member http://schemas.openid.net/event/backchannel-logout whose value is a JSON object', spec: `${backChannelSpec} §2.4 (events REQUIRED: "The corresponding member value MUST be a JSON object")` },
        'logout-token-sub-or-sid': { name: 'the logout token has sub or sid', spec: `${backChannelSpec} §2.4 ("A Logout Token MUST contain either a sub or a sid Claim")` },
        'logout-token-no-nonce': { name: 'the logout token has no nonce', spec: `${backChannelSpec} §2.4 ("A nonce Claim MUST NOT be present")` },
        'logout-token-typ': { name: 'the logout token is explicitly typed logout+jwt', spec: `${backChannelSpec} §2.4 (explicit typing, RFC 8725 §3.11), §4.1`, severity: 'warning' },
        'logout-token-sid-when-required': { name: 'the logout token has sid when the client registered backchannel_logout_session_required', spec: `${backChannelSpec} §2.2 (the RP "requires that a sid (session ID) Claim be included in the Logout Token")`, severity: 'warning' },
        'logout-token-names-the-session': { name: 'the logout token\'s sub and sid are those of the client\'s ID token', spec: `${backChannelSpec} §2.4, §2.6`, severity: 'warning' },
      },
    }),

    step('User', 'Authorization Server', 'Asks again with prompt=none', async (ctx) => {
      await ctx.check('session-ended', async (c) => {
        const again = codeRequest(ctx.target, ctx.state.client, { scope: 'openid', extra: { prompt: 'none' } });
        const outcome = await ctx.browser.authorize(again.url);
        c.evidence(outcome);
        const error = outcome.kind === 'redirect' ? outcome.params.error : undefined;
        c.should(error !== undefined && (promptNoneErrors as readonly string[]).includes(error), `after the logout, prompt=none got ${outcome.kind === 'redirect' ? (error ? `error ${error}` : `a response with ${Object.keys(outcome.params).join(', ')}`) : `the page "${outcome.title}"`}, not login_required: the session at the OP was not ended (§2)`);
        return error ? `error ${error}` : undefined;
      }, { soft: true });
    }, {
      key: 'session-ended',
      needs: { logout: 'the end-session request' },
      checks: {
        'session-ended': { name: 'after the logout, an authorization request with prompt=none finds no session', spec: 'OIDC RP-Initiated Logout 1.0 §2, OIDC Core §3.1.2.6', severity: 'warning' },
      },
    }),
  ],
});
