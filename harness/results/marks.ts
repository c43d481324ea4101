/**
 * How a status is shown, the same in every report: the console progress and summary, report.html,
 * the annotated diagrams and their Markdown tables. Change a mark or a colour here only.
 *
 * Two glyphs per status: `symbol` is one narrow character for text (terminal columns stay aligned,
 * bench/ parses progress lines by it); `emoji` is drawn on diagrams and in Markdown, where git
 * hosts and the renderer show it in colour.
 */
import type { Status } from './model.ts';

export interface StatusMark {
  /** One narrow glyph for text: console lines, the summary table, report.html badges. */
  symbol: string;
  /** The coloured glyph in diagram arrows and notes, and in the diagrams' Markdown tables. */
  emoji: string;
  /** Words for legends, badges and summaries. */
  label: string;
  /** Badge background in report.html; line, arrow head and text of an arrow in the rendered SVG. */
  color: string;
  /** Background of an arrow's `rect` band in the annotated diagram. */
  band: string;
}

export const statusMarks: Readonly<Record<Status, StatusMark>> = {
  passed: { symbol: '✔', emoji: '✅', label: 'passed', color: '#1a7f37', band: 'rgba(46, 160, 67, 0.14)' },
  failed: { symbol: '✘', emoji: '❌', label: 'failed', color: '#cf222e', band: 'rgba(207, 34, 46, 0.16)' },
  warning: { symbol: '⚠', emoji: '⚠️', label: 'warning', color: '#9a6700', band: 'rgba(212, 167, 44, 0.2)' },
  skipped: { symbol: '-', emoji: '⏭️', label: 'skipped', color: '#6e7781', band: 'rgba(140, 149, 159, 0.14)' },
  'not-applicable': { symbol: '∅', emoji: '➖', label: 'not applicable', color: '#8c959f', band: 'rgba(175, 184, 193, 0.1)' },
};
