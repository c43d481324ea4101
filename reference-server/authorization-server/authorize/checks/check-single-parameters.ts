/** RFC 6749 §3.1: request parameters MUST NOT be included more than once. */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkSingleParameters(request: AuthorizationRequest): void {
  const repeated = request.params.firstRepeated();
  if (repeated !== undefined) throw new InvalidRequest(`parameter "${repeated.slice(0, 64)}" is included more than once`);
}
