/**
 * The `groups` claim: the cn of each configured group (config groups.dns) whose members
 * include the user, read through the same group source as consent policy.
 */
import type { Account } from './ldap-accounts.ts';
import { oids, type GroupSource } from './group-source.ts';
import { sameDn } from './dn.ts';

export class GroupsClaim {
  constructor(private readonly groups: GroupSource, private readonly groupDNs: string[]) {}

  async of(account: Account): Promise<string[]> {
    if (this.groupDNs.length === 0) return [];
    const { groups } = await this.groups.read(this.groupDNs, [oids.cn, oids.member]);
    const names: string[] = [];
    for (const attrs of Object.values(groups)) {
      if ((attrs[oids.member] ?? []).some((member) => sameDn(member, account.dn))) {
        const cn = attrs[oids.cn]?.[0];
        if (cn) names.push(cn);
      }
    }
    return names.sort();
  }
}
