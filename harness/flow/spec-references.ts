/**
 * A check's spec reference, e.g. "RFC 6749 §4.1.2, §10.12, OIDC Core §3.1.2.1", read as the
 * documents it cites: a part with no document of its own ("§10.12") continues the one before.
 * "nauthera: ..." (the harness's own rule) names no specification.
 */
export interface SpecCitation {
  /** The document, e.g. "RFC 6749", "OIDC Core", "OAuth Form Post Response Mode". */
  document: string;
  /** The section, e.g. "§4.1.2" (absent when the whole document is cited). */
  section?: string;
}

export function citations(spec: string): SpecCitation[] {
  const found: SpecCitation[] = [];
  let document: string | undefined;
  for (const raw of spec.split(/[,;]/)) {
    const part = raw.trim();
    if (!part) continue;
    // An appendix ("A.11", "Appendix B") continues the document before, like a "§" section.
    const appendix = /^(appendix\s+)?[A-Z](\.\d+)*$/i.test(part);
    const at = appendix ? 0 : part.indexOf('§');
    const name = (at < 0 ? part : part.slice(0, at)).trim().replace(/\s+/g, ' ');
    const section = appendix ? part : at < 0 ? undefined : part.slice(at).split(/\s/)[0];
    if (name) document = name.replace(/^(RFC)\s*(\d+).*$/i, 'RFC $2');
    if (!document || /^nauthera\b/i.test(document)) continue;
    found.push({ document, ...(section ? { section } : {}) });
  }
  return found;
}

/** The distinct documents the specs cite, each with how many of the specs cite it, most cited first. */
export function documentCounts(specs: string[]): Array<{ document: string; checks: number }> {
  const counts = new Map<string, number>();
  for (const spec of specs) {
    for (const document of new Set(citations(spec).map((c) => c.document))) counts.set(document, (counts.get(document) ?? 0) + 1);
  }
  return [...counts].map(([document, checks]) => ({ document, checks })).sort((a, b) => b.checks - a.checks || a.document.localeCompare(b.document));
}
