/** Spec references in report.html link to the RFC or OpenID Foundation text at the cited section. */
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/commands/checks.ts';
import { citations } from '../../harness/flow/spec-references.ts';
import { specHtml, specParts } from '../../harness/report/html/spec-links.ts';
import { specUrl } from '../../harness/report/spec-urls.ts';

describe('specUrl', () => {
  it('links an RFC at rfc-editor.org, at its section or appendix', () => {
    expect(specUrl({ document: 'RFC 6749', section: '§4.1.2' })).toBe('https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2');
    expect(specUrl({ document: 'RFC 6749', section: 'A.11' })).toBe('https://www.rfc-editor.org/rfc/rfc6749#appendix-A.11');
    expect(specUrl({ document: 'RFC 6749', section: 'Appendix B' })).toBe('https://www.rfc-editor.org/rfc/rfc6749#appendix-B');
    expect(specUrl({ document: 'RFC 9126' })).toBe('https://www.rfc-editor.org/rfc/rfc9126');
  });

  it('opens a range at its start and ignores the words after a section number', () => {
    expect(specUrl({ document: 'RFC 6749', section: '§4.1.1-4.1.2' })).toBe('https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1');
    expect(specUrl(citations('OIDC Core §3.1.3.7 step 10')[0])).toBe('https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.3.7');
    expect(specUrl(citations('RFC 6749 §1.5 (B)')[0])).toBe('https://www.rfc-editor.org/rfc/rfc6749#section-1.5');
  });

  it('links the OpenID Foundation specifications by any of their usual names', () => {
    const core = 'https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.5.1';
    expect(specUrl({ document: 'OIDC Core', section: '§5.1' })).toBe(core);
    expect(specUrl({ document: 'OpenID Connect Core 1.0', section: '§5.1' })).toBe(core);
    expect(specUrl({ document: 'OIDC Discovery', section: '§3' })).toBe('https://openid.net/specs/openid-connect-discovery-1_0.html#rfc.section.3');
    expect(specUrl({ document: 'OpenID Connect Dynamic Client Registration 1.0', section: '§2' })).toBe('https://openid.net/specs/openid-connect-registration-1_0.html#rfc.section.2');
    expect(specUrl({ document: 'OAuth 2.0 Multiple Response Types', section: '§5' })).toBe('https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#rfc.section.5');
    expect(specUrl({ document: 'OAuth 2.0 Form Post Response Mode', section: '§2' })).toBe('https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html#rfc.section.2');
    expect(specUrl({ document: 'OIDC Core', section: 'A' })).toBe('https://openid.net/specs/openid-connect-core-1_0.html#rfc.appendix.A');
  });

  it('links the MCP authorization specification of the revision cited', () => {
    expect(specUrl(citations('RFC 9728 §5.1; MCP Authorization 2025-06-18')[1])).toBe('https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization');
  });

  it('gives no link for a document it does not know', () => {
    expect(specUrl({ document: 'Some Vendor Guide', section: '§2' })).toBeUndefined();
  });

  it('links every document the suites cite', async () => {
    const { entries } = await loadCatalogue();
    const unknown = new Set(entries.flatMap((c) => citations(c.spec)).filter((c) => !specUrl(c)).map((c) => c.document));
    expect([...unknown]).toEqual([]);
  });
});

describe('spec references as HTML', () => {
  it('links each citation, a bare section to the document before it, and keeps the wording', () => {
    expect(specParts('RFC 6749 §4.1.2, §10.12, OIDC Core §3.1.2.1')).toEqual([
      { text: 'RFC 6749 §4.1.2', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2' },
      { text: ',' },
      { text: ' ' },
      { text: '§10.12', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-10.12' },
      { text: ',' },
      { text: ' ' },
      { text: 'OIDC Core §3.1.2.1', url: 'https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.2.1' },
    ]);
    expect(specParts('RFC 6749 §3.3, A.4').map((p) => p.url).filter(Boolean)).toEqual([
      'https://www.rfc-editor.org/rfc/rfc6749#section-3.3',
      'https://www.rfc-editor.org/rfc/rfc6749#appendix-A.4',
    ]);
  });

  it('leaves the harness\'s own rules as text, and escapes what it writes', () => {
    expect(specHtml('nauthera: every arrow is bound')).toBe('nauthera: every arrow is bound');
    expect(specHtml('RFC 6749 §5.2 <b>')).toBe('<a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2" rel="noreferrer" target="_blank">RFC 6749 §5.2 &lt;b&gt;</a>');
  });
});
