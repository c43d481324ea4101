/**
 * Authorization Code with consent verified against LDAP (seed 002, "Authorization Code"):
 * the AS shows its consent page, the user consents, and the AS asks the directory whether
 * the user may consent for this client (membership of a consent group) before it issues
 * the code. The AS → LDAP arrows cannot be watched from outside, so they are proven by what
 * they decide: the directory is read directly for the premise (the user is a member, the
 * outsider is not), and the outsider's consent must end in access_denied while the user's
 * ends in a code.
 *
 * A target has this policy when its config names the group (`options.consentGroup`, a DN);
 * the reference server's is the seed's nauthera-consent group.
 */
import { Client, EqualityFilter, InsufficientAccessError } from 'ldapts';
import { defineFlow, step, type AuthorizeOutcome, type CheckScope, type FlowContext, type HttpResponse, type Target, type TargetClient, type TargetUser } from '../harness/flow/index.ts';
import { consentGroupDN } from '../fixtures/ldap/seed.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { expectDenied, expectSameState } from './lib/authorization-response.ts';
import { answerConsent, openConsentPage } from './lib/consent-page.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { changeMembership, findUserDn, groupHasMember, withDirectory } from './lib/ldap-directory.ts';
import { injectedUsername, type InjectionKind } from './lib/filter-injection.ts';
import { scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  group: string;
  request: CodeRequest;
  response: { url: string; params: Record<string, string> };
  code: string;
  token: HttpResponse;
  /** false after a refused sign-in: the browser holds no IdP session. */
  session?: false;
  /** The consent-leaver's three authorizations: a member, taken out of the consent group, put back. */
  leaver?: Observed;
  /** A member whose DN holds an escaped comma and plus (role escaped-dn). */
  escapedDn?: Observed;
  /** A member whose RDN value starts with # and ends with a space (role escaped-dn-edges). */
  dnEdges?: Observed;
}

/** The DN of the group whose members may consent: options.consentGroup, or the reference server's. */
function consentGroupOf(target: Target): string | undefined {
  const configured = target.options.consentGroup;
  if (typeof configured === 'string' && configured) return configured;
  return target.kind === 'reference' ? consentGroupDN : undefined;
}

function clientOf(target: Target): TargetClient | undefined {
  return target.findClient('confidential') ?? target.findClient('public');
}

/** RFC 4514 DNs compared loosely: attribute names and values case-insensitive, spaces around separators ignored. */
const normalizeDn = (dn: string) => dn.split(/(?<!\\),/).map((rdn) => rdn.trim().toLowerCase().replace(/\s*=\s*/, '=')).join(',');

/** Whether the directory lists `username` as a member of `group` (member / uniqueMember). */
async function isMember(ldap: NonNullable<Target['ldap']>, group: string, username: string): Promise<{ member: boolean; userDn?: string }> {
  return withDirectory(ldap, async (client: Client) => {
    const found = await client.search(ldap.baseDN, { scope: 'sub', filter: new EqualityFilter({ attribute: 'uid', value: username }), attributes: ['1.1'], sizeLimit: 2 });
    if (found.searchEntries.length !== 1) throw new Error(`the directory has ${found.searchEntries.length} entries with uid=${username} under ${ldap.baseDN}`);
    const userDn = found.searchEntries[0]!.dn;
    const { searchEntries } = await client.search(group, { scope: 'base', filter: '(objectClass=*)', attributes: ['member', 'uniqueMember'] });
    if (searchEntries.length === 0) throw new Error(`the consent group ${group} is not in the directory`);
    const values = [searchEntries[0]!.member, searchEntries[0]!.uniqueMember].flat().filter((v): v is string => typeof v === 'string');
    return { member: values.some((v) => normalizeDn(v) === normalizeDn(userDn)), userDn };
  });
}

/** A fresh authorization (prompt=consent, no IdP session) as `user`, answering the consent page with `consent`. */
async function authorizeAs(ctx: FlowContext<State>, user: TargetUser, consent: 'approve' | 'deny' = 'approve') {
  const request = codeRequest(ctx.target, ctx.state.client, { scope: ctx.state.request.scope, prompt: ctx.target.capabilities.openid ? 'consent' : undefined });
  // A refused sign-in leaves no IdP session behind; anything else may have.
  if (ctx.state.session !== false) await ctx.browser.resetSession();
  const outcome = arrivedAt(await ctx.browser.authorize(request.url, { user, consent }), request.redirectUri);
  ctx.state.session = outcome.kind === 'page' && outcome.reason === 'login-rejected' ? false : undefined;
  return { request, outcome };
}

/**
 * A page outcome whose URL is the redirect URI is the authorization response itself: on a
 * loaded machine the browser sometimes reports the stub page of the redirect URI as a page
 * it stopped on. Its query is the response (response_mode query: nothing is in a fragment).
 */
function arrivedAt(outcome: AuthorizeOutcome, redirectUri: string): AuthorizeOutcome {
  if (outcome.kind !== 'page') return outcome;
  const url = new URL(outcome.url);
  if (`${url.origin}${url.pathname}` !== redirectUri || url.search === '') return outcome;
  return { kind: 'redirect', responseMode: 'query', url: outcome.url, redirectUri, params: Object.fromEntries(url.searchParams), evidence: outcome.evidence } as AuthorizeOutcome;
}

/** Signs in with a username built to match `victim` in an unescaped filter, and `victim`'s password: the sign-in must be refused. */
async function expectInjectionRefused(ctx: FlowContext<State>, c: CheckScope, kind: InjectionKind) {
  const victim = ctx.target.user('user');
  const username = injectedUsername(kind, victim.username);
  const { outcome } = await authorizeAs(ctx, { role: 'user', username, password: victim.password });
  c.evidence(outcome);
  if (outcome.kind === 'redirect') {
    c.fail(`the sign-in as ${JSON.stringify(username)} with ${victim.username}'s password was accepted: the browser reached ${outcome.redirectUri} with ${Object.keys(outcome.params).join(', ')}`);
  }
  c.expect(outcome.reason, `where the browser stopped after signing in as ${JSON.stringify(username)}`).toBeOneOf(['login-rejected', 'stopped']);
  return `the sign-in as ${JSON.stringify(username)} with ${victim.username}'s password was refused`;
}

/** The budget of an arrow that plays several browser sign-ins (a loaded machine takes seconds for each). */
const slowStepMs = 150_000;

type Observed = { notApplicable: string } | { error: string } | { dn: string; outcomes: Array<{ request: CodeRequest; outcome: AuthorizeOutcome }> };

/** Runs `fn`, turning a thrown error into { error } so that the check that judges it fails with it. */
async function observe(fn: () => Promise<Observed>): Promise<Observed> {
  try {
    return await fn();
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** The DN of the user with `role`, when the directory lists it in the consent group; else why not. */
async function memberDn(ctx: FlowContext<State>, role: 'escaped-dn' | 'escaped-dn-edges' | 'consent-leaver'): Promise<{ user: TargetUser; dn: string } | { notApplicable: string }> {
  const user = ctx.target.findUser(role);
  if (!user) return { notApplicable: `the target config has no user with role "${role}"` };
  const ldap = ctx.target.ldap!;
  const dn = await withDirectory(ldap, (client) => findUserDn(client, ldap.baseDN, user.username));
  if (!dn) return { notApplicable: `the directory has no single entry with uid=${user.username}` };
  if (!(await withDirectory(ldap, (client) => groupHasMember(client, ctx.state.group, dn)))) return { notApplicable: `the directory does not list ${dn} in ${ctx.state.group}` };
  return { user, dn };
}

/**
 * The authorizations the "Verify consent" and "Confirm" arrows judge, played before the flow's
 * own consent page is opened: a code lives about a minute (RFC 6749 §4.1.2 advises 10 minutes
 * at most, servers use less), and these sign-ins must not sit between the flow's code and its
 * exchange. Each is judged, with its evidence, on its arrow.
 */
async function observeDirectoryRules(ctx: FlowContext<State>): Promise<void> {
  const member = (role: 'escaped-dn' | 'escaped-dn-edges') => observe(async () => {
    const found = await memberDn(ctx, role);
    if ('notApplicable' in found) return found;
    return { dn: found.dn, outcomes: [await authorizeAs(ctx, found.user)] };
  });
  ctx.state.escapedDn = await member('escaped-dn');
  ctx.state.dnEdges = await member('escaped-dn-edges');

  // A member consents; taken out of the group, is refused; put back, consents again.
  const ldap = ctx.target.ldap!;
  const group = ctx.state.group;
  const found = await observe(async () => {
    const leaver = await memberDn(ctx, 'consent-leaver');
    if ('notApplicable' in leaver) return leaver;
    const outcomes = [await authorizeAs(ctx, leaver.user)];
    try {
      await withDirectory(ldap, (client) => changeMembership(client, group, leaver.dn, 'delete'));
    } catch (error) {
      if (error instanceof InsufficientAccessError) return { notApplicable: `the target's LDAP account (${ldap.bindDN}) may not change ${group}` };
      throw error;
    }
    try {
      outcomes.push(await authorizeAs(ctx, leaver.user));
    } finally {
      await withDirectory(ldap, async (client) => {
        if (!(await groupHasMember(client, group, leaver.dn))) await changeMembership(client, group, leaver.dn, 'add');
      });
    }
    outcomes.push(await authorizeAs(ctx, leaver.user));
    return { dn: leaver.dn, outcomes };
  });
  ctx.state.leaver = found;
  if (ctx.state.session !== false) await ctx.browser.resetSession();
}

/** The observation's outcomes, or the check ends (not applicable, or failed with the error). */
function outcomesOf(c: CheckScope, observed: Observed | undefined, count: number) {
  if (!observed) return c.fail('the authorizations to judge were not played (arrow "Request authorization" stopped before them)');
  if ('notApplicable' in observed) return c.notApplicable(observed.notApplicable);
  if ('error' in observed) return c.fail(`unexpected error: ${observed.error}`);
  if (observed.outcomes.length < count) return c.fail(`only ${observed.outcomes.length} of ${count} authorizations were played`);
  return observed;
}

/** A member of the consent group consented and got a code. */
function expectConfirmed(c: CheckScope, observed: Observed | undefined, group: string) {
  const { dn, outcomes } = outcomesOf(c, observed, 1);
  const { request, outcome } = outcomes[0]!;
  const params = c.expectAuthorizationResponse(outcome);
  c.expect(params.code, 'code').toBeNonEmptyString();
  expectSameState(c, params, request.state);
  return `${dn}, a member of ${group}, consented and got a code`;
}

export default defineFlow<State>({
  id: 'authorization-code-ldap-consent',
  title: 'Authorization Code with consent verified against LDAP',
  diagram: 'diagrams/authorization-code-ldap-consent.mmd',
  needs: { users: ['user', 'outsider'], login: true, ldap: true, endpoints: ['authorization_endpoint', 'token_endpoint'], responseTypes: ['code'] },
  applicable: (target) => {
    if (!consentGroupOf(target)) return { reason: 'the target declares no LDAP consent policy (options.consentGroup in the config: the DN of the group whose members may consent)' };
    if (!target.login?.consent) return { reason: 'the target\'s login automation has no consent locators (login.consent in the config)' };
    return clientOf(target) ? true : { reason: 'the target has no client with role "confidential" or "public"' };
  },
  state: () => ({}) as State,
  steps: [
    step('User', 'Client Application', 'Access', (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      ctx.state.group = consentGroupOf(ctx.target)!;
      // prompt=consent (OIDC Core §3.1.2.1): the consent page even when an earlier flow's consent is remembered.
      const oidc = ctx.target.capabilities.openid;
      ctx.state.request = codeRequest(ctx.target, client, { scope: scopeFor(ctx.target, client, ['openid', 'profile']), prompt: oidc ? 'consent' : undefined });
    }, { key: 'access' }),

    step('Client Application', 'Authorization Server', 'Request authorization', async (ctx) => {
      const { request } = ctx.state;
      await ctx.browser.resetSession();
      const outcome = await ctx.browser.authorize(request.url);
      await ctx.check('authorization-request-accepted-user-asked-sign', (c) => {
        c.evidence(outcome);
        if (outcome.kind === 'redirect') return c.fail(`the AS answered at once, with ${Object.keys(outcome.params).join(', ')}, without signing anyone in`);
        c.expect(outcome.reason, 'where the browser stopped').toBe('login-page');
      });
      // The sign-in looks the username up in the directory: RFC 4515 §3 escapes keep it one user.
      await ctx.check('wildcard-username-does-not-sign-in', (c) => expectInjectionRefused(ctx, c, 'wildcard'), { soft: true });
      await ctx.check('filter-closing-username-does-not-sign-in', (c) => expectInjectionRefused(ctx, c, 'filter-close'), { soft: true });
      await ctx.check('filter-escape-username-does-not-sign-in', (c) => expectInjectionRefused(ctx, c, 'hex-escape'), { soft: true });
      await ctx.check('metacharacter-username-signs-in', async (c) => {
        const user = ctx.target.findUser('metacharacters');
        if (!user) return c.notApplicable('the target config has no user with role "metacharacters"');
        // Any redirect (a code, or access_denied by the consent policy) shows the sign-in succeeded.
        const redirect = c.expectRedirect((await authorizeAs(ctx, user)).outcome);
        return `${JSON.stringify(user.username)} signed in; the AS redirected with ${Object.keys(redirect.params).join(', ')}`;
      }, { soft: true });
    }, {
      key: 'authorize',
      // Four sign-ins, each in a fresh browser context.
      timeoutMs: slowStepMs,
      checks: {
        'authorization-request-accepted-user-asked-sign': { name: 'the authorization request is accepted and the user asked to sign in', spec: 'RFC 6749 §4.1.1, OIDC Core §3.1.2.3' },
        'wildcard-username-does-not-sign-in': { name: 'a username ending in a filter wildcard (*) does not sign in the user it matches', spec: 'RFC 4515 §3' },
        'filter-closing-username-does-not-sign-in': { name: 'a username that closes the filter ()(objectClass=top) does not sign in the user it names', spec: 'RFC 4515 §3' },
        'filter-escape-username-does-not-sign-in': { name: 'a username holding a filter escape (\\61lice) does not sign in the user it spells', spec: 'RFC 4515 §3' },
        'metacharacter-username-signs-in': { name: 'a user whose username holds filter metacharacters (* ( ) \\) signs in', spec: 'RFC 4515 §3' },
      },
    }),

    step('Authorization Server', 'User', 'Display consent', async (ctx) => {
      const { request } = ctx.state;
      await observeDirectoryRules(ctx);
      await ctx.check('consent-page-displayed-after-sign', async (c) => {
        const page = await openConsentPage(ctx, request.url, ctx.target.user('user'), request.redirectUri);
        c.note('consent page', `${page.title}\n${page.text}`);
        return `the consent page "${page.title}" asks the user`;
      });
    }, {
      key: 'consent-page',
      needs: { request: 'the authorization request' },
      // Five authorizations of observeDirectoryRules() before the consent page.
      timeoutMs: slowStepMs,
      checks: {
        'consent-page-displayed-after-sign': { name: 'the consent page is displayed after sign-in', spec: 'RFC 6749 §4.1.1 (B), OIDC Core §3.1.2.4' },
      },
    }),

    step('User', 'Authorization Server', 'Give consent', async (ctx) => {
      const { request, client } = ctx.state;
      await ctx.check('user-consent-sent-back', async (c) => {
        ctx.state.response = await answerConsent(ctx, 'approve', request.redirectUri);
        return `the browser arrived at ${request.redirectUri} with ${Object.keys(ctx.state.response.params).join(', ')}`;
      });
      await ctx.check('refused-consent-answered-access-denied', async (c) => {
        const again = codeRequest(ctx.target, client, { scope: request.scope, prompt: ctx.target.capabilities.openid ? 'consent' : undefined });
        const params = expectDenied(c, await ctx.browser.authorize(again.url, { user: ctx.target.user('user'), consent: 'deny' }));
        expectSameState(c, params, again.state);
      }, { soft: true });
    }, {
      key: 'consent',
      needs: { request: 'the authorization request' },
      checks: {
        'user-consent-sent-back': { name: 'the user\'s consent is sent back to the client', spec: 'RFC 6749 §4.1.2' },
        'refused-consent-answered-access-denied': { name: 'refused consent is answered with access_denied', spec: 'RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6' },
      },
    }),

    step('Authorization Server', 'LDAP', 'Verify consent', async (ctx) => {
      const { group, client } = ctx.state;
      const ldap = ctx.target.ldap!;
      const user = ctx.target.user('user');
      const outsider = ctx.target.user('outsider');
      // The verification, by its effect: the outsider consents, and the directory says no. What the
      // directory holds is the test's precondition, not a verdict on the target.
      await ctx.check('consent-user-outside-consent-group-refused-access', async (c) => {
        const u = await isMember(ldap, group, user.username);
        const o = await isMember(ldap, group, outsider.username);
        c.note('directory', `${group}\n  ${u.userDn}: ${u.member ? 'member' : 'not a member'}\n  ${o.userDn}: ${o.member ? 'member' : 'not a member'}`);
        if (o.member) c.notApplicable(`the directory lists the outsider ${outsider.username} in ${group}: the users config gives no outsider to refuse`);
        await ctx.browser.resetSession();
        const request = codeRequest(ctx.target, client, { scope: ctx.state.request.scope, prompt: ctx.target.capabilities.openid ? 'consent' : undefined });
        const params = c.expectRedirectError(await ctx.browser.authorize(request.url, { user: outsider, consent: 'approve' }), 'access_denied');
        c.expect(params.code, 'code').toBe(undefined);
        expectSameState(c, params, request.state);
      }, { soft: true });
      // The directory is asked at each authorization: a user taken out of the group is refused the next time.
      await ctx.check('user-taken-out-consent-group-refused-next', (c) => {
        const { dn, outcomes } = outcomesOf(c, ctx.state.leaver, 2);
        const before = c.expectAuthorizationResponse(outcomes[0]!.outcome);
        c.expect(before.code, 'code while a member').toBeNonEmptyString();
        const refused = c.expectRedirectError(outcomes[1]!.outcome, 'access_denied');
        c.expect(refused.code, 'code once taken out').toBe(undefined);
        expectSameState(c, refused, outcomes[1]!.request.state);
        return `${dn} got a code as a member, and access_denied once taken out of ${group}`;
      }, { soft: true });
    }, {
      key: 'verify-consent',
      checks: {
        'consent-user-outside-consent-group-refused-access': { name: 'consent by a user outside the consent group is refused with access_denied', spec: 'RFC 6749 §4.1.2.1' },
        'user-taken-out-consent-group-refused-next': { name: 'a user taken out of the consent group is refused at the next authorization', spec: 'RFC 6749 §4.1.2.1, RFC 4511 §4.5' },
      },
    }),

    step('LDAP', 'Authorization Server', 'Confirm', async (ctx) => {
      const { params } = ctx.state.response;
      await ctx.check('consent-member-consent-group-confirmed', (c) => {
        if (params.error) c.fail(`the AS answered error ${JSON.stringify(params.error)}${params.error_description ? ` (${JSON.stringify(params.error_description)})` : ''} for a member of the consent group`);
        c.expect(params.code, 'code').toBeNonEmptyString();
        ctx.state.code = params.code;
      });
      await ctx.check('user-put-back-consent-group-confirmed-next', (c) => {
        const { dn, outcomes } = outcomesOf(c, ctx.state.leaver, 3);
        const back = c.expectAuthorizationResponse(outcomes[2]!.outcome);
        c.expect(back.code, 'code').toBeNonEmptyString();
        expectSameState(c, back, outcomes[2]!.request.state);
        return `${dn}, put back in ${ctx.state.group}, consented and got a code`;
      }, { soft: true });
      await ctx.check('consent-member-escaped-dn-confirmed', (c) => expectConfirmed(c, ctx.state.escapedDn, ctx.state.group), { soft: true });
      await ctx.check('consent-member-dn-leading-hash-trailing-space-confirmed', (c) => expectConfirmed(c, ctx.state.dnEdges, ctx.state.group), { soft: true });
    }, {
      key: 'confirm',
      needs: { response: 'the answer to the consent' },
      checks: {
        'consent-member-consent-group-confirmed': { name: 'the consent of a member of the consent group is confirmed', spec: 'RFC 6749 §4.1.2' },
        'user-put-back-consent-group-confirmed-next': { name: 'a user put back in the consent group may consent at the next authorization', spec: 'RFC 6749 §4.1.2, RFC 4511 §4.5' },
        'consent-member-escaped-dn-confirmed': { name: 'the consent of a member whose DN holds an escaped comma and plus is confirmed', spec: 'RFC 4514 §2.4, RFC 6749 §4.1.2' },
        'consent-member-dn-leading-hash-trailing-space-confirmed': { name: 'the consent of a member whose RDN value starts with # and ends with a space is confirmed', spec: 'RFC 4514 §2.4, RFC 6749 §4.1.2' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Issue authorization token', async (ctx) => {
      const { request, response } = ctx.state;
      await ctx.check('code-arrives-redirect-uri-state', (c) => {
        c.expect(response.url.split('?')[0], 'redirect URI').toBe(request.redirectUri);
        c.expect(response.params.code, 'code').toBeNonEmptyString();
        expectSameState(c, response.params, request.state);
      }, { soft: true });
    }, {
      key: 'authorization-response',
      needs: { response: 'the answer to the consent' },
      checks: {
        'code-arrives-redirect-uri-state': { name: 'the code arrives at the redirect_uri with the state', spec: 'RFC 6749 §4.1.2, §10.12' },
      },
    }),

    step('Client Application', 'Authorization Server', 'Request token', async (ctx) => {
      const { request, code } = ctx.state;
      const res = await exchangeCode(ctx, request, code);
      if (typeof res.json?.access_token === 'string') ctx.state.token = res;
      await ctx.check('code-exchanged-token-endpoint', (c) => {
        c.expectStatus(res, 200);
      }, { soft: true });
    }, {
      key: 'token-request',
      needs: { code: 'an authorization code' },
      checks: {
        'code-exchanged-token-endpoint': { name: 'the code is exchanged at the token endpoint', spec: 'RFC 6749 §4.1.3' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Return token', async (ctx) => {
      const { client, token } = ctx.state;
      let tokens: Record<string, any> = {};
      await ctx.check('tokens-returned-consented-grant', (c) => {
        tokens = expectTokenResponse(c, token);
        expectNoStore(c, token);
      });
      if (typeof tokens.id_token === 'string') await checkIdToken(ctx, tokens.id_token, { client, accessToken: tokens.access_token, code: ctx.state.code });
    }, {
      key: 'token-response',
      needs: { token: 'a token response with an access token' },
      checks: {
        ...idTokenChecks(),
        'tokens-returned-consented-grant': { name: 'tokens are returned for the consented grant', spec: 'RFC 6749 §5.1' },
      },
    }),
  ],
});
