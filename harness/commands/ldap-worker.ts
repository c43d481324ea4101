/**
 * `nauthera ldap-worker --url URL --group DN... --oid OID... [--json]`: one pass of the LDAP
 * group worker. Prints the attributes of each group keyed by OID; faults exit with the
 * worker error's code (2 for bad input) and a message that never holds the password.
 */
import { builtInAttributeTypes, maskPassword, runOnce } from '../../actors/ldap-worker/index.ts';
import { UsageError } from '../cli-errors.ts';
import { defineCommand, helpText, parseCommand } from './command-table.ts';

const urlEnv = 'NAUTHERA_LDAP_WORKER_URL';

export const ldapWorkerCommand = defineCommand({
  command: 'ldap-worker',
  description: `Reads the given attribute OIDs of each group DN through a JDBC-like LDAP URL:
  ldap[s]://host[:port]/<baseDN>?user=<DN>&password=<password>[&starttls=true][&ca=<file>][&timeout=<ms>]
with every part percent-encoded (RFC 3986). The grammar is in docs/ldap.md.`,
  options: {
    url: { type: 'string', value: 'URL', help: `the worker URL; or set ${urlEnv} to keep the password out of the process list` },
    group: { type: 'string', value: 'DN', multiple: true, help: "a group DN under the URL's base DN (repeatable)" },
    oid: { type: 'string', value: 'OID', multiple: true, help: 'a numeric attribute OID, e.g. 2.5.4.3 (cn), 2.5.4.31 (member); repeatable or comma-separated' },
    json: { type: 'boolean', help: 'print {"groups": {<dn>: {<oid>: [values]}}}' },
  },
  exitCodes: { 0: 'success', 1: 'otherwise', 2: 'bad input (URL, DN, OID, password, unreachable server)' },
  // parseArgs quotes stray arguments: a URL given without --url must not print its password.
  redact: maskPassword,
});

const nameOf = new Map(builtInAttributeTypes.map((t) => [t.oid, t.names[0]]));

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(ldapWorkerCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  const help = helpText(ldapWorkerCommand);
  const url = values.url ?? process.env[urlEnv];
  if (!url) throw new UsageError(`--url is required (or set ${urlEnv})\n\n${help}`);
  const groups = values.group ?? [];
  if (groups.length === 0) throw new UsageError(`at least one --group DN is required\n\n${help}`);
  const oids = (values.oid ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean);
  if (oids.length === 0) throw new UsageError(`at least one --oid is required\n\n${help}`);

  const result = await runOnce({ url, groups, oids });
  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  for (const [dn, attributes] of Object.entries(result.groups)) {
    console.log(dn);
    for (const [oid, list] of Object.entries(attributes)) {
      const label = nameOf.has(oid) ? `${oid} (${nameOf.get(oid)})` : oid;
      if (list.length === 0) console.log(`  ${label}: (none)`);
      for (const value of list) console.log(`  ${label}: ${value}`);
    }
  }
  return 0;
}
