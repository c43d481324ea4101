/** The grant types /token serves, one module each. */
import type { GrantHandler } from './grant.ts';
import { authorizationCode } from './authorization-code.ts';
import { refreshToken } from './refresh-token.ts';
import { clientCredentials } from './client-credentials.ts';
import { deviceCode } from './device-code.ts';
import { deviceCodeGrantType } from '../device/device-code.ts';
import { tokenExchange, tokenExchangeGrantType } from './token-exchange.ts';

export const grantHandlers: Record<string, GrantHandler> = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  client_credentials: clientCredentials,
  [deviceCodeGrantType]: deviceCode,
  [tokenExchangeGrantType]: tokenExchange,
};
