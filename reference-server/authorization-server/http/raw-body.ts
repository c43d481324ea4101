/**
 * Reads a request body as bytes, with a size limit and a timeout, so that a slow or huge body
 * cannot hold the server: 64 KiB (413 invalid_request beyond), 10 seconds. Shared by the form
 * bodies (body.ts) and the JSON bodies of dynamic registration (registration/json-body.ts).
 */
import type { Context } from 'koa';
import { InvalidRequest, OAuthError } from '../errors.ts';

const maxBytes = 64 * 1024;
const timeoutMs = 10_000;

class PayloadTooLarge extends OAuthError {
  override name = 'PayloadTooLarge';
  constructor() {
    super('invalid_request', `the request body exceeds ${maxBytes} bytes`, 413);
  }
}

/** The media type of the request, lower-cased, without parameters ("" when absent). */
export function mediaType(ctx: Context): string {
  return (ctx.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
}

export function readRawBody(ctx: Context): Promise<Buffer> {
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
