/**
 * A whole `nauthera run` against the reference target (every suite, real OpenLDAP, real
 * Chromium), in this process so that every secret the harness handles can be collected where it
 * enters or leaves it (the HTTP client, the browser's captured authorization responses). Then
 * every output is searched for each full value, raw and percent-encoded: results.json,
 * junit.xml, report.html (with the diagrams it embeds as base64 decoded), diagrams/*.md and .svg,
 * and what the run printed. None may appear.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { run } from '../../harness/commands/run.ts';
import { watchHandledSecrets } from '../../harness/http/handled-secrets.ts';

const outDir = mkdtempSync(join(tmpdir(), 'nauthera-secrets-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The text of an output, with the base64 data: URIs of SVG and text it embeds decoded. */
function searchable(path: string): string {
  const text = readFileSync(path, 'utf8');
  const embedded = [...text.matchAll(/data:(?:image\/svg\+xml|text\/[a-z]+)[^,"']*;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
  return [text, ...embedded].join('\n');
}

it('writes no full token, code, request_uri, user_code, assertion or secret the run handled into any output', { timeout: 900_000 }, async () => {
  const handled = new Map<string, string>();
  const stopWatching = watchHandledSecrets((key, value) => handled.set(value, key));
  const printed: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
  const stdout = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  let code: number;
  try {
    code = await run(['--out', outDir]);
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
    stopWatching();
  }
  expect([0, 1]).toContain(code);

  // The run handled every kind of secret the masking promise names.
  const kinds = new Set(handled.values());
  for (const kind of ['code', 'access_token', 'refresh_token', 'id_token', 'token', 'request_uri', 'device_code', 'user_code', 'client_assertion', 'authorization']) {
    expect(kinds, `no ${kind} was handled`).toContain(kind);
  }

  const outputs = files(outDir).filter((f) => /\.(json|xml|html|md|svg)$/.test(f)).map((f) => ({ name: relative(outDir, f), text: searchable(f) }));
  expect(outputs.map((o) => o.name)).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'report.html', 'diagrams/authorization-code.md', 'diagrams/authorization-code.svg']));
  outputs.push({ name: 'console', text: printed.join('') });

  const leaks: string[] = [];
  for (const [value, key] of handled) {
    for (const form of new Set([value, encodeURIComponent(value)])) {
      for (const { name, text } of outputs) {
        const at = text.indexOf(form);
        if (at >= 0) leaks.push(`${key} ${form.slice(0, 6)}…(${form.length}) in ${name}: …${text.slice(Math.max(0, at - 80), at).replace(form, '<>')}<VALUE>${text.slice(at + form.length, at + form.length + 40)}…`);
      }
    }
  }
  expect(leaks, `${leaks.length} full values in the outputs`).toEqual([]);
  expect(handled.size).toBeGreaterThan(100);
});
