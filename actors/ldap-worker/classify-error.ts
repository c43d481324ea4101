/**
 * Turns what ldapts or node throws into the worker's named errors, so a caller can tell a
 * wrong password from an unknown group from a dead server. ldapts messages never hold the
 * bind password, and none of these classes print it.
 */
import { InvalidCredentialsError, InvalidDNSyntaxError, NoSuchObjectError, ResultCodeError } from 'ldapts';
import {
  InvalidDnError, LdapInvalidCredentialsError, LdapOperationError, LdapTimeoutError, LdapTlsError,
  LdapUnreachableError, LdapWorkerError, UnknownGroupDnError,
} from './errors.ts';
import type { LdapWorkerUrl } from './url.ts';

export type WorkerOperation = 'connect' | 'starttls' | 'bind' | 'schema' | 'search';

const unreachableCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

function isTlsFailure(error: NodeJS.ErrnoException): boolean {
  const code = error.code ?? '';
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_)/.test(code) || /SSL routines|certificate|TLS/i.test(error.message);
}

export function classifyError(error: unknown, operation: WorkerOperation, url: LdapWorkerUrl, subject?: string): LdapWorkerError {
  if (error instanceof LdapWorkerError) return error;
  const server = url.serverUrl;
  if (error instanceof InvalidCredentialsError) return new LdapInvalidCredentialsError(url.user ?? '');
  if (error instanceof ResultCodeError) {
    if (operation === 'search' && error instanceof NoSuchObjectError) return new UnknownGroupDnError(subject ?? '');
    if (operation === 'search' && error instanceof InvalidDNSyntaxError) return new InvalidDnError(subject ?? '', 'the server rejected its syntax (invalidDNSyntax)');
    // StartTLS refused: protocolError (extended op unknown) or unavailable ("TLS not configured"), RFC 4511 §4.14.2.
    if (operation === 'starttls') return new LdapTlsError(server, `StartTLS refused: ${error.message} (result code ${error.code})`);
    return new LdapOperationError(operation, `${error.name.replace(/Error$/, '')} (result code ${error.code}): ${error.message}`);
  }
  const err: NodeJS.ErrnoException = error instanceof Error ? error : new Error(String(error));
  if (/Operation timed out/.test(err.message)) return new LdapTimeoutError(operation, url.timeoutMs);
  if (err.message === 'Connection timeout') return new LdapUnreachableError(server, `no connection within ${url.timeoutMs} ms`);
  if (err.code && unreachableCodes.has(err.code)) return new LdapUnreachableError(server, `${err.code}${err.message.includes(err.code) ? '' : ` (${err.message})`}`);
  if ((url.tls || operation === 'starttls') && isTlsFailure(err)) return new LdapTlsError(server, err.code ? `${err.code}: ${err.message}` : err.message);
  if (err.code === 'ECONNRESET' || /Connection closed|Socket/.test(err.message)) {
    return operation === 'connect' || operation === 'starttls'
      ? new LdapUnreachableError(server, `connection closed (${err.message.split('\n')[0]})`)
      : new LdapOperationError(operation, `connection closed by the server (${err.message.split('\n')[0]})`);
  }
  return new LdapOperationError(operation, err.message.split('\n')[0]);
}
