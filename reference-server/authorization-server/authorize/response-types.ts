/**
 * What each response_type returns from the authorization endpoint, one handler per type.
 * code (RFC 6749 §4.1) here; token, id_token token and the hybrid types in implicit-and-hybrid.ts
 * (OIDC Core §3.2, §3.3).
 */
import type { Provider } from '../provider.ts';
import type { VerifiedRequest } from './request.ts';
import type { SessionRecord } from '../interaction/session.ts';
import { issueCode } from '../tokens/authorization-code.ts';
import { implicitAndHybridHandlers } from './implicit-and-hybrid.ts';

export type ResponseTypeHandler = (provider: Provider, request: VerifiedRequest, session: SessionRecord) => Promise<Record<string, string>>;

export const responseTypeHandlers: Record<string, ResponseTypeHandler> = {
  code: async (provider, request, session) => ({
    code: await issueCode(provider, request, session),
    // FAULT codeChallengeInResponse (config/faults.ts, only to prove the harness): the code_challenge given out.
    ...(provider.config.faults.codeChallengeInResponse && request.codeChallenge ? { code_challenge: request.codeChallenge } : {}),
  }),
  ...implicitAndHybridHandlers,
};

const order = ['code', 'id_token', 'token'];

/** Values in one order, so "token code" and "code token" name the same type. */
export function canonicalResponseType(raw: string): string {
  const values = [...new Set(raw.split(' ').filter((v) => v !== ''))];
  return values.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join(' ');
}

function rank(value: string): number {
  const i = order.indexOf(value);
  return i < 0 ? order.length : i;
}
