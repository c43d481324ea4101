/**
 * Reads a POST body as application/x-www-form-urlencoded (RFC 6749 §3.2, RFC 7662 §2.1,
 * RFC 7009 §2.1), with the size limit and timeout of raw-body.ts, so that a slow or huge body
 * cannot hold the server. Anything else is an invalid_request.
 */
import type { Context } from 'koa';
import { InvalidRequest } from '../errors.ts';
import { Params } from './params.ts';
import { mediaType, readRawBody } from './raw-body.ts';

export async function readForm(ctx: Context): Promise<Params> {
  const cached = (ctx.state as { form?: Params }).form;
  if (cached) return cached;
  const type = mediaType(ctx);
  const raw = await readRawBody(ctx);
  if (raw.length === 0 && type === '') return ((ctx.state as { form?: Params }).form = Params.empty());
  if (type !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  const text = raw.toString('utf8');
  const form = Params.from(new URLSearchParams(text));
  (ctx.state as { form?: Params }).form = form;
  return form;
}
