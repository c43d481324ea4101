/**
 * A flow's annotated diagram (<outDir>/diagrams/<flow>.svg), inlined so that the page script can
 * make each arrow a link to its step. Mermaid scopes the SVG's styles and marker ids by its id,
 * diagram-<flow>, so diagrams do not collide. The SVG is nauthera's own drawing of the .mmd;
 * scripts and event attributes are still removed, and the page's CSP would block them anyway.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowResult } from '../../results/model.ts';
import { escapeHtml as e } from './escape.ts';

export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>\s*/g, '')
    .replace(/<!DOCTYPE[^>]*>\s*/gi, '')
    .replace(/<script[\s\S]*?<\/script\s*>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, '')
    .replace(/(href\s*=\s*["'])\s*javascript:[^"']*/gi, '$1#')
    .trim();
}

export function diagramHtml(flow: FlowResult, outDir: string | undefined): string {
  const file = outDir ? join(outDir, 'diagrams', `${flow.id}.svg`) : undefined;
  let svg: string | undefined;
  try {
    svg = file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    svg = undefined;
  }
  if (!svg || !svg.includes('<svg')) {
    return `<p class="no-diagram">No annotated diagram was drawn for this flow (diagrams/${e(flow.id)}.svg is missing).</p>`;
  }
  return `<figure class="diagram" data-flow="${e(flow.id)}" role="group" aria-label="${e(`annotated diagram of ${flow.id}`)}"><div class="svg-box">${inlineSvg(svg)}</div>`
    + `<figcaption>${e(flow.diagram)}, annotated; click an arrow to go to its step</figcaption></figure>`;
}
