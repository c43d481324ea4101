/** Escapes text for HTML element content and quoted attribute values: IdP responses end up in the report. */
import escape from 'escape-html';

export function escapeHtml(text: string): string {
  return escape(text);
}
