/**
 * A parser for the mermaid sequenceDiagram syntax that real docs use. It follows mermaid's own
 * lexer where the two could differ: keywords are matched before participant names (so a
 * participant named `End-User` must be aliased, as mermaid reads `End` as `end`), `;` separates
 * statements, `#59;`-style entities are text, and a bare `#` starts a comment.
 */
import {
  arrowKinds,
  type Arrow,
  type ArrowKind,
  isReverseArrow,
  type Block,
  type BlockKind,
  type Box,
  type Note,
  type NotePlacement,
  type Participant,
  type SequenceDiagram,
  type Statement,
  type StatementKind,
} from './model.ts';
import { isCssColorName } from './css-colors.ts';
import { decodeMermaidText } from './text.ts';

export class DiagramSyntaxError extends Error {
  override name = 'DiagramSyntaxError';
  /** The message without the file:line prefix. */
  readonly reason: string;
  constructor(
    reason: string,
    readonly line: number,
    readonly file?: string,
  ) {
    super(`${file ? `${file}:` : 'line '}${line}: ${reason}`);
    this.reason = reason;
  }
}

const blockKinds: readonly BlockKind[] = ['rect', 'alt', 'opt', 'loop', 'par', 'par_over', 'critical', 'break'];
/** Which section keyword each block accepts (mermaid: else in alt, and in par, option in critical). */
const sectionOf: Partial<Record<BlockKind, 'else' | 'and' | 'option'>> = { alt: 'else', par: 'and', par_over: 'and', critical: 'option' };

const arrowPattern = new RegExp(`^(.+?)\\s*(${arrowKinds.map(escapeRegExp).join('|')})\\s*([+-]?)\\s*(.*)$`);

interface OpenScope {
  kind: 'box' | 'block';
  index: number;
}

export function parseSequenceDiagram(source: string, file?: string): SequenceDiagram {
  const lines = source.split(/\r?\n/);
  const participants: Participant[] = [];
  const byId = new Map<string, Participant>();
  const arrows: Arrow[] = [];
  const notes: Note[] = [];
  const boxes: Box[] = [];
  const blocks: Block[] = [];
  const statements: Statement[] = [];
  const scopes: OpenScope[] = [];
  const active = new Map<string, number>();
  let title: string | undefined;
  let autonumber = false;
  let everNumbered = false;
  let headerSeen = false;
  let inAccDescr: number | undefined;

  const fail = (reason: string, line: number): never => {
    throw new DiagramSyntaxError(reason, line, file);
  };
  const depth = () => scopes.filter((s) => s.kind === 'block').length;
  const openBox = () => scopes.find((s) => s.kind === 'box');
  const innermostBlock = (): Block | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].kind === 'block') return blocks[scopes[i].index];
    return undefined;
  };
  const record = (kind: StatementKind, line: number, text: string, arrow?: number) => {
    statements.push({ kind, line, text, depth: depth(), ...(arrow === undefined ? {} : { arrow }) });
  };
  const ensureParticipant = (id: string, line: number): Participant => {
    if (!id) fail('missing participant name', line);
    let p = byId.get(id);
    if (!p) {
      if (openBox()) fail(`participant "${id}" is used inside a box without being declared there`, line);
      p = { id, label: id, kind: 'participant' };
      participants.push(p);
      byId.set(id, p);
    }
    return p;
  };
  const declare = (rest: string, kind: 'participant' | 'actor', line: number) => {
    // `A`, `A as Label`, `A@{ "type": "database" }`, `A@{...} as Label`
    const m = /^(.+?)(?:@\{.*\})?(?:\s+as\s+(.+))?$/i.exec(rest.trim());
    if (!m || !m[1].trim()) fail(`${kind} needs a name`, line);
    const id = m![1].trim();
    const label = m![2]?.trim() || id;
    let p = byId.get(id);
    if (p) {
      // Mermaid lets a later declaration relabel a participant.
      p.label = label;
      p.kind = kind;
    } else {
      p = { id, label, kind };
      participants.push(p);
      byId.set(id, p);
    }
    const box = openBox();
    if (box) {
      p.box = boxes[box.index].label;
      if (!boxes[box.index].participants.includes(id)) boxes[box.index].participants.push(id);
    }
  };
  const setActive = (id: string, delta: 1 | -1, line: number) => {
    const n = (active.get(id) ?? 0) + delta;
    if (n < 0) fail(`"${id}" is deactivated but is not active`, line);
    active.set(id, n);
  };

  let lineNo = 0;
  // Front matter (---\ntitle: x\n---) may precede the header.
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (firstContent >= 0 && lines[firstContent].trim() === '---') {
    const close = lines.findIndex((l, i) => i > firstContent && l.trim() === '---');
    if (close < 0) fail('front matter (---) is never closed', firstContent + 1);
    for (let i = firstContent + 1; i < close; i++) {
      const t = /^title:\s*(.*)$/.exec(lines[i].trim());
      if (t) title = t[1].replace(/^(['"])(.*)\1$/, '$2');
    }
    lineNo = close + 1;
  }

  for (; lineNo < lines.length; lineNo++) {
    const line = lineNo + 1;
    const raw = lines[lineNo];
    const trimmed = raw.trim();

    if (inAccDescr !== undefined) {
      if (trimmed.includes('}')) inAccDescr = undefined;
      continue;
    }
    if (trimmed === '') continue;
    if (trimmed.startsWith('%%')) {
      if (headerSeen) record('comment', line, trimmed);
      continue;
    }
    if (!headerSeen) {
      if (!/^sequenceDiagram\s*;?$/.test(trimmed)) {
        fail(`expected "sequenceDiagram", found "${shorten(trimmed)}"`, line);
      }
      headerSeen = true;
      record('header', line, trimmed);
      continue;
    }

    for (const piece of splitStatements(stripTrailingComment(raw))) {
      const t = piece.trim();
      if (!t) continue;
      const keyword = /^([A-Za-z_]+)\b/.exec(t)?.[1].toLowerCase();
      const rest = keyword ? t.slice(keyword.length).trim() : '';

      if (keyword === 'end' && /^end\b/i.test(t)) {
        if (rest) fail(`unexpected "${shorten(rest)}" after end`, line);
        const scope = scopes.pop();
        if (!scope) fail('"end" without an open box or block', line);
        if (scope!.kind === 'box') boxes[scope!.index].endLine = line;
        else blocks[scope!.index].endLine = line;
        record('end', line, t);
        continue;
      }
      if (keyword === 'participant' || keyword === 'actor') {
        declare(rest, keyword, line);
        record('participant', line, t);
        continue;
      }
      if (keyword === 'create') {
        const m = /^(participant|actor)\s+(.+)$/i.exec(rest);
        if (!m) fail('"create" must be followed by participant or actor', line);
        if (openBox()) fail('"create" is not allowed inside a box', line);
        declare(m![2], m![1].toLowerCase() as 'participant' | 'actor', line);
        record('create', line, t);
        continue;
      }
      if (keyword === 'destroy') {
        if (!rest) fail('"destroy" needs a participant', line);
        ensureParticipant(rest, line);
        record('destroy', line, t);
        continue;
      }
      if (openBox()) {
        fail(`only participant and actor declarations may appear inside a box, found "${shorten(t)}"`, line);
      }
      if (keyword === 'box') {
        if (scopes.length) fail('a box cannot be nested in a box or a block', line);
        const { color, label } = parseBoxHeader(rest);
        boxes.push({ label, ...(color ? { color } : {}), participants: [], line, endLine: -1 });
        scopes.push({ kind: 'box', index: boxes.length - 1 });
        record('box', line, t);
        continue;
      }
      if (keyword && (blockKinds as readonly string[]).includes(keyword)) {
        const kind = keyword as BlockKind;
        const parent = innermostBlock();
        blocks.push({
          kind,
          label: rest,
          sections: [],
          line,
          endLine: -1,
          ...(parent ? { parent: blocks.indexOf(parent) } : {}),
        });
        scopes.push({ kind: 'block', index: blocks.length - 1 });
        record('block', line, t);
        continue;
      }
      if (keyword === 'else' || keyword === 'and' || keyword === 'option') {
        const block = innermostBlock();
        const top = scopes[scopes.length - 1];
        if (!block || top?.kind !== 'block' || sectionOf[block.kind] !== keyword) {
          const where = Object.entries(sectionOf)
            .filter(([, k]) => k === keyword)
            .map(([b]) => b)
            .join('/');
          fail(`"${keyword}" outside of a ${where} block`, line);
        }
        block!.sections.push({ keyword, label: rest, line });
        statements.push({ kind: 'section', line, text: t, depth: depth() - 1 });
        continue;
      }
      if (keyword === 'note') {
        const m = /^(left\s+of|right\s+of|over)\s+([^:]+?)\s*:(.*)$/i.exec(rest);
        if (!m) fail('a note reads "Note left of|right of|over A[,B]: text"', line);
        const placement = m![1].toLowerCase().replace(/\s+/, ' ') as NotePlacement;
        const ids = m![2].split(',').map((s) => s.trim());
        if (ids.length > 2 || ids.some((id) => !id)) fail('a note names one or two participants', line);
        if (ids.length === 2 && placement !== 'over') fail(`"Note ${placement}" takes one participant`, line);
        for (const id of ids) ensureParticipant(id, line);
        notes.push({ placement, participants: ids, text: m![3].trim(), line });
        record('note', line, t);
        continue;
      }
      if (keyword === 'activate' || keyword === 'deactivate') {
        if (!rest) fail(`"${keyword}" needs a participant`, line);
        ensureParticipant(rest, line);
        setActive(rest, keyword === 'activate' ? 1 : -1, line);
        record('activation', line, t);
        continue;
      }
      if (keyword === 'autonumber') {
        if (/^off$/i.test(rest)) autonumber = false;
        else if (/^(\d+(\s+\d+)?)?$/.test(rest)) autonumber = true;
        else fail('autonumber takes "off", or a start and an optional step', line);
        record('autonumber', line, t);
        continue;
      }
      if (keyword === 'title') {
        const m = /^title:?\s+(.+)$/i.exec(t);
        if (!m) fail('title needs a text', line);
        title = m![1].trim();
        record('title', line, t);
        continue;
      }
      if (keyword === 'acctitle' || keyword === 'accdescr') {
        if (/^accDescr\s*\{/i.test(t) && !t.includes('}')) inAccDescr = line;
        else if (!/^acc(Title|Descr)\s*(:|\{)/i.test(t)) fail(`"${keyword}" reads "${keyword}: text"`, line);
        record('accessibility', line, t);
        continue;
      }
      if (keyword && ['link', 'links', 'properties', 'details'].includes(keyword)) {
        const m = /^\S+\s+([^:]+?)\s*:(.+)$/.exec(t);
        if (!m) fail(`"${keyword}" reads "${keyword} A: ..."`, line);
        ensureParticipant(m![1], line);
        record('link', line, t);
        continue;
      }

      const a = arrowPattern.exec(t);
      if (a) {
        const left = a[1].trim();
        const kind = a[2] as ArrowKind;
        const sign = a[3] as '' | '+' | '-';
        const afterArrow = a[4];
        const colon = afterArrow.indexOf(':');
        if (colon < 0) fail(`arrow ${left}${kind}${afterArrow.trim()} has no message (write "${left}${kind}${afterArrow.trim()}: text")`, line);
        const right = afterArrow.slice(0, colon).trim();
        if (!right) fail(`arrow from "${left}" has no target participant`, line);
        if (/[<>]/.test(right) || /[<>]/.test(left)) fail(`unknown arrow in "${shorten(t)}"`, line);
        const text = afterArrow.slice(colon + 1).trim();
        ensureParticipant(left, line);
        ensureParticipant(right, line);
        // Activation marks follow the text as written: + activates the right participant, - ends the left one's.
        if (sign === '+') setActive(right, 1, line);
        if (sign === '-') setActive(left, -1, line);
        // A reverse half arrow (A/|-B) is drawn pointing at A: the message goes from B to A.
        const [from, to] = isReverseArrow(kind) ? [right, left] : [left, right];
        const arrow: Arrow = {
          index: arrows.length,
          from,
          to,
          text,
          kind,
          line,
          plainText: decodeMermaidText(text),
          ...(sign ? { activation: sign } : {}),
        };
        arrows.push(arrow);
        if (autonumber) everNumbered = true;
        record('arrow', line, t, arrow.index);
        continue;
      }
      fail(`unknown statement "${shorten(t)}"`, line);
    }
  }

  if (!headerSeen) fail('not a sequence diagram: "sequenceDiagram" is missing', Math.max(1, lines.length));
  if (inAccDescr !== undefined) fail('accDescr { is never closed', inAccDescr);
  const open = scopes.pop();
  if (open) {
    const opened = open.kind === 'box' ? boxes[open.index] : blocks[open.index];
    const what = open.kind === 'box' ? 'box' : (opened as Block).kind;
    fail(`${what} opened here is never closed with "end"`, opened.line);
  }

  return {
    participants,
    arrows,
    source,
    ...(title !== undefined ? { title } : {}),
    autonumber: everNumbered,
    notes,
    boxes,
    blocks,
    statements,
  };
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

/**
 * Splits a line at `;` statement separators, keeping `#59;`-style entities whole (mermaid
 * encodes entities before it lexes, so their `;` never separates).
 */
export function splitStatements(line: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const entity = /^#\w+;/.exec(line.slice(i));
    if (entity) {
      current += entity[0];
      i += entity[0].length - 1;
      continue;
    }
    if (line[i] === ';') {
      parts.push(current);
      current = '';
    } else current += line[i];
  }
  parts.push(current);
  return parts;
}

/** A bare `#` (not an entity such as `#59;`) starts a comment in mermaid's lexer. */
function stripTrailingComment(text: string): string {
  const m = /#(?!\w+;)/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
