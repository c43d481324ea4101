/**
 * How long a registered client is kept.
 *
 * With an initial access token (RFC 7591 §3), whoever registers was let in by the operator: the
 * client and its registration access token are kept registrationLifetimeSeconds (365 days).
 *
 * Open registration lets anyone make the server keep a client (RFC 7591 §3 allows it and adds
 * that such requests MAY be rate-limited "to prevent a denial-of-service attack"; §5 has the
 * server treat all of it as self-asserted). So an anonymous client is kept only while it is used:
 * registration.unusedClientTtl seconds (default 24 h) after its last use at /authorize, at client
 * authentication or at its registration_client_uri, it is gone, with its registration access
 * token (RFC 7592 §2.1: a client that no longer exists gets 401 at management). A use renews
 * both, written at most once per renewEvery so that a use does not write every time. How fast
 * anonymous clients may be made is registration/rate-limits.ts.
 */
import type { Provider } from '../provider.ts';
import type { ClientLease } from '../clients.ts';

/** How long a client registered with the initial access token is kept, seconds. */
export const registrationLifetimeSeconds = 365 * 24 * 3600;

export interface RegistrationTerms {
  /** The TTL of the client and of its registration access token. */
  ttl: number;
  /** Present for an anonymous client: renewed by each use. */
  lease?: ClientLease;
}

/** tokenId: the stored id of the client's registration access token, renewed with the client. */
export function registrationTerms(provider: Provider, anonymous: boolean, tokenId: string): RegistrationTerms {
  if (!anonymous) return { ttl: registrationLifetimeSeconds };
  const ttl = provider.config.registration.unusedClientTtl;
  // An hour between writes for the default day; a quarter of the lifetime when that is shorter.
  const renewEvery = Math.max(1, Math.min(3600, Math.floor(ttl / 4)));
  return { ttl, lease: { ttl, renewEvery, alongWith: [{ model: 'RegistrationAccessToken', id: tokenId }] } };
}
