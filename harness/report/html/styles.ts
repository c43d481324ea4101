/**
 * report.html's stylesheet. Text wraps everywhere (long URLs, tokens and bodies break inside
 * words rather than widen the page); wide tables scroll inside their own box; the filter hides
 * rows by the status classes html/statuses.ts gives them.
 */
import { statusMarks } from '../../results/marks.ts';
import { statuses } from '../../results/model.ts';

/** The statuses the header's filter offers, besides "all". */
export const filterStatuses = ['failed', 'warning', 'not-applicable'] as const;

const filterRules = filterStatuses.map((s) => {
  const on = `body:has(#filter-${s}:checked)`;
  return `${on} section.flow:not(.has-${s}),${on} li.step:not(.has-${s}),${on} .check:not(.v-${s}){display:none}`;
}).join('\n');

export const css = `
:root{${statuses.map((s) => `--${s}:${statusMarks[s].color}`).join(';')};font-family:system-ui,sans-serif;color:#1f2328}
*,*::before,*::after{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:1rem;overflow-wrap:anywhere}
h1{margin:.2rem 0;font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem;font-size:1.3rem}
code,pre{font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.5rem;border-radius:4px;margin:.3rem 0;max-height:40rem;overflow:auto}
a{color:#0969da}
.badge{display:inline-block;padding:0 .45em;border-radius:1em;color:#fff;font-size:.8em;font-weight:600;white-space:nowrap}
${statuses.map((s) => `.badge.s-${s}{background:var(--${s})}`).join('')}
.time,.line{color:#6e7781;font-size:.8em;font-weight:normal}
.reason{background:#fff8c5;border-left:3px solid var(--warning);padding:.3rem .6rem}
.s-failed>.reason,.flow.s-failed>.reason,li.step.s-failed .reason{background:#ffebe9;border-color:var(--failed)}
header .verdict{font-size:1.1em}
.table-box{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border-bottom:1px solid #eaeef2;padding:.25rem .4rem;text-align:left;vertical-align:top;font-size:.9em}
.filter{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.6rem 0;border:0;padding:0}
.filter legend{float:left;margin-right:.4rem;font-weight:600}
.filter label{border:1px solid #d0d7de;border-radius:1em;padding:.15rem .7rem;cursor:pointer;white-space:nowrap}
.filter label:has(input:checked){background:#1f2328;color:#fff;border-color:#1f2328}
.filter input{margin:0 .3rem 0 0}
.counts{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.3rem 0;padding:0;list-style:none}
.counts b{font-variant-numeric:tabular-nums}
.diagram{margin:.5rem 0}.svg-box{border:1px solid #d0d7de;border-radius:4px;background:#fff;overflow-x:auto}
.svg-box svg{display:block;max-width:100%;height:auto}
.diagram figcaption,.no-diagram{color:#6e7781;font-size:.85em}
.arrow-link{cursor:pointer}.arrow-hit{pointer-events:stroke}
text.arrow-link:hover{text-decoration:underline}
ol.steps{list-style:none;padding:0}li.step{margin:.3rem 0;border:1px solid #d0d7de;border-radius:4px;padding:.3rem .6rem;scroll-margin-top:.5rem}
li.step.s-failed{border-color:var(--failed)}li.step.target{outline:3px solid #0969da}
summary{cursor:pointer}
.checks{display:flex;flex-direction:column;gap:.4rem;margin:.4rem 0}
.check{border-left:4px solid var(--passed);padding:.2rem .6rem;min-width:0;background:#fff}
${statuses.map((s) => `.check.v-${s}{border-left-color:var(--${s})}`).join('')}
.check.v-failed{background:#fff8f8}
.check-head{display:flex;flex-wrap:wrap;gap:.2rem .5rem;align-items:baseline}.check-head .name{font-weight:600}
code.id{color:#6e7781;font-size:.75em}
.check-meta{color:#57606a;font-size:.85em}
.detail{margin:.3rem 0}.xf{color:var(--warning);margin:.2rem 0}
.ev{margin:.2rem 0}.exchange{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));gap:.5rem}.exchange>div{min-width:0}h5{margin:.2rem 0}
b.bad{color:var(--failed)}
.curl{margin:.3rem 0}.curl-text>summary{font-size:.85em;color:#57606a}.copied{color:var(--passed);font-size:.85em}
button.copy-curl{font:inherit;font-size:.85em;padding:.1rem .5rem;cursor:pointer}
details.more{margin:.3rem 0}details.more>summary{color:#57606a;font-size:.9em}
img.shot{max-width:100%;height:auto;border:1px solid #d0d7de;margin:.3rem 0}.missing{color:#6e7781}
${filterRules}
`;
