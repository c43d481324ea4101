/** Small helpers for talking OAuth to the reference server in tests. */
import { createHash, randomBytes } from 'node:crypto';
import type { ReferenceClient, RunningReference } from '../../../reference-server/index.ts';

export function client(ref: RunningReference, role: string): ReferenceClient {
  const found = ref.clients.find((c) => c.role === role);
  if (!found) throw new Error(`no client with role ${role}`);
  return found;
}

export function user(ref: RunningReference, role: string): { username: string; password: string } {
  const found = ref.users.find((u) => u.role === role);
  if (!found) throw new Error(`no user with role ${role}`);
  return found;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POST a form to an endpoint of the AS, optionally with Basic client authentication. */
export async function postForm(url: string, fields: Record<string, string>, auth?: { clientId: string; secret: string } | string): Promise<JsonResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (typeof auth === 'string') headers.authorization = auth;
  else if (auth) headers.authorization = basic(auth.clientId, auth.secret);
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** POST /token as a client_secret_basic client. */
export function tokenRequest(ref: RunningReference, role: string, fields: Record<string, string>): Promise<JsonResponse> {
  const c = client(ref, role);
  if (c.token_endpoint_auth_method === 'none') return postForm(`${ref.issuer}/token`, { client_id: c.client_id, ...fields });
  if (c.token_endpoint_auth_method === 'client_secret_post') return postForm(`${ref.issuer}/token`, { client_id: c.client_id, client_secret: c.client_secret!, ...fields });
  return postForm(`${ref.issuer}/token`, fields, { clientId: c.client_id, secret: c.client_secret! });
}
