/**
 * Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive scope tokens made of
 * %x21 / %x23-5B / %x5D-7E.
 */
import { InvalidScope } from './errors.ts';

const scopeToken = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  for (const token of tokens) if (!scopeToken.test(token)) throw new InvalidScope('scope contains characters RFC 6749 §3.3 does not allow');
  return [...new Set(tokens)];
}

export function formatScope(scopes: Iterable<string>): string {
  return [...scopes].join(' ');
}

/** Scopes that only make sense with an end-user present. */
export const userScopes = new Set(['openid', 'profile', 'email', 'groups', 'offline_access']);
