/**
 * `nauthera ldap [--json] [--provider native|container|external] [--no-seed]`: starts the
 * OpenLDAP fixture with the seed directory, prints how to reach it once ready, and runs
 * until SIGINT/SIGTERM, then stops slapd. Vendors use it to federate their IdP to the same
 * directory the suites sign in against.
 */
import { parseArgs } from 'node:util';
import { startDirectory, type DirectoryProviderName } from '../../fixtures/ldap/index.ts';
import { UsageError } from '../cli-errors.ts';

const help = `usage: nauthera ldap [--json] [--provider native|container|external] [--url URL] [--no-seed]

Starts the OpenLDAP fixture (base dc=nauthera,dc=test, seeded from fixtures/ldap/seed.ldif)
and runs until SIGINT/SIGTERM.

  --json        print one line {url, baseDN, bindDN, password} once ready
  --provider    force a provider (default: NAUTHERA_LDAP_PROVIDER, else native when
                /usr/sbin/slapd exists, else container)
  --url URL     external directory URL (with NAUTHERA_LDAP_BIND_DN / NAUTHERA_LDAP_PASSWORD)
  --no-seed     do not load the seed entries`;

const providers = ['native', 'container', 'external'];

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        provider: { type: 'string' },
        url: { type: 'string' },
        'no-seed': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${help}`);
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values.provider !== undefined && !providers.includes(values.provider)) {
    throw new UsageError(`--provider must be one of ${providers.join(', ')}, got "${values.provider}"`);
  }
  // Listen before starting, so a signal during start-up still stops slapd cleanly.
  const signalled = waitForSignal();
  const directory = await startDirectory({
    provider: values.provider as DirectoryProviderName | undefined,
    url: values.url,
    seed: values['no-seed'] ? false : undefined,
  });
  try {
    const { url, baseDN, bindDN, password } = directory;
    if (values.json) {
      console.log(JSON.stringify({ url, baseDN, bindDN, password }));
    } else {
      console.log([
        `OpenLDAP (${directory.provider}) ready`,
        `  url       ${url}`,
        `  baseDN    ${baseDN}`,
        `  bindDN    ${bindDN}`,
        `  password  ${password}`,
        '',
        `  try: ldapsearch -x -H ${url} -D '${bindDN}' -w '${password}' -b '${baseDN}' '(uid=*)'`,
        '',
        'Stop with Ctrl-C.',
      ].join('\n'));
    }
    await signalled;
  } finally {
    await directory.stop();
  }
  return 0;
}
