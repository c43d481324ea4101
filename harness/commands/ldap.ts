/**
 * `nauthera ldap [--json] [--provider native|container|external] [--no-seed]`: starts the
 * OpenLDAP fixture with the seed directory, prints how to reach it once ready, and runs
 * until SIGINT/SIGTERM, then stops slapd. Vendors use it to federate their IdP to the same
 * directory the suites sign in against.
 */
import { startDirectory, type DirectoryProviderName } from '../../fixtures/ldap/index.ts';
import { UsageError } from '../cli-errors.ts';
import { defineCommand, parseCommand } from './command-table.ts';
import { runUntilSignal } from './until-signal.ts';

export const ldapCommand = defineCommand({
  command: 'ldap',
  description: `Starts the OpenLDAP fixture (base dc=nauthera,dc=test, seeded from fixtures/ldap/seed.ts)
and runs until SIGINT/SIGTERM.`,
  options: {
    json: { type: 'boolean', help: 'print one line {url, baseDN, bindDN, password} once ready' },
    provider: { type: 'string', value: 'native|container|external', help: 'force a provider (default: NAUTHERA_LDAP_PROVIDER, else native when\n/usr/sbin/slapd exists, else container)' },
    url: { type: 'string', value: 'URL', help: 'external directory URL (with NAUTHERA_LDAP_BIND_DN / NAUTHERA_LDAP_PASSWORD)' },
    'no-seed': { type: 'boolean', help: 'do not load the seed entries' },
  },
  exitCodes: { 0: 'stopped by a signal', 2: 'a usage error, or a directory that cannot be started' },
});

const providers = ['native', 'container', 'external'];

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(ldapCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.provider !== undefined && !providers.includes(values.provider)) {
    throw new UsageError(`--provider must be one of ${providers.join(', ')}, got "${values.provider}"`);
  }
  await runUntilSignal(
    () => startDirectory({
      provider: values.provider as DirectoryProviderName | undefined,
      url: values.url,
      seed: values['no-seed'] ? false : undefined,
    }),
    {
      json: values.json,
      summary: ({ url, baseDN, bindDN, password }) => ({ url, baseDN, bindDN, password }),
      text: ({ provider, url, baseDN, bindDN, password }) => [
        `OpenLDAP (${provider}) ready`,
        `  url       ${url}`,
        `  baseDN    ${baseDN}`,
        `  bindDN    ${bindDN}`,
        `  password  ${password}`,
        '',
        `  try: ldapsearch -x -H ${url} -D '${bindDN}' -w '${password}' -b '${baseDN}' '(uid=*)'`,
        '',
        'Stop with Ctrl-C.',
      ].join('\n'),
    },
  );
  return 0;
}
