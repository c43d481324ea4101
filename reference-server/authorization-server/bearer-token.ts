/**
 * The access token of a protected-resource request (RFC 6750 §2): the Authorization header
 * (§2.1) or, on a form-encoded POST, the access_token body parameter (§2.2). Using both is an
 * invalid_request; the URI query method (§2.3) is not supported.
 */
import type { Context } from 'koa';
import { InvalidRequest, OAuthError, bearerChallenge } from './errors.ts';
import { readForm } from './http/body.ts';

/** RFC 6750 §3.1: a request with no token gets a bare challenge, without an error code. */
export class MissingToken extends OAuthError {
  override name = 'MissingToken';
  constructor() {
    super('invalid_token', 'no access token was presented', 401, { 'WWW-Authenticate': bearerChallenge() });
  }
}

export async function bearerToken(ctx: Context): Promise<string> {
  const header = ctx.get('authorization');
  let fromHeader: string | undefined;
  if (header) {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match) throw new InvalidRequest('the Authorization header is not "Bearer <token>"');
    fromHeader = match[1];
  }
  let fromBody: string | undefined;
  if (ctx.method === 'POST') fromBody = (await readForm(ctx)).get('access_token');
  if (fromHeader && fromBody) throw new InvalidRequest('the access token is in both the header and the body');
  const token = fromHeader ?? fromBody;
  if (!token) throw new MissingToken();
  return token;
}
