/**
 * Distinguished names compared by meaning, not by spelling (RFC 4514 §2, RFC 4517 §4.2.15):
 * `cn=Smith\, Dave \+ Co` and `CN=smith\2c dave \2b co` name the same entry. The directory
 * hands back DNs in its own spelling, so group membership is decided on normalized DNs.
 * Values are compared case-insensitively with insignificant spaces removed, which is the
 * matching rule of the naming attributes nauthera uses (cn, uid, ou, dc).
 */

interface Ava {
  type: string;
  value: string;
}

export class DnSyntaxError extends Error {
  override name = 'DnSyntaxError';
}

/** Parses an RFC 4514 DN into RDNs of attribute-value assertions, unescaping values. */
export function parseDn(dn: string): Ava[][] {
  const rdns: Ava[][] = [];
  if (dn.trim() === '') return rdns;
  let rdn: Ava[] = [];
  let i = 0;
  while (i <= dn.length) {
    // attribute type
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new DnSyntaxError(`no "=" in RDN at ${i}`);
    const type = dn.slice(i, eq).trim().toLowerCase();
    if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(type)) throw new DnSyntaxError(`bad attribute type "${type}"`);
    i = eq + 1;
    // attribute value, up to an unescaped , ; or +
    const bytes: number[] = [];
    while (i < dn.length && dn[i] === ' ') i++;
    if (dn[i] === '#') {
      // A BER-encoded value in hex: compare it as written.
      const end = dn.slice(i).search(/[,;+]/);
      const raw = end < 0 ? dn.slice(i) : dn.slice(i, i + end);
      // RFC 4514 §2.4: '#' starts a hexstring only; a value that starts with a '#' character escapes it.
      if (!/^#([0-9a-fA-F]{2})+$/.test(raw.trim())) throw new DnSyntaxError(`"${raw.trim()}" is neither a hexstring nor an escaped '#'`);
      bytes.push(...Buffer.from(raw.trim().toLowerCase(), 'utf8'));
      i += raw.length;
    } else {
      let pendingSpaces = 0;
      for (; i < dn.length; i++) {
        const c = dn[i];
        if (c === ',' || c === ';' || c === '+') break;
        if (c === ' ') {
          pendingSpaces++;
          continue;
        }
        for (; pendingSpaces > 0; pendingSpaces--) bytes.push(0x20);
        if (c === '\\') {
          const next = dn.slice(i + 1, i + 3);
          if (/^[0-9a-fA-F]{2}$/.test(next)) {
            bytes.push(parseInt(next, 16));
            i += 2;
          } else if (i + 1 < dn.length) {
            bytes.push(...Buffer.from(dn[i + 1], 'utf8'));
            i += 1;
          } else {
            throw new DnSyntaxError('DN ends with a backslash');
          }
        } else {
          // Whole code points, so that characters outside the BMP survive.
          const ch = String.fromCodePoint(dn.codePointAt(i)!);
          bytes.push(...Buffer.from(ch, 'utf8'));
          i += ch.length - 1;
        }
      }
      // Unescaped trailing spaces were never added: they are not part of the value (RFC 4514 §3).
    }
    rdn.push({ type, value: Buffer.from(bytes).toString('utf8') });
    if (i >= dn.length) break;
    const sep = dn[i];
    i++;
    if (sep !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
  }
  rdns.push(rdn);
  return rdns;
}

/** A canonical spelling: lowercase types and values, spaces folded, AVAs sorted, one escape style. */
export function normalizeDn(dn: string): string {
  return parseDn(dn)
    .map((rdn) =>
      rdn
        .map(({ type, value }) => `${type}=${escapeValue(value.trim().replace(/\s+/g, ' ').toLowerCase())}`)
        .sort()
        .join('+'),
    )
    .join(',');
}

/** True when both DNs parse and name the same entry; false for any DN that does not parse. */
export function sameDn(a: string, b: string): boolean {
  try {
    return normalizeDn(a) === normalizeDn(b);
  } catch {
    return false;
  }
}

function escapeValue(value: string): string {
  return value.replace(/[,+"\\<>;=\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
