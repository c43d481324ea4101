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
import { answerConsent, openConsentPage } from './lib/consent-page.ts';
import { checkIdToken } from './lib/id-token.ts';
import { withDirectory } from './lib/ldap-directory.ts';
import { scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  group: string;
  request: CodeRequest;
  response: { url: string; params: Record<string, string> };
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
    }),

    step('Client Application', 'Authorization Server', 'Request authorization', async (ctx) => {
      const { request } = ctx.state;
      await ctx.browser.resetSession();
      const outcome = await ctx.browser.authorize(request.url);
      await ctx.check({ name: 'the authorization request is accepted and the user asked to sign in', spec: 'RFC 6749 §4.1.1, OIDC Core §3.1.2.3' }, (c) => {
        c.evidence(outcome);
        if (outcome.kind === 'redirect') return c.fail(`the AS answered at once, with ${Object.keys(outcome.params).join(', ')}, without signing anyone in`);
        c.expect(outcome.reason, 'where the browser stopped').toBe('login-page');
      });
    }),

    step('Authorization Server', 'User', 'Display consent', async (ctx) => {
      const { request } = ctx.state;
      await ctx.check({ name: 'the consent page is displayed after sign-in', spec: 'RFC 6749 §4.1.1 (B), OIDC Core §3.1.2.4' }, async (c) => {
        const page = await openConsentPage(ctx, request.url, ctx.target.user('user'), request.redirectUri);
        c.note('consent page', `${page.title}\n${page.text}`);
        return `the consent page "${page.title}" asks the user`;
      });
    }),

    step('User', 'Authorization Server', 'Give consent', async (ctx) => {
      const { request, client } = ctx.state;
      await ctx.check({ name: 'the user\'s consent is sent back to the client', spec: 'RFC 6749 §4.1.2' }, async (c) => {
        ctx.state.response = await answerConsent(ctx, 'approve', request.redirectUri);
        return `the browser arrived at ${request.redirectUri} with ${Object.keys(ctx.state.response.params).join(', ')}`;
      });
      await ctx.check({ name: 'refused consent is answered with access_denied', spec: 'RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6', soft: true }, async (c) => {
        const again = codeRequest(ctx.target, client, { scope: request.scope, prompt: ctx.target.capabilities.openid ? 'consent' : undefined });
        const params = c.expectRedirectError(await ctx.browser.authorize(again.url, { user: ctx.target.user('user'), consent: 'deny' }), 'access_denied');
        c.expect(params.state, 'state').toBe(again.state);
      });
    }),

    step('Authorization Server', 'LDAP', 'Verify consent', async (ctx) => {
      const { group, client } = ctx.state;
      const ldap = ctx.target.ldap!;
      const user = ctx.target.user('user');
      const outsider = ctx.target.user('outsider');
      await ctx.check({ name: 'the directory lists the user in the consent group and not the outsider', spec: 'RFC 4511 §4.5, RFC 4519 §2.17' }, async (c) => {
        const u = await isMember(ldap, group, user.username);
        const o = await isMember(ldap, group, outsider.username);
        c.note('directory', `${group}\n  ${u.userDn}: ${u.member ? 'member' : 'not a member'}\n  ${o.userDn}: ${o.member ? 'member' : 'not a member'}`);
        c.expect(u.member, `${user.username} is a member of ${group}`).toBe(true);
        c.expect(o.member, `${outsider.username} is a member of ${group}`).toBe(false);
      });
      // The verification, by its effect: the outsider consents, and the directory says no.
      await ctx.check({ name: 'consent by a user outside the consent group is refused with access_denied', spec: 'RFC 6749 §4.1.2.1' }, async (c) => {
        await ctx.browser.resetSession();
        const request = codeRequest(ctx.target, client, { scope: ctx.state.request.scope, prompt: ctx.target.capabilities.openid ? 'consent' : undefined });
        const params = c.expectRedirectError(await ctx.browser.authorize(request.url, { user: outsider, consent: 'approve' }), 'access_denied');
        c.expect(params.code, 'code').toBe(undefined);
        c.expect(params.state, 'state').toBe(request.state);
      });
    }),

    step('LDAP', 'Authorization Server', 'Confirm', async (ctx) => {
      const { params } = ctx.state.response;
      await ctx.check({ name: 'the consent of a member of the consent group is confirmed', spec: 'RFC 6749 §4.1.2' }, (c) => {
        if (params.error) c.fail(`the AS answered error ${JSON.stringify(params.error)}${params.error_description ? ` (${JSON.stringify(params.error_description)})` : ''} for a member of the consent group`);
        c.expect(params.code, 'code').toBeNonEmptyString();
      });
    }),

    step('Authorization Server', 'Client Application', 'Issue authorization token', async (ctx) => {
      const { request, response } = ctx.state;
      await ctx.check({ name: 'the code arrives at the redirect_uri with the state', spec: 'RFC 6749 §4.1.2, §10.12' }, (c) => {
        c.expect(response.url.split('?')[0], 'redirect URI').toBe(request.redirectUri);
        c.expect(response.params.code, 'code').toBeNonEmptyString();
        c.expect(response.params.state, 'state').toBe(request.state);
      });
    }),

    step('Client Application', 'Authorization Server', 'Request token', async (ctx) => {
      const { request, response } = ctx.state;
      ctx.state.token = await exchangeCode(ctx, request, response.params.code);
      await ctx.check({ name: 'the code is exchanged at the token endpoint', spec: 'RFC 6749 §4.1.3' }, (c) => {
        c.expectStatus(ctx.state.token, 200);
      });
    }),

    step('Authorization Server', 'Client Application', 'Return token', async (ctx) => {
      const { client, token } = ctx.state;
      let tokens: Record<string, any> = {};
      await ctx.check({ name: 'tokens are returned for the consented grant', spec: 'RFC 6749 §5.1' }, (c) => {
        tokens = expectTokenResponse(c, token);
        expectNoStore(c, token);
      });
      if (typeof tokens.id_token === 'string') await checkIdToken(ctx, tokens.id_token, { client, accessToken: tokens.access_token });
    }),
  ],
});
