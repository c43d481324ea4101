/**
 * Reads the JSON object of a registration or update request (RFC 7591 §3.1, RFC 7592 §2.2),
 * with the same limits as form bodies (http/body.ts): 64 KiB, 10 seconds. A body that is not
 * JSON is an invalid_request; JSON that is not an object is invalid_client_metadata.
 */
import type { Context } from 'koa';
import { InvalidRequest, OAuthError } from '../errors.ts';
import { InvalidClientMetadata } from './errors.ts';

const maxBytes = 64 * 1024;
const timeoutMs = 10_000;

class PayloadTooLarge extends OAuthError {
  override name = 'PayloadTooLarge';
  constructor() {
    super('invalid_request', `the request body exceeds ${maxBytes} bytes`, 413);
  }
}

export async function readJsonObject(ctx: Context): Promise<Record<string, unknown>> {
  const type = (ctx.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new InvalidRequest('the request body must be application/json');
  const raw = await readRaw(ctx);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequest('the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidClientMetadata('the client metadata must be a JSON object');
  return value as Record<string, unknown>;
}

function readRaw(ctx: Context): Promise<Buffer> {
  if (Number(ctx.get('content-length') || 0) > maxBytes) return Promise.reject(new PayloadTooLarge());
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
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
