/**
 * How much randomness a credential the server made up can hold at most, seen from outside:
 * its length times log2 of the alphabet its characters come from (each character class that
 * occurs counts whole: digits 10, a-z 26, A-Z 26, every other distinct character 1). A value
 * drawn from a smaller alphabet carries less, never more, so a bound under a rule's minimum
 * proves the rule broken (RFC 6749 §10.10: guessing a generated credential MUST be at most
 * 2^-128 likely); a bound over it proves nothing, and the checks say so.
 */
export interface EntropyBound {
  bits: number;
  /** The alphabet size assumed. */
  alphabet: number;
  /** The characters counted. */
  length: number;
}

export function entropyUpperBound(value: string): EntropyBound {
  const chars = [...value];
  let alphabet = 0;
  if (chars.some((ch) => /[0-9]/.test(ch))) alphabet += 10;
  if (chars.some((ch) => /[a-z]/.test(ch))) alphabet += 26;
  if (chars.some((ch) => /[A-Z]/.test(ch))) alphabet += 26;
  alphabet += new Set(chars.filter((ch) => !/[0-9a-zA-Z]/.test(ch))).size;
  const bits = chars.length === 0 || alphabet < 2 ? 0 : chars.length * Math.log2(alphabet);
  return { bits, alphabet, length: chars.length };
}

/** "at most 47.6 bits (8 characters of a 62-character alphabet)" */
export function describeBound(bound: EntropyBound): string {
  return `at most ${bound.bits.toFixed(1)} bits (${bound.length} characters of a ${bound.alphabet}-character alphabet)`;
}
