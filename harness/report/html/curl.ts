/**
 * An HTTP exchange as the report shows it and as a curl command, secrets masked.
 *
 * harness/http masks evidence when it records it; the report masks again with the same helper
 * (harness/http/mask.ts), so a results.json written by an older version, by hand or by another
 * tool cannot carry a full credential into report.html. A value the recorder masked already
 * ("eyJhbG…(812 chars)", "****") is kept as it is: masking it again would only change its length.
 */
import { hidden, maskHeaders, maskJson, maskValue } from '../../http/mask.ts';
import type { HttpEvidence } from '../../results/model.ts';

/** A value harness/http/mask.ts produced already. */
export function isMasked(value: string): boolean {
  return value.includes(hidden) || /…\(\d+ chars\)$/.test(value);
}

const remask = (key: string, value: string) => (isMasked(value) ? value : maskValue(key, value));

/** Parameters in the recorder's display form: masked values stay readable, others are encoded. */
function maskParams(text: string): string {
  if (!text) return text;
  return text.split('&').map((pair) => {
    const at = pair.indexOf('=');
    if (at < 0) return pair;
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    if (isMasked(raw)) return pair;
    let decodedKey = key;
    let value = raw;
    try {
      decodedKey = decodeURIComponent(key.replace(/\+/g, ' '));
      value = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      // not percent-encoded as it should be: judged as written
    }
    const masked = remask(decodedKey, value);
    return masked === value ? pair : `${key}=${masked}`;
  }).join('&');
}

export function maskUrlAgain(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  let base = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const query = q < 0 ? undefined : beforeHash.slice(q + 1);
  // user:password@ in the authority
  base = base.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):([^/@]+)@/i, (m, head: string, pw: string) => (pw === hidden ? m : `${head}:${hidden}@`));
  return `${base}${query !== undefined ? `?${maskParams(query)}` : ''}${fragment !== undefined ? `#${fragment.includes('=') ? maskParams(fragment) : fragment}` : ''}`;
}

export function maskHeadersAgain(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // A masked header keeps what the recorder left ("Bearer eyJhbG…(812 chars)", "Basic ****").
    out[name] = isMasked(value) ? value : maskHeaders({ [name]: value })[name];
  }
  return out;
}

/** maskJson, but values masked already are kept as recorded. */
function keepMasked(original: unknown, masked: unknown): unknown {
  if (typeof original === 'string') return isMasked(original) ? original : masked;
  if (Array.isArray(original) && Array.isArray(masked)) return original.map((v, i) => keepMasked(v, masked[i]));
  if (original && typeof original === 'object' && masked && typeof masked === 'object' && !Array.isArray(masked)) {
    const m = masked as Record<string, unknown>;
    return Object.fromEntries(Object.entries(original).map(([k, v]) => [k, typeof m[k] === 'string' && typeof v !== 'string' ? m[k] : keepMasked(v, m[k])]));
  }
  return masked;
}

function contentType(headers: Record<string, string>): string {
  return (Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '').toLowerCase();
}

export function maskBodyAgain(body: string, headers: Record<string, string>): string {
  const type = contentType(headers);
  if (type.includes('json')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      const masked = keepMasked(parsed, maskJson(parsed));
      // Keep the recorder's layout when nothing changed.
      return JSON.stringify(masked) === JSON.stringify(parsed) ? body : JSON.stringify(masked, null, 2);
    } catch {
      return body;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) return maskParams(body);
  return body;
}

/** The exchange with every secret masked, whatever wrote it. */
export function maskExchange(ev: HttpEvidence): HttpEvidence {
  const request = {
    ...ev.request,
    url: maskUrlAgain(ev.request.url),
    headers: maskHeadersAgain(ev.request.headers),
    ...(ev.request.body !== undefined ? { body: maskBodyAgain(ev.request.body, ev.request.headers) } : {}),
  };
  const response = ev.response && {
    ...ev.response,
    headers: maskHeadersAgain(ev.response.headers),
    ...(ev.response.body !== undefined ? { body: maskBodyAgain(ev.response.body, ev.response.headers) } : {}),
  };
  return { ...ev, request, ...(response ? { response } : {}) };
}

/** POSIX shell single quotes: the only character needing care inside them is the quote itself. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl sets itself, or that describe the recorded transfer rather than the request. */
const curlOwnHeaders = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

/** The request as a curl command (masked: replace the masked values before running it). */
export function curlCommand(ev: HttpEvidence): string {
  const { request } = maskExchange(ev);
  const method = request.method.toUpperCase();
  const first = ['curl'];
  if (method === 'HEAD') first.push('--head');
  else if (method !== 'GET' || request.body !== undefined) first.push('-X', method);
  first.push(request.url);
  // One option per line, as browsers' "copy as cURL" writes it.
  const lines = [first];
  for (const [name, value] of Object.entries(request.headers)) {
    if (!curlOwnHeaders.has(name.toLowerCase())) lines.push(['-H', `${name}: ${value}`]);
  }
  if (request.body !== undefined && request.body !== '') lines.push(['--data-raw', request.body]);
  return lines.map((args) => args.map(shellQuote).join(' ')).join(' \\\n  ');
}

/** Free text (a check's detail, a page title) with every URL in it masked as an exchange's URL is. */
export function maskUrlsIn(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/g, (url) => maskUrlAgain(url));
}
