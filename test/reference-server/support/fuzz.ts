/**
 * Malformed requests from a seeded PRNG (mulberry32), so that a failing request can be
 * replayed from its seed and index. Each request mixes known parameter names with hostile
 * values, wrong methods, content types, bodies, credentials and cookies; a share of them
 * carry real state (a session, an interaction and its CSRF token, valid client credentials,
 * live tokens) so that the fuzzing reaches past the first check of each endpoint.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzState {
  issuer: string;
  resourceServer: string;
  /** A signed-in session's cookies, and those of a pending interaction. */
  cookies: string;
  interactionUid: string;
  csrf: string;
  sessionCsrf: string;
  clientIds: string[];
  basicAuth: string[];
  accessTokens: string[];
  refreshTokens: string[];
  codes: string[];
  redirectUri: string;
  /** Live request_uris (PAR), device and user codes, the device page's CSRF token, and registrations with their tokens. */
  requestUris: string[];
  deviceCodes: string[];
  userCodes: string[];
  deviceCsrf: string;
  registrations: Array<{ uri: string; token: string }>;
}

export interface FuzzRequest {
  origin: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export class Fuzzer {
  private readonly random: () => number;

  constructor(seed: number, private readonly state: FuzzState) {
    this.random = mulberry32(seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private randomString(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%+/=*()\\"<>;:,&?#[]{}| \u00e9\u4e2d\u{1F600}\u0000'): string {
    const chars = [...alphabet];
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(chars);
    return out;
  }

  private value(name: string): string {
    const s = this.state;
    const hostile = [
      '',
      ' ',
      '%',
      '%zz',
      '%E0%A4%A',
      '\u0000',
      '*)(uid=*',
      '*',
      '\\',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      'toString',
      '[]',
      '{}',
      '{"a":1}',
      '-1',
      '0',
      '1e309',
      'NaN',
      '9999999999999999999999',
      'true',
      'a'.repeat(5000),
      'https://attacker.example/callback',
      `${s.redirectUri}/../evil`,
      `${s.redirectUri}#frag`,
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'eyJhbGciOiJIUzI1NiJ9.e30.' + 'x'.repeat(43),
      'a.b.c',
      '....',
      'openid openid',
      'openid  profile',
      'plain',
      'S256',
      'code token id_token',
      'none login',
      this.randomString(this.int(40) + 1),
    ];
    const plausible: Record<string, string[]> = {
      client_id: [...s.clientIds, 'unknown-client'],
      redirect_uri: [s.redirectUri, `${s.redirectUri}/`, 'https://rp.nauthera.test/'],
      response_type: ['code', 'token', 'id_token', 'code id_token', 'none', 'CODE'],
      response_mode: ['query', 'fragment', 'form_post', 'jwt'],
      scope: ['openid', 'openid profile email groups api:read', 'api:read', 'api:write', 'offline_access', 'admin'],
      grant_type: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit'],
      code: [...s.codes, 'expired'],
      refresh_token: [...s.refreshTokens],
      token: [...s.accessTokens, ...s.refreshTokens],
      access_token: [...s.accessTokens],
      token_type_hint: ['access_token', 'refresh_token', 'id_token', 'other'],
      code_challenge: ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'short'],
      code_challenge_method: ['S256', 'plain', 's256'],
      code_verifier: ['dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'x'.repeat(43), 'short'],
      prompt: ['none', 'login', 'consent', 'select_account', 'none login'],
      max_age: ['0', '60', '-5', '1.5', 'abc'],
      client_assertion_type: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'x'],
      client_assertion: ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJzZXJ2aWNlLWp3dCJ9.', 'a.b.c'],
      csrf: [s.csrf, s.sessionCsrf, s.deviceCsrf],
      request_uri: [...s.requestUris, 'urn:ietf:params:oauth:request_uri:unknown', 'urn:ietf:params:oauth:request_uri:'],
      device_code: [...s.deviceCodes, 'unknown-device-code'],
      user_code: [...s.userCodes, 'BCDF-GHJK', 'bcdfghjk', 'AEIO-0000'],
      decision: ['allow', 'deny', 'maybe'],
      username: ['alice', 'bob', 'dsmith', '*', 'admin)(|(uid=*'],
      password: ['Alice-Passw0rd', 'wrong', ''],
    };
    const options = plausible[name];
    if (options && options.length > 0 && this.chance(0.55)) return this.pick(options);
    return this.pick(hostile);
  }

  private params(): Array<[string, string]> {
    const names = [
      'client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
      'prompt', 'max_age', 'login_hint', 'request', 'request_uri', 'grant_type', 'code', 'code_verifier', 'refresh_token', 'client_secret',
      'client_assertion', 'client_assertion_type', 'token', 'token_type_hint', 'access_token', 'csrf', 'username', 'password', 'decision',
      'claims', 'id_token_hint', 'registration', 'resource', '__proto__', 'constructor', '', 'device_code', 'user_code',
    ];
    const out: Array<[string, string]> = [];
    const count = this.int(9);
    for (let i = 0; i < count; i++) {
      const name = this.chance(0.92) ? this.pick(names) : this.randomString(this.int(12) + 1);
      out.push([name, this.value(name)]);
      if (this.chance(0.06)) out.push([name, this.value(name)]); // a repeated parameter
    }
    return out;
  }

  private encode(params: Array<[string, string]>): string {
    if (this.chance(0.1)) {
      // Hand-made encodings, some of them broken.
      return params.map(([n, v]) => `${n}=${this.chance(0.5) ? v : encodeURIComponent(v)}`).join(this.pick(['&', ';', '&&', '&=&']));
    }
    return new URLSearchParams(params).toString();
  }

  private path(): { origin: string; path: string; kind: string } {
    const s = this.state;
    const uid = this.chance(0.6) ? s.interactionUid : this.pick(['x', 'A'.repeat(30), '%zz', '..%2F..%2Fetc', this.randomString(25, 'abcXYZ09-_')]);
    const as = (path: string, kind: string) => ({ origin: s.issuer, path, kind });
    const choices = [
      () => as('/authorize', 'authorize'),
      () => as(`/authorize/resume/${uid}`, 'authorize'),
      () => as(`/interaction/${uid}`, 'page'),
      () => as(`/interaction/${uid}/login`, 'page'),
      () => as(`/interaction/${uid}/consent`, 'page'),
      () => as('/account/consents', 'page'),
      () => as('/account/consents/revoke', 'page'),
      () => as('/token', 'api'),
      () => as('/token', 'api'),
      () => as('/token', 'api'),
      () => as('/userinfo', 'api'),
      () => as('/introspect', 'api'),
      () => as('/revoke', 'api'),
      () => as('/jwks', 'api'),
      () => as('/.well-known/openid-configuration', 'api'),
      () => as('/.well-known/oauth-authorization-server', 'api'),
      () => as(this.pick(['/', '/nope', '//token', '/token/', '/TOKEN', '/%zz', '/authorize/resume/', '/interaction/', `/${'a'.repeat(3000)}`, '/token%00', '/.well-known/']), 'api'),
      // The endpoints beyond RFC 6749's: PAR, device authorization and verification, registration and its management.
      () => as('/par', 'api'),
      () => as('/par', 'api'),
      () => as('/device_authorization', 'api'),
      () => as('/device_authorization', 'api'),
      () => as(this.pick(['/device', `/device?user_code=${encodeURIComponent(this.value('user_code'))}`]), 'page'),
      () => as(`/device/resume/${uid}`, 'page'),
      () => as('/register', 'register'),
      () => as('/register', 'register'),
      () => as(this.pick([...s.registrations.map((r) => new URL(r.uri).pathname), '/register/confidential', '/register/%zz', '/register/']), 'register'),
      () => ({ origin: s.resourceServer, path: '/resource', kind: 'rs' }),
      () => ({ origin: s.resourceServer, path: this.pick(['/', '/resource/x', '/nope']), kind: 'rs' }),
    ];
    return this.pick(choices)();
  }

  /** RFC 7591 client metadata, some plausible and some hostile, for /register. */
  private clientMetadata(): Record<string, unknown> {
    const s = this.state;
    const hostile = () => this.pick<unknown>([null, 42, true, [], {}, [null], [42], '', this.value('x'), { keys: 'x' }, ['a'.repeat(3000)], JSON.parse('{"__proto__":{"polluted":true}}')]);
    const plausible: Record<string, () => unknown> = {
      redirect_uris: () => this.pick([[s.redirectUri], ['http://127.0.0.1:9/cb'], ['http://evil.example/cb'], [`${s.redirectUri}#f`], ['javascript:alert(1)'], ['com.example.app:/cb'], Array(30).fill(s.redirectUri)]),
      grant_types: () => this.pick([['authorization_code'], ['client_credentials'], ['implicit'], ['password'], ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code']]),
      response_types: () => this.pick([['code'], ['token'], ['id_token token'], ['code id_token token'], ['none'], []]),
      token_endpoint_auth_method: () => this.pick(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none', 'tls_client_auth']),
      client_name: () => this.pick(['app', '<script>', 'a'.repeat(300), '\u0000']),
      scope: () => this.pick(['openid', 'openid api:read', 'admin', '']),
      jwks: () => this.pick([{ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }, { keys: [{ kty: 'oct', k: 'secret' }] }, { keys: [] }]),
      jwks_uri: () => 'https://client.example/jwks',
      id_token_signed_response_alg: () => this.pick(['RS256', 'ES256', 'none', 'HS256']),
      require_pushed_authorization_requests: () => this.pick([true, false, 'true']),
      client_id: () => this.pick(s.clientIds),
      client_secret: () => 'guess',
      registration_access_token: () => this.pick(s.registrations.map((r) => r.token)),
      contacts: () => this.pick([['a@b.example'], 'a@b.example', Array(20).fill('x')]),
    };
    const out: Record<string, unknown> = {};
    for (const [name, make] of Object.entries(plausible)) if (this.chance(0.35)) out[name] = this.chance(0.75) ? make() : hostile();
    return out;
  }

  next(): FuzzRequest & { kind: string } {
    const s = this.state;
    const { origin, path, kind } = this.path();
    const method = this.chance(0.85) ? this.pick(['GET', 'POST', 'POST']) : this.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'get']);
    const headers: Record<string, string> = {};
    const params = this.params();
    let fullPath = path;
    if (method === 'GET' || method === 'HEAD' || this.chance(0.15)) {
      const query = this.encode(params);
      if (query) fullPath += `?${query}`;
    }
    let body: string | Buffer | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const kindOfBody = this.random();
      if (kindOfBody < 0.7) {
        body = this.encode(params);
        headers['content-type'] = this.pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED']);
      } else if (kindOfBody < 0.8) {
        body = this.pick(['{"grant_type":"client_credentials"}', '{', '[]', JSON.stringify(Object.fromEntries(params))]);
        headers['content-type'] = 'application/json';
      } else if (kindOfBody < 0.87) {
        body = Buffer.from(Array.from({ length: this.int(200) }, () => this.int(256)));
        headers['content-type'] = this.pick(['application/octet-stream', 'multipart/form-data; boundary=x', 'text/plain', '']);
      } else if (kindOfBody < 0.9) {
        body = `grant_type=client_credentials&pad=${'x'.repeat(70 * 1024)}`;
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else {
        body = this.encode(params);
      }
      if (headers['content-type'] === '') delete headers['content-type'];
    }
    if (kind === 'register' && method !== 'GET' && method !== 'HEAD' && this.chance(0.7)) {
      body = this.pick([JSON.stringify(this.clientMetadata()), JSON.stringify(this.clientMetadata()), '{', 'null', '"x"', '[{}]']);
      headers['content-type'] = this.pick(['application/json', 'application/json; charset=utf-8', 'application/jsonx']);
    }
    const auth = this.random();
    if (kind === 'register' && this.chance(0.5)) headers.authorization = `Bearer ${this.pick([...s.registrations.map((r) => r.token), 'not-a-token'])}`;
    else if (auth < 0.25 && s.basicAuth.length > 0) headers.authorization = this.pick(s.basicAuth);
    else if (auth < 0.35) headers.authorization = `Basic ${Buffer.from(`${this.value('client_id')}:${this.value('client_secret')}`).toString('base64')}`;
    else if (auth < 0.5 && s.accessTokens.length > 0) headers.authorization = `Bearer ${this.pick(s.accessTokens)}`;
    else if (auth < 0.6) headers.authorization = this.pick(['Bearer', 'Bearer ', 'Bearer a b', 'Basic', 'Basic =', 'Basic !!!', 'Digest x', `Bearer ${this.randomString(30, 'abc.-_')}`, 'DPoP x']);
    if (this.chance(0.5)) headers.cookie = s.cookies;
    else if (this.chance(0.1)) headers.cookie = this.pick(['nauthera.session=x; nauthera.session.sig=y', 'nauthera.interaction=%zz', '=', 'a'.repeat(2000)]);
    return { origin, method, path: fullPath, headers, body, kind };
  }
}
