/**
 * A stable share of the flows for one CI machine (`nauthera run --shard i/n`): the selection is
 * taken in its run order and flow k goes to shard (k mod n) + 1, so every flow is in exactly one
 * shard, the same one on every machine, whatever --workers says.
 */
import { UsageError } from '../cli-errors.ts';

export interface Shard {
  index: number;
  total: number;
}

export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || total > 1000 || index < 1 || index > total) {
    throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/3), not "${value}"`);
  }
  return { index, total };
}

/** The items of this shard, in their order. */
export function shareOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.total === shard.index - 1);
}
