/**
 * nauthera's other hot endpoints under the same load generator: UserInfo (claims read fresh
 * from LDAP on every call), token introspection by the resource server, and the exchange of
 * prepared authorization codes (each used once, so that run is a fixed number of requests).
 */
import { load, summarizeLoad, type LoadResult } from './load.ts';
import { prepareCodes, type CodeRequest, type PreparedCode } from './code-pool.ts';
import { basicAuth, credentials, type ServeInfo } from './servers/nauthera.ts';

export interface EndpointFigure {
  name: string;
  request: string;
  /** How the inputs were made. */
  prepared: string;
  result: Omit<LoadResult, 'samples'>;
}

export interface EndpointFigures {
  connections: number;
  durationSeconds: number;
  codePool: { count: number; elapsedMs: number; perSecond: number; via: string };
  endpoints: EndpointFigure[];
}

const form = 'application/x-www-form-urlencoded';

async function expectOk(what: string, response: Response): Promise<Record<string, unknown>> {
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

export async function prepareCodePool(info: ServeInfo, count: number): Promise<{ request: CodeRequest; codes: PreparedCode[]; elapsedMs: number }> {
  const client = info.clients.find((c) => c.client_id === 'confidential');
  const alice = info.users.find((u) => u.username === 'alice');
  if (!client || !alice) throw new Error('nauthera serve announced no confidential client or no user alice');
  const request: CodeRequest = {
    issuer: info.issuer,
    clientId: client.client_id,
    redirectUri: client.redirect_uris[0],
    scope: 'openid profile email api:read',
    username: alice.username,
    password: alice.password,
  };
  const { codes, elapsedMs } = await prepareCodes(request, count);
  return { request, codes, elapsedMs };
}

export async function measureEndpoints(
  info: ServeInfo,
  pool: { request: CodeRequest; codes: PreparedCode[]; elapsedMs: number },
  options: { connections: number; duration: number; log: (line: string) => void },
): Promise<EndpointFigures> {
  const confidential = credentials(info, 'confidential');
  const rs = credentials(info, 'resource-server');
  const tokenHeaders = { authorization: basicAuth(confidential.id, confidential.secret), 'content-type': form };
  const exchangeBody = (c: PreparedCode) =>
    new URLSearchParams({ grant_type: 'authorization_code', code: c.code, redirect_uri: pool.request.redirectUri, code_verifier: c.verifier }).toString();

  // One code for the tokens UserInfo and introspection are measured with.
  const first = pool.codes.shift()!;
  const tokens = await expectOk('code exchange', await fetch(`${info.issuer}/token`, { method: 'POST', headers: tokenHeaders, body: exchangeBody(first), signal: AbortSignal.timeout(10_000) }));
  const accessToken = String(tokens.access_token);
  if (!tokens.id_token || !tokens.refresh_token) throw new Error('the code exchange returned no id_token or refresh_token');

  const userinfoHeaders = { authorization: `Bearer ${accessToken}` };
  const claims = await expectOk('userinfo', await fetch(`${info.issuer}/userinfo`, { headers: userinfoHeaders, signal: AbortSignal.timeout(10_000) }));
  if (!claims.sub || !claims.email) throw new Error(`userinfo returned no sub or email: ${JSON.stringify(claims)}`);

  const introspectHeaders = { authorization: basicAuth(rs.id, rs.secret), 'content-type': form };
  const introspectBody = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }).toString();
  const answer = await expectOk('introspection', await fetch(`${info.issuer}/introspect`, { method: 'POST', headers: introspectHeaders, body: introspectBody, signal: AbortSignal.timeout(10_000) }));
  if (answer.active !== true) throw new Error(`introspection said the token is not active: ${JSON.stringify(answer)}`);

  const { connections, duration } = options;
  const endpoints: EndpointFigure[] = [];
  const prepared = 'a code exchanged before the run (real /authorize, LDAP sign-in, consent)';

  options.log(`  userinfo (${duration} s, c=${connections})`);
  endpoints.push({
    name: 'userinfo',
    request: 'GET /userinfo, bearer JWT (scope openid profile email api:read); claims read from LDAP per call',
    prepared,
    result: summarizeLoad(await load({ url: `${info.issuer}/userinfo`, connections, duration, headers: userinfoHeaders })),
  });

  options.log(`  introspection (${duration} s, c=${connections})`);
  endpoints.push({
    name: 'introspection',
    request: 'POST /introspect of that JWT access token, as the resource server (client_secret_basic)',
    prepared,
    result: summarizeLoad(await load({ url: `${info.issuer}/introspect`, connections, duration, method: 'POST', headers: introspectHeaders, body: introspectBody })),
  });

  // autocannon builds each connection's first request ahead: keep spare codes so none is sent twice.
  const spare = connections * 2;
  const amount = Math.max(0, pool.codes.length - spare);
  let next = 0;
  const nextBody = () => exchangeBody(pool.codes[Math.min(next++, pool.codes.length - 1)]);
  options.log(`  code exchange (${amount} prepared codes, c=${connections})`);
  endpoints.push({
    name: 'code exchange',
    request: 'POST /token grant_type=authorization_code + PKCE, client_secret_basic → ES256 access token, RS256 ID token, refresh token',
    prepared: `${pool.codes.length + 1} codes prepared through the real /authorize (one LDAP sign-in + consent, then the session), not the storage API (none is exposed)`,
    result: summarizeLoad(await load({ url: `${info.issuer}/token`, connections, amount, method: 'POST', headers: tokenHeaders, nextBody })),
  });

  return {
    connections,
    durationSeconds: duration,
    codePool: {
      count: pool.codes.length + 1,
      elapsedMs: pool.elapsedMs,
      perSecond: ((pool.codes.length + 1) * 1000) / pool.elapsedMs,
      via: 'GET /authorize with a signed-in session and remembered consent (first one through the sign-in and consent pages)',
    },
    endpoints,
  };
}
