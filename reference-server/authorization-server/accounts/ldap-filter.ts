/**
 * RFC 4515 §3: in a filter's assertion value, `*`, `(`, `)`, `\` and NUL must be written as
 * `\XX`. Without it a username like `*)(uid=*` would widen the search (LDAP injection).
 */
import type { FaultsConfig } from '../../config/faults.ts';

export function escapeFilterValue(value: string, faults: FaultsConfig = {}): string {
  // FAULT ldapFilterWildcardUnescaped / ldapFilterParensUnescaped / ldapFilterBackslashUnescaped (config/faults.ts, only to prove the harness): one metacharacter is left as typed.
  const left = (faults.ldapFilterWildcardUnescaped ? '*' : '') + (faults.ldapFilterParensUnescaped ? '()' : '') + (faults.ldapFilterBackslashUnescaped ? '\\' : '');
  const escaped = value.replace(/[*()\\\u0000]/g, (c) => (left.includes(c) ? c : `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  // FAULT ldapFilterDoubleEscaped (config/faults.ts, only to prove the harness): the escaped value is escaped again.
  return faults.ldapFilterDoubleEscaped ? escapeFilterValue(escaped) : escaped;
}
