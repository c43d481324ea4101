/**
 * Where a cited specification is read: the RFC Editor's copy of an RFC, the OpenID Foundation's
 * copy of its specifications, each at the cited section when one is given, and the Model Context
 * Protocol's authorization specification of the revision cited. A document this table
 * does not know gets no link (its name is still shown).
 *
 * Anchors: rfc-editor.org's HTML RFCs have `#section-4.1.2` and `#appendix-A.11`; the OpenID
 * Foundation's HTML specifications (xml2rfc) have `#rfc.section.3.1.2.1` and `#rfc.appendix.A`,
 * the anchors the OpenID Foundation's conformance suite links to.
 */
import type { SpecCitation } from '../flow/spec-references.ts';

const openidSpecs = 'https://openid.net/specs/';

/** OpenID Foundation documents by normalised name (see `normalise`). */
const openidDocuments: Record<string, string> = {
  'oidc core': 'openid-connect-core-1_0.html',
  'oidc discovery': 'openid-connect-discovery-1_0.html',
  'oidc registration': 'openid-connect-registration-1_0.html',
  'oidc dynamic client registration': 'openid-connect-registration-1_0.html',
  'oidc session management': 'openid-connect-session-1_0.html',
  'oidc front channel logout': 'openid-connect-frontchannel-1_0.html',
  'oidc back channel logout': 'openid-connect-backchannel-1_0.html',
  'oidc rp initiated logout': 'openid-connect-rpinitiated-1_0.html',
  'multiple response types': 'oauth-v2-multiple-response-types-1_0.html',
  'multiple response type encoding practices': 'oauth-v2-multiple-response-types-1_0.html',
  'form post response mode': 'oauth-v2-form-post-response-mode-1_0.html',
};

/** "OpenID Connect Core 1.0" → "oidc core"; "OAuth 2.0 Form Post Response Mode" → "form post response mode". */
function normalise(document: string): string {
  return document
    .toLowerCase()
    .replace(/openid connect/g, 'oidc')
    .replace(/\boauth\b/g, ' ')
    .replace(/\b\d+\.\d+\b/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "§4.1.2" → "4.1.2"; "§4.1.1-4.1.2" → "4.1.1" (a range opens at its start); "A.11" → "A.11". */
function sectionNumber(section: string): { kind: 'section' | 'appendix'; number: string } | undefined {
  const text = section.replace(/^§\s*/, '').replace(/^appendix\s+/i, '').trim();
  const m = /^(\d+(?:\.\d+)*)/.exec(text);
  if (m) return { kind: 'section', number: m[1] };
  const a = /^([A-Z](?:\.\d+)*)\b/i.exec(text);
  if (a) return { kind: 'appendix', number: a[1].toUpperCase() };
  return undefined;
}

/** The Model Context Protocol's authorization specification of a revision, e.g. "MCP Authorization 2025-06-18". */
const mcpAuthorization = /^MCP Authorization (\d{4}-\d{2}-\d{2})$/i;

/** The URL of a cited document, at its section when the citation names one; undefined for unknown documents. */
export function specUrl(citation: SpecCitation): string | undefined {
  const mcp = mcpAuthorization.exec(citation.document.trim());
  if (mcp) return `https://modelcontextprotocol.io/specification/${mcp[1]}/basic/authorization`;
  const at = citation.section ? sectionNumber(citation.section) : undefined;
  const rfc = /^RFC\s*(\d+)$/i.exec(citation.document.trim());
  if (rfc) {
    const base = `https://www.rfc-editor.org/rfc/rfc${Number(rfc[1])}`;
    return at ? `${base}#${at.kind}-${at.number}` : base;
  }
  const page = openidDocuments[normalise(citation.document)];
  if (!page) return undefined;
  return at ? `${openidSpecs}${page}#rfc.${at.kind}.${at.number}` : `${openidSpecs}${page}`;
}
