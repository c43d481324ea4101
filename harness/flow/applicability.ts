/**
 * Whether a flow applies to a target: the config's skipFlows, the flow's declared needs,
 * then its own applicable(). A flow that does not apply is "not-applicable" with the
 * reason, never a silent pass (docs/design.md).
 */
import { supportsResponseType } from '../target/capabilities.ts';
import type { Target } from '../target/model.ts';
import type { FlowDefinition, FlowNeeds } from './define.ts';

/** The reasons the target does not meet `needs` (empty when it does). */
export function unmetNeeds(needs: FlowNeeds, target: Target): string[] {
  const reasons: string[] = [];
  for (const role of needs.clients ?? []) {
    if (!target.findClient(role)) reasons.push(`the target has no client with role "${role}"`);
  }
  for (const role of needs.users ?? []) {
    if (!target.findUser(role)) reasons.push(`the target has no user with role "${role}"`);
  }
  for (const endpoint of needs.endpoints ?? []) {
    if (typeof target.metadata[endpoint] !== 'string') reasons.push(`the discovery metadata has no ${endpoint}`);
  }
  for (const grant of needs.grantTypes ?? []) {
    if (!target.capabilities.grantTypes.includes(grant)) reasons.push(`grant_types_supported does not list ${grant}`);
  }
  for (const type of needs.responseTypes ?? []) {
    if (!supportsResponseType(target.capabilities, type)) reasons.push(`response_types_supported does not list "${type}"`);
  }
  if (needs.resourceServer && !target.resourceServer) reasons.push('the target has no resource server (resourceServer in the config)');
  if (needs.ldap && !target.ldap) reasons.push('the target has no directory (ldap in the config)');
  if (needs.login && !target.login) reasons.push('the target has no login automation (login in the config)');
  return reasons;
}

/** undefined when the flow applies, else the reason it does not. */
export async function notApplicableReason(flow: FlowDefinition, target: Target): Promise<string | undefined> {
  const skip = target.skipFlows.find((s) => s.flow === flow.id);
  if (skip) return `skipped by the target config: ${skip.reason}`;
  const unmet = flow.needs ? unmetNeeds(flow.needs, target) : [];
  if (unmet.length > 0) return unmet.join('; ');
  if (flow.applicable) {
    const verdict = await flow.applicable(target);
    if (verdict !== true) return verdict?.reason || 'the suite declares the flow not applicable to this target';
  }
  return undefined;
}
