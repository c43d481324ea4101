/**
 * Every secret value the harness handled in this process: tokens, codes, request_uris,
 * user_codes, client secrets and assertions, noted where they enter or leave it (the HTTP
 * client's requests and responses, the browser's captured authorization responses).
 * Masking at the source covers evidence; this list is the net behind it. A suite may still print
 * a value in a check's detail or a note ("the user_code ABCD-EFGH was taken again"), so every
 * report and console line is passed through scrubHandledSecrets() before it is written.
 */
import type { RunResult } from '../results/model.ts';
import { isSecretKey, maskAuthorization, maskPartially, maskValue } from './mask.ts';

/** Shorter values (a state, a short flag) are not worth the false matches of replacing them. */
const minLength = 6;

/**
 * A suite's deliberate wrong values are often words (`token=invalid`, `client_secret=wrong-secret`):
 * replacing those everywhere would garble "invalid_grant". Issued credentials hold a digit or a
 * capital letter; values of lower-case letters, '-', '_' and '.' only are left alone.
 */
const looksIssued = (value: string) => value.length >= minLength && !/^[a-z._-]+$/.test(value);

/** Full value → what replaces it in an output. */
const known = new Map<string, string>();
let pattern: RegExp | undefined;
const listeners = new Set<(key: string, value: string) => void>();

export function noteHandledSecret(key: string, value: string): void {
  if (!looksIssued(value) || known.has(value)) return;
  const masked = maskValue(key, value);
  known.set(value, masked === value ? maskPartially(value) : masked);
  // The same value percent-encoded, as it appears in a URL or a form body.
  const encoded = encodeURIComponent(value);
  if (encoded !== value) known.set(encoded, known.get(value)!);
  pattern = undefined;
  for (const listener of listeners) listener(key, value);
}

/** Notes the secret parameters of a query string, fragment or form body. */
export function noteSecretsInParams(params: URLSearchParams | Record<string, string>): void {
  for (const [k, v] of params instanceof URLSearchParams ? params : Object.entries(params)) if (isSecretKey(k)) noteHandledSecret(k, v);
}

export function noteSecretsInUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  noteSecretsInParams(parsed.searchParams);
  if (parsed.hash.includes('=')) noteSecretsInParams(new URLSearchParams(parsed.hash.slice(1)));
  if (parsed.password) noteHandledSecret('password', decodeURIComponent(parsed.password));
}

function noteSecretsInJson(value: unknown, key = ''): void {
  if (typeof value === 'string') {
    if (key && isSecretKey(key)) noteHandledSecret(key, value);
  } else if (Array.isArray(value)) {
    for (const v of value) noteSecretsInJson(v, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) noteSecretsInJson(v, k);
  }
}

/** Notes the secrets of a JSON or form body (other bodies are left to masking at the source). */
export function noteSecretsInBody(body: string | undefined, contentType: string | undefined): void {
  if (!body) return;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) {
    try {
      noteSecretsInJson(JSON.parse(body));
    } catch {
      // not JSON after all
    }
  } else if (type.includes('application/x-www-form-urlencoded')) noteSecretsInParams(new URLSearchParams(body));
}

/** Authorization credentials (a bearer token, Basic's encoded pair) and DPoP proofs. */
export function noteSecretsInHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    if (n === 'authorization' || n === 'proxy-authorization') {
      const credentials = value.split(' ').slice(1).join(' ');
      if (looksIssued(credentials) && !known.has(credentials)) {
        known.set(credentials, maskAuthorization(value).split(' ').slice(1).join(' '));
        pattern = undefined;
        for (const listener of listeners) listener(n, credentials);
      }
    } else if (n === 'dpop') noteHandledSecret('dpop', value);
  }
}

/** Replaces every handled secret in `text` by its masked form. */
export function scrubHandledSecrets(text: string): string {
  if (known.size === 0 || text.length < minLength) return text;
  // Longest first, so that a value is never left half-replaced by a shorter one inside it.
  pattern ??= new RegExp([...known.keys()].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return text.replace(pattern, (m) => known.get(m) ?? m);
}

/** Scrubs every string of a run's results in place, so that each report written from it is clean. */
export function scrubRunResult(run: RunResult): void {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubHandledSecrets(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
      return value;
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const k of Object.keys(record)) record[k] = walk(record[k]);
      return value;
    }
    return value;
  };
  if (known.size > 0) walk(run);
}

/** Calls `listener` with each secret as it is first handled (tests collect them); returns the unsubscribe. */
export function watchHandledSecrets(listener: (key: string, value: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
