/** Proofs of the faults in reference-server/config/faults/logout.ts: each fails (or warns) its check of the logout flow, on its arrow. */
import type { FaultProof } from '../support/catalogue.ts';

const flows = ['logout'] as const;

export const logoutProofs: FaultProof[] = [
  {
    fault: 'postLogoutUriNotChecked',
    flows,
    expected: [{
      id: 'logout/unregistered-logout-redirect/unregistered-post-logout-uri-not-redirected',
      step: 'Sends the user to log out with an unregistered post_logout_redirect_uri',
      detail: /^expected no redirect to \S+nauthera-unregistered-[\w-]+, the browser was sent to/,
    }],
  },
  {
    fault: 'logoutStateDropped',
    flows,
    expected: [{
      id: 'logout/post-logout-redirect/post-logout-redirect-with-state',
      step: 'Redirects to the post_logout_redirect_uri with state',
      detail: /^state: the value sent did not come back/,
      status: 'warning',
    }],
  },
  {
    fault: 'logoutKeepsSession',
    flows,
    expected: [{
      id: 'logout/session-ended/session-ended',
      step: 'Asks again with prompt=none',
      detail: /^after the logout, prompt=none got a response with code/,
      status: 'warning',
    }],
  },
];
