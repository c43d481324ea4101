/**
 * report.html: one self-contained page. Each flow with its annotated diagram (the SVG
 * from <outDir>/diagrams/<flow>.svg, embedded as a data: image so the diagrams' styles
 * and ids cannot collide and nothing in them can run), each step with its checks,
 * evidence (HTTP exchanges collapsible, screenshots embedded) and timings; each check with its
 * id (`nauthera checks`), which expectedFailures name. All text is
 * escaped: IdP responses end up in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { statusMarks } from '../results/marks.ts';
import { statuses, type CheckResult, type Evidence, type FlowResult, type HttpEvidence, type RunResult, type Status, type StepResult } from '../results/model.ts';
import { countSteps, exitCodeFor } from '../results/status.ts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const e = escapeHtml;

function badge(status: Status, label: string = statusMarks[status].label): string {
  return `<span class="badge s-${status}">${statusMarks[status].symbol} ${e(label)}</span>`;
}

function ms(value: number | undefined): string {
  if (value === undefined) return '';
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
}

export interface HtmlOptions {
  /** The report directory: diagrams/<flow>.svg and screenshots are read from it. */
  outDir?: string;
}

function dataUri(file: string, type: string): string | undefined {
  try {
    return `data:${type};base64,${readFileSync(file).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** Only files inside the report directory are embedded. */
function inside(outDir: string, rel: string): string | undefined {
  const abs = resolve(outDir, rel);
  return abs.startsWith(resolve(outDir) + sep) ? abs : undefined;
}

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n');
}

function httpEvidence(ev: HttpEvidence): string {
  let path = ev.request.url;
  try {
    const u = new URL(ev.request.url);
    path = `${u.host}${u.pathname}`;
  } catch { /* keep as is */ }
  const outcome = ev.response ? `${ev.response.status}` : `no response: ${ev.error ?? 'error'}`;
  const request = `${ev.request.method} ${ev.request.url}\n${headerLines(ev.request.headers)}${ev.request.body ? `\n\n${ev.request.body}` : ''}`;
  const response = ev.response
    ? `HTTP ${ev.response.status}\n${headerLines(ev.response.headers)}${ev.response.body ? `\n\n${ev.response.body}` : ''}`
    : `(no response) ${ev.error ?? ''}`;
  return `<details class="ev http"><summary><code>${e(ev.request.method)} ${e(path)}</code> → <b>${e(outcome)}</b> <span class="time">${ms(ev.durationMs)}</span></summary>`
    + `<div class="exchange"><div><h5>request</h5><pre>${e(request)}</pre></div><div><h5>response</h5><pre>${e(response)}</pre></div></div></details>`;
}

function evidenceHtml(ev: Evidence, options: HtmlOptions): string {
  if (ev.kind === 'http') return httpEvidence(ev);
  if (ev.kind === 'note') return `<details class="ev note"><summary>note: ${e(ev.label)}</summary><pre>${e(ev.text)}</pre></details>`;
  const abs = ev.screenshot && options.outDir ? inside(options.outDir, ev.screenshot) : undefined;
  const src = abs ? dataUri(abs, ev.screenshot!.endsWith('.png') ? 'image/png' : 'image/jpeg') : undefined;
  const img = src ? `<img class="shot" alt="${e(`screenshot of ${ev.url}`)}" src="${src}">` : ev.screenshot ? `<p class="missing">screenshot ${e(ev.screenshot)} not found</p>` : '';
  return `<details class="ev page"><summary>page: ${ev.title ? `${e(ev.title)} — ` : ''}<code>${e(ev.url)}</code></summary>${img}</details>`;
}

function checkRow(check: CheckResult, options: HtmlOptions): string {
  const status: Status = check.expectedFailure ? 'warning' : check.status;
  const label = check.expectedFailure ? 'expected failure' : statusMarks[check.status].label;
  const evidence = (check.evidence ?? []).map((ev) => evidenceHtml(ev, options)).join('');
  const id = check.id ? ` data-check-id="${e(check.id)}"` : '';
  return `<tr class="check s-${check.status}" data-check="${e(check.name)}"${id}><td>${badge(status, label)}</td><td class="name">${e(check.name)}${check.id ? `<code class="id">${e(check.id)}</code>` : ''}</td><td class="spec">${e(check.spec)}</td><td>${e(check.severity)}</td>`
    + `<td class="detail">${e(check.detail)}${check.expectedFailure ? `<p class="xf">expected: ${e(check.expectedFailure)}</p>` : ''}${evidence ? `<div class="evidence">${evidence}</div>` : ''}</td><td class="time">${ms(check.durationMs)}</td></tr>`;
}

function stepHtml(step: StepResult, options: HtmlOptions): string {
  const open = step.status === 'failed' ? ' open' : '';
  const checks = step.checks.length
    ? `<table class="checks"><thead><tr><th>status</th><th>check</th><th>spec</th><th>severity</th><th>detail and evidence</th><th>time</th></tr></thead><tbody>${step.checks.map((c) => checkRow(c, options)).join('')}</tbody></table>`
    : '';
  return `<li class="step s-${step.status}" data-step="${step.index}"><details${open}><summary>${badge(step.status)} <span class="arrow">${step.index + 1}. ${e(step.from)} → ${e(step.to)}: ${e(step.text)}</span> <span class="time">${ms(step.durationMs)}</span>${step.line ? ` <span class="line">line ${step.line}</span>` : ''}</summary>`
    + `${step.reason ? `<p class="reason">${e(step.reason)}</p>` : ''}${checks}</details></li>`;
}

function flowHtml(flow: FlowResult, options: HtmlOptions): string {
  const svgFile = options.outDir ? join(options.outDir, 'diagrams', `${flow.id}.svg`) : undefined;
  const svg = svgFile && existsSync(svgFile) ? dataUri(svgFile, 'image/svg+xml') : undefined;
  const diagram = svg
    ? `<figure class="diagram"><img alt="${e(`annotated diagram of ${flow.id}`)}" src="${svg}"><figcaption>${e(flow.diagram)}, annotated</figcaption></figure>`
    : `<p class="no-diagram">No annotated diagram was drawn for this flow (diagrams/${e(flow.id)}.svg is missing).</p>`;
  return `<section class="flow s-${flow.status}" id="flow-${e(flow.id)}" data-flow="${e(flow.id)}" data-status="${flow.status}">`
    + `<h2>${badge(flow.status)} ${e(flow.title)} <code>${e(flow.id)}</code> <span class="time">${ms(flow.durationMs)}</span></h2>`
    + `${flow.reason ? `<p class="reason">${e(flow.reason)}</p>` : ''}${diagram}`
    + `<ol class="steps">${flow.steps.map((s) => stepHtml(s, options)).join('')}</ol></section>`;
}

const json = (value: unknown) => JSON.stringify(value) ?? String(value);

/** The discovery members the config set, beside what discovery said: the report shows the document's gaps. */
function metadataOverridesTable(run: RunResult): string {
  const overrides = Object.entries(run.target.metadataOverrides ?? {});
  if (overrides.length === 0) return '';
  const rows = overrides.map(([key, o]) => `<tr data-member="${e(key)}"><td><code>${e(key)}</code></td>`
    + `<td class="discovered">${o.discovered === null ? '<i>not in the document</i>' : `<code>${e(json(o.discovered))}</code>`}</td><td class="configured"><code>${e(json(o.configured))}</code></td></tr>`).join('');
  return `<section class="overrides"><h3>Metadata set by the config, not by discovery</h3>`
    + `<table class="overrides"><thead><tr><th>member</th><th>discovered</th><th>configured (used)</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function summaryTable(run: RunResult): string {
  const rows = run.flows.map((f) => {
    const c = countSteps(f);
    return `<tr><td><a href="#flow-${e(f.id)}">${e(f.id)}</a></td><td>${badge(f.status)}</td><td>${c.passed}</td><td>${c.failed}</td><td>${c.warning}</td><td>${c.skipped}</td><td>${c['not-applicable']}</td><td>${ms(f.durationMs)}</td></tr>`;
  }).join('');
  return `<table class="summary"><thead><tr><th>flow</th><th>status</th><th>passed</th><th>failed</th><th>warning</th><th>skipped</th><th>n/a</th><th>time</th></tr></thead><tbody>${rows || '<tr><td colspan="8">No suites ran.</td></tr>'}</tbody></table>`;
}

const css = `
:root{${statuses.map((s) => `--${s}:${statusMarks[s].color}`).join(';')};font-family:system-ui,sans-serif;color:#1f2328}
body{margin:0 auto;max-width:1200px;padding:1.5rem}
h1{margin:.2rem 0}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}
code,pre{font-family:ui-monospace,monospace;font-size:.85em}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.5rem;border-radius:4px;margin:.3rem 0}
.badge{display:inline-block;padding:0 .45em;border-radius:1em;color:#fff;font-size:.8em;font-weight:600;white-space:nowrap}
${statuses.map((s) => `.badge.s-${s}{background:var(--${s})}`).join('')}
.time,.line{color:#6e7781;font-size:.8em;font-weight:normal}
.reason{background:#fff8c5;border-left:3px solid var(--warning);padding:.3rem .6rem}
.s-failed>.reason,.flow.s-failed>.reason{background:#ffebe9;border-color:var(--failed)}
.diagram img{max-width:100%;border:1px solid #d0d7de;border-radius:4px;background:#fff}
.diagram figcaption,.no-diagram{color:#6e7781;font-size:.85em}
ol.steps{list-style:none;padding:0}li.step{margin:.3rem 0;border:1px solid #d0d7de;border-radius:4px;padding:.3rem .6rem}
li.step.s-failed{border-color:var(--failed)}summary{cursor:pointer}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border-bottom:1px solid #eaeef2;padding:.25rem .4rem;text-align:left;vertical-align:top;font-size:.9em}
td.spec{white-space:nowrap}code.id{display:block;color:#6e7781;font-size:.75em;margin-top:.15rem}td.detail{width:50%}.xf{color:var(--warning);margin:.2rem 0}
.ev{margin:.2rem 0}.exchange{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}h5{margin:.2rem 0}
img.shot{max-width:100%;border:1px solid #d0d7de;margin:.3rem 0}.missing{color:#6e7781}
.verdict{font-size:1.1em}
`;

export function renderHtml(run: RunResult, options: HtmlOptions = {}): string {
  const verdict = exitCodeFor(run) === 0 ? badge('passed', 'run passed') : badge('failed', 'run failed');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>nauthera report: ${e(run.target.issuer)}</title><style>${css}</style></head>
<body><header><h1>nauthera conformance report</h1>
<p class="verdict">${verdict}</p>
<p>Target <code>${e(run.target.issuer)}</code> (${e(run.target.kind)}${run.target.config ? `, config <code>${e(run.target.config)}</code>` : ''}), started ${e(run.startedAt)}, took ${ms(run.durationMs)}.</p>
${metadataOverridesTable(run)}
${summaryTable(run)}</header>
<main>${run.flows.map((f) => flowHtml(f, options)).join('\n')}</main>
</body></html>
`;
}
