/** Markdown tables and number formats for reports/bench.md (pure, tested in test/bench/). */

/** Text safe inside one Markdown table cell. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  return String(value).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim() || '–';
}

/** A GitHub-flavoured Markdown table; numeric columns (by `align`) are right-aligned. */
export function markdownTable(headers: string[], rows: unknown[][], align: Array<'left' | 'right'> = []): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== headers.length) throw new Error(`row ${i} has ${row.length} cells, the table has ${headers.length} columns`);
  }
  const rule = headers.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [headers, rule, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function fmtRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–';
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value.toFixed(2)}×`;
}

/** A min–max range of ratios, e.g. "1.42–1.61×". */
export function fmtRange(values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '–';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return finite.length === 1 || min === max ? fmtRatio(min) : `${min.toFixed(2)}–${max.toFixed(2)}×`;
}
