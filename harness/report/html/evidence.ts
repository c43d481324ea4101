/**
 * Evidence as report.html shows it: an HTTP exchange (request, response, copy as curl), a page
 * (its screenshot), a note. A check shows its own evidence; the rest of its arrow's evidence is
 * one <details> below it.
 */
import type { CheckResult, Evidence, HttpEvidence, StepResult } from '../../results/model.ts';
import type { ScreenshotStore } from './assets.ts';
import { curlCommand, maskExchange, maskUrlAgain, maskUrlsIn } from './curl.ts';
import { escapeHtml as e } from './escape.ts';
import { ms } from './format.ts';

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n');
}

function httpEvidence(recorded: HttpEvidence, attr: string): string {
  const ev = maskExchange(recorded);
  let where = ev.request.url;
  try {
    const u = new URL(ev.request.url);
    where = `${u.host}${u.pathname}`;
  } catch { /* keep as is */ }
  const outcome = ev.response ? `${ev.response.status}` : `no response: ${ev.error ?? 'error'}`;
  const request = `${ev.request.method} ${ev.request.url}\n${headerLines(ev.request.headers)}${ev.request.body ? `\n\n${ev.request.body}` : ''}`;
  const response = ev.response
    ? `HTTP ${ev.response.status}\n${headerLines(ev.response.headers)}${ev.response.body ? `\n\n${ev.response.body}` : ''}`
    : `(no response) ${ev.error ?? ''}`;
  const failed = !ev.response || ev.response.status >= 400 ? ' class="bad"' : '';
  return `<details class="ev http"${attr}><summary><code>${e(ev.request.method)} ${e(where)}</code> → <b${failed}>${e(outcome)}</b> <span class="time">${ms(ev.durationMs)}</span></summary>`
    + `<div class="curl"><button type="button" class="copy-curl">copy as curl</button> <span class="copied" role="status"></span>`
    + `<details class="curl-text"><summary>curl command (secrets masked)</summary><pre class="curl-cmd">${e(curlCommand(ev))}</pre></details></div>`
    + `<div class="exchange"><div><h5>request</h5><pre>${e(request)}</pre></div><div><h5>response</h5><pre>${e(response)}</pre></div></div></details>`;
}

/** One piece of evidence; `index` is its place in its arrow's evidence (the page script copies it by that). */
export function evidenceHtml(ev: Evidence, shots: ScreenshotStore, index?: number): string {
  const attr = index === undefined ? '' : ` data-ev="${index}"`;
  if (ev.kind === 'http') return httpEvidence(ev, attr);
  if (ev.kind === 'note') return `<details class="ev note"${attr}><summary>note: ${e(ev.label)}</summary><pre>${e(ev.text)}</pre></details>`;
  const url = maskUrlAgain(ev.url);
  const key = ev.screenshot ? shots.key(ev.screenshot) : undefined;
  const img = key
    ? `<img class="shot" alt="${e(`screenshot of ${url}`)}" data-shot="${key}">`
    : ev.screenshot ? `<p class="missing">screenshot ${e(ev.screenshot)} not found</p>` : '';
  return `<details class="ev page${key ? ' has-shot' : ''}"${attr}><summary>page${key ? ' (screenshot)' : ''}: ${ev.title ? `${e(maskUrlsIn(ev.title))} — ` : ''}<code>${e(url)}</code></summary>${img}</details>`;
}

export const evidenceKey = (ev: Evidence) => JSON.stringify(ev);

/** A check's own evidence: all of it unless the results say where its own ends. */
export function ownEvidence(check: CheckResult): Evidence[] {
  const all = check.evidence ?? [];
  return check.ownEvidence === undefined ? all : all.slice(0, check.ownEvidence);
}

/** Every distinct piece of evidence of the arrow, in the order its checks hold them. */
export function arrowEvidence(step: StepResult): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const check of step.checks) {
    for (const ev of check.evidence ?? []) {
      const key = evidenceKey(ev);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(ev);
      }
    }
  }
  return out;
}

/** The arrow's evidence that is not the check's own. */
export function otherEvidence(check: CheckResult, arrow: Evidence[]): Evidence[] {
  const own = new Set(ownEvidence(check).map(evidenceKey));
  return arrow.filter((ev) => !own.has(evidenceKey(ev)));
}
