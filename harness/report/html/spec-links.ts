/**
 * A check's spec reference as HTML, each citation a link to its text: "RFC 6749 §4.1.2, §10.12"
 * links "RFC 6749 §4.1.2" and "§10.12" (RFC 6749's section 10.12). The wording is kept as
 * written; the documents are read by harness/flow/spec-references.ts, the URLs come from
 * ../spec-urls.ts.
 */
import { citations } from '../../flow/spec-references.ts';
import { specUrl } from '../spec-urls.ts';
import { escapeHtml as e } from './escape.ts';

export interface SpecPart {
  text: string;
  url?: string;
}

/** The spec split at its separators, each cited part with its URL; separators are parts without one. */
export function specParts(spec: string): SpecPart[] {
  const pieces = spec.split(/([,;])/);
  const parts: SpecPart[] = [];
  let seen = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (i % 2 === 1 || !piece.trim()) {
      if (piece) parts.push({ text: piece });
      continue;
    }
    // Read the spec up to this part as citations() does, so a bare "§10.12" takes the document before it.
    const found = citations(pieces.slice(0, i + 1).join(''));
    const citation = found.length > seen ? found[found.length - 1] : undefined;
    seen = found.length;
    const url = citation ? specUrl(citation) : undefined;
    const lead = /^\s*/.exec(piece)![0];
    const trail = /\s*$/.exec(piece)![0];
    if (lead) parts.push({ text: lead });
    parts.push({ text: piece.trim(), ...(url ? { url } : {}) });
    if (trail) parts.push({ text: trail });
  }
  return parts;
}

export function specHtml(spec: string): string {
  return specParts(spec).map((p) => (p.url ? `<a href="${e(p.url)}" rel="noreferrer" target="_blank">${e(p.text)}</a>` : e(p.text))).join('');
}
