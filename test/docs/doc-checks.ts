/**
 * What the documentation checker looks for, as pure functions over a document's text: the
 * relative links it makes (with their anchors), the headings it offers as anchors, and the
 * `nauthera <command> --flag` lines it shows. test/docs/links.test.ts runs them on the real
 * README.md, ARCHITECTURE.md and docs/*.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import GithubSlugger from 'github-slugger';
import { Lexer, type Token, type Tokens } from 'marked';

/** A link as written: its target path (empty for an anchor into the same file) and anchor. */
export interface DocLink {
  href: string;
  path: string;
  anchor?: string;
}

/** A command shown in a document: `nauthera <command> [subcommand]` and the flags written after it. */
export interface CommandMention {
  command: string;
  flags: string[];
  text: string;
}

function walk(tokens: Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    const t = token as Token & { tokens?: Token[]; items?: Token[]; header?: Array<{ tokens: Token[] }>; rows?: Array<Array<{ tokens: Token[] }>> };
    if (t.tokens) walk(t.tokens, visit);
    if (t.items) walk(t.items, visit);
    // Table cells are not in `tokens`: walk the header and every row.
    if (t.header) for (const cell of t.header) walk(cell.tokens, visit);
    if (t.rows) for (const row of t.rows) for (const cell of row) walk(cell.tokens, visit);
  }
}

const lex = (markdown: string): Token[] => new Lexer({ gfm: true }).lex(markdown);

/** A URL with a scheme (https:, mailto:) is not the checker's business; everything else is a path in the repository. */
const hasScheme = (href: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(href);

/** Every relative link and image of a Markdown document (code blocks and code spans excluded). */
export function relativeLinks(markdown: string): DocLink[] {
  const links: DocLink[] = [];
  walk(lex(markdown), (token) => {
    if (token.type !== 'link' && token.type !== 'image') return;
    const href = (token as Tokens.Link | Tokens.Image).href;
    if (hasScheme(href)) return;
    const [beforeHash, anchor] = href.split('#', 2) as [string, string | undefined];
    const path = decodeURIComponent(beforeHash.split('?')[0] ?? '');
    links.push({ href, path, ...(anchor !== undefined ? { anchor: decodeURIComponent(anchor) } : {}) });
  });
  return links;
}

function plainText(tokens: Token[]): string {
  return tokens.map((t) => {
    const inner = (t as Token & { tokens?: Token[] }).tokens;
    if (inner && inner.length) return plainText(inner);
    return 'text' in t && typeof t.text === 'string' ? t.text : '';
  }).join('');
}

/** The anchors GitHub gives a document's headings (github-slugger: lower case, punctuation dropped, `-1` on a repeat). */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walk(lex(markdown), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
  });
  return anchors;
}

/**
 * The code a document shows: each line of its code blocks and each code span. Commands are
 * looked for only there, so prose that says "nauthera run" in passing is not parsed as one.
 */
function codeTexts(markdown: string): string[] {
  const texts: string[] = [];
  walk(lex(markdown), (token) => {
    if (token.type === 'code') texts.push(...(token as Tokens.Code).text.split('\n'));
    else if (token.type === 'codespan') texts.push((token as Tokens.Codespan).text);
  });
  return texts;
}

/** Commands with sub-commands of their own, whose flags are those of the sub-command. */
const subCommands: Record<string, string[]> = { diagrams: ['extract'] };

/** How a command starts in a shell segment: `nauthera`, `npx nauthera`, `node bin/nauthera.js`, after any `$ ` or VAR=value. */
const commandStart = /^(?:\$\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+nauthera|node\s+bin\/nauthera\.js|nauthera)\s+([a-z][a-z-]*)/;

/** Where one shell command ends and the next begins: `&&`, `||`, `;`, or a pipe into another program. */
const commandSeparator = /&&|\|\||;|\s\\?\|\s+(?!-)/;

/**
 * Every `nauthera <command> ... --flag` in the code of a document: each shell command (a line
 * of a code block, or a code span, cut at `&&`, `;` and pipes) that starts with nauthera, its
 * flags read up to a `#` comment. A code block that is not shell (a file tree) names nauthera
 * in the middle of its lines, and is left alone.
 */
export function commandMentions(markdown: string): CommandMention[] {
  const found: CommandMention[] = [];
  for (const text of codeTexts(markdown)) {
    for (const segment of text.split(commandSeparator)) {
      const line = segment.split(/(?:^|\s)#/)[0]?.trim() ?? '';
      const m = commandStart.exec(line);
      if (!m) continue;
      const [command] = m.slice(1) as [string];
      const span = line.slice(m[0].length);
      const sub = /^\s+([a-z][a-z-]*)/.exec(span)?.[1];
      const full = sub && subCommands[command]?.includes(sub) ? `${command} ${sub}` : command;
      const flags = [...span.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((f) => `--${f[1]}`);
      found.push({ command: full, flags, text: `nauthera ${command}${span}`.trim() });
    }
  }
  return found;
}

/** The long flags a command's help text lists. */
export function flagsOfHelp(help: string): Set<string> {
  return new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => `--${m[1]}`));
}

/** The command names of `nauthera --help` (the lines under "commands:"). */
export function commandsOfUsage(usage: string): string[] {
  const after = usage.split(/^commands:\s*$/m)[1] ?? '';
  return [...after.matchAll(/^ {2}([a-z][a-z-]*)\s{2,}/gm)].map((m) => m[1] as string);
}

/**
 * The broken links of one document, as `file: href (why)`: a path that does not exist, or an
 * anchor into a Markdown file that none of its headings gives.
 */
export function brokenLinks(file: string, root: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string[] {
  const problems: string[] = [];
  const name = relative(root, file);
  for (const link of relativeLinks(read(file))) {
    const target = link.path === '' ? file : join(dirname(file), link.path);
    if (!existsSync(target)) {
      problems.push(`${name}: ${link.href} (no such file)`);
      continue;
    }
    if (link.anchor !== undefined && target.endsWith('.md') && !headingAnchors(read(target)).has(link.anchor)) {
      problems.push(`${name}: ${link.href} (no heading "#${link.anchor}" in ${relative(root, target)})`);
    }
  }
  return problems;
}

/**
 * The commands and flags a document shows that nauthera does not have, as `file: what`.
 * `helps` maps each command (and "diagrams extract") to its `--help` text.
 */
export function unknownCommandsAndFlags(name: string, markdown: string, helps: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const mention of commandMentions(markdown)) {
    const help = helps.get(mention.command);
    if (help === undefined) {
      problems.push(`${name}: "${mention.text}": no command "nauthera ${mention.command}"`);
      continue;
    }
    const known = flagsOfHelp(help);
    for (const flag of mention.flags) if (!known.has(flag)) problems.push(`${name}: "${mention.text}": "nauthera ${mention.command} --help" lists no ${flag}`);
  }
  return problems;
}
