/**
 * The page's one script (allowed by its hash in the CSP, so nothing else can run): screenshots
 * from the store, arrows of the diagrams as links to their steps, the filter opening the steps it
 * shows, and "copy as curl". It works offline: it fetches nothing.
 */
import { createHash } from 'node:crypto';

export const pageScript = `(() => {
  const store = document.getElementById('screenshots');
  const shots = store ? JSON.parse(store.textContent || '{}') : {};
  const showShots = (root) => {
    for (const img of root.querySelectorAll('img[data-shot]')) {
      const src = shots[img.dataset.shot];
      if (src && !img.getAttribute('src')) { img.loading = 'lazy'; img.src = src; }
    }
  };
  showShots(document);

  // A check's "other evidence of this arrow": copies of what its arrow wrote once.
  const fillOthers = (more) => {
    if (more.dataset.filled) return;
    more.dataset.filled = '1';
    const step = more.closest('li.step');
    const box = more.querySelector(':scope > .evidence');
    const template = step.querySelector('template.arrow-evidence');
    for (const i of more.dataset.evList.split(' ')) {
      const sel = '[data-ev="' + i + '"]';
      const source = step.querySelector('.check ' + sel) || (template && template.content.querySelector(sel));
      if (!source) continue;
      const copy = source.cloneNode(true);
      copy.removeAttribute('open');
      box.append(copy);
    }
    showShots(box);
  };
  for (const more of document.querySelectorAll('details.more[open]')) fillOthers(more);
  document.addEventListener('toggle', (ev) => {
    const el = ev.target;
    if (el instanceof HTMLDetailsElement && el.open && el.matches('details.more')) fillOthers(el);
  }, true);

  const allFilter = document.getElementById('filter-all');
  for (const input of document.querySelectorAll('input[name="filter"]')) {
    input.addEventListener('change', () => {
      if (!input.checked || input.value === 'all') return;
      for (const d of document.querySelectorAll('li.step.has-' + input.value + ' > details')) d.open = true;
    });
  }

  const goToStep = (flow, n) => {
    const li = document.getElementById('step-' + flow + '-' + n);
    if (!li) return;
    if (li.offsetParent === null && allFilter) allFilter.checked = true;
    const details = li.querySelector(':scope > details');
    if (details) details.open = true;
    history.replaceState(null, '', '#' + li.id);
    li.scrollIntoView({ block: 'start' });
    const summary = li.querySelector('summary');
    if (summary) summary.focus({ preventScroll: true });
    li.classList.add('target');
    setTimeout(() => li.classList.remove('target'), 2000);
  };

  const svgNs = 'http://www.w3.org/2000/svg';
  for (const figure of document.querySelectorAll('figure.diagram[data-flow]')) {
    const flow = figure.dataset.flow;
    let texts = [];
    let n = 0;
    // Mermaid draws each message as its text line(s), then its line (or path): the n-th is arrow n.
    for (const el of figure.querySelectorAll('text.messageText, [data-et="message"]')) {
      if (el.getAttribute('data-et') !== 'message') { texts.push(el); continue; }
      n += 1;
      const index = n;
      const hit = el.cloneNode(false);
      for (const a of ['marker-end', 'marker-start', 'style', 'class', 'data-et', 'data-id']) hit.removeAttribute(a);
      hit.setAttribute('stroke', 'transparent');
      hit.setAttribute('stroke-width', '14');
      hit.setAttribute('fill', 'none');
      hit.setAttribute('class', 'arrow-hit');
      el.after(hit);
      const title = document.createElementNS(svgNs, 'title');
      title.textContent = 'step ' + index + ': go to its checks';
      hit.append(title);
      for (const t of [el, hit, ...texts]) {
        t.classList.add('arrow-link');
        t.setAttribute('data-arrow', String(index));
        t.addEventListener('click', () => goToStep(flow, index));
      }
      el.setAttribute('tabindex', '0');
      el.setAttribute('role', 'link');
      el.setAttribute('aria-label', 'step ' + index);
      el.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') goToStep(flow, index); });
      texts = [];
    }
  }

  if (location.hash.startsWith('#step-')) {
    const li = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const details = li && li.querySelector(':scope > details');
    if (details) details.open = true;
  }

  document.addEventListener('click', async (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('button.copy-curl') : null;
    if (!button) return;
    const box = button.parentElement;
    const text = box.querySelector('.curl-cmd').textContent;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.append(area);
      area.select();
      try { copied = document.execCommand('copy'); } catch { copied = false; }
      area.remove();
    }
    box.querySelector('.copied').textContent = copied ? 'copied' : 'could not copy: select the command below';
    if (!copied) box.querySelector('details.curl-text').open = true;
  });
})();`;

/** The CSP source that lets exactly this script run. */
export const pageScriptHash = `'sha256-${createHash('sha256').update(pageScript).digest('base64')}'`;
