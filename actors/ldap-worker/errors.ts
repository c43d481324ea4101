/**
 * The worker's typed errors: one class per fault, each naming it without ever holding the
 * password. `exitCode` follows the CLI convention (2: bad input or config, 1: a failed run).
 */
export abstract class LdapWorkerError extends Error {
  abstract readonly exitCode: number;
}

/** The JDBC-like URL breaks the grammar in README "LDAP fixture and worker". Message shows the URL masked. */
export class MalformedLdapUrlError extends LdapWorkerError {
  override name = 'MalformedLdapUrlError';
  readonly exitCode = 2;
  constructor(readonly maskedUrl: string, readonly reason: string) {
    super(`malformed LDAP URL ${maskedUrl}: ${reason}`);
  }
}

/** A group DN (or the URL's base DN) is not an RFC 4514 DN, or lies outside the base DN. */
export class InvalidDnError extends LdapWorkerError {
  override name = 'InvalidDnError';
  readonly exitCode = 2;
  constructor(readonly dn: string, readonly reason: string) {
    super(`invalid DN "${dn}": ${reason}`);
  }
}

/** The server answered invalidCredentials (49) to the simple bind (RFC 4511 §4.2.2). */
export class LdapInvalidCredentialsError extends LdapWorkerError {
  override name = 'LdapInvalidCredentialsError';
  readonly exitCode = 2;
  constructor(readonly user: string) {
    super(`bind as "${user}" refused: invalid credentials (wrong password or unknown user)`);
  }
}

/** A selected group DN does not exist, or is not visible to the bound user (noSuchObject, 32). */
export class UnknownGroupDnError extends LdapWorkerError {
  override name = 'UnknownGroupDnError';
  readonly exitCode = 2;
  constructor(readonly dn: string) {
    super(`group "${dn}" does not exist (noSuchObject), or the bound user cannot see it`);
  }
}

/** An attribute OID is not a numeric OID, or the server's schema does not define it. */
export class UnknownOidError extends LdapWorkerError {
  override name = 'UnknownOidError';
  readonly exitCode = 2;
  constructor(readonly oids: string[], readonly reason: string) {
    super(`unknown attribute OID${oids.length > 1 ? 's' : ''} ${oids.join(', ')}: ${reason}`);
  }
}

/** No TCP (or TLS) connection: refused, no route, unknown host, or the connect timeout passed. */
export class LdapUnreachableError extends LdapWorkerError {
  override name = 'LdapUnreachableError';
  readonly exitCode = 2;
  constructor(readonly server: string, readonly reason: string) {
    super(`LDAP server ${server} unreachable: ${reason}`);
  }
}

/** StartTLS was refused or the TLS handshake failed (untrusted certificate, wrong host name...). */
export class LdapTlsError extends LdapWorkerError {
  override name = 'LdapTlsError';
  readonly exitCode = 2;
  constructor(readonly server: string, readonly reason: string) {
    super(`TLS with ${server} failed: ${reason}`);
  }
}

/** The server accepted the connection but did not answer in time. */
export class LdapTimeoutError extends LdapWorkerError {
  override name = 'LdapTimeoutError';
  readonly exitCode = 1;
  constructor(readonly operation: string, readonly timeoutMs: number) {
    super(`LDAP ${operation} got no answer within ${timeoutMs} ms`);
  }
}

/** Any other LDAP result code (insufficientAccessRights, busy...), with its name. */
export class LdapOperationError extends LdapWorkerError {
  override name = 'LdapOperationError';
  readonly exitCode = 1;
  constructor(readonly operation: string, readonly reason: string) {
    super(`LDAP ${operation} failed: ${reason}`);
  }
}
