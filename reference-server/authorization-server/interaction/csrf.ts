/**
 * CSRF protection of the login, consent and consent-management forms: a random token kept
 * server-side (in the interaction or the session) and sent in a hidden field, compared in
 * constant time. The record itself is found through a signed cookie, so a forged cross-site
 * POST lacks one or the other.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function csrfMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
