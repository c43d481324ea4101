/**
 * The sample app's browser sessions, in memory: a random id in an httpOnly SameSite=Lax cookie.
 * A session holds the login in progress (state, PKCE verifier) and, once the access token
 * passed validation, what it says.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { ValidatedToken } from './access-token.ts';

export interface SampleSession {
  pending?: { state: string; verifier: string; startedAt: number };
  token?: ValidatedToken;
}

const cookieName = 'nauthera_sample_session';
const maxSessions = 1000;

export class Sessions {
  private readonly sessions = new Map<string, SampleSession>();

  get(ctx: Context): SampleSession | undefined {
    const id = ctx.cookies.get(cookieName);
    return id ? this.sessions.get(id) : undefined;
  }

  /** The session of this browser, started when it has none. */
  ensure(ctx: Context): SampleSession {
    return this.get(ctx) ?? this.start(ctx, {});
  }

  /** Moves the session to a new id once it holds a token, so that a planted session id is worth nothing (session fixation). */
  rotate(ctx: Context, session: SampleSession): void {
    const id = ctx.cookies.get(cookieName);
    if (id) this.sessions.delete(id);
    this.start(ctx, session);
  }

  private start(ctx: Context, session: SampleSession): SampleSession {
    // Oldest first out, so that a flood of new browsers cannot grow memory without bound.
    if (this.sessions.size >= maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, session);
    ctx.cookies.set(cookieName, id, { httpOnly: true, sameSite: 'lax', path: '/', overwrite: true });
    return session;
  }
}
