/**
 * Usernames that a sign-in backed by an LDAP search must not turn into another user (RFC 4515
 * §3: in an assertion value, `*`, `(`, `)`, `\` and NUL are written as `\XX`). Each is built
 * from a real username so that, put into the filter unescaped, it matches exactly that user:
 *   wildcard      `alic*`                      a substring filter matching alice
 *   filter-close  `alice)(objectClass=top`     closes the assertion and adds one every entry meets
 *                                              (no `*`: a server that escapes only `*` must not pass)
 *   hex-escape    `\61lice`                    the filter escape of "a": equality with alice
 * Typed with that user's password, an escaping server finds no such user and refuses the
 * sign-in; a server that does not escape signs the user in. (NUL cannot be typed in a form.)
 */
export type InjectionKind = 'wildcard' | 'filter-close' | 'hex-escape';

export const injectionKinds: readonly InjectionKind[] = ['wildcard', 'filter-close', 'hex-escape'];

export function injectedUsername(kind: InjectionKind, username: string): string {
  switch (kind) {
    case 'wildcard':
      return `${username.slice(0, Math.max(1, username.length - 1))}*`;
    case 'filter-close':
      return `${username})(objectClass=top`;
    case 'hex-escape':
      return `\\${username.charCodeAt(0).toString(16).padStart(2, '0')}${username.slice(1)}`;
  }
}
