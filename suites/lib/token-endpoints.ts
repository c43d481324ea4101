/**
 * The introspection (RFC 7662) and revocation (RFC 7009) endpoints as a client calls them, and
 * the shape rules of their answers, shared by the suites that judge a token's life after issue.
 */
import type { CheckScope, FlowContext, HttpResponse, TargetClient } from '../../harness/flow/index.ts';

/** POST token (and a hint) to the introspection endpoint, authenticated as `client` (or not at all). */
export function introspect(ctx: FlowContext<any>, token: string, client: TargetClient | undefined, hint?: string): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('introspection_endpoint'), { token, token_type_hint: hint }, client ? { client } : {});
}

/** POST token (and a hint) to the revocation endpoint, authenticated as `client` (or not at all). */
export function revoke(ctx: FlowContext<any>, token: string, client: TargetClient | undefined, hint?: string): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('revocation_endpoint'), { token, token_type_hint: hint }, client ? { client } : {});
}

/** RFC 7662 §2.2: a 200 JSON object whose `active` is a boolean; returns the object. */
export function expectIntrospectionAnswer(c: CheckScope, res: HttpResponse): Record<string, any> {
  c.expectStatus(res, 200);
  const json = c.expectJson(res);
  if (typeof json.active !== 'boolean') c.fail(`active: expected a boolean (RFC 7662 §2.2 REQUIRED), got ${JSON.stringify(json.active)}`);
  return json;
}

/** Whether an introspection answer says the token is active (false for any refusal). */
export function isActive(res: HttpResponse | undefined): boolean {
  return !!res && res.status === 200 && res.json?.active === true;
}

/** The §2.2 members of an introspection answer and the JSON type each must have. */
export const introspectionMemberTypes: Array<{ member: string; type: 'string' | 'NumericDate' | 'string or array of strings' }> = [
  { member: 'scope', type: 'string' },
  { member: 'client_id', type: 'string' },
  { member: 'token_type', type: 'string' },
  { member: 'exp', type: 'NumericDate' },
  { member: 'iat', type: 'NumericDate' },
  { member: 'nbf', type: 'NumericDate' },
  { member: 'sub', type: 'string' },
  { member: 'aud', type: 'string or array of strings' },
  { member: 'iss', type: 'string' },
  { member: 'jti', type: 'string' },
];

export function hasMemberType(value: unknown, type: (typeof introspectionMemberTypes)[number]['type']): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'NumericDate') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}
