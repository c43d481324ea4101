/**
 * UserInfo (OIDC Core §5.3) seen from a flow that got an access token and an ID token together:
 * the sub UserInfo returns for that token MUST be the ID token's (§5.3.2, "MUST be verified to
 * exactly match"), whichever endpoint issued them.
 */
import type { FlowContext } from '../../harness/flow/index.ts';

/**
 * Asks UserInfo with `accessToken` and compares its sub with `sub`. Not applicable when there is
 * no UserInfo endpoint, no token or no sub, or when UserInfo does not serve this token (an access
 * token may be issued for another resource, RFC 8707; serving it is judged by the
 * openid-connect suite).
 */
export async function checkUserInfoSub(ctx: FlowContext<any>, key: string, accessToken: string | undefined, sub: unknown, args?: Record<string, string>): Promise<void> {
  await ctx.check(key, async (c) => {
    if (!ctx.target.capabilities.userinfo) c.notApplicable('the discovery metadata has no userinfo_endpoint');
    if (!accessToken) c.notApplicable('no access token came with the ID token');
    if (typeof sub !== 'string') c.notApplicable('no ID token with a sub came to compare with');
    const res = await ctx.http.get(ctx.target.endpoint('userinfo_endpoint'), { bearer: accessToken, headers: { accept: 'application/json' } });
    c.evidence(res);
    if (res.status !== 200) c.notApplicable(`UserInfo does not serve this access token (HTTP ${res.status}); it may be issued for another resource`);
    c.expect(res.json?.sub, 'UserInfo sub (the ID token\'s)').toBe(sub);
  }, { soft: true, ...(args ? { args } : {}) });
}
