/**
 * RFC 4514 distinguished names: parse a DN string into RDNs (checking the escapes), and
 * compare DNs. Used to refuse bad group DNs before they reach the server, and to keep group
 * DNs under the URL's base DN.
 */

export interface Ava { type: string; value: string }
export type Rdn = Ava[];

export class DnSyntaxError extends Error {
  override name = 'DnSyntaxError';
}

const descr = /^[A-Za-z][A-Za-z0-9-]*$/;
const numericOid = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;
// RFC 4514 §2.4: these must be escaped inside a value (leading '#'/space and trailing space are handled apart).
const mustEscape = new Set(['"', '+', ',', ';', '<', '>', '\\']);
const escapable = new Set([' ', '"', '#', '+', ',', ';', '<', '=', '>', '\\']);

function parseValue(raw: string): string {
  if (raw.startsWith('#')) {
    // hexstring: the BER encoding of the value (RFC 4514 §2.4). Kept as written.
    if (!/^#([0-9A-Fa-f]{2})+$/.test(raw)) throw new DnSyntaxError(`bad hex value "${raw}"`);
    return raw.toLowerCase();
  }
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\') {
      const next = raw[i + 1];
      if (next !== undefined && escapable.has(next)) {
        bytes.push(next.charCodeAt(0));
        i += 1;
      } else if (/^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
        bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        throw new DnSyntaxError(`bad escape "\\${next ?? ''}"`);
      }
    } else if (mustEscape.has(ch)) {
      throw new DnSyntaxError(`unescaped "${ch}" in a value`);
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw new DnSyntaxError('escaped bytes are not UTF-8');
  }
}

/** Splits on `separator` where it is not escaped by a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i += 1; continue; }
    if (text[i] === separator) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Parses an RFC 4514 DN; the empty string is the root DN (no RDNs). Throws DnSyntaxError. */
export function parseDN(dn: string): Rdn[] {
  if (dn === '') return [];
  return splitUnescaped(dn, ',').map((rdnText) => {
    if (rdnText.trim() === '') throw new DnSyntaxError('empty RDN');
    return splitUnescaped(rdnText, '+').map((avaText) => {
      const eq = avaText.indexOf('=');
      if (eq < 0) throw new DnSyntaxError(`"${avaText.trim()}" has no "="`);
      const type = avaText.slice(0, eq).trim();
      if (!descr.test(type) && !numericOid.test(type)) throw new DnSyntaxError(`"${type}" is not an attribute type`);
      const rawValue = avaText.slice(eq + 1).replace(/^ +/, '');
      // A trailing space survives only when escaped.
      const value = parseValue(rawValue.endsWith(' ') && !rawValue.endsWith('\\ ') ? rawValue.replace(/ +$/, '') : rawValue);
      if (value === '') throw new DnSyntaxError(`"${type}" has an empty value`);
      return { type: type.toLowerCase(), value };
    });
  });
}

export function isDN(dn: string): boolean {
  try { parseDN(dn); return true; } catch { return false; }
}

/** A comparable form: types lower-case, values unescaped and case-folded (caseIgnoreMatch, as for cn, ou, dc). */
function comparable(rdns: Rdn[]): string[] {
  return rdns.map((rdn) => rdn.map((ava) => `${ava.type}=${ava.value.toLowerCase()}`).sort().join('+'));
}

/** Whether `dn` equals `base` or lies below it. Both must parse. */
export function isUnder(dn: string, base: string): boolean {
  const child = comparable(parseDN(dn));
  const parent = comparable(parseDN(base));
  if (parent.length > child.length) return false;
  const tail = child.slice(child.length - parent.length);
  return tail.every((rdn, i) => rdn === parent[i]);
}
