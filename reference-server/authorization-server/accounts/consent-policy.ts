/**
 * Consent verified against LDAP (the "Verify consent" and "Confirm" arrows of the
 * authorization-code-ldap-consent diagram): a user may consent for a client only when
 * the client's consent group lists the user's DN as a member.
 */
import type { Account } from './ldap-accounts.ts';
import { oids, type GroupSource } from './group-source.ts';
import { sameDn } from './dn.ts';
import type { FaultsConfig } from '../../config/faults.ts';

export class ConsentPolicy {
  private readonly remembered = new Map<string, boolean>();

  constructor(private readonly groups: GroupSource, private readonly faults: FaultsConfig = {}) {}

  async mayConsent(account: Account, consentGroupDN: string): Promise<boolean> {
    // FAULT consentMembershipCached (config/faults.ts, only to prove the harness): the first answer for a user and group is kept for good.
    const key = `${account.dn}\n${consentGroupDN}`;
    if (this.faults.consentMembershipCached && this.remembered.has(key)) return this.remembered.get(key)!;
    const { groups } = await this.groups.read([consentGroupDN], [oids.member]);
    const members = Object.entries(groups).find(([dn]) => sameDn(dn, consentGroupDN))?.[1]?.[oids.member] ?? [];
    const member = members.some((m) => sameDn(m, account.dn));
    if (this.faults.consentMembershipCached) this.remembered.set(key, member);
    return member;
  }
}
