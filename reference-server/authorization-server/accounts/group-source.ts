/**
 * Where consent policy and the groups claim get group data: attribute values, keyed by OID,
 * of a list of group DNs, `{groups: {<dn>: {<oid>: string[]}}}`. WorkerGroupSource reads them
 * with the LDAP group worker (actors/ldap-worker), one pass per decision, so that
 * consent is verified against the directory as it is now (the diagram's "Verify consent").
 */
import { LdapWorkerError, LdapWorkerUrl, runOnce, UnknownGroupDnError, type LdapWorkerResult } from '../../../actors/ldap-worker/index.ts';
import { DirectoryUnavailable, type LdapSettings } from './ldap-connection.ts';
import type { FaultsConfig } from '../../config/faults.ts';

export const oids = {
  cn: '2.5.4.3',
  member: '2.5.4.31',
} as const;

export type GroupAttributes = LdapWorkerResult;

export interface GroupSource {
  read(groupDNs: string[], attributeOids: string[]): Promise<GroupAttributes>;
}

export class WorkerGroupSource implements GroupSource {
  private readonly url: LdapWorkerUrl;

  constructor(settings: LdapSettings, private readonly faults: FaultsConfig = {}) {
    const server = new URL(settings.url);
    this.url = new LdapWorkerUrl({
      scheme: server.protocol === 'ldaps:' ? 'ldaps' : 'ldap',
      host: server.hostname.replace(/^\[|\]$/g, ''),
      port: server.port ? Number(server.port) : undefined,
      baseDN: settings.baseDN,
      user: settings.bindDN,
      password: settings.password,
      timeoutMs: settings.timeoutMs,
    });
  }

  async read(groupDNs: string[], attributeOids: string[]): Promise<GroupAttributes> {
    try {
      return await this.pass(groupDNs, attributeOids);
    } catch (error) {
      if (!(error instanceof UnknownGroupDnError) || groupDNs.length === 1) throw error;
      // One configured group is missing: read the others one by one.
      const result: GroupAttributes = { groups: {} };
      for (const dn of groupDNs) Object.assign(result.groups, (await this.pass([dn], attributeOids)).groups);
      return result;
    }
  }

  private async pass(groupDNs: string[], attributeOids: string[]): Promise<GroupAttributes> {
    try {
      let handed: GroupAttributes = { groups: {} };
      await runOnce({ url: this.url, groups: groupDNs, oids: attributeOids, faults: this.faults }, (result) => {
        handed = result;
      });
      return handed;
    } catch (error) {
      // A group that does not exist has no members.
      if (error instanceof UnknownGroupDnError && groupDNs.length === 1) {
        return { groups: { [groupDNs[0]!]: Object.fromEntries(attributeOids.map((oid) => [oid, [] as string[]])) } };
      }
      if (error instanceof UnknownGroupDnError) throw error;
      if (error instanceof LdapWorkerError) throw new DirectoryUnavailable(`the LDAP group worker failed: ${error.name}`);
      throw error;
    }
  }
}
