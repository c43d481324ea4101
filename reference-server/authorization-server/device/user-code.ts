/**
 * The user_code a person types on a second screen (RFC 8628 §6.1): eight letters from
 * BCDFGHJKLMNPQRSTVWXZ (no vowels, so no words; no letters that look like digits or like each
 * other), shown as XXXX-XXXX. What the person types is read case-insensitively, with dashes
 * and spaces ignored. 20^8 ≈ 2^34.6 codes, each valid for minutes only (§5.1).
 */
import { randomInt } from 'node:crypto';

export const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ';
const length = 8;

/** A new code in its canonical form (eight letters, no dash). */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < length; i++) code += userCodeAlphabet[randomInt(userCodeAlphabet.length)];
  return code;
}

/** XXXX-XXXX, as shown to the person. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The canonical form of what a person typed, or undefined when it cannot be a user_code. */
export function normalizeUserCode(typed: string): string | undefined {
  if (typed.length > 64) return undefined;
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== length) return undefined;
  for (const c of code) if (!userCodeAlphabet.includes(c)) return undefined;
  return code;
}
