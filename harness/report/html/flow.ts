/**
 * One flow of report.html: its annotated diagram (inline, its arrows linked to their steps),
 * then each arrow (step) with its checks. Each check shows its status, name and id, its spec
 * references as links, its detail and its own evidence; the rest of its arrow's evidence is one
 * <details> below.
 */
import { statusMarks } from '../../results/marks.ts';
import type { CheckResult, Evidence, FlowResult, Status, StepResult } from '../../results/model.ts';
import type { ScreenshotStore } from './assets.ts';
import { maskUrlsIn } from './curl.ts';
import { diagramHtml } from './diagram.ts';
import { escapeHtml as e } from './escape.ts';
import { arrowEvidence, evidenceHtml, evidenceKey, otherEvidence, ownEvidence } from './evidence.ts';
import { ms } from './format.ts';
import { specHtml } from './spec-links.ts';
import { flowRowStatuses, hasClasses, shownStatus, stepRowStatuses } from './statuses.ts';

export function badge(status: Status, label: string = statusMarks[status].label): string {
  return `<span class="badge s-${status}">${statusMarks[status].symbol} ${e(label)}</span>`;
}

/** The id of an arrow's element: 1-based, as every report numbers arrows. */
export const stepElementId = (flow: string, step: StepResult) => `step-${flow}-${step.index + 1}`;

/** An arrow's distinct evidence, each with its place: checks and the page script name it by that. */
interface ArrowEvidence {
  items: Evidence[];
  index: Map<string, number>;
}

function checkHtml(check: CheckResult, arrow: ArrowEvidence, shots: ScreenshotStore): string {
  const shown = shownStatus(check);
  const label = check.status === 'failed' && check.expectedFailure ? 'expected failure' : statusMarks[check.status].label;
  const own = ownEvidence(check);
  const others = otherEvidence(check, arrow.items).map((ev) => arrow.index.get(evidenceKey(ev))!);
  // A failed check that judged nothing of its own shows its arrow's evidence at once.
  const openOthers = shown === 'failed' && !own.some((ev) => ev.kind !== 'note') ? ' open' : '';
  const id = check.id ? ` data-check-id="${e(check.id)}"` : '';
  return `<div class="check v-${shown}" data-check="${e(check.name)}"${id}>`
    + `<div class="check-head">${badge(shown, label)} <span class="name">${e(check.name)}</span>${check.id ? ` <code class="id">${e(check.id)}</code>` : ''}</div>`
    + `<div class="check-meta"><span class="spec">${specHtml(check.spec)}</span> · <span class="severity">${e(check.severity)}</span>${check.durationMs !== undefined ? ` · <span class="time">${ms(check.durationMs)}</span>` : ''}</div>`
    + `<p class="detail">${e(maskUrlsIn(check.detail))}</p>${check.expectedFailure ? `<p class="xf">expected: ${e(check.expectedFailure)}</p>` : ''}`
    + (own.length ? `<div class="evidence">${own.map((ev) => evidenceHtml(ev, shots, arrow.index.get(evidenceKey(ev)))).join('')}</div>` : '')
    // Filled by the page script from where the arrow's evidence is written once (no copy per check).
    + (others.length ? `<details class="more" data-ev-list="${others.join(' ')}"${openOthers}><summary>other evidence of this arrow (${others.length})</summary><div class="evidence"></div></details>` : '')
    + `</div>`;
}

function stepHtml(flow: FlowResult, step: StepResult, shots: ScreenshotStore): string {
  const open = step.status === 'failed' ? ' open' : '';
  const items = arrowEvidence(step);
  const arrow: ArrowEvidence = { items, index: new Map(items.map((ev, i) => [evidenceKey(ev), i])) };
  const owned = new Set(step.checks.flatMap((c) => ownEvidence(c).map(evidenceKey)));
  // Evidence no check of the arrow holds as its own is written once here, for the checks' "other evidence".
  const unowned = items.map((ev, i) => ({ ev, i })).filter(({ ev }) => !owned.has(evidenceKey(ev)));
  const template = unowned.length ? `<template class="arrow-evidence">${unowned.map(({ ev, i }) => evidenceHtml(ev, shots, i)).join('')}</template>` : '';
  const checks = step.checks.length ? `<div class="checks">${step.checks.map((c) => checkHtml(c, arrow, shots)).join('')}</div>` : '';
  return `<li class="step s-${step.status} ${hasClasses(stepRowStatuses(step))}" id="${e(stepElementId(flow.id, step))}" data-step="${step.index}"><details${open}>`
    + `<summary>${badge(step.status)} <span class="arrow">${step.index + 1}. ${e(step.from)} → ${e(step.to)}: ${e(step.text)}</span> <span class="time">${ms(step.durationMs)}</span>${step.line ? ` <span class="line">line ${step.line}</span>` : ''}</summary>`
    + `${step.reason ? `<p class="reason">${e(maskUrlsIn(step.reason))}</p>` : ''}${checks}${template}</details></li>`;
}

export function flowHtml(flow: FlowResult, outDir: string | undefined, shots: ScreenshotStore): string {
  return `<section class="flow s-${flow.status} ${hasClasses(flowRowStatuses(flow))}" id="flow-${e(flow.id)}" data-flow="${e(flow.id)}" data-status="${flow.status}">`
    + `<h2>${badge(flow.status)} ${e(flow.title)} <code>${e(flow.id)}</code> <span class="time">${ms(flow.durationMs)}</span></h2>`
    + `${flow.reason ? `<p class="reason">${e(maskUrlsIn(flow.reason))}</p>` : ''}${diagramHtml(flow, outDir)}`
    + `<ol class="steps">${flow.steps.map((s) => stepHtml(flow, s, shots)).join('')}</ol></section>`;
}
