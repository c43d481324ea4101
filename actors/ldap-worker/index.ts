/**
 * The LDAP group worker (the "ldap worker" diagram): reads preconfigured attribute OIDs of
 * selected group DNs through a JDBC-like LDAP URL, keyed by OID, and hands them to a processor.
 */
export { runOnce, runEvery, nextDelay } from './schedule.ts';
export type { LdapGroupProcessor, RunEveryOptions, WorkerSchedule } from './schedule.ts';
export { readGroupAttributes } from './read-groups.ts';
export type { GroupAttributes, LdapWorkerResult, LdapWorkerConfig, LdapWorkerObserver } from './read-groups.ts';
export { parseLdapWorkerUrl, formatLdapWorkerUrl, maskPassword, percentEncode, LdapWorkerUrl, defaultTimeoutMs } from './url.ts';
export type { LdapWorkerUrlParts, LdapScheme } from './url.ts';
export {
  LdapWorkerError, MalformedLdapUrlError, InvalidDnError, LdapInvalidCredentialsError, UnknownGroupDnError,
  UnknownOidError, LdapUnreachableError, LdapTlsError, LdapTimeoutError, LdapOperationError,
} from './errors.ts';
export { builtInAttributeTypes, AttributeSchema } from './attribute-schema.ts';
export { parseDN, isUnder, isDN } from './dn-syntax.ts';
