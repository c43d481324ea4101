/**
 * response_mode (OAuth 2.0 Multiple Response Type Encoding Practices §2.1): one the server
 * supports, and never query for a response that carries tokens (§5). Runs before the
 * response_type check so that its error already goes back the right way.
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { InvalidRequest } from '../../errors.ts';
import { defaultResponseMode, responseModes } from '../response-modes.ts';

export function checkResponseMode(request: AuthorizationRequest, provider: Provider): void {
  let responseType: string | undefined;
  try {
    responseType = request.params.get('response_type');
  } catch {
    responseType = undefined;
  }
  request.responseMode = defaultResponseMode(responseType);
  const mode = request.params.get('response_mode');
  if (mode === undefined) return;
  if (!Object.hasOwn(responseModes, mode)) throw new InvalidRequest('response_mode is not supported');
  // FAULT queryModeForTokens (config/faults.ts, only to prove the harness): tokens may be sent in the query.
  if (mode === 'query' && request.responseMode !== 'query' && !provider.config.faults.queryModeForTokens) throw new InvalidRequest('response_mode query cannot carry tokens');
  request.responseMode = mode;
}
