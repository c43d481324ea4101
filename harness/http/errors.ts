import type { HttpEvidence } from '../results/model.ts';

/** No HTTP response came back: connection refused, timeout, DNS, TLS. Carries the recorded exchange. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(message: string, readonly evidence: HttpEvidence) {
    super(message);
  }
}

const byCode: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UND_ERR_SOCKET: 'the server closed the connection',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate (set tls.insecure or tls.caFile in the config)',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain (set tls.caFile in the config)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified (set tls.caFile in the config)',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name this host',
};

/** One short sentence for a network failure, looking through undici's cause chains and AggregateErrors. */
export function describeNetworkError(error: unknown): string {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && byCode[code]) {
      const address = (e as { address?: string; port?: number }).address;
      const port = (e as { port?: number }).port;
      return address ? `${byCode[code]} (${address}${port ? `:${port}` : ''})` : byCode[code];
    }
    if ('cause' in e) queue.push((e as { cause?: unknown }).cause);
    if ('errors' in e && Array.isArray((e as { errors?: unknown }).errors)) queue.push(...(e as { errors: unknown[] }).errors);
  }
  return error instanceof Error ? error.message : String(error);
}
