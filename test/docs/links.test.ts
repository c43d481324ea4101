/**
 * The documentation holds together: every relative link of README.md, ARCHITECTURE.md and
 * docs/*.md reaches a file (and a heading, for an anchor into a Markdown file), and every
 * `nauthera <command> --flag` they show is a command nauthera has with a flag its --help lists.
 * The help texts are the real commands' own, got in-process through the CLI's dispatcher.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, usage } from '../../harness/cli.ts';
import { brokenLinks, commandMentions, commandsOfUsage, headingAnchors, relativeLinks, unknownCommandsAndFlags } from './doc-checks.ts';

const root = join(import.meta.dirname, '..', '..');
const docs = [
  join(root, 'README.md'),
  join(root, 'ARCHITECTURE.md'),
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f)),
];

/** What `nauthera <args>` prints on stdout (a --help prints its text with console.log and exits 0). */
async function helpOf(args: string[]): Promise<string> {
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
  try {
    expect(await main([...args, '--help'])).toBe(0);
  } finally {
    log.mockRestore();
  }
  return printed.join('\n');
}

describe('the checker', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nauthera-docs-'));
    writeFileSync(join(dir, 'other.md'), '# Other page\n\n## Pages after sign-in: `login.interactions`\n\n## Pages after sign-in: `login.interactions`\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds relative links and images, not absolute ones or links in code', () => {
    const links = relativeLinks('See [a](docs/a.md#x), ![b](img/b.png), [c](https://example.com/c.md) and `[d](d.md)`.\n\n```\n[e](e.md)\n```\n');
    expect(links).toEqual([{ href: 'docs/a.md#x', path: 'docs/a.md', anchor: 'x' }, { href: 'img/b.png', path: 'img/b.png' }]);
  });

  it('gives headings the anchors GitHub gives them', () => {
    expect([...headingAnchors('# A: `b.c` d\n\n## Check ids\n\n## Check ids\n')]).toEqual(['a-bc-d', 'check-ids', 'check-ids-1']);
  });

  it('reports a missing file and an anchor no heading gives, and passes good ones', () => {
    const doc = join(dir, 'doc.md');
    writeFileSync(doc, [
      '# Doc',
      '[ok](other.md#pages-after-sign-in-logininteractions) [ok too](other.md#pages-after-sign-in-logininteractions-1) [self](#doc)',
      '[missing](nope.md) [bad anchor](other.md#no-such-heading) [bad self](#nothing)',
    ].join('\n\n'));
    expect(brokenLinks(doc, dir)).toEqual([
      'doc.md: nope.md (no such file)',
      'doc.md: other.md#no-such-heading (no heading "#no-such-heading" in other.md)',
      'doc.md: #nothing (no heading "#nothing" in doc.md)',
    ]);
  });

  it('reads commands and their flags from code, up to where the shell command ends', () => {
    const md = [
      '`nauthera run --out x --flows a,b` and `nauthera checks [--flow ID] [--json \\| --specs]`',
      '```sh',
      'npx nauthera diagrams extract a.md --force && npm test --silent   # --not-this',
      'node bin/nauthera.js serve --port 0 | jq .issuer',
      'bin/nauthera.js      the `nauthera` command, drawn by nauthera from --made-up',
      '```',
      'prose: nauthera run --made-up is not code',
    ].join('\n');
    expect(commandMentions(md).map(({ command, flags }) => ({ command, flags }))).toEqual([
      { command: 'run', flags: ['--out', '--flows'] },
      { command: 'checks', flags: ['--flow', '--json', '--specs'] },
      { command: 'diagrams extract', flags: ['--force'] },
      { command: 'serve', flags: ['--port'] },
    ]);
  });

  it('reports a made-up flag and a made-up command', () => {
    const helps = new Map([['run', 'usage: nauthera run [--out DIR] [--flows id,id]\n  -h, --help']]);
    expect(unknownCommandsAndFlags('x.md', '`nauthera run --out r --fast` and `nauthera deploy --now`', helps)).toEqual([
      'x.md: "nauthera run --out r --fast": "nauthera run --help" lists no --fast',
      'x.md: "nauthera deploy --now": no command "nauthera deploy"',
    ]);
  });

  it('reads the command names from the usage', () => {
    expect(commandsOfUsage('usage: nauthera <command> [options]\n\ncommands:\n  run          run the suites\n  ldap-worker  one pass\n\nRun `nauthera <command> --help`.')).toEqual(['run', 'ldap-worker']);
  });
});

describe('README.md, ARCHITECTURE.md and docs/', () => {
  it('link only to files and headings that exist', () => {
    expect(docs.length).toBeGreaterThan(3);
    const links = docs.flatMap((f) => relativeLinks(readFileSync(f, 'utf8')));
    expect(links.length).toBeGreaterThan(10);
    expect(docs.flatMap((f) => brokenLinks(f, root))).toEqual([]);
  });

  it('show only commands nauthera has, with flags their --help lists', async () => {
    const commands = commandsOfUsage(usage());
    expect(commands).toContain('run');
    const helps = new Map<string, string>();
    for (const key of [...commands, 'diagrams extract']) helps.set(key, await helpOf(key.split(' ')));
    expect(helps.get('run')).toContain('--flows');
    const mentioned = docs.flatMap((f) => commandMentions(readFileSync(f, 'utf8')));
    expect(mentioned.length).toBeGreaterThan(10);
    expect(docs.flatMap((f) => unknownCommandsAndFlags(relative(root, f), readFileSync(f, 'utf8'), helps))).toEqual([]);
  }, 120_000);
});
