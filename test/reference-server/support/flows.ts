/** The authorization code flow end to end (fetch user agent), for tests that need tokens. */
import { expect } from 'vitest';
import type { RunningReference } from '../../../reference-server/index.ts';
import { authorize, redirectUri, type AuthorizeOutcome, type CookieJar, type SignIn } from './user-agent.ts';
import { client, pkce, tokenRequest, type JsonResponse } from './oauth.ts';

export interface CodeFlow {
  outcome: AuthorizeOutcome;
  code: string;
  verifier?: string;
  nonce: string;
  state: string;
}

export async function codeFor(
  ref: RunningReference,
  role: string,
  options: { signIn?: SignIn; jar?: CookieJar; scope?: string; usePkce?: boolean; extra?: Record<string, string>; decision?: 'allow' | 'deny' } = {},
): Promise<CodeFlow> {
  const c = client(ref, role);
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const nonce = `nonce-${Math.random().toString(36).slice(2)}`;
  const { verifier, challenge } = pkce();
  const usePkce = options.usePkce ?? true;
  const params: Record<string, string> = {
    client_id: c.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email groups api:read',
    state,
    nonce,
    ...(usePkce ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    ...options.extra,
  };
  const outcome = await authorize(ref, params, { signIn: options.signIn, jar: options.jar, decision: options.decision });
  expect(outcome.response?.get('error') ?? null, outcome.response?.get('error_description') ?? outcome.page?.slice(-300)).toBeNull();
  const code = outcome.response!.get('code')!;
  expect(code).toBeTruthy();
  return { outcome, code, verifier: usePkce ? verifier : undefined, nonce, state };
}

export function exchange(ref: RunningReference, role: string, flow: CodeFlow, extra: Record<string, string> = {}): Promise<JsonResponse> {
  return tokenRequest(ref, role, {
    grant_type: 'authorization_code',
    code: flow.code,
    redirect_uri: redirectUri,
    ...(flow.verifier ? { code_verifier: flow.verifier } : {}),
    ...extra,
  });
}

export async function tokensFor(ref: RunningReference, role: string, signIn: SignIn, options: Parameters<typeof codeFor>[2] = {}): Promise<Record<string, unknown> & { flow: CodeFlow }> {
  const flow = await codeFor(ref, role, { signIn, ...options });
  const response = await exchange(ref, role, flow);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return { ...response.body, flow };
}
