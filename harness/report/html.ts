/**
 * report.html: one self-contained page that works offline (nothing is fetched; the CSP allows
 * only data: images, inline styles and the page's own script by its hash). Each flow with its
 * annotated diagram inlined from <outDir>/diagrams/<flow>.svg, its arrows linked to their steps;
 * each step with its checks; each check with its id (`nauthera checks`, which expectedFailures
 * name), its spec references linked to the specification's section, its detail and its own
 * evidence (HTTP exchanges with "copy as curl", screenshots), the rest of its arrow's evidence
 * one click away. The header counts the checks per status and filters them. All text is
 * escaped: IdP responses end up in it. The parts live in html/.
 */
import type { RunResult } from '../results/model.ts';
import { ScreenshotStore } from './html/assets.ts';
import { flowHtml } from './html/flow.ts';
import { headerHtml } from './html/header.ts';
import { pageScript, pageScriptHash } from './html/page-script.ts';
import { css } from './html/styles.ts';

import { escapeHtml } from './html/escape.ts';

export { escapeHtml };

export interface HtmlOptions {
  /** The report directory: diagrams/<flow>.svg and screenshots are read from it. */
  outDir?: string;
}

export function renderHtml(run: RunResult, options: HtmlOptions = {}): string {
  const shots = new ScreenshotStore(options.outDir);
  const flows = run.flows.map((f) => flowHtml(f, options.outDir, shots)).join('\n');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src ${pageScriptHash}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>nauthera report: ${escapeHtml(run.target.issuer)}</title><style>${css}</style></head>
<body>${headerHtml(run)}
<main>${flows}</main>
${shots.html()}
<script>${pageScript}</script>
</body></html>
`;
}
