/**
 * A Request Object passed by reference (RFC 9101 §5.2): the AS fetches it with a GET (§5.2.3).
 * Fetching a URL a request names is a server-side request an attacker could aim anywhere, so
 * (§10.4.1) only a request_uri the client registered is fetched (OIDC Registration §2
 * request_uris, compared without the fragment the client may add), with a short timeout, a size
 * limit and no redirects followed; the media type SHOULD be application/oauth-authz-req+jwt.
 */
import type { Client } from '../clients.ts';
import type { Provider } from '../provider.ts';
import { InvalidRequestUri } from '../errors.ts';

const timeoutMs = 5_000;
const maxBytes = 64 * 1024;
const mediaTypes = ['application/oauth-authz-req+jwt', 'application/jwt'];

export async function fetchRequestObject(requestUri: string, client: Client, provider: Provider): Promise<string> {
  const withoutFragment = requestUri.split('#')[0]!;
  const registered = (client.requestUris ?? []).some((uri) => uri.split('#')[0] === withoutFragment);
  // FAULT requestUriRefused (config/faults.ts, only to prove the harness): no request_uri is ever fetched, registered or not.
  if (!registered || provider.config.faults.requestUriRefused) throw new InvalidRequestUri('the request_uri is not one the client registered (request_uris)');
  let res: Response;
  try {
    res = await fetch(withoutFragment, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: mediaTypes.join(', ') } });
  } catch (error) {
    throw new InvalidRequestUri(`the request_uri could not be fetched (${(error as Error).name === 'TimeoutError' ? 'no answer in time' : 'connection failed'})`);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new InvalidRequestUri(`the request_uri answered HTTP ${res.status}`);
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!mediaTypes.includes(type)) {
    await res.body?.cancel();
    throw new InvalidRequestUri(`the request_uri answered ${type || 'no content type'}, not application/oauth-authz-req+jwt`);
  }
  try {
    return (await readLimited(res)).trim();
  } catch (error) {
    if (error instanceof InvalidRequestUri) throw error;
    throw new InvalidRequestUri('the Request Object at the request_uri did not arrive in time');
  }
}

async function readLimited(res: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new InvalidRequestUri(`the Request Object at the request_uri is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
