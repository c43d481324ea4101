/** state is echoed in every response (RFC 6749 §4.1.2, §10.12); read first so errors carry it. */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkState(request: AuthorizationRequest): void {
  request.state = request.params.get('state');
  if (request.state !== undefined && request.state.length > 2048) {
    request.state = undefined;
    throw new InvalidRequest('state is longer than 2048 characters');
  }
}
