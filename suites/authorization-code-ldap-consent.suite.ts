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
import { Client, EqualityFilter } from 'ldapts';
import { defineFlow, step, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { consentGroupDN } from '../fixtures/ldap/seed.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { expectDenied, expectSameState } from './lib/authorization-response.ts';
import { answerConsent, openConsentPage } from './lib/consent-page.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { withDirectory } from './lib/ldap-directory.ts';
import { scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  group: string;
  request: CodeRequest;
  response: { url: string; params: Record<string, string> };
  code: string;
  token: HttpResponse;
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
    }, {
      key: 'authorize',
      checks: {
        'authorization-request-accepted-user-asked-sign': { name: 'the authorization request is accepted and the user asked to sign in', spec: 'RFC 6749 §4.1.1, OIDC Core §3.1.2.3' },
      },
    }),

    step('Authorization Server', 'User', 'Display consent', async (ctx) => {
      const { request } = ctx.state;
      await ctx.check('consent-page-displayed-after-sign', async (c) => {
        const page = await openConsentPage(ctx, request.url, ctx.target.user('user'), request.redirectUri);
        c.note('consent page', `${page.title}\n${page.text}`);
        return `the consent page "${page.title}" asks the user`;
      });
    }, {
      key: 'consent-page',
      needs: { request: 'the authorization request' },
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
    }, {
      key: 'verify-consent',
      checks: {
        'consent-user-outside-consent-group-refused-access': { name: 'consent by a user outside the consent group is refused with access_denied', spec: 'RFC 6749 §4.1.2.1' },
      },
    }),

    step('LDAP', 'Authorization Server', 'Confirm', async (ctx) => {
      const { params } = ctx.state.response;
      await ctx.check('consent-member-consent-group-confirmed', (c) => {
        if (params.error) c.fail(`the AS answered error ${JSON.stringify(params.error)}${params.error_description ? ` (${JSON.stringify(params.error_description)})` : ''} for a member of the consent group`);
        c.expect(params.code, 'code').toBeNonEmptyString();
        ctx.state.code = params.code;
      });
    }, {
      key: 'confirm',
      needs: { response: 'the answer to the consent' },
      checks: {
        'consent-member-consent-group-confirmed': { name: 'the consent of a member of the consent group is confirmed', spec: 'RFC 6749 §4.1.2' },
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
