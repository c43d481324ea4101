/**
 * Which Chromium nauthera launches. In this order:
 *   1. a path given on the command line (`--browser PATH`),
 *   2. NAUTHERA_CHROMIUM,
 *   3. a browser Playwright installed (`npx playwright install chromium`): under
 *      PLAYWRIGHT_BROWSERS_PATH, else Playwright's cache directory, newest revision first,
 *      full Chromium before the headless shell,
 *   4. the usual places of a system Chromium or Chrome on Linux and macOS.
 * A path given explicitly (1, 2) must exist: it is never passed over for another browser.
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { MissingSystemPartError } from '../cli-errors.ts';

export type ChromiumSource = 'flag' | 'env' | 'playwright' | 'system';

export interface FoundChromium {
  path: string;
  /** Where the path came from, for messages: `--browser`, NAUTHERA_CHROMIUM, Playwright, a usual place. */
  source: ChromiumSource;
}

export interface FindChromiumOptions {
  /** The `--browser PATH` flag's value. */
  browser?: string;
  /** Default: process.env (NAUTHERA_CHROMIUM, PLAYWRIGHT_BROWSERS_PATH, XDG_CACHE_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Default: process.platform. */
  platform?: NodeJS.Platform;
  /** Default: os.homedir(). */
  home?: string;
  /** The system locations to try last. Default: systemChromiumPaths(platform). */
  systemPaths?: string[];
}

const howToGiveOne = [
  'give its path with --browser PATH,',
  'or set NAUTHERA_CHROMIUM=PATH,',
  'or install one: `nauthera setup` (Debian/Ubuntu: apt-get install chromium) or `npx playwright install chromium`',
].join('\n  ');

/** Where a system Chromium or Chrome lives, most likely first. */
export function systemChromiumPaths(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      join(homedir(), 'Applications/Chromium.app/Contents/MacOS/Chromium'),
      join(homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
    ];
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
}

/** The directory Playwright installs browsers into (its registry's rule). */
export function playwrightBrowsersDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | undefined {
  const given = env.PLAYWRIGHT_BROWSERS_PATH;
  if (given === '0') {
    // "0": beside playwright-core itself, in node_modules.
    try {
      return join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), '.local-browsers');
    } catch {
      return undefined;
    }
  }
  if (given) return given;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'ms-playwright');
  if (platform === 'linux') return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'ms-playwright');
  return undefined;
}

/**
 * The executable inside one revision directory, for each layout Playwright has used:
 * Chrome for Testing builds (chrome-linux64/, chrome-mac-arm64/...) and the older Chromium
 * builds (chrome-linux/, chrome-mac/).
 */
function executablesIn(kind: 'chromium' | 'chromium_headless_shell', platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') {
    return kind === 'chromium'
      ? ['chrome-mac-arm64', 'chrome-mac-x64'].map((d) => join(d, 'Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing')).concat('chrome-mac/Chromium.app/Contents/MacOS/Chromium')
      : ['chrome-headless-shell-mac-arm64/chrome-headless-shell', 'chrome-headless-shell-mac-x64/chrome-headless-shell', 'chrome-mac/headless_shell'];
  }
  return kind === 'chromium'
    ? ['chrome-linux64/chrome', 'chrome-linux-arm64/chrome', 'chrome-linux/chrome']
    : ['chrome-headless-shell-linux64/chrome-headless-shell', 'chrome-headless-shell-linux-arm64/chrome-headless-shell', 'chrome-linux/headless_shell'];
}

/** Playwright's Chromium builds in `dir`, newest revision first, full Chromium before the headless shell. */
export function playwrightChromiums(dir: string, platform: NodeJS.Platform): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const kind of ['chromium', 'chromium_headless_shell'] as const) {
    const revisions = names
      .map((name) => ({ name, revision: new RegExp(`^${kind}-(\\d+)$`).exec(name)?.[1] }))
      .filter((r): r is { name: string; revision: string } => r.revision !== undefined)
      .sort((a, b) => Number(b.revision) - Number(a.revision));
    for (const { name } of revisions) {
      for (const inner of executablesIn(kind, platform)) {
        const path = join(dir, name, inner);
        if (isExecutableFile(path)) found.push(path);
      }
    }
  }
  return found;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to launch, or a MissingSystemPartError naming the ways to give one. */
export function findChromium(options: FindChromiumOptions = {}): FoundChromium {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const explicit: Array<[string | undefined, ChromiumSource, string]> = [
    [options.browser, 'flag', '--browser'],
    [env.NAUTHERA_CHROMIUM, 'env', 'NAUTHERA_CHROMIUM'],
  ];
  for (const [path, source, name] of explicit) {
    if (path === undefined || path === '') continue;
    if (!existsSync(path)) throw new MissingSystemPartError(`Chromium not found at ${path} (given by ${name})`);
    if (!isExecutableFile(path)) throw new MissingSystemPartError(`${path} (given by ${name}) is not an executable file`);
    return { path, source };
  }
  const dir = playwrightBrowsersDir(env, platform, options.home ?? homedir());
  const installed = dir ? playwrightChromiums(dir, platform)[0] : undefined;
  if (installed) return { path: installed, source: 'playwright' };
  const system = (options.systemPaths ?? systemChromiumPaths(platform)).find(isExecutableFile);
  if (system) return { path: system, source: 'system' };
  throw new MissingSystemPartError(`no Chromium found (looked in ${dir ? `${dir} and ` : ''}the usual places); to use one:\n  ${howToGiveOne}`);
}
