/**
 * The client a flow runs the code flow with: the first of the given roles whose client may use
 * authorization_code (and passes `also`, when given), so that a target lacking one role is
 * served by the next.
 */
import type { ClientRole, Target, TargetClient } from '../../harness/flow/index.ts';

export function codeFlowClient(target: Target, roles: readonly ClientRole[], also: (client: TargetClient) => boolean = () => true): TargetClient | undefined {
  for (const role of roles) {
    const client = target.findClient(role);
    if (client?.grant_types.includes('authorization_code') && also(client)) return client;
  }
  return undefined;
}
