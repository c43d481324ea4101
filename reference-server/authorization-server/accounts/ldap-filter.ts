/**
 * RFC 4515 §3: in a filter's assertion value, `*`, `(`, `)`, `\` and NUL must be written as
 * `\XX`. Without it a username like `*)(uid=*` would widen the search (LDAP injection).
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
