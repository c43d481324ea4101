/**
 * prompt (OIDC Core §3.1.2.1): none, login, consent, select_account; none alone. An unknown
 * value is an invalid_request.
 */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidRequest } from '../../errors.ts';

const known = new Set(['none', 'login', 'consent', 'select_account']);

export function checkPrompt(request: AuthorizationRequest): void {
  const values = (request.params.get('prompt') ?? '').split(' ').filter((v) => v !== '');
  for (const value of values) if (!known.has(value)) throw new InvalidRequest(`prompt value "${value.slice(0, 32)}" is not supported`);
  const prompt = new Set(values);
  if (prompt.has('none') && prompt.size > 1) throw new InvalidRequest('prompt=none cannot be combined with other values');
  request.prompt = prompt;
}
