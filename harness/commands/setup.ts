/**
 * `nauthera setup`: checks the system parts the harness runs on, and installs the
 * missing ones with apt-get when it runs as root (as `playwright install --with-deps`
 * does). Otherwise it prints the exact command and exits 2.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { MissingSystemPartError } from '../cli-errors.ts';

export interface SystemPart {
  /** Debian package that provides it. */
  pkg: string;
  /** What the harness uses it for. */
  why: string;
  /** A file whose presence proves the part is installed. */
  probe: string;
}

export const systemParts: SystemPart[] = [
  { pkg: 'slapd', why: 'the OpenLDAP directory (native fixture)', probe: '/usr/sbin/slapd' },
  { pkg: 'ldap-utils', why: 'ldapsearch, to inspect the fixture by hand', probe: '/usr/bin/ldapsearch' },
  { pkg: 'chromium', why: 'the browser for sign-in steps and diagram rendering', probe: '/usr/bin/chromium' },
  { pkg: 'fonts-noto-color-emoji', why: 'emoji marks in rendered diagrams', probe: '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf' },
];

export function missingParts(parts: SystemPart[] = systemParts): SystemPart[] {
  return parts.filter((part) => !existsSync(part.probe));
}

export function installCommand(parts: SystemPart[]): string {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${parts.map((p) => p.pkg).join(' ')}`;
}

/** Ensures every part is present; installs as root, otherwise throws naming the command. */
export async function ensureSystemParts(options: { quiet?: boolean; install?: boolean } = {}): Promise<void> {
  const log = (line: string) => { if (!options.quiet) console.error(line); };
  const missing = missingParts();
  if (missing.length === 0) {
    log('setup: slapd, ldap-utils, chromium and fonts-noto-color-emoji are installed');
    return;
  }
  for (const part of missing) log(`setup: missing ${part.pkg} (${part.why})`);
  const command = installCommand(missing);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || options.install === false) {
    throw new MissingSystemPartError(`missing ${missing.map((p) => p.pkg).join(', ')}; install with:\n  sudo sh -c '${command}'`);
  }
  log(`setup: installing with: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Progress goes to stderr so that `--json` output on stdout stays clean.
  const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2], env });
  if (update.status !== 0) throw new MissingSystemPartError(`apt-get update failed (exit ${update.status}); run by hand:\n  ${command}`);
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.pkg)], { stdio: ['ignore', 2, 2], env });
  if (install.status !== 0) throw new MissingSystemPartError(`apt-get install failed (exit ${install.status}); run by hand:\n  ${command}`);
  const still = missingParts();
  if (still.length > 0) throw new MissingSystemPartError(`still missing after apt-get: ${still.map((p) => p.pkg).join(', ')}`);
  log('setup: done');
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: nauthera setup [--check] [--quiet]\n\nChecks for slapd, ldap-utils, chromium and fonts-noto-color-emoji.\nAs root it installs the missing ones with apt-get; otherwise (or with --check) it prints the command and exits 2.');
    return 0;
  }
  await ensureSystemParts({ quiet: values.quiet, install: !values.check });
  return 0;
}
