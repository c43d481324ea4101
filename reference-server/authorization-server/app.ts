/**
 * The authorization server as a Koa app: the error middleware outermost, security headers,
 * then every endpoint module's routes. The discovery document is assembled from what each
 * endpoint contributes, so it always matches what is mounted.
 */
import Koa from 'koa';
import Router from '@koa/router';
import type { Endpoint } from './endpoints/endpoint.ts';
import type { Provider } from './provider.ts';
import { errorHandler } from './http/error-handler.ts';
import { securityHeaders } from './http/security-headers.ts';
import { discovery } from './endpoints/discovery.ts';
import { jwks } from './endpoints/jwks.ts';
import { authorize } from './endpoints/authorize.ts';
import { interactionPage } from './endpoints/interaction-page.ts';
import { login } from './endpoints/login.ts';
import { consent } from './endpoints/consent.ts';
import { accountConsents } from './endpoints/account-consents.ts';
import { token } from './endpoints/token.ts';
import { userinfo } from './endpoints/userinfo.ts';
import { introspect } from './endpoints/introspect.ts';
import { revoke } from './endpoints/revoke.ts';
import { par } from './endpoints/par.ts';
import { deviceAuthorization } from './endpoints/device-authorization.ts';
import { deviceVerification } from './endpoints/device-verification.ts';
import { registration } from './endpoints/registration.ts';
import { endSessionEndpoint } from './endpoints/end-session.ts';

export const endpoints: Endpoint[] = [
  discovery, jwks, authorize, interactionPage, login, consent, accountConsents, token, userinfo, introspect, revoke,
  par, deviceAuthorization, deviceVerification, registration, endSessionEndpoint,
];

export function createAuthorizationServer(provider: Provider, cookieKeys: string[]): Koa {
  const app = new Koa({ keys: cookieKeys });
  // Errors are rendered and logged by errorHandler; Koa's own logger would print stacks.
  app.silent = true;
  const router = new Router();
  for (const endpoint of endpoints) endpoint.register(router, provider);
  provider.metadata = Object.assign({}, ...endpoints.map((e) => e.metadata?.(provider) ?? {}));
  app.use(errorHandler());
  app.use(securityHeaders);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
