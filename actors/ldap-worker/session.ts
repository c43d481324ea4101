/**
 * One LDAP session for one worker pass: connect (ldap://, ldaps:// or StartTLS), bind, and
 * always close. Every step has a deadline, and close() destroys every socket the session
 * opened: ldapts keeps its socket open after a failed bind, and a TLS handshake has no timer.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { Client } from 'ldapts';
import { classifyError, type WorkerOperation } from './classify-error.ts';
import { LdapTimeoutError, LdapTlsError } from './errors.ts';
import type { LdapWorkerUrl } from './url.ts';

export interface LdapSession {
  client: Client;
  /** Runs one step with the URL's timeout as a hard deadline, mapping failures to named errors. */
  step<T>(operation: WorkerOperation, run: () => Promise<T>, subject?: string): Promise<T>;
  close(): Promise<void>;
}

export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(onTimeout()), ms); });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function tlsOptionsFor(url: LdapWorkerUrl): Promise<ConnectionOptions> {
  // host: the name the certificate must match (tls.connect would check "localhost" on a StartTLS upgrade).
  const options: ConnectionOptions = { host: url.host };
  // SNI only for names (RFC 6066 §3 forbids IP literals); the certificate check still covers IPs.
  if (!isIP(url.host)) options.servername = url.host;
  if (url.caFile !== undefined) {
    try {
      options.ca = await readFile(url.caFile);
    } catch (error) {
      throw new LdapTlsError(url.serverUrl, `cannot read CA file ${url.caFile}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  }
  return options;
}

export async function openSession(url: LdapWorkerUrl): Promise<LdapSession> {
  const sockets = new Set<Socket | TLSSocket>();
  const track = <S extends Socket | TLSSocket>(socket: S): S => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const tlsOptions = url.tls ? await tlsOptionsFor(url) : {};
  const client = new Client({
    url: url.serverUrl,
    timeout: url.timeoutMs,
    connectTimeout: url.timeoutMs,
    // Only for ldaps://: ldapts 8 breaks a StartTLS upgrade when tlsOptions are also given here.
    ...(url.scheme === 'ldaps' ? { tlsOptions } : {}),
    createConnection: ((...args: Parameters<typeof netConnect>) => track(netConnect(...args))) as typeof netConnect,
    createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => track(tlsConnect(...args))) as typeof tlsConnect,
  });

  const step = async <T>(operation: WorkerOperation, run: () => Promise<T>, subject?: string): Promise<T> => {
    try {
      // ldapts times each message; the extra deadline also covers TLS handshakes and connects.
      return await withDeadline(run(), url.timeoutMs + 1000, () => new LdapTimeoutError(operation, url.timeoutMs));
    } catch (error) {
      throw classifyError(error, operation, url, subject);
    }
  };

  const close = async (): Promise<void> => {
    await withDeadline(client.unbind(), 1000, () => new Error('unbind timed out')).catch(() => {});
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  try {
    if (url.startTLS) await step('starttls', () => client.startTLS(tlsOptions));
    const password = url.revealPassword();
    if (url.user !== undefined && password !== undefined) await step('bind', () => client.bind(url.user!, password));
  } catch (error) {
    await close();
    throw error;
  }
  return { client, step, close };
}
