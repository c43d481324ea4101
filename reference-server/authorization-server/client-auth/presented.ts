/**
 * What a request presents to authenticate its client: at most one method (RFC 6749 §2.3:
 * the client MUST NOT use more than one), and the client_id it claims.
 */
import type { Context } from 'koa';
import { decodeJwt } from 'jose';
import type { TokenEndpointAuthMethod } from '../../config/types.ts';
import type { FaultsConfig } from '../../config/faults.ts';
import { InvalidClient, InvalidRequest } from '../errors.ts';
import type { Params } from '../http/params.ts';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret?: string;
  assertion?: string;
}

export function presentedCredentials(ctx: Context, form: Params, faults: FaultsConfig = {}): PresentedCredentials {
  const authorization = ctx.get('authorization');
  const basic = /^basic /i.test(authorization);
  const post = form.has('client_secret');
  const jwt = form.has('client_assertion') || form.has('client_assertion_type');
  if (Number(basic) + Number(post) + Number(jwt) > 1) {
    throw new InvalidRequest('more than one client authentication method is used (RFC 6749 §2.3)');
  }
  const formClientId = form.get('client_id');
  let presented: PresentedCredentials;
  if (basic) {
    presented = { method: 'client_secret_basic', ...decodeBasic(authorization.slice(6).trim(), faults) };
  } else if (post) {
    if (!formClientId) throw new InvalidClient('client_secret without client_id');
    presented = { method: 'client_secret_post', clientId: formClientId, secret: form.get('client_secret') };
  } else if (jwt) {
    if (form.get('client_assertion_type') !== jwtBearerAssertionType) {
      throw new InvalidRequest(`client_assertion_type must be ${jwtBearerAssertionType}`);
    }
    const assertion = form.require('client_assertion');
    let sub: unknown;
    try {
      sub = decodeJwt(assertion).sub;
    } catch {
      throw new InvalidClient('client_assertion is not a JWT');
    }
    if (typeof sub !== 'string' || sub === '') throw new InvalidClient('client_assertion has no sub');
    presented = { method: 'private_key_jwt', clientId: sub, assertion };
  } else {
    if (!formClientId) throw new InvalidClient('no client authentication and no client_id');
    presented = { method: 'none', clientId: formClientId };
  }
  if (formClientId !== undefined && formClientId !== presented.clientId) {
    throw new InvalidRequest('client_id does not match the authenticated client');
  }
  return presented;
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded, then joined by ":" and base64-encoded. */
function decodeBasic(encoded: string, faultsOf: FaultsConfig): { clientId: string; secret: string } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new InvalidClient('malformed Basic credentials');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClient('malformed Basic credentials');
  try {
    // FAULT basicNotFormDecoded (config/faults.ts, only to prove the harness): the parts are used as sent.
    const decode = faultsOf.basicNotFormDecoded ? (v: string) => v : formDecode;
    const clientId = decode(decoded.slice(0, colon));
    const secret = decode(decoded.slice(colon + 1));
    if (!clientId) throw new InvalidClient('malformed Basic credentials');
    return { clientId, secret };
  } catch (error) {
    if (error instanceof InvalidClient) throw error;
    throw new InvalidClient('malformed Basic credentials');
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
