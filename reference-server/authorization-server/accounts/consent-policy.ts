/**
 * Consent verified against LDAP (the "Verify consent" and "Confirm" arrows of the
 * authorization-code-ldap-consent diagram): a user may consent for a client only when
 * the client's consent group lists the user's DN as a member.
 */
import type { Account } from './ldap-accounts.ts';
import { oids, type GroupSource } from './group-source.ts';
import { sameDn } from './dn.ts';

export class ConsentPolicy {
  constructor(private readonly groups: GroupSource) {}

  async mayConsent(account: Account, consentGroupDN: string): Promise<boolean> {
    const { groups } = await this.groups.read([consentGroupDN], [oids.member]);
    const members = Object.entries(groups).find(([dn]) => sameDn(dn, consentGroupDN))?.[1]?.[oids.member] ?? [];
    return members.some((member) => sameDn(member, account.dn));
  }
}
