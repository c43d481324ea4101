/**
 * `nauthera setup`: checks the system parts the harness runs on. On Debian and Ubuntu it
 * installs the missing ones with apt-get when it runs as root (as `playwright install
 * --with-deps` does); otherwise, and on every other system, it prints the command for that
 * system and exits 2. `nauthera run` asks only for Chromium, and the reference target for its
 * directory's parts (directoryParts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { MissingSystemPartError } from '../cli-errors.ts';
import { redisServerPath } from '../../fixtures/redis/start-redis.ts';
import { findChromium } from '../browser/find-chromium.ts';
import { defineCommand, parseCommand } from './command-table.ts';

export type PartName = 'slapd' | 'ldap-utils' | 'chromium' | 'fonts-noto-color-emoji' | 'redis-server';

export interface SystemPart {
  /** Debian package that provides it. */
  pkg: string;
  /** What the harness uses it for. */
  why: string;
  /** A file whose presence proves the part is installed. */
  probe: string;
  /** Another way to tell it is there (Chromium: any browser findChromium() finds). */
  present?: () => boolean;
}

/** Where slapd is looked for: NAUTHERA_SLAPD, else Debian's path (as fixtures/ldap/native-slapd.ts). */
export function slapdProbe(env: NodeJS.ProcessEnv = process.env): string {
  return env.NAUTHERA_SLAPD || '/usr/sbin/slapd';
}

function chromiumFound(browser?: string): boolean {
  try {
    findChromium({ browser });
    return true;
  } catch {
    return false;
  }
}

/** Every part, with today's environment. */
export function partsByName(options: { browser?: string; env?: NodeJS.ProcessEnv } = {}): Record<PartName, SystemPart> {
  return {
    slapd: { pkg: 'slapd', why: 'the OpenLDAP directory of the reference target (native fixture)', probe: slapdProbe(options.env) },
    'ldap-utils': { pkg: 'ldap-utils', why: 'ldapsearch, to inspect the fixture by hand', probe: '/usr/bin/ldapsearch' },
    chromium: { pkg: 'chromium', why: 'the browser for sign-in steps and diagram rendering', probe: '/usr/bin/chromium', present: () => chromiumFound(options.browser) },
    'fonts-noto-color-emoji': { pkg: 'fonts-noto-color-emoji', why: 'emoji marks in rendered diagrams', probe: '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf' },
    'redis-server': { pkg: 'redis-server', why: 'the shared store of a reference target run as several instances (run --instances)', probe: redisServerPath(options.env) },
  };
}

/** What `nauthera setup` checks by default: what every quick-start run needs (not Redis). */
export const defaultPartNames: PartName[] = ['slapd', 'ldap-utils', 'chromium', 'fonts-noto-color-emoji'];

/** What a reference target of several instances needs when no --store is given: a redis-server to start. */
export function redisParts(): PartName[] {
  return ['redis-server'];
}

export const systemParts: SystemPart[] = defaultPartNames.map((name) => partsByName()[name]);

/**
 * What the reference target's own directory needs: slapd and ldap-utils, unless
 * NAUTHERA_LDAP_URL or NAUTHERA_LDAP_PROVIDER names a directory not started from slapd
 * (fixtures/ldap/index.ts). Every run needs Chromium; an external target's directory is the
 * config's `ldap`, so it needs nothing more.
 */
export function directoryParts(env: NodeJS.ProcessEnv = process.env): PartName[] {
  const otherDirectory = Boolean(env.NAUTHERA_LDAP_URL) || (Boolean(env.NAUTHERA_LDAP_PROVIDER) && env.NAUTHERA_LDAP_PROVIDER !== 'native');
  return otherDirectory ? [] : ['slapd', 'ldap-utils'];
}

export function missingParts(parts: SystemPart[] = systemParts): SystemPart[] {
  return parts.filter((part) => !(part.present ? part.present() : existsSync(part.probe)));
}

export function installCommand(parts: SystemPart[]): string {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${parts.map((p) => p.pkg).join(' ')}`;
}

export type SystemFamily = 'debian' | 'fedora' | 'alpine' | 'macos' | 'other';

/** The family of this system: /etc/os-release's ID and ID_LIKE on Linux (os-release(5)). */
export function systemFamily(platform: NodeJS.Platform = process.platform, osRelease: string | undefined = readOsRelease()): SystemFamily {
  if (platform === 'darwin') return 'macos';
  if (platform !== 'linux' || osRelease === undefined) return 'other';
  const field = (name: string) => new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1]?.toLowerCase().split(/\s+/) ?? [];
  const ids = [...field('ID'), ...field('ID_LIKE')];
  if (ids.some((id) => id === 'debian' || id === 'ubuntu')) return 'debian';
  if (ids.some((id) => ['fedora', 'rhel', 'centos'].includes(id))) return 'fedora';
  if (ids.includes('alpine')) return 'alpine';
  return 'other';
}

function readOsRelease(): string | undefined {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // the next one
    }
  }
  return undefined;
}

/** Package names of each part, by family: [package manager's name, what it is called in a plain list]. */
const packagesOf: Record<PartName, { fedora: string; alpine: string[]; plain: string }> = {
  slapd: { fedora: 'openldap-servers', alpine: ['openldap', 'openldap-back-mdb', 'openldap-overlay-memberof'], plain: 'slapd (the OpenLDAP server)' },
  'ldap-utils': { fedora: 'openldap-clients', alpine: ['openldap-clients'], plain: 'ldapsearch (the OpenLDAP clients)' },
  chromium: { fedora: 'chromium', alpine: ['chromium'], plain: 'Chromium or Chrome' },
  'fonts-noto-color-emoji': { fedora: 'google-noto-color-emoji-fonts', alpine: ['font-noto-emoji'], plain: 'the Noto Color Emoji font' },
  'redis-server': { fedora: 'redis', alpine: ['redis'], plain: 'redis-server (Redis)' },
};

const chromiumWays = 'or give a Chromium with --browser PATH or NAUTHERA_CHROMIUM=PATH, or run `npx playwright install chromium`';

/** The command (or list) that installs these parts on this family; never run here except apt-get. */
export function installHint(family: SystemFamily, parts: SystemPart[]): string {
  const names = parts.map((p) => p.pkg as PartName);
  const chromium = names.includes('chromium') ? `\n  (${chromiumWays})` : '';
  switch (family) {
    case 'debian':
      return `sudo sh -c '${installCommand(parts)}'${chromium}`;
    case 'fedora':
      return `sudo dnf install -y ${names.map((n) => packagesOf[n].fedora).join(' ')}${chromium}`;
    case 'alpine':
      return `sudo apk add ${names.flatMap((n) => packagesOf[n].alpine).join(' ')}${chromium}`;
    case 'macos': {
      const lines: string[] = [];
      if (names.includes('slapd') || names.includes('ldap-utils')) lines.push('brew install openldap');
      if (names.includes('redis-server')) lines.push('brew install redis');
      if (names.includes('chromium')) lines.push('npx playwright install chromium   (or brew install --cask chromium; or give one with --browser PATH or NAUTHERA_CHROMIUM=PATH)');
      return lines.join('\n  ');
    }
    default:
      return `${names.map((n) => packagesOf[n].plain).join(', ')} with your system's package manager${chromium}`;
  }
}

/** The parts this system is checked for: the emoji font only where its path is Debian's. */
function partsToCheck(names: PartName[], family: SystemFamily, browser?: string): SystemPart[] {
  const all = partsByName({ browser });
  return names.filter((n) => n !== 'fonts-noto-color-emoji' || family === 'debian').map((n) => all[n]);
}

export interface EnsureOptions {
  quiet?: boolean;
  /** false: never install, only name the command. */
  install?: boolean;
  /** Which parts (default: all, as `nauthera setup` checks). */
  parts?: PartName[];
  /** A `--browser PATH`: it must exist, and then Chromium is not installed. */
  browser?: string;
}

/** Ensures the parts are present; installs on Debian/Ubuntu as root, otherwise throws naming the command. */
export async function ensureSystemParts(options: EnsureOptions = {}): Promise<void> {
  const log = (line: string) => { if (!options.quiet) console.error(line); };
  const names = options.parts ?? defaultPartNames;
  // A browser named explicitly that is not there is an error of its own, never installed over.
  if (names.includes('chromium') && (options.browser || process.env.NAUTHERA_CHROMIUM)) findChromium({ browser: options.browser });
  const family = systemFamily();
  const parts = partsToCheck(names, family, options.browser);
  const missing = missingParts(parts);
  if (parts.length === 0) return;
  if (missing.length === 0) {
    log(`setup: ${parts.map((p) => p.pkg).join(', ')}: installed`);
    return;
  }
  for (const part of missing) log(`setup: missing ${part.pkg} (${part.why})`);
  const hint = installHint(family, missing);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = family === 'debian' && existsSync('/usr/bin/apt-get');
  if (!hasApt || !isRoot || options.install === false) {
    throw new MissingSystemPartError(`missing ${missing.map((p) => p.pkg).join(', ')}; install with:\n  ${hint}`);
  }
  const command = installCommand(missing);
  log(`setup: installing with: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Progress goes to stderr so that `--json` output on stdout stays clean.
  const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2], env });
  if (update.status !== 0) throw new MissingSystemPartError(`apt-get update failed (exit ${update.status}); run by hand:\n  ${command}`);
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.pkg)], { stdio: ['ignore', 2, 2], env });
  if (install.status !== 0) throw new MissingSystemPartError(`apt-get install failed (exit ${install.status}); run by hand:\n  ${command}`);
  const still = missingParts(missing);
  if (still.length > 0) throw new MissingSystemPartError(`still missing after apt-get: ${still.map((p) => p.pkg).join(', ')}`);
  log('setup: done');
}

export const setupCommand = defineCommand({
  command: 'setup',
  description: `Checks for slapd, ldap-utils, a Chromium and (on Debian/Ubuntu) fonts-noto-color-emoji.
On Debian and Ubuntu, as root, it installs the missing ones with apt-get. Otherwise (or
with --check) it prints the command for this system (dnf, apk, brew...) and exits 2.

A Chromium is any of: --browser PATH (run, diagrams), NAUTHERA_CHROMIUM, a browser of
\`npx playwright install chromium\`, or a system Chromium or Chrome.`,
  options: {
    check: { type: 'boolean', help: 'only check; never install' },
    quiet: { type: 'boolean', short: 'q', help: 'print nothing when all is there' },
  },
  exitCodes: { 0: 'all there (or installed)', 2: 'a part is missing and was not installed, or a usage error' },
});

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(setupCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  await ensureSystemParts({ quiet: values.quiet, install: !values.check });
  return 0;
}
