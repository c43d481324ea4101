/**
 * The top of report.html: the verdict, the target, the metadata the config set, how many checks
 * ended in each status, the filter, and one row per flow.
 */
import { statuses, type RunResult, type Status } from '../../results/model.ts';
import { countSteps, exitCodeFor } from '../../results/status.ts';
import { escapeHtml as e } from './escape.ts';
import { badge } from './flow.ts';
import { ms } from './format.ts';
import { countRows } from './statuses.ts';
import { filterStatuses } from './styles.ts';

const json = (value: unknown) => JSON.stringify(value) ?? String(value);

/** The discovery members the config set, beside what discovery said: the report shows the document's gaps. */
function metadataOverridesTable(run: RunResult): string {
  const overrides = Object.entries(run.target.metadataOverrides ?? {});
  if (overrides.length === 0) return '';
  const rows = overrides.map(([key, o]) => `<tr data-member="${e(key)}"><td><code>${e(key)}</code></td>`
    + `<td class="discovered">${o.discovered === null ? '<i>not in the document</i>' : `<code>${e(json(o.discovered))}</code>`}</td><td class="configured"><code>${e(json(o.configured))}</code></td></tr>`).join('');
  return `<section class="overrides"><h3>Metadata set by the config, not by discovery</h3>`
    + `<div class="table-box"><table class="overrides"><thead><tr><th>member</th><th>discovered</th><th>configured (used)</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function summaryTable(run: RunResult): string {
  const rows = run.flows.map((f) => {
    const c = countSteps(f);
    return `<tr><td><a href="#flow-${e(f.id)}">${e(f.id)}</a></td><td>${badge(f.status)}</td><td>${c.passed}</td><td>${c.failed}</td><td>${c.warning}</td><td>${c.skipped}</td><td>${c['not-applicable']}</td><td>${ms(f.durationMs)}</td></tr>`;
  }).join('');
  return `<div class="table-box"><table class="summary"><caption class="time">arrows per flow</caption><thead><tr><th>flow</th><th>status</th><th>passed</th><th>failed</th><th>warning</th><th>skipped</th><th>n/a</th><th>time</th></tr></thead>`
    + `<tbody>${rows || '<tr><td colspan="8">No suites ran.</td></tr>'}</tbody></table></div>`;
}

const filterLabel: Record<(typeof filterStatuses)[number], string> = { failed: 'failed', warning: 'warnings', 'not-applicable': 'not applicable' };

function countsAndFilter(run: RunResult): string {
  const counts = countRows(run);
  const total = statuses.reduce((n, s) => n + counts[s], 0);
  const count = (s: Status) => `<li class="count" data-status="${s}">${badge(s)} <b>${counts[s]}</b></li>`;
  const option = (value: string, label: string, n: number, checked = false) =>
    `<label><input type="radio" name="filter" id="filter-${value}" value="${value}"${checked ? ' checked' : ''}>${e(label)} (${n})</label>`;
  return `<ul class="counts" aria-label="checks by status (an arrow without checks counts once)">${statuses.map(count).join('')}</ul>`
    + `<fieldset class="filter"><legend>Show</legend>${option('all', 'all', total, true)}${filterStatuses.map((s) => option(s, filterLabel[s], counts[s])).join('')}</fieldset>`;
}

export function headerHtml(run: RunResult): string {
  const verdict = exitCodeFor(run) === 0 ? badge('passed', 'run passed') : badge('failed', 'run failed');
  return `<header><h1>nauthera conformance report</h1>
<p class="verdict">${verdict}</p>
<p>Target <code>${e(run.target.issuer)}</code> (${e(run.target.kind)}${run.target.config ? `, config <code>${e(run.target.config)}</code>` : ''}), started ${e(run.startedAt)}, took ${ms(run.durationMs)}.</p>
${metadataOverridesTable(run)}
${countsAndFilter(run)}
${summaryTable(run)}</header>`;
}


