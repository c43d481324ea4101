/** A parsed mermaid sequenceDiagram: its participants and its ordered arrows. */

export type ArrowKind = '->>' | '-->>' | '->' | '-->' | '-x' | '--x' | '-)' | '--)';

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
}

export interface SequenceDiagram {
  participants: Participant[];
  arrows: Arrow[];
  /** The source text as given. */
  source: string;
}
