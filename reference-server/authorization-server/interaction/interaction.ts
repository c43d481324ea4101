/**
 * An interaction: an authorization request paused for the user to sign in or to consent.
 * It stores the request's parameters (re-checked on resume), what the user did so far, and
 * a CSRF token. It is bound to the browser that started it by a signed cookie.
 */
import type { Context } from 'koa';
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import type { VerifiedRequest } from '../authorize/request.ts';
import { OAuthError } from '../errors.ts';
import { randomToken } from '../tokens/random.ts';
import { interactionCookie, readCookie, setCookie } from './cookies.ts';
import { admitNewInteraction } from './new-interactions.ts';

export type InteractionPrompt = 'login' | 'consent';

export interface InteractionRecord extends StoredPayload {
  params: Record<string, string>;
  clientId: string;
  prompt: InteractionPrompt;
  csrf: string;
  result: {
    loggedIn?: boolean;
    consented?: boolean;
    /** Why the user or the consent policy refused: becomes access_denied. */
    denied?: string;
  };
  /** Where sign-in and consent send the browser next; default /authorize/resume/:uid (the device verification sets its own). */
  returnTo?: string;
}

/** An interaction that cannot continue: shown as a page, never redirected. */
export class InteractionError extends OAuthError {
  override name = 'InteractionError';
  override readonly redirectable = false;
  constructor(description: string, status = 400) {
    super('invalid_request', description, status);
  }
}

const uidSyntax = /^[A-Za-z0-9_-]{20,64}$/;

/** Saves the request as an interaction and sends the browser to its page. */
export async function startInteraction(
  ctx: Context,
  provider: Provider,
  request: VerifiedRequest,
  prompt: InteractionPrompt,
  existing?: { uid: string; record: InteractionRecord },
): Promise<void> {
  if (!existing) await admitNewInteraction(ctx, provider);
  const uid = existing?.uid ?? randomToken(24);
  const record: InteractionRecord = existing
    ? { ...existing.record, prompt }
    : { params: request.params.toRecord(), clientId: request.client.clientId, prompt, csrf: randomToken(), result: {} };
  const ttl = provider.config.ttl.interaction;
  await provider.storage.upsert('Interaction', uid, record, ttl);
  setCookie(ctx, interactionCookie, uid, ttl);
  ctx.status = 303;
  ctx.set('Location', `/interaction/${uid}`);
  ctx.body = '';
}

export async function loadInteraction(ctx: Context, provider: Provider, uid: string | undefined): Promise<InteractionRecord> {
  if (!uid || !uidSyntax.test(uid)) throw new InteractionError('no such sign-in', 404);
  // Bound to this browser: the uid in the URL alone is not enough.
  if (readCookie(ctx, interactionCookie) !== uid) throw new InteractionError('this sign-in was started in another browser or has expired; start again from the application', 403);
  const record = await provider.storage.find<InteractionRecord>('Interaction', uid);
  if (!record) throw new InteractionError('this sign-in has expired; start again from the application', 404);
  return record;
}

export async function saveInteraction(provider: Provider, uid: string, record: InteractionRecord): Promise<void> {
  await provider.storage.upsert('Interaction', uid, record, provider.config.ttl.interaction);
}
