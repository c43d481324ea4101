/**
 * A parser for the mermaid sequenceDiagram syntax that real docs use. It follows mermaid's own
 * lexer where the two could differ: keywords are matched before participant names (so a
 * participant named `End-User` must be aliased, as mermaid reads `End` as `end`), `;` separates
 * statements, `#59;`-style entities are text, and a bare `#` starts a comment.
 *
 * This file reads lines (front matter, the header, comments, multi-line accDescr); each
 * statement goes to its parser in statements.ts, which builds the diagram (diagram-builder.ts).
 */
import type { SequenceDiagram } from './model.ts';
import { DiagramBuilder } from './diagram-builder.ts';
import { parseStatement, shorten } from './statements.ts';

export { DiagramSyntaxError } from './diagram-builder.ts';
export { arrowMessageColon, parseBoxHeader } from './statements.ts';

export function parseSequenceDiagram(source: string, file?: string): SequenceDiagram {
  const lines = source.split(/\r?\n/);
  const d = new DiagramBuilder(file);
  let headerSeen = false;
  let lineNo = readFrontMatter(lines, d);

  for (; lineNo < lines.length; lineNo++) {
    const line = lineNo + 1;
    const raw = lines[lineNo];
    const trimmed = raw.trim();

    if (d.accDescrOpenedAt !== undefined) {
      if (trimmed.includes('}')) d.accDescrOpenedAt = undefined;
      continue;
    }
    if (trimmed === '') continue;
    if (trimmed.startsWith('%%')) {
      if (headerSeen) d.record('comment', line, trimmed);
      continue;
    }
    if (!headerSeen) {
      if (!/^sequenceDiagram\s*;?$/.test(trimmed)) d.fail(`expected "sequenceDiagram", found "${shorten(trimmed)}"`, line);
      headerSeen = true;
      d.record('header', line, trimmed);
      continue;
    }
    for (const piece of splitStatements(stripTrailingComment(raw))) {
      const statement = piece.trim();
      if (statement) parseStatement(d, statement, line);
    }
  }

  if (!headerSeen) d.fail('not a sequence diagram: "sequenceDiagram" is missing', Math.max(1, lines.length));
  if (d.accDescrOpenedAt !== undefined) d.fail('accDescr { is never closed', d.accDescrOpenedAt);
  d.failIfOpen();
  return d.diagram(source);
}

/** Front matter (---\ntitle: x\n---) may precede the header: its title is the diagram's. Returns the next line's index. */
function readFrontMatter(lines: string[], d: DiagramBuilder): number {
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || lines[first].trim() !== '---') return 0;
  const close = lines.findIndex((l, i) => i > first && l.trim() === '---');
  if (close < 0) d.fail('front matter (---) is never closed', first + 1);
  for (let i = first + 1; i < close; i++) {
    const t = /^title:\s*(.*)$/.exec(lines[i].trim());
    if (t) d.title = t[1].replace(/^(['"])(.*)\1$/, '$2');
  }
  return close + 1;
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
