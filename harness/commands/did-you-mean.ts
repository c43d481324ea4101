/**
 * "did you mean" for a mistyped command, flag or flow id: the known name closest by edit
 * distance, when it is close enough to be the one meant (two edits, a swapped pair, or a third
 * of a longer name, never more than three), else nothing.
 */
import { distance } from 'fastest-levenshtein';

export function closest(typed: string, known: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(typed.toLowerCase(), name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  const limit = Math.min(3, Math.max(2, Math.floor(best.name.length / 3)));
  return best.d <= limit ? best.name : undefined;
}

/** " (did you mean X?)", or "" when nothing is close. */
export function didYouMean(typed: string, known: Iterable<string>, quote = (s: string) => `"${s}"`): string {
  const match = closest(typed, known);
  return match ? ` (did you mean ${quote(match)}?)` : '';
}
