/**
 * Resource indicators (RFC 8707 §2): the protected resource a token is asked for. A value MUST be
 * an absolute URI without a fragment; this authorization server issues tokens for its resource
 * server only, under either of its identifiers (its audience, and the URL of its protected
 * resource, which its RFC 9728 metadata names), and refuses anything else with invalid_target.
 */
import type { Provider } from './provider.ts';
import { InvalidTarget } from './errors.ts';

/** The resource a request names, checked, or undefined when it names none. */
export function acceptResource(provider: Provider, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || value.includes('#')) throw new InvalidTarget('resource must be an absolute URI without a fragment (RFC 8707 §2)');
  const known = provider.resourceIdentifiers.find((id) => id.replace(/\/$/, '') === value.replace(/\/$/, ''));
  // FAULT unknownResourceAccepted (config/faults.ts, only to prove the harness): any resource is taken, and the token is the resource server's.
  if (!known && provider.config.faults.unknownResourceAccepted) return undefined;
  if (!known) throw new InvalidTarget('the authorization server does not issue tokens for this resource');
  return value;
}
