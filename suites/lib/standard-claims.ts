/**
 * The standard claims of OIDC Core §5.1 and the JSON type each one MUST have, as one check
 * per claim: a claim that is present with another type (email_verified "true", updated_at
 * "2024-01-01", address as a string) fails its own check; an absent claim is not applicable.
 *
 *   checks: { ...standardClaimChecks('userinfo') }
 *   await checkStandardClaimTypes(ctx, 'userinfo', claims, 'the UserInfo response');
 */
import type { CheckCatalogue, FlowContext } from '../../harness/flow/index.ts';

type ClaimType = 'string' | 'boolean' | 'number' | 'object';

/** OIDC Core §5.1, the table of standard claims (sub is judged on its own wherever it is compared). */
export const standardClaimTypes: Record<string, ClaimType> = {
  name: 'string',
  given_name: 'string',
  family_name: 'string',
  middle_name: 'string',
  nickname: 'string',
  preferred_username: 'string',
  profile: 'string',
  picture: 'string',
  website: 'string',
  email: 'string',
  email_verified: 'boolean',
  gender: 'string',
  birthdate: 'string',
  zoneinfo: 'string',
  locale: 'string',
  phone_number: 'string',
  phone_number_verified: 'boolean',
  address: 'object',
  updated_at: 'number',
};

const article: Record<ClaimType, string> = { string: 'a string', boolean: 'a boolean', number: 'a number', object: 'a JSON object' };

const keyOf = (prefix: string, claim: string) => `${prefix}-claim-${claim.replace(/_/g, '-')}-${standardClaimTypes[claim]}`;

/** One catalogue entry per standard claim: `<prefix>-claim-<claim>-<type>`. */
export function standardClaimChecks(prefix: string, where: string): CheckCatalogue {
  const out: CheckCatalogue = {};
  for (const claim of Object.keys(standardClaimTypes)) {
    out[keyOf(prefix, claim)] = { name: `${where} ${claim} is ${article[standardClaimTypes[claim]!]} when present`, spec: 'OIDC Core §5.1' };
  }
  return out;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Runs the checks of standardClaimChecks(prefix) on `claims` (soft: one wrong type hides nothing). */
export async function checkStandardClaimTypes(ctx: FlowContext<any>, prefix: string, claims: Record<string, unknown>, source: string): Promise<void> {
  for (const [claim, type] of Object.entries(standardClaimTypes)) {
    await ctx.check(keyOf(prefix, claim), (c) => {
      const value = claims[claim];
      if (value === undefined) c.notApplicable(`${source} has no ${claim}`);
      if (typeOf(value) !== type) c.fail(`${claim}: expected ${article[type]} (OIDC Core §5.1), got ${typeOf(value)} ${JSON.stringify(value)}`);
      if (claim === 'address') {
        // §5.1.1: the members of address are strings.
        const bad = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v !== 'string');
        if (bad.length > 0) c.fail(`address members must be strings (OIDC Core §5.1.1), got ${bad.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}`);
      }
      return `${claim} is ${article[type]}: ${JSON.stringify(value)}`;
    }, { soft: true });
  }
}
