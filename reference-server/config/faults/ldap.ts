/** Faults of the LDAP parts: sign-in, consent groups and the LDAP worker (RFC 4514, RFC 4515) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const ldapFaults = {
  ldapFilterWildcardUnescaped: 'the sign-in search leaves * unescaped in the username, so "alic*" with alice\'s password signs alice in (breaks RFC 4515 §3)',
  ldapFilterParensUnescaped: 'the sign-in search leaves ( and ) unescaped in the username, so "alice)(objectClass=top" signs alice in (breaks RFC 4515 §3)',
  ldapFilterBackslashUnescaped: 'the sign-in search leaves \\ unescaped in the username, so "\\61lice" signs alice in (breaks RFC 4515 §3)',
  ldapFilterDoubleEscaped: 'the sign-in search escapes the username twice, so a username holding * ( ) \\ never finds its own entry (breaks RFC 4515 §3)',
  consentMembershipCached: 'the consent group membership of a user is read once and kept, so a user taken out of the group still consents (breaks RFC 6749 §4.1.2.1)',
  workerUnescapesDnValues: 'the LDAP group worker decodes the hex escapes of the values it reads, so member DNs lose their RFC 4514 escaping and escaped-DN members cannot consent (breaks RFC 4514 §2.4)',
} as const;
