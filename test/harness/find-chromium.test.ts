/**
 * Which Chromium nauthera launches: --browser, NAUTHERA_CHROMIUM, Playwright's installed
 * browsers, the usual places; with real files in temp dirs (a shell script stands in for a
 * browser where only the order matters) and one real launch through a symlink.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, playwrightBrowsersDir } from '../../harness/browser/find-chromium.ts';
import { launchChromium } from '../../harness/browser/chromium.ts';
import { MissingSystemPartError } from '../../harness/cli-errors.ts';
import { directoryParts, ensureSystemParts, installHint, partsByName, systemFamily } from '../../harness/commands/setup.ts';

const work = mkdtempSync(join(tmpdir(), 'nauthera-find-chromium-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let count = 0;
/** An executable file at dir/relative (a script: only its path matters to the finder). */
function fakeBrowser(dir: string, relative: string): string {
  const path = join(dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}
const freshDir = (name: string) => mkdtempSync(join(work, `${name}-${++count}-`));

describe('the order: --browser, NAUTHERA_CHROMIUM, Playwright, the usual places', () => {
  const dir = freshDir('order');
  const flag = fakeBrowser(dir, 'flag/chrome');
  const env = fakeBrowser(dir, 'env/chrome');
  const pw = join(dir, 'pw');
  const installed = fakeBrowser(pw, 'chromium-1200/chrome-linux64/chrome');
  const system = fakeBrowser(dir, 'usr/bin/chromium');
  const base = { platform: 'linux' as const, home: join(dir, 'home'), systemPaths: [join(dir, 'usr/bin/none'), system] };

  it('takes --browser first', () => {
    expect(findChromium({ ...base, browser: flag, env: { NAUTHERA_CHROMIUM: env, PLAYWRIGHT_BROWSERS_PATH: pw } })).toEqual({ path: flag, source: 'flag' });
  });
  it('then NAUTHERA_CHROMIUM', () => {
    expect(findChromium({ ...base, env: { NAUTHERA_CHROMIUM: env, PLAYWRIGHT_BROWSERS_PATH: pw } })).toEqual({ path: env, source: 'env' });
  });
  it('then a browser Playwright installed', () => {
    expect(findChromium({ ...base, env: { PLAYWRIGHT_BROWSERS_PATH: pw } })).toEqual({ path: installed, source: 'playwright' });
  });
  it('then the first usual place that holds one', () => {
    expect(findChromium({ ...base, env: { PLAYWRIGHT_BROWSERS_PATH: join(dir, 'no-such-dir') } })).toEqual({ path: system, source: 'system' });
  });
});

describe("Playwright's browsers", () => {
  it('takes the newest revision first, and full Chromium before the headless shell', () => {
    const pw = freshDir('pw');
    fakeBrowser(pw, 'chromium-1099/chrome-linux/chrome');
    const newest = fakeBrowser(pw, 'chromium-1200/chrome-linux64/chrome');
    fakeBrowser(pw, 'chromium-1180/chrome-linux64/chrome');
    fakeBrowser(pw, 'chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell');
    mkdirSync(join(pw, 'chromium-1400')); // a revision whose download did not finish
    const env = { PLAYWRIGHT_BROWSERS_PATH: pw };
    expect(findChromium({ env, platform: 'linux', systemPaths: [] }).path).toBe(newest);
  });

  it('takes a headless shell when it is the only one, in the old layout too', () => {
    const pw = freshDir('pw-shell');
    const shell = fakeBrowser(pw, 'chromium_headless_shell-1117/chrome-linux/headless_shell');
    expect(findChromium({ env: { PLAYWRIGHT_BROWSERS_PATH: pw }, platform: 'linux', systemPaths: [] }).path).toBe(shell);
  });

  it('looks in ~/.cache/ms-playwright (or XDG_CACHE_HOME) on Linux and ~/Library/Caches/ms-playwright on macOS', () => {
    const home = freshDir('home');
    const linux = fakeBrowser(home, '.cache/ms-playwright/chromium-1200/chrome-linux64/chrome');
    const mac = fakeBrowser(home, 'Library/Caches/ms-playwright/chromium-1200/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing');
    expect(findChromium({ env: {}, home, platform: 'linux', systemPaths: [] })).toEqual({ path: linux, source: 'playwright' });
    expect(findChromium({ env: {}, home, platform: 'darwin', systemPaths: [] })).toEqual({ path: mac, source: 'playwright' });
    expect(playwrightBrowsersDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', home)).toBe('/xdg/ms-playwright');
  });

  it('skips a file that is not executable', () => {
    const pw = freshDir('pw-noexec');
    const path = fakeBrowser(pw, 'chromium-1200/chrome-linux64/chrome');
    chmodSync(path, 0o644);
    const system = fakeBrowser(pw, 'system-chrome');
    expect(findChromium({ env: { PLAYWRIGHT_BROWSERS_PATH: pw }, platform: 'linux', systemPaths: [system] }).path).toBe(system);
  });
});

describe('errors', () => {
  const missing = join(work, 'no-such-browser');
  const elsewhere = fakeBrowser(freshDir('elsewhere'), 'chrome');

  it('names a --browser path that does not exist, and never falls back to another browser', () => {
    expect(() => findChromium({ browser: missing, env: { NAUTHERA_CHROMIUM: elsewhere }, systemPaths: [elsewhere] }))
      .toThrow(new MissingSystemPartError(`Chromium not found at ${missing} (given by --browser)`));
  });

  it('names a NAUTHERA_CHROMIUM path that does not exist', () => {
    expect(() => findChromium({ env: { NAUTHERA_CHROMIUM: missing }, systemPaths: [elsewhere] }))
      .toThrow(new MissingSystemPartError(`Chromium not found at ${missing} (given by NAUTHERA_CHROMIUM)`));
  });

  it('names the three ways to give one when none is found', () => {
    const home = freshDir('empty-home');
    let error: unknown;
    try {
      findChromium({ env: {}, home, platform: 'linux', systemPaths: [missing] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingSystemPartError);
    const message = (error as Error).message;
    expect(message).toContain(`looked in ${join(home, '.cache', 'ms-playwright')} and the usual places`);
    expect(message).toContain('--browser PATH');
    expect(message).toContain('NAUTHERA_CHROMIUM=PATH');
    expect(message).toContain('`nauthera setup`');
    expect(message).toContain('`npx playwright install chromium`');
  });
});

describe('the real Chromium through a symlink', () => {
  const real = findChromium({ env: {}, home: freshDir('no-playwright') }).path;
  const page = async (browser: Awaited<ReturnType<typeof launchChromium>>) => {
    const server = createServer((_req, res) => res.end('<title>through the symlink</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const p = await browser.newPage();
      await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      return await p.title();
    } finally {
      server.close();
    }
  };

  it('launches the browser --browser names: a symlink to a wrapper that records its start', async () => {
    const dir = freshDir('symlink-flag');
    const marker = join(dir, 'started');
    const wrapper = join(dir, 'wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$$" > '${marker}'\nexec '${real}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const link = join(dir, 'chrome');
    symlinkSync(wrapper, link);
    const browser = await launchChromium({ browser: link });
    try {
      expect(await page(browser)).toBe('through the symlink');
      expect(existsSync(marker), 'the wrapper behind the symlink started the browser').toBe(true);
      expect(readFileSync(marker, 'utf8')).toMatch(/^\d+\n$/);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('launches the browser NAUTHERA_CHROMIUM names: a symlink to the installed Chromium', async () => {
    const dir = freshDir('symlink-env');
    const link = join(dir, 'chromium');
    symlinkSync(real, link);
    const before = process.env.NAUTHERA_CHROMIUM;
    process.env.NAUTHERA_CHROMIUM = link;
    try {
      expect(findChromium()).toEqual({ path: link, source: 'env' });
      const browser = await launchChromium();
      try {
        expect(await page(browser)).toBe('through the symlink');
      } finally {
        await browser.close();
      }
      // The same link, now dangling: the launch fails naming it, instead of using another browser.
      rmSync(link);
      symlinkSync(join(dir, 'gone'), link);
      await expect(launchChromium()).rejects.toThrow(`Chromium not found at ${link} (given by NAUTHERA_CHROMIUM)`);
    } finally {
      if (before === undefined) delete process.env.NAUTHERA_CHROMIUM;
      else process.env.NAUTHERA_CHROMIUM = before;
    }
  }, 60_000);
});

describe('setup: the parts and the command for this system', () => {
  it('tells the system family from /etc/os-release', () => {
    expect(systemFamily('linux', 'PRETTY_NAME="Debian GNU/Linux 13"\nID=debian\n')).toBe('debian');
    expect(systemFamily('linux', 'ID=ubuntu\nID_LIKE=debian\n')).toBe('debian');
    expect(systemFamily('linux', 'ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe('debian');
    expect(systemFamily('linux', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n')).toBe('fedora');
    expect(systemFamily('linux', 'ID=alpine\n')).toBe('alpine');
    expect(systemFamily('linux', 'ID=arch\n')).toBe('other');
    expect(systemFamily('darwin', undefined)).toBe('macos');
  });

  it('names the command of each system, and apt-get only on Debian and Ubuntu', () => {
    const all = partsByName();
    const parts = [all.slapd, all['ldap-utils'], all.chromium];
    expect(installHint('debian', parts)).toMatch(/^sudo sh -c 'apt-get update && .*apt-get install -y --no-install-recommends slapd ldap-utils chromium'/);
    expect(installHint('fedora', parts)).toMatch(/^sudo dnf install -y openldap-servers openldap-clients chromium\n/);
    expect(installHint('alpine', parts)).toMatch(/^sudo apk add openldap openldap-back-mdb openldap-overlay-memberof openldap-clients chromium\n/);
    expect(installHint('macos', parts)).toMatch(/^brew install openldap\n  npx playwright install chromium/);
    expect(installHint('other', [all.slapd])).toBe("slapd (the OpenLDAP server) with your system's package manager");
    for (const family of ['fedora', 'alpine', 'macos', 'other'] as const) expect(installHint(family, parts)).not.toContain('apt-get');
    for (const family of ['debian', 'fedora', 'alpine', 'other'] as const) expect(installHint(family, [all.chromium])).toContain('--browser PATH or NAUTHERA_CHROMIUM=PATH');
  });

  it("asks for slapd only for a directory of the reference target's own", async () => {
    expect(directoryParts({})).toEqual(['slapd', 'ldap-utils']);
    expect(directoryParts({ NAUTHERA_LDAP_PROVIDER: 'native' })).toEqual(['slapd', 'ldap-utils']);
    expect(directoryParts({ NAUTHERA_LDAP_PROVIDER: 'container' })).toEqual([]);
    expect(directoryParts({ NAUTHERA_LDAP_URL: 'ldap://127.0.0.1:1389' })).toEqual([]);
    const before = process.env.NAUTHERA_SLAPD;
    process.env.NAUTHERA_SLAPD = join(work, 'no-slapd');
    try {
      await expect(ensureSystemParts({ quiet: true, install: false, parts: ['slapd'] })).rejects.toThrow(/^missing slapd; install with:/);
      await expect(ensureSystemParts({ quiet: true, install: false, parts: ['chromium'] })).resolves.toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.NAUTHERA_SLAPD;
      else process.env.NAUTHERA_SLAPD = before;
    }
  });
});
