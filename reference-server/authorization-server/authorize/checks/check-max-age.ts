/** max_age (OIDC Core §3.1.2.1): seconds since the last active sign-in; 0 means sign in now. */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkMaxAge(request: AuthorizationRequest): void {
  const value = request.params.get('max_age');
  if (value === undefined) return;
  if (!/^\d{1,10}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative integer');
  request.maxAge = Number(value);
}
