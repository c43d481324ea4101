/**
 * Reads the JSON object of a registration or update request (RFC 7591 §3.1, RFC 7592 §2.2),
 * with the same limits as form bodies (http/raw-body.ts): 64 KiB, 10 seconds. A body that is not
 * JSON is an invalid_request; JSON that is not an object is invalid_client_metadata.
 */
import type { Context } from 'koa';
import { InvalidRequest } from '../errors.ts';
import { mediaType, readRawBody } from '../http/raw-body.ts';
import { InvalidClientMetadata } from './errors.ts';

export async function readJsonObject(ctx: Context): Promise<Record<string, unknown>> {
  const type = mediaType(ctx);
  if (type !== 'application/json') throw new InvalidRequest('the request body must be application/json');
  const raw = await readRawBody(ctx);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequest('the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidClientMetadata('the client metadata must be a JSON object');
  return value as Record<string, unknown>;
}
