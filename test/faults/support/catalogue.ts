/**
 * The fault catalogue's shape: for each fault of reference-server/config/faults/, the flows
 * that can see it and exactly the checks a run must fail because of it (test/faults/proofs/).
 */
import type { FaultName } from '../../../reference-server/config/faults.ts';

/** The eleven flows of docs/design.md, and those drawn beyond the seeds (discovery, token-exchange, protected-resource). */
export const allFlows = [
  'authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token',
  'client-credentials', 'device-code', 'implicit', 'hybrid', 'registered-app-jwt', 'ldap-worker', 'discovery', 'token-exchange', 'protected-resource', 'dpop', 'logout', 'jar',
] as const;
export type FlowId = (typeof allFlows)[number];

/**
 * Flows by the server mechanism they drive. A fault can only change what a flow sees through
 * the mechanism it sits in, so each fault runs the flows that use its mechanism
 * (NAUTHERA_FAULTS_ALL_FLOWS=1 runs them all). ldap-worker talks to the directory only.
 */
export const flowsUsing = {
  /** The browser goes to the authorization endpoint (directly, or with a pushed request). */
  authorizationEndpoint: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'implicit', 'hybrid', 'registered-app-jwt'],
  /** A code is exchanged at the token endpoint (with PKCE where the client uses it). */
  codeExchange: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'hybrid', 'registered-app-jwt'],
  /** The token endpoint answers (any grant). */
  tokenEndpoint: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'client-credentials', 'device-code', 'hybrid', 'registered-app-jwt'],
  /** ID tokens are minted (authorization and token endpoints, device grant). */
  idTokens: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'implicit', 'hybrid', 'registered-app-jwt', 'device-code'],
  /** Refresh tokens are issued and may be used (code and device grants). */
  refreshTokens: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'hybrid', 'registered-app-jwt', 'device-code'],
  /** Clients authenticate with a client assertion (private_key_jwt): only the service-jwt client, used by client-credentials. */
  clientAssertions: ['client-credentials'],
  /** A client calls the reference resource server (RFC 6750), with or without a token. */
  resourceServer: ['authorization-code', 'pushed-authorization', 'refresh-token', 'client-credentials', 'implicit', 'registered-app-jwt', 'token-exchange', 'protected-resource', 'dpop'],
  /** A user signs in through the LDAP-backed login page. */
  signIn: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'implicit', 'hybrid', 'registered-app-jwt', 'device-code'],
} satisfies Record<string, FlowId[]>;

export interface ExpectedFailure {
  /** The check's id, `<flow>/<step key>/<check key>` (nauthera checks lists them). */
  id: string;
  /** The arrow's text, as in the diagram: the check must fail on this arrow. */
  step: string;
  /** What the failure must say: it failed for the fault's reason, not another. */
  detail: RegExp;
  /** How often the check fails in the step (a step may check several responses under one name; default 1). */
  times?: number;
  /** 'warning' for a fault that breaks a SHOULD: the check must end as a warning (default 'failed'). */
  status?: 'failed' | 'warning';
}

export interface FaultProof {
  fault: FaultName;
  /** The flows that use the fault's mechanism (flowsUsing): each must fail exactly `expected` and nothing else. */
  flows: readonly FlowId[];
  /** The checks the fault fails, each on its arrow. Every one must be soft: nothing later is skipped. */
  expected: ExpectedFailure[];
  /** A fault that cannot share a run with another (it changes what every flow sees). */
  alone?: boolean;
  /**
   * Faults of one group change the same mechanism (redirect_uri matching, the ID token's
   * claims, the front-channel hashes): together they would break more than each alone, so
   * no two of a group share a run.
   */
  group?: string;
  /**
   * The expected failure is one a later arrow needs (a flow's actor refuses what it read), so
   * the arrows after it in that flow are skipped, naming it.
   */
  stops?: boolean;
}

export const flowOf = (e: ExpectedFailure) => e.id.split('/')[0] as FlowId;
/** How a failed check is named in a proof's comparison: "arrow › id [status]". */
export const keyOf = (e: ExpectedFailure) => `${e.step} › ${e.id} [${e.status ?? 'failed'}]`;
export const keysOf = (list: ExpectedFailure[]) => list.flatMap((e) => Array<string>(e.times ?? 1).fill(keyOf(e)));
