/**
 * The authorization request pipeline, in order. The first list decides whether the client
 * and its redirect_uri can be trusted; an error there is shown as a page. After it, errors
 * go back to the client's redirect_uri (RFC 6749 §4.1.2.1). A new check (such as PAR's
 * request_uri) is one more entry in the list it belongs to.
 */
import type { Provider } from '../../provider.ts';
import type { AuthorizationRequest } from '../request.ts';
import { checkClient } from './check-client.ts';
import { checkRedirectUri } from './check-redirect-uri.ts';
import { checkState } from './check-state.ts';
import { checkSingleParameters } from './check-single-parameters.ts';
import { checkResponseMode } from './check-response-mode.ts';
import { checkResponseType } from './check-response-type.ts';
import { checkRequestObject } from './check-request-object.ts';
import { checkSignedRequestObject } from './check-signed-request-object.ts';
import { checkScope } from './check-scope.ts';
import { checkPkce } from './check-pkce.ts';
import { checkNonce } from './check-nonce.ts';
import { checkPrompt } from './check-prompt.ts';
import { checkMaxAge } from './check-max-age.ts';
import { checkLoginHint } from './check-login-hint.ts';
import { checkPushedRequest } from './check-pushed-request.ts';
import { checkPushedRequired } from './check-pushed-required.ts';
import { checkIdTokenScope } from './check-id-token-scope.ts';
import { checkResource } from './check-resource.ts';

export type AuthorizationCheck = (request: AuthorizationRequest, provider: Provider) => void | Promise<void>;

/** Errors here are never redirected. */
export const clientChecks: AuthorizationCheck[] = [checkClient, checkPushedRequest, checkRequestObject, checkRedirectUri];

/** Errors here are redirected to the verified redirect_uri, with state and iss. */
export const requestChecks: AuthorizationCheck[] = [
  checkState,
  checkResponseMode,
  checkSingleParameters,
  checkSignedRequestObject,
  checkPushedRequired,
  checkResponseType,
  checkScope,
  checkIdTokenScope,
  checkPkce,
  checkNonce,
  checkPrompt,
  checkMaxAge,
  checkLoginHint,
  checkResource,
];
