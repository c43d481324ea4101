/** client_id names a registered client (RFC 6749 §4.1.1). Failing here shows an error page. */
import type { Provider } from '../../provider.ts';
import type { AuthorizationRequest } from '../request.ts';
import { UnverifiedAuthorizationRequest } from '../../errors.ts';

export async function checkClient(request: AuthorizationRequest, provider: Provider): Promise<void> {
  let clientId: string | undefined;
  try {
    clientId = request.params.get('client_id');
  } catch {
    throw new UnverifiedAuthorizationRequest('invalid_request', 'client_id is included more than once');
  }
  if (!clientId) throw new UnverifiedAuthorizationRequest('invalid_request', 'client_id is missing');
  const client = await provider.clients.find(clientId);
  if (!client) throw new UnverifiedAuthorizationRequest('invalid_client', 'the client_id is not registered');
  if (client.responseTypes.length === 0) throw new UnverifiedAuthorizationRequest('unauthorized_client', 'the client may not use the authorization endpoint');
  request.client = client;
}
