/** Reading a check's spec reference as the documents it cites (nauthera checks --specs). */
import { describe, expect, it } from 'vitest';
import { citations, documentCounts } from '../../harness/flow/spec-references.ts';

describe('spec references', () => {
  it('reads each cited document, a bare section or appendix continuing the one before', () => {
    expect(citations('RFC 6749 §4.1.2, §10.12, OIDC Core §3.1.2.1')).toEqual([
      { document: 'RFC 6749', section: '§4.1.2' },
      { document: 'RFC 6749', section: '§10.12' },
      { document: 'OIDC Core', section: '§3.1.2.1' },
    ]);
    expect(citations('RFC 6749 §3.3, A.4')).toEqual([{ document: 'RFC 6749', section: '§3.3' }, { document: 'RFC 6749', section: 'A.4' }]);
    expect(citations('OAuth 2.0 Form Post Response Mode; RFC 8725 §3.1')).toEqual([{ document: 'OAuth 2.0 Form Post Response Mode' }, { document: 'RFC 8725', section: '§3.1' }]);
  });

  it('names no specification for the harness\'s own rules', () => {
    expect(citations('nauthera: every arrow of a diagram is bound to a step')).toEqual([]);
  });

  it('counts each document once per check, most cited first', () => {
    expect(documentCounts(['RFC 6749 §4.1, §4.2', 'RFC 6749 §5.2, RFC 7636 §4.6', 'RFC 7636 §4.2'])).toEqual([
      { document: 'RFC 6749', checks: 2 },
      { document: 'RFC 7636', checks: 2 },
    ]);
  });
});
