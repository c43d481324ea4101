/** Durations as report.html writes them. */
export function ms(value: number | undefined): string {
  if (value === undefined) return '';
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
}
