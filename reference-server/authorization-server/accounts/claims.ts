/**
 * Which claims each scope releases (OIDC Core §5.4), from the LDAP account:
 * cn → name, givenName → given_name, sn → family_name, mail → email, and the groups claim.
 */
import type { Account } from './ldap-accounts.ts';

export const claimsByScope: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

export function claimsSupported(): string[] {
  return [...new Set(Object.values(claimsByScope).flat())];
}

/** The account's standard claims (OIDC Core §5.1), before any scope filtering. */
export function standardClaims(account: Account): Record<string, unknown> {
  return {
    sub: account.sub,
    name: account.name,
    given_name: account.givenName,
    family_name: account.familyName,
    preferred_username: account.username,
    email: account.email,
    // The directory holds mail addresses but has never verified one (OIDC Core §5.1: false unless verified).
    email_verified: account.email === undefined ? undefined : false,
  };
}

export function claimsFor(account: Account, scopes: Set<string>, groups: () => Promise<string[]>): Promise<Record<string, unknown>> {
  return (async () => {
    const all: Record<string, unknown> = standardClaims(account);
    if (scopes.has('groups')) all.groups = await groups();
    const released: Record<string, unknown> = {};
    for (const scope of scopes) {
      for (const claim of claimsByScope[scope] ?? []) if (all[claim] !== undefined) released[claim] = all[claim];
    }
    released.sub = account.sub;
    return released;
  })();
}
