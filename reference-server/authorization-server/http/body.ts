/**
 * Reads a POST body as application/x-www-form-urlencoded (RFC 6749 §3.2, RFC 7662 §2.1,
 * RFC 7009 §2.1), with a size limit and a timeout, so that a slow or huge body cannot hold
 * the server. Anything else is an invalid_request.
 */
import type { Context } from 'koa';
import { InvalidRequest, OAuthError } from '../errors.ts';
import { Params } from './params.ts';

const maxBytes = 64 * 1024;
const timeoutMs = 10_000;

class PayloadTooLarge extends OAuthError {
  override name = 'PayloadTooLarge';
  constructor() {
    super('invalid_request', `the request body exceeds ${maxBytes} bytes`, 413);
  }
}

export async function readForm(ctx: Context): Promise<Params> {
  const cached = (ctx.state as { form?: Params }).form;
  if (cached) return cached;
  const type = (ctx.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
  const raw = await readRaw(ctx);
  if (raw.length === 0 && type === '') return ((ctx.state as { form?: Params }).form = Params.empty());
  if (type !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  const text = raw.toString('utf8');
  const form = Params.from(new URLSearchParams(text));
  (ctx.state as { form?: Params }).form = form;
  return form;
}

function readRaw(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) return Promise.reject(new PayloadTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const req = ctx.req;
    const timer = setTimeout(() => finish(new InvalidRequest('the request body did not arrive in time')), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) {
        req.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new PayloadTooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new InvalidRequest('the request body could not be read'));
    if (req.readableEnded) return finish();
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
