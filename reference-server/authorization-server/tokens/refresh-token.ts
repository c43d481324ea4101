/**
 * Refresh tokens: opaque, bound to a client and to a grant. The grant id is the token
 * family: rotation keeps it, and reuse of a rotated token revokes the whole family
 * (RFC 9700 §4.14.2). `scope` is what was granted, the ceiling for any refresh.
 */
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import { randomToken } from './random.ts';

export interface RefreshTokenRecord extends StoredPayload {
  clientId: string;
  sub: string;
  accountDn: string;
  scope: string;
  grantId: string;
  authTime: number;
  iat: number;
  /** Absolute end of the family: rotation never extends it. */
  familyExp: number;
  /** RFC 9449 §5: the DPoP key (JWK thumbprint) a public client's refresh token is bound to. */
  jkt?: string;
}

export async function issueRefreshToken(
  provider: Provider,
  input: { clientId: string; sub: string; accountDn: string; scope: string; grantId: string; authTime: number; familyExp?: number; jkt?: string },
): Promise<string> {
  const iat = provider.now();
  const familyExp = input.familyExp ?? iat + provider.config.ttl.refreshToken;
  const value = randomToken();
  const record: RefreshTokenRecord = { ...input, iat, familyExp };
  await provider.storage.upsert('RefreshToken', value, record, Math.max(1, familyExp - iat));
  return value;
}
