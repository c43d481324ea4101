/**
 * Files report.html embeds, read once from the report directory: a screenshot shown under
 * several checks is written into the page once (in the screenshot store the page script reads),
 * not once per check.
 */
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';

export function dataUri(file: string, type: string): string | undefined {
  try {
    return `data:${type};base64,${readFileSync(file).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** Only files inside the report directory are embedded. */
export function inside(outDir: string, rel: string): string | undefined {
  const abs = resolve(outDir, rel);
  return abs.startsWith(resolve(outDir) + sep) ? abs : undefined;
}

export class ScreenshotStore {
  private readonly keys = new Map<string, string | null>();
  private readonly uris: Record<string, string> = {};

  constructor(private readonly outDir: string | undefined) {}

  /** The store key of a screenshot (relative to the report directory), or undefined when it cannot be read. */
  key(rel: string): string | undefined {
    if (!this.keys.has(rel)) {
      const abs = this.outDir ? inside(this.outDir, rel) : undefined;
      const uri = abs ? dataUri(abs, rel.endsWith('.png') ? 'image/png' : 'image/jpeg') : undefined;
      const key = uri ? `s${Object.keys(this.uris).length + 1}` : null;
      if (key && uri) this.uris[key] = uri;
      this.keys.set(rel, key);
    }
    return this.keys.get(rel) ?? undefined;
  }

  /** The store as the page reads it: a JSON data block (never run; base64 holds no "<"). */
  html(): string {
    return `<script type="application/json" id="screenshots">${JSON.stringify(this.uris)}</script>`;
  }
}
