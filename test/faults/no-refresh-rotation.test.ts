/**
 * Fault noRefreshRotation: a refresh gives the same refresh token back, and it stays valid
 * (RFC 9700 §4.14.2). refresh-token's client is public, so rotation is a MUST and its check a
 * failure; the reuse-detection check after it becomes not applicable (nothing was refused).
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('noRefreshRotation', {
  flows: flowsUsing.refreshTokens,
  expected: [{
    id: 'refresh-token/h-new-tokens/refresh-token-rotated-old-one-refused',
    step: '(H) Access Token & Optional Refresh Token',
    detail: /^new refresh_token: expected not "[^"]+", got "[^"]+"$/,
  }],
});
