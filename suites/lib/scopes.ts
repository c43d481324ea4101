/**
 * Which scope a suite asks for: what it wants, narrowed to what the client may ask for
 * (its configured `scope`) and what the target advertises (scopes_supported), so the same
 * suite runs on any target without asking for a scope the AS would refuse (RFC 6749 §3.3).
 */
import type { Target, TargetClient } from '../../harness/flow/index.ts';

/**
 * Scope strings as one list of scope tokens, each once, in first-seen order. An entry may
 * hold several space-separated scopes (options.resourceScope "api:read api:write"). RFC 6749
 * §3.3 makes scope a set, and an AS may refuse a repeated token as invalid_scope.
 */
export function scopeTokens(...parts: ReadonlyArray<string | readonly string[] | undefined>): string[] {
  const out: string[] = [];
  for (const part of parts) {
    for (const entry of typeof part === 'string' ? [part] : part ?? []) {
      for (const token of entry.split(/\s+/)) if (token && !out.includes(token)) out.push(token);
    }
  }
  return out;
}

/** Scope strings merged into one space-separated scope, no token twice. */
export function joinScopes(...parts: ReadonlyArray<string | readonly string[] | undefined>): string {
  return scopeTokens(...parts).join(' ');
}

/** The scopes of `wanted` this client may ask for at this target, space-separated, each once. */
export function scopeFor(target: Target, client: TargetClient, wanted: readonly string[]): string {
  const allowed = client.scope === undefined ? undefined : scopeTokens(client.scope);
  const supported = target.capabilities.scopes;
  return scopeTokens(wanted).filter((s) => (!allowed || allowed.includes(s)) && (supported.length === 0 || supported.includes(s))).join(' ');
}

/**
 * The scope the protected resource (Target.resourceServer) needs: `options.resourceScope` of
 * the target config, else "api:read" (the reference resource server's read scope).
 */
export function resourceScope(target: Target): string {
  const configured = target.options.resourceScope;
  return typeof configured === 'string' && configured.trim() ? joinScopes(configured) : 'api:read';
}

/**
 * Scopes for a grant that should come with a refresh token: offline_access when the target
 * and client have it (OIDC Core §11), plus `wanted`. `prompt` is "consent" when offline_access
 * is asked for, since OIDC Core §11 makes the OP ignore offline_access otherwise.
 */
export function offlineScope(target: Target, client: TargetClient, wanted: readonly string[]): { scope: string; prompt?: string } {
  const scope = scopeFor(target, client, [...wanted, 'offline_access']);
  return hasScope(scope, 'offline_access') ? { scope, prompt: 'consent' } : { scope };
}

/** Whether a space-separated scope string has `scope`. */
export function hasScope(scopes: string | undefined, scope: string): boolean {
  return (scopes ?? '').split(/\s+/).includes(scope);
}
