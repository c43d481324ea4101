/**
 * The HTTP client the suites use (ctx.http): undici, no redirect following (OAuth
 * redirects are protocol messages to inspect, not to follow), a timeout on every
 * exchange, and every exchange recorded as HttpEvidence with secrets masked.
 */
import { Agent, request as undiciRequest } from 'undici';
import type { HttpEvidence } from '../results/model.ts';
import type { TargetClient, TlsOptions } from '../target/model.ts';
import { maskBody, maskHeaders, maskUrl } from './mask.ts';
import { noteSecretsInBody, noteSecretsInHeaders, noteSecretsInUrl } from './handled-secrets.ts';
import { HttpError, describeNetworkError } from './errors.ts';

export { HttpError } from './errors.ts';

export type FormParams = Record<string, string | number | boolean | undefined | null>;

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  /** Added to the URL's query string; undefined values are left out. */
  query?: FormParams;
  /** application/x-www-form-urlencoded body; undefined values are left out. */
  form?: FormParams;
  /** application/json body. */
  json?: unknown;
  /** A raw body (set content-type in headers). */
  body?: string;
  /** Authenticate as this client, by its token_endpoint_auth_method (RFC 6749 §2.3, OIDC Core §9). */
  client?: TargetClient;
  /** HTTP Basic credentials (encoded per RFC 6749 §2.3.1). */
  basic?: { username: string; password: string };
  /** A bearer token for the Authorization header (RFC 6750 §2.1). */
  bearer?: string;
  /** Overrides the client's default timeout for this exchange. */
  timeoutMs?: number;
}

export interface HttpResponse {
  method: string;
  url: string;
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  /** The recorded (masked) exchange. */
  evidence: HttpEvidence;
  header(name: string): string | undefined;
}

/** Adds client authentication to a request about to be sent to `url`. */
export type ClientAuthenticator = (client: TargetClient, request: { url: string; headers: Record<string, string>; form: Record<string, string> }) => Promise<void>;

export interface HttpClientOptions {
  /** Default timeout of one exchange, in ms (default 10000). */
  timeoutMs?: number;
  /** Receives every exchange once it completes or fails. */
  record?: (evidence: HttpEvidence) => void;
  /** Aborts in-flight requests (the step's signal, so a step timeout ends its requests). */
  signal?: () => AbortSignal | undefined;
  clientAuth?: ClientAuthenticator;
  tls?: TlsOptions;
  userAgent?: string;
}

function formBody(params: FormParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding. */
export function basicAuthorization(username: string, password: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(username)}:${enc(password)}`).toString('base64')}`;
}

export class HttpClient {
  readonly timeoutMs: number;
  private readonly agent: Agent;
  /** Exchanges under way, each settled once its evidence is recorded. */
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const tls = options.tls ?? {};
    this.agent = new Agent({
      connect: { timeout: this.timeoutMs, rejectUnauthorized: !tls.insecure, ...(tls.ca ? { ca: tls.ca } : {}) },
      keepAliveTimeout: 1_000,
    });
  }

  get(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    return this.request('GET', url, options);
  }

  postForm(url: string, form: FormParams, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    return this.request('POST', url, { ...options, form });
  }

  postJson(url: string, json: unknown, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    return this.request('POST', url, { ...options, json });
  }

  async request(method: string, url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...lower(options.headers ?? {}) };
    if (this.options.userAgent) headers['user-agent'] ??= this.options.userAgent;
    let target = url;
    if (options.query) {
      const u = new URL(url);
      for (const [k, v] of Object.entries(formBody(options.query))) u.searchParams.append(k, v);
      target = u.toString();
    }
    let form = options.form ? formBody(options.form) : undefined;
    if (options.client) {
      if (!this.options.clientAuth) throw new Error('this HTTP client cannot authenticate clients (no clientAuth configured)');
      form ??= {};
      await this.options.clientAuth(options.client, { url: target, headers, form });
    }
    if (options.basic) headers.authorization = basicAuthorization(options.basic.username, options.basic.password);
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    let body = options.body;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }

    // Reports are scrubbed of every secret this exchange carries, wherever a suite prints it.
    noteSecretsInUrl(target);
    noteSecretsInHeaders(headers);
    noteSecretsInBody(body, headers['content-type']);

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const outer = this.options.signal?.();
    const signal = outer ? AbortSignal.any([timeout, outer]) : timeout;
    const evidence: HttpEvidence = {
      kind: 'http',
      request: {
        method,
        url: maskUrl(target),
        headers: maskHeaders(headers),
        ...(body !== undefined ? { body: maskBody(body, headers['content-type']) } : {}),
      },
      durationMs: 0,
    };
    const started = performance.now();
    let recorded!: () => void;
    const exchange = new Promise<void>((resolve) => (recorded = resolve));
    this.inflight.add(exchange);
    try {
      const res = await undiciRequest(target, {
        method: method as 'GET',
        headers,
        body,
        signal,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      const resHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      noteSecretsInBody(text, resHeaders['content-type']);
      if (resHeaders.location) noteSecretsInUrl(new URL(resHeaders.location, target).href);
      evidence.durationMs = Math.round(performance.now() - started);
      evidence.response = {
        status: res.statusCode,
        headers: maskHeaders(resHeaders),
        ...(text ? { body: maskBody(text, resHeaders['content-type']) } : {}),
      };
      this.options.record?.(evidence);
      return {
        method,
        url: target,
        status: res.statusCode,
        headers: resHeaders,
        text,
        json: parseJson(text, resHeaders['content-type']),
        evidence,
        header: (name: string) => resHeaders[name.toLowerCase()],
      };
    } catch (error) {
      evidence.durationMs = Math.round(performance.now() - started);
      const why = timeout.aborted
        ? `no response within ${timeoutMs} ms`
        : outer?.aborted
          ? `aborted: ${reasonOf(outer)}`
          : describeNetworkError(error);
      evidence.error = why;
      this.options.record?.(evidence);
      throw new HttpError(`${method} ${maskUrl(target)}: ${why}`, evidence);
    } finally {
      this.inflight.delete(exchange);
      recorded();
    }
  }

  /**
   * Resolves once every exchange under way has recorded its evidence (after an abort, that is
   * at once), or after maxMs for one that ignores its signal.
   */
  async settled(maxMs = 1_000): Promise<void> {
    if (this.inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.inflight), new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }

  /** Releases pooled connections; the client must not be used afterwards. */
  async close(): Promise<void> {
    await this.agent.close().catch(() => {});
  }
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : String(r ?? 'aborted');
}

function lower(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined;
  const looksJson = (contentType ?? '').includes('json') || /^\s*[[{]/.test(text);
  if (!looksJson) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
