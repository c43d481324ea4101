/** login_hint (OIDC Core §3.1.2.1): prefills the username; a session for another user is not reused. */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkLoginHint(request: AuthorizationRequest): void {
  const hint = request.params.get('login_hint');
  if (hint !== undefined && hint.length > 256) throw new InvalidRequest('login_hint is longer than 256 characters');
  request.loginHint = hint;
}
