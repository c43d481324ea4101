/**
 * A sequence diagram while it is being parsed: what has been declared so far, the boxes and
 * blocks still open, and the rules every statement kind shares (a participant is declared on
 * first use, nothing but declarations inside a box, activations never below zero).
 */
import type { Arrow, Block, Box, Note, Participant, SequenceDiagram, Statement, StatementKind } from './model.ts';

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

interface OpenScope {
  kind: 'box' | 'block';
  index: number;
}

export class DiagramBuilder {
  readonly participants: Participant[] = [];
  readonly arrows: Arrow[] = [];
  readonly notes: Note[] = [];
  readonly boxes: Box[] = [];
  readonly blocks: Block[] = [];
  readonly statements: Statement[] = [];
  title: string | undefined;
  /** Whether arrows are numbered from here on (`autonumber` / `autonumber off`). */
  autonumber = false;
  /** Whether any arrow was drawn while numbering was on. */
  everNumbered = false;
  /** The line of an `accDescr {` whose `}` has not come yet. */
  accDescrOpenedAt: number | undefined;
  private readonly byId = new Map<string, Participant>();
  private readonly scopes: OpenScope[] = [];
  private readonly active = new Map<string, number>();

  constructor(private readonly file?: string) {}

  fail(reason: string, line: number): never {
    throw new DiagramSyntaxError(reason, line, this.file);
  }

  /** How many blocks (alt, loop, ...) enclose the next statement. */
  depth(): number {
    return this.scopes.filter((s) => s.kind === 'block').length;
  }

  insideBox(): boolean {
    return this.scopes.some((s) => s.kind === 'box');
  }

  insideAnything(): boolean {
    return this.scopes.length > 0;
  }

  innermostBlock(): Block | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].kind === 'block') return this.blocks[this.scopes[i].index];
    return undefined;
  }

  /** Whether the innermost open scope is a block (not a box). */
  blockIsInnermost(): boolean {
    return this.scopes[this.scopes.length - 1]?.kind === 'block';
  }

  record(kind: StatementKind, line: number, text: string, arrow?: number, depth = this.depth()): void {
    this.statements.push({ kind, line, text, depth, ...(arrow === undefined ? {} : { arrow }) });
  }

  openBox(box: Box): void {
    this.boxes.push(box);
    this.scopes.push({ kind: 'box', index: this.boxes.length - 1 });
  }

  openBlock(block: Block): void {
    this.blocks.push(block);
    this.scopes.push({ kind: 'block', index: this.blocks.length - 1 });
  }

  /** `end`: closes the innermost box or block. */
  close(line: number): void {
    const scope = this.scopes.pop();
    if (!scope) this.fail('"end" without an open box or block', line);
    if (scope.kind === 'box') this.boxes[scope.index].endLine = line;
    else this.blocks[scope.index].endLine = line;
  }

  /** At the end of the source: a box or block still open is an error at the line that opened it. */
  failIfOpen(): void {
    const open = this.scopes.pop();
    if (!open) return;
    const opened = open.kind === 'box' ? this.boxes[open.index] : this.blocks[open.index];
    const what = open.kind === 'box' ? 'box' : (opened as Block).kind;
    this.fail(`${what} opened here is never closed with "end"`, opened.line);
  }

  /** A participant named by a statement: declared implicitly on first use, as mermaid does. */
  ensureParticipant(id: string, line: number): Participant {
    if (!id) this.fail('missing participant name', line);
    let p = this.byId.get(id);
    if (!p) {
      if (this.insideBox()) this.fail(`participant "${id}" is used inside a box without being declared there`, line);
      p = { id, label: id, kind: 'participant' };
      this.participants.push(p);
      this.byId.set(id, p);
    }
    return p;
  }

  /** `participant A`, `actor A as Label`, `A@{ "type": "database" }`, `A@{...} as Label`. */
  declare(rest: string, kind: 'participant' | 'actor', line: number): void {
    const m = /^(.+?)(?:@\{.*\})?(?:\s+as\s+(.+))?$/i.exec(rest.trim());
    if (!m || !m[1].trim()) this.fail(`${kind} needs a name`, line);
    const id = m[1].trim();
    const label = m[2]?.trim() || id;
    let p = this.byId.get(id);
    if (p) {
      // Mermaid lets a later declaration relabel a participant.
      p.label = label;
      p.kind = kind;
    } else {
      p = { id, label, kind };
      this.participants.push(p);
      this.byId.set(id, p);
    }
    const box = this.scopes.find((s) => s.kind === 'box');
    if (box) {
      p.box = this.boxes[box.index].label;
      if (!this.boxes[box.index].participants.includes(id)) this.boxes[box.index].participants.push(id);
    }
  }

  setActive(id: string, delta: 1 | -1, line: number): void {
    const n = (this.active.get(id) ?? 0) + delta;
    if (n < 0) this.fail(`"${id}" is deactivated but is not active`, line);
    this.active.set(id, n);
  }

  diagram(source: string): SequenceDiagram {
    return {
      participants: this.participants,
      arrows: this.arrows,
      source,
      ...(this.title !== undefined ? { title: this.title } : {}),
      autonumber: this.everNumbered,
      notes: this.notes,
      boxes: this.boxes,
      blocks: this.blocks,
      statements: this.statements,
    };
  }
}
