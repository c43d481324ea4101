/**
 * Which scope a suite asks for: the scopes it prefers that the client may use (its `scope` in
 * the target config) and the server lists (scopes_supported), so one suite runs unchanged on
 * IdPs with different scope vocabularies (RFC 6749 §3.3).
 */
import type { Target, TargetClient } from '../../harness/flow/index.ts';

/**
 * The preferred scopes the client is allowed and the server knows (either list may be absent:
 * then it does not narrow). When none of the preferred ones is left, the client's own scope.
 * undefined means: send no scope parameter.
 */
export function requestedScope(target: Target, client: TargetClient, preferred: string[]): string | undefined {
  const allowed = client.scope?.split(' ').filter(Boolean);
  const known = target.capabilities.scopes;
  const picked = preferred.filter((s) => (!allowed || allowed.includes(s)) && (known.length === 0 || known.includes(s)));
  if (picked.length > 0) return picked.join(' ');
  return client.scope || undefined;
}
