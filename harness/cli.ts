/**
 * The `nauthera` command: a thin dispatcher. Each sub-command lives in
 * harness/commands/<name>.ts and exports `run(args): Promise<number>` (the exit code).
 */
import { exitCodeOf } from './cli-errors.ts';
import { didYouMean } from './commands/did-you-mean.ts';
import { packageVersion } from './package-version.ts';

interface Command {
  summary: string;
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>;
}

const commands: Record<string, Command> = {
  run: { summary: 'run the suites against a target and write reports/', load: () => import('./commands/run.ts') },
  merge: { summary: 'combine the reports of the shards of one run (run --shard i/n) into one', load: () => import('./commands/merge.ts') },
  checks: { summary: 'list every check with its stable id, spec, severity and arrow', load: () => import('./commands/checks.ts') },
  diagrams: { summary: 'redraw annotated diagrams from a results.json, or extract diagrams from Markdown', load: () => import('./commands/diagrams.ts') },
  serve: { summary: 'start the reference server (AS, RS and OpenLDAP) on loopback', load: () => import('./commands/serve.ts') },
  ldap: { summary: 'start the OpenLDAP fixture with the seed directory', load: () => import('./commands/ldap.ts') },
  'ldap-worker': { summary: 'read attribute OIDs of group DNs through a JDBC-like LDAP URL', load: () => import('./commands/ldap-worker.ts') },
  init: { summary: 'write a starter config for an external IdP from its discovery, sign-in page and registration', load: () => import('./commands/init.ts') },
  setup: { summary: 'install the missing system parts (slapd, chromium, fonts), or name the command', load: () => import('./commands/setup.ts') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: nauthera <command> [options]', '', 'commands:', ...lines, '', 'Run `nauthera <command> --help` for its options, `nauthera --version` for the version.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(packageVersion());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`nauthera: unknown command "${name}"${didYouMean(name, Object.keys(commands))}\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    console.error(`nauthera ${name}: ${message}`);
    if (process.env.NAUTHERA_DEBUG && error instanceof Error && error.stack) console.error(error.stack);
    return code;
  }
}
