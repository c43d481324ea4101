/** Faults of the end-session endpoint (OIDC RP-Initiated Logout 1.0; see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const logoutFaults = {
  postLogoutUriNotChecked: 'any post_logout_redirect_uri is redirected to, registered or not (breaks OIDC RP-Initiated Logout 1.0 §3, §4)',
  logoutStateDropped: 'the post-logout redirection leaves out state (breaks OIDC RP-Initiated Logout 1.0 §2, a warning)',
  logoutKeepsSession: 'the end-session endpoint redirects back but the session stays (breaks OIDC RP-Initiated Logout 1.0 §2, a warning)',
} as const;
