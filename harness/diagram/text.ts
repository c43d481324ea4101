/**
 * Text inside mermaid statements. Mermaid's lexer ends a message at `;` or `#`, so such
 * characters are written as entities (`#59;`), which mermaid decodes when it draws.
 */

const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Text as mermaid shows it: `#59;` → `;`, `#lt;` → `<`, `<br/>` → newline. */
export function decodeMermaidText(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/#(\w+);/g, (whole, inner: string) => {
      if (/^\d+$/.test(inner)) return String.fromCodePoint(Number(inner));
      return named[inner.toLowerCase()] ?? whole;
    });
}

/**
 * Any text made safe for a mermaid message or note: `#`, `;`, `<`, `>` as numeric entities
 * (in one pass, so the `;` of an entity is never escaped again), line breaks as `<br/>`.
 */
export function escapeMermaidText(text: string): string {
  return text.replace(/[#;<>]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, '<br/>');
}
