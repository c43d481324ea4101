/** A parsed mermaid sequenceDiagram: its participants and its ordered arrows. */

/**
 * Mermaid 11's half arrows (a half arrowhead or a stick, top or bottom; solid or dotted). The
 * reverse ones, written before the line (`A/|-B`), point at the left participant.
 */
export const halfArrowKinds = ['--|\\', '--|/', '--\\\\', '--//', '-|\\', '-|/', '-\\\\', '-//'] as const;
export const reverseHalfArrowKinds = ['/|--', '\\|--', '//--', '\\\\--', '/|-', '\\|-', '//-', '\\\\-'] as const;

export type ArrowKind =
  | '->>' | '-->>' | '->' | '-->' | '-x' | '--x' | '-)' | '--)' | '<<->>' | '<<-->>'
  | (typeof halfArrowKinds)[number] | (typeof reverseHalfArrowKinds)[number];

/** Every arrow kind, longest first within each family (the order a matcher must try them in). */
export const arrowKinds: readonly ArrowKind[] = [
  '<<-->>', '<<->>', '-->>', '->>', '-->', '->', '--x', '-x', '--)', '-)', ...halfArrowKinds, ...reverseHalfArrowKinds,
];

/** A reverse half arrow: drawn from its right participant to its left one. */
export function isReverseArrow(kind: ArrowKind): boolean {
  return (reverseHalfArrowKinds as readonly string[]).includes(kind);
}

export interface Participant {
  /** The id used in arrows (the alias when `participant AS as Authorization Server`). */
  id: string;
  /** The displayed label. */
  label: string;
  kind: 'participant' | 'actor';
  /** Label of the enclosing `box`, if any. */
  box?: string;
}

export interface Arrow {
  /** Position among the diagram's arrows, from 0. */
  index: number;
  from: string;
  to: string;
  /** Message text as written (trimmed). */
  text: string;
  kind: ArrowKind;
  /** 1-based line number in the source. */
  line: number;
  /** The text as shown: entities such as `#59;` decoded, `<br/>` as a newline. */
  plainText?: string;
  /** `A->>+B` activates the receiver; `A->>-B` deactivates the sender. */
  activation?: '+' | '-';
}

export type NotePlacement = 'left of' | 'right of' | 'over';

export interface Note {
  placement: NotePlacement;
  /** One participant id, or two for `Note over A,B`. */
  participants: string[];
  /** Text as written. */
  text: string;
  line: number;
}

export interface Box {
  label: string;
  /** The colour as written (`rgba(2,88,99,0.5)`, `Aqua`), or undefined. */
  color?: string;
  participants: string[];
  line: number;
  endLine: number;
}

export type BlockKind = 'rect' | 'alt' | 'opt' | 'loop' | 'par' | 'par_over' | 'critical' | 'break';

export interface Block {
  kind: BlockKind;
  /** The label (for rect: the colour). */
  label: string;
  /** `else` / `and` / `option` sections after the first. */
  sections: Array<{ keyword: 'else' | 'and' | 'option'; label: string; line: number }>;
  line: number;
  endLine: number;
  /** Index of the enclosing block in `blocks`, if nested. */
  parent?: number;
}

export type StatementKind =
  | 'header'
  | 'participant'
  | 'create'
  | 'destroy'
  | 'box'
  | 'block'
  | 'section'
  | 'end'
  | 'arrow'
  | 'note'
  | 'activation'
  | 'autonumber'
  | 'title'
  | 'accessibility'
  | 'link'
  | 'comment';

/** One statement of the source (a line, or a part of one when `;` separates statements). */
export interface Statement {
  kind: StatementKind;
  /** 1-based source line. */
  line: number;
  /** The statement as written, trimmed. */
  text: string;
  /** For kind 'arrow': its index in `arrows`. */
  arrow?: number;
  /** Number of open blocks (rect/alt/...) around it. */
  depth: number;
}

export interface SequenceDiagram {
  participants: Participant[];
  arrows: Arrow[];
  /** The source text as given. */
  source: string;
  /** From `title ...` or the front matter. */
  title?: string;
  /** True when `autonumber` is on for at least one arrow. */
  autonumber?: boolean;
  notes?: Note[];
  boxes?: Box[];
  blocks?: Block[];
  /** Every statement in source order: `%%` comments after the header are kind 'comment'; blank lines are not statements. */
  statements?: Statement[];
}
