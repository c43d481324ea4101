/**
 * One parser per kind of statement of a sequenceDiagram, chosen by the statement's first
 * word; a statement that starts with no keyword is an arrow (`A->>B: text`) or an error.
 * Keywords are matched before participant names, as mermaid's lexer does.
 */
import { arrowKinds, isReverseArrow, type Arrow, type ArrowKind, type BlockKind, type NotePlacement } from './model.ts';
import type { DiagramBuilder } from './diagram-builder.ts';
import { isCssColorName } from './css-colors.ts';
import { decodeMermaidText } from './text.ts';

/** A statement: its text (trimmed), what follows the keyword, and its line. */
interface Statement {
  text: string;
  rest: string;
  line: number;
}

type StatementParser = (d: DiagramBuilder, s: Statement, keyword: string) => void;

const blockKinds: readonly BlockKind[] = ['rect', 'alt', 'opt', 'loop', 'par', 'par_over', 'critical', 'break'];
/** Which section keyword each block accepts (mermaid: else in alt, and in par, option in critical). */
const sectionOf: Partial<Record<BlockKind, 'else' | 'and' | 'option'>> = { alt: 'else', par: 'and', par_over: 'and', critical: 'option' };

const arrowPattern = new RegExp(`^(.+?)\\s*(${arrowKinds.map(escapeRegExp).join('|')})\\s*([+-]?)\\s*(.*)$`);

/** The statements allowed inside a box: declarations, and `end` closing it. */
const declarations: Record<string, StatementParser> = {
  end(d, { text, rest, line }) {
    if (rest) d.fail(`unexpected "${shorten(rest)}" after end`, line);
    d.close(line);
    d.record('end', line, text);
  },
  participant: declaration,
  actor: declaration,
  create(d, { text, rest, line }) {
    const m = /^(participant|actor)\s+(.+)$/i.exec(rest);
    if (!m) return d.fail('"create" must be followed by participant or actor', line);
    if (d.insideBox()) d.fail('"create" is not allowed inside a box', line);
    d.declare(m[2], m[1].toLowerCase() as 'participant' | 'actor', line);
    d.record('create', line, text);
  },
  destroy(d, { text, rest, line }) {
    if (!rest) d.fail('"destroy" needs a participant', line);
    d.ensureParticipant(rest, line);
    d.record('destroy', line, text);
  },
};

const others: Record<string, StatementParser> = {
  box(d, { text, rest, line }) {
    if (d.insideAnything()) d.fail('a box cannot be nested in a box or a block', line);
    const { color, label } = parseBoxHeader(rest);
    d.openBox({ label, ...(color ? { color } : {}), participants: [], line, endLine: -1 });
    d.record('box', line, text);
  },
  ...Object.fromEntries(blockKinds.map((kind) => [kind, block])),
  else: section,
  and: section,
  option: section,
  note(d, { text, rest, line }) {
    const m = /^(left\s+of|right\s+of|over)\s+([^:]+?)\s*:(.*)$/i.exec(rest);
    if (!m) return d.fail('a note reads "Note left of|right of|over A[,B]: text"', line);
    const placement = m[1].toLowerCase().replace(/\s+/, ' ') as NotePlacement;
    const ids = m[2].split(',').map((s) => s.trim());
    if (ids.length > 2 || ids.some((id) => !id)) d.fail('a note names one or two participants', line);
    if (ids.length === 2 && placement !== 'over') d.fail(`"Note ${placement}" takes one participant`, line);
    for (const id of ids) d.ensureParticipant(id, line);
    d.notes.push({ placement, participants: ids, text: m[3].trim(), line });
    d.record('note', line, text);
  },
  activate: activation,
  deactivate: activation,
  autonumber(d, { text, rest, line }) {
    if (/^off$/i.test(rest)) d.autonumber = false;
    else if (/^(\d+(\s+\d+)?)?$/.test(rest)) d.autonumber = true;
    else d.fail('autonumber takes "off", or a start and an optional step', line);
    d.record('autonumber', line, text);
  },
  title(d, { text, line }) {
    const m = /^title:?\s+(.+)$/i.exec(text);
    if (!m) return d.fail('title needs a text', line);
    d.title = m[1].trim();
    d.record('title', line, text);
  },
  // accDescr { over several lines: the line loop (parse.ts) skips to its closing }.
  acctitle: accessibility,
  accdescr: accessibility,
  link,
  links: link,
  properties: link,
  details: link,
};

/** Parses one statement into the diagram. */
export function parseStatement(d: DiagramBuilder, text: string, line: number): void {
  const keyword = /^([A-Za-z_]+)\b/.exec(text)?.[1].toLowerCase();
  const statement = { text, rest: keyword ? text.slice(keyword.length).trim() : '', line };
  // Own properties only: a participant named `constructor` is no keyword.
  const parserIn = (table: Record<string, StatementParser>) => (keyword !== undefined && Object.hasOwn(table, keyword) ? table[keyword] : undefined);
  const declaration = parserIn(declarations);
  if (declaration) return declaration(d, statement, keyword!);
  if (d.insideBox()) d.fail(`only participant and actor declarations may appear inside a box, found "${shorten(text)}"`, line);
  const parser = parserIn(others);
  if (parser) return parser(d, statement, keyword!);
  if (!arrow(d, statement)) d.fail(`unknown statement "${shorten(text)}"`, line);
}

function declaration(d: DiagramBuilder, { text, rest, line }: Statement, keyword: string): void {
  d.declare(rest, keyword as 'participant' | 'actor', line);
  d.record('participant', line, text);
}

function block(d: DiagramBuilder, { text, rest, line }: Statement, keyword: string): void {
  const parent = d.innermostBlock();
  d.openBlock({ kind: keyword as BlockKind, label: rest, sections: [], line, endLine: -1, ...(parent ? { parent: d.blocks.indexOf(parent) } : {}) });
  d.record('block', line, text);
}

function section(d: DiagramBuilder, { text, rest, line }: Statement, keyword: string): void {
  const current = d.innermostBlock();
  if (!current || !d.blockIsInnermost() || sectionOf[current.kind] !== keyword) {
    const where = Object.entries(sectionOf).filter(([, k]) => k === keyword).map(([b]) => b).join('/');
    d.fail(`"${keyword}" outside of a ${where} block`, line);
  }
  current.sections.push({ keyword: keyword as 'else' | 'and' | 'option', label: rest, line });
  // A section line sits at its block's depth, not inside it.
  d.record('section', line, text, undefined, d.depth() - 1);
}

function activation(d: DiagramBuilder, { text, rest, line }: Statement, keyword: string): void {
  if (!rest) d.fail(`"${keyword}" needs a participant`, line);
  d.ensureParticipant(rest, line);
  d.setActive(rest, keyword === 'activate' ? 1 : -1, line);
  d.record('activation', line, text);
}

function accessibility(d: DiagramBuilder, { text, line }: Statement, keyword: string): void {
  if (/^accDescr\s*\{/i.test(text) && !text.includes('}')) d.accDescrOpenedAt = line;
  else if (!/^acc(Title|Descr)\s*(:|\{)/i.test(text)) d.fail(`"${keyword}" reads "${keyword}: text"`, line);
  d.record('accessibility', line, text);
}

function link(d: DiagramBuilder, { text, line }: Statement, keyword: string): void {
  const m = /^\S+\s+([^:]+?)\s*:(.+)$/.exec(text);
  if (!m) d.fail(`"${keyword}" reads "${keyword} A: ..."`, line);
  d.ensureParticipant(m[1], line);
  d.record('link', line, text);
}

/** `A->>B: text`, with an optional activation mark after the arrow. False when the statement is no arrow. */
function arrow(d: DiagramBuilder, { text: t, line }: Statement): boolean {
  const a = arrowPattern.exec(t);
  if (!a) return false;
  const left = a[1].trim();
  const kind = a[2] as ArrowKind;
  const sign = a[3] as '' | '+' | '-';
  const afterArrow = a[4];
  const colon = afterArrow.indexOf(':');
  if (colon < 0) d.fail(`arrow ${left}${kind}${afterArrow.trim()} has no message (write "${left}${kind}${afterArrow.trim()}: text")`, line);
  const right = afterArrow.slice(0, colon).trim();
  if (!right) d.fail(`arrow from "${left}" has no target participant`, line);
  if (/[<>]/.test(right) || /[<>]/.test(left)) d.fail(`unknown arrow in "${shorten(t)}"`, line);
  const text = afterArrow.slice(colon + 1).trim();
  d.ensureParticipant(left, line);
  d.ensureParticipant(right, line);
  // Activation marks follow the text as written: + activates the right participant, - ends the left one's.
  if (sign === '+') d.setActive(right, 1, line);
  if (sign === '-') d.setActive(left, -1, line);
  // A reverse half arrow (A/|-B) is drawn pointing at A: the message goes from B to A.
  const [from, to] = isReverseArrow(kind) ? [right, left] : [left, right];
  const drawn: Arrow = { index: d.arrows.length, from, to, text, kind, line, plainText: decodeMermaidText(text), ...(sign ? { activation: sign } : {}) };
  d.arrows.push(drawn);
  if (d.autonumber) d.everNumbered = true;
  d.record('arrow', line, t, drawn.index);
  return true;
}

/**
 * Where the message of an arrow statement starts: the index of the `:` that ends `A->>B:`,
 * or -1 when the statement is not an arrow with a message.
 */
export function arrowMessageColon(statement: string): number {
  const a = arrowPattern.exec(statement);
  if (!a || !a[4].includes(':')) return -1;
  return statement.length - a[4].length + a[4].indexOf(':');
}

/** Reads `box [colour] [label]` the way mermaid does: the first word is a colour if CSS knows it. */
export function parseBoxHeader(rest: string): { color?: string; label: string } {
  const fn = /^((?:rgba?|hsla?)\s*\([^)]*\))\s*(.*)$/i.exec(rest);
  if (fn) return { color: fn[1], label: fn[2].trim() };
  const word = /^(\S+)\s*(.*)$/.exec(rest);
  if (word && (isCssColorName(word[1]) || word[1].toLowerCase() === 'transparent')) {
    return { color: word[1], label: word[2].trim() };
  }
  return { label: rest.trim() };
}

export function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
