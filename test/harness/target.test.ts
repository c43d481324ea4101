/** Target config validation (every problem with its JSON path) and discovery over loopback HTTP. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/cli-errors.ts';
import { ConfigValidationError, loadTargetConfig, parseTargetConfig } from '../../harness/target/config.ts';
import { substituteEnv } from '../../harness/target/config-env.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover, oauthMetadataUrl, openidConfigurationUrl } from '../../harness/target/discovery.ts';
import { openExternalTarget } from '../../harness/target/external.ts';
import { NotApplicableError } from '../../harness/target/model.ts';
import { targetFromReferenceServer } from '../../harness/target/reference.ts';
import { fakeIdpConfig, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';
import { BrowserSession } from '../../harness/browser/session.ts';
import { importSuite } from '../../harness/flow/load-suites.ts';
import { projectRoot, runFlow } from '../../harness/flow/runner.ts';

function problems(doc: unknown): string[] {
  try {
    parseTargetConfig(doc, 'vendor.json');
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('config validation', () => {
  it('reports every problem at once, each with its JSON path', () => {
    expect(problems({
      issuer: 'not a url',
      clients: [
        { role: 'confidental', client_id: 'a', redirect_uris: ['https://rp/cb'] },
        { role: 'confidential', client_id: 'b', redirect_uris: 'https://rp/cb' },
        { role: 'service-jwt', client_id: 'c', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'x' },
        { role: 'public', clinet_id: 'd', redirect_uris: ['https://rp/cb'] },
      ],
      users: [{ role: 'user', username: 'alice' }],
      login: { username: { label: 'Username', css: '#u' }, password: { label: 'Password' } },
      expectedFailures: [{ flow: 'implicit', check: 'x' }],
      timeouts: { httpMs: -5 },
      extra: true,
    })).toEqual([
      '$.extra: unknown field; allowed: issuer, clients, users, login, resourceServer, ldap, metadata, skipFlows, expectedFailures, timeouts, tls, options',
      '$.issuer: must be an absolute URL, got "not a url"',
      '$.clients[0].role: "confidental" is not one of confidential, public, par, implicit, hybrid, device, device-expiring, service, service-post, service-jwt, opaque, device-confidential, exchanger, jar (did you mean "confidential"?)',
      '$.clients[1].client_secret: is required for token_endpoint_auth_method client_secret_basic',
      '$.clients[1].redirect_uris: must be an array of strings, got the string "https://rp/cb"',
      '$.clients[2].token_endpoint_auth_method: a "service-jwt" client authenticates with private_key_jwt, not client_secret_basic',
      // The allowed list grows with the client fields; its start is enough here.
      expect.stringMatching(/^\$\.clients\[3\]\.clinet_id: unknown field \(did you mean "client_id"\?\); allowed: role, client_id, client_secret, /),
      '$.clients[3].client_id: is required',
      '$.users[0].password: is required',
      '$.login.username: names label and css; a locator has exactly one of label, role, css, placeholder, text, testId',
      '$.login.submit: is required (a locator: one of {"label": ...}, {"role": ...}, {"css": ...}, {"placeholder": ...}, {"text": ...}, {"testId": ...})',
      '$.expectedFailures[0].reason: is required',
      '$.timeouts.httpMs: must be a positive integer (milliseconds), got number -5',
    ]);
  });

  it('accepts a complete config, fills role defaults and ignores comment keys', () => {
    const config = parseTargetConfig({
      $comment: 'worked example',
      issuer: 'https://idp.example.com/realms/demo',
      clients: [
        { role: 'public', client_id: 'spa', redirect_uris: ['https://rp.example/cb'] },
        { role: 'service-jwt', client_id: 'svc', private_jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1' } },
      ],
      users: [{ role: 'outsider', username: 'bob', password: '' }],
      login: { username: { label: 'Username' }, password: { label: 'Password' }, submit: { role: 'button', name: 'Sign in' }, '// note': 'two pages' },
      expectedFailures: [{ flow: 'implicit', step: 'Redirect', check: 'nonce is echoed', reason: 'OIDC Core §3.2.2.11' }],
    });
    expect(config.clients[0]).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    expect(config.clients[1]).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], redirect_uris: [] });
    expect(config.users).toEqual([{ role: 'outsider', username: 'bob', password: '' }]);
  });

  it('is a ConfigError (exit 2) whose message lists the problems', () => {
    try {
      parseTargetConfig({ clients: {} }, 'vendor.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as Error).message).toBe('vendor.json is not a valid target config (1 problem):\n  $.clients: must be an array, got an object');
    }
  });
});

const signIn = { username: { label: 'Username' }, password: { label: 'Password' }, submit: { role: 'button', name: 'Sign in' } };

describe('login.interactions', () => {
  it('reports every problem of the script at its JSON path', () => {
    expect(problems({
      login: {
        ...signIn,
        interactions: [
          { when: { urlPattern: '/consent(' }, actions: [{ click: { role: 'button', name: 'Allow' }, fill: { label: 'x' } }] },
          { name: 'picker', when: {}, actions: [] },
          { when: { text: 'Continue', exact: true }, actions: [{ click: { text: 'Continue' }, all: true }, { fill: { label: 'Note' } }, { check: { role: 'checkbox' }, decision: 'maybe' }, { select: { label: 'Remember' }, value: [] }, { waitFor: { css: '#x' }, value: 'y' }] },
          { when: { role: 'heading', name: 'Consent' }, actions: [{ click: { text: 'Yes' }, decision: 'approve' }, { click: { text: 'No' }, decision: 'deny', optional: true }, { clik: { text: 'x' } }] },
          { when: { label: 'x', css: '#y' }, actions: Array.from({ length: 21 }, () => ({ waitFor: { css: '#a' } })) },
          { when: { role: 'heading', name: 'Consent' }, actions: [{ click: { text: 'Yes' }, decision: 'approve' }, { click: { text: 'Sure' }, decision: 'approve' }, { click: { text: 'No' }, decision: 'deny', timeoutMs: 0 }] },
        ],
      },
    })).toEqual([
      '$.login.interactions[0].when.urlPattern: is not a valid regular expression: Invalid regular expression: //consent(/: Unterminated group',
      '$.login.interactions[0].actions[0]: names click and fill; an action does exactly one of click, check, fill, select, waitFor (use one action each)',
      '$.login.interactions[1].when: must name the page: a locator (one of label, role, css, placeholder, text, testId) visible on it, a "urlPattern" (a regular expression its URL matches), or both',
      '$.login.interactions[1].actions: must list at least one action',
      '$.login.interactions[2].actions[0].all: only goes with "check"',
      '$.login.interactions[2].actions[1].value: is required',
      '$.login.interactions[2].actions[2].decision: "maybe" is not one of approve, deny',
      '$.login.interactions[2].actions[3].value: must name at least one option',
      '$.login.interactions[2].actions[4].value: only goes with "fill" and "select"',
      '$.login.interactions[3].actions[1].optional: a consent answer cannot be optional: without its control the user never answered',
      '$.login.interactions[3].actions[2].clik: unknown field (did you mean "click"?); allowed: click, check, fill, select, waitFor, all, value, decision, optional, timeoutMs',
      '$.login.interactions[3].actions[2]: must name exactly one action: {"click": <locator>}, {"check": <locator>}, {"fill": <locator>}, {"select": <locator>}, {"waitFor": <locator>}',
      '$.login.interactions[4].when: names label and css; a locator has exactly one of label, role, css, placeholder, text, testId',
      '$.login.interactions[4].actions: has 21 actions; at most 20',
      '$.login.interactions[5].actions[2].timeoutMs: must be a positive integer (milliseconds), got number 0',
      '$.login.interactions[5].actions: has more than one action with "decision": "approve"; a consent page is answered once',
    ]);
    expect(problems({ login: { ...signIn, interactions: Array.from({ length: 21 }, () => ({ when: { urlPattern: 'x' }, actions: [{ click: { text: 'Go' } }] })) } }))
      .toEqual(['$.login.interactions: has 21 entries; at most 20']);
  });

  it('keeps a valid script as written, without comment keys, beside login.consent', () => {
    const config = parseTargetConfig({
      login: {
        ...signIn,
        consent: { approve: { role: 'button', name: 'Allow' } },
        interactions: [
          { name: 'consent', '// why': 'scopes are opt-in', when: { urlPattern: '/consent', role: 'heading', name: 'Grant access', $c: 1 }, actions: [
            { check: { role: 'checkbox', $c: 'x' }, all: true },
            { select: { label: 'Remember' }, value: ['30d'] },
            { fill: { label: 'Note' }, value: '' },
            { click: { text: 'Yes', exact: true, frame: '#consent' }, decision: 'approve', timeoutMs: 2000 },
            { waitFor: { css: '#done' }, optional: true },
          ] },
        ],
      },
    });
    expect(config.login).toEqual({
      ...signIn,
      consent: { approve: { role: 'button', name: 'Allow' } },
      interactions: [{ name: 'consent', when: { role: 'heading', name: 'Grant access', urlPattern: '/consent' }, actions: [
        { check: { role: 'checkbox' }, all: true },
        { select: { label: 'Remember' }, value: ['30d'] },
        { fill: { label: 'Note' }, value: '' },
        { click: { text: 'Yes', exact: true, frame: '#consent' }, decision: 'approve', timeoutMs: 2000 },
        { waitFor: { css: '#done' }, optional: true },
      ] }],
    });
  });
});

describe('expectedFailures', () => {
  it('takes a check by id, fills the flow from it, keeps a detail pattern, and notes the deprecated check name', () => {
    const config = parseTargetConfig({
      expectedFailures: [
        { id: 'authorization-code/token/code-reuse-refused', detail: 'invalid_grant|HTTP 200', reason: 'RFC 6749 §4.1.2: ticket IDP-1' },
        { flow: 'implicit', step: 'Redirect', check: 'nonce is echoed', reason: 'OIDC Core §3.2.2.11' },
        { flow: 'hybrid', id: 'hybrid/authorization-response/c-hash-valid', reason: 'r' },
      ],
    }, 'vendor.json');
    expect(config.expectedFailures).toEqual([
      { flow: 'authorization-code', id: 'authorization-code/token/code-reuse-refused', detail: 'invalid_grant|HTTP 200', reason: 'RFC 6749 §4.1.2: ticket IDP-1' },
      { flow: 'implicit', step: 'Redirect', check: 'nonce is echoed', reason: 'OIDC Core §3.2.2.11' },
      { flow: 'hybrid', id: 'hybrid/authorization-response/c-hash-valid', reason: 'r' },
    ]);
    expect(config.notes).toEqual(['$.expectedFailures[1].check: naming a check by its name is deprecated (names change, ids do not); use "id": "<flow>/<step-key>/<check-key>", the id results.json gives the check']);
    expect(parseTargetConfig({}).notes).toEqual([]);
  });

  it('reports a missing id and check, a malformed id, a flow that contradicts the id and a detail that does not compile', () => {
    expect(problems({
      expectedFailures: [
        { id: 'authorization-code/token/code-reuse-refused', reason: 'r', detail: '(' },
        { id: 'Authorization Code/token', reason: 'r' },
        { reason: 'r' },
        { check: 'x', reason: 'r' },
        { flow: 'implicit', id: 'hybrid/a/b', reason: 'r' },
        { id: 'implicit/a/b' },
      ],
    })).toEqual([
      '$.expectedFailures[0].detail: is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
      '$.expectedFailures[1].id: "Authorization Code/token" is not a check id: <flow>/<step-key>/<check-key>, lower-case words joined by "-" (e.g. authorization-code/token/code-reuse-refused)',
      '$.expectedFailures[2]: needs "id" (the check id, <flow>/<step-key>/<check-key>) or "check" (its name, deprecated)',
      '$.expectedFailures[2].flow: is required with "check" (or give "id", which names the flow)',
      '$.expectedFailures[3].flow: is required with "check" (or give "id", which names the flow)',
      '$.expectedFailures[4].flow: "implicit" is not the flow of id hybrid/a/b ("hybrid"); leave it out',
      '$.expectedFailures[5].reason: is required',
    ]);
  });
});

describe('metadata in the config', () => {
  it('refuses the issuer and values of the wrong type for the members capabilities are read from', () => {
    expect(problems({
      metadata: { issuer: 'https://x', grant_types_supported: 'client_credentials', device_authorization_endpoint: 'nope', require_pushed_authorization_requests: 'yes', vendor_extension: { any: 1 } },
    })).toEqual([
      '$.metadata.issuer: cannot be overridden: the issuer is --target or "issuer", and the discovery document must name it (RFC 8414 §3.3)',
      '$.metadata.grant_types_supported: must be an array of strings, got the string "client_credentials"',
      '$.metadata.device_authorization_endpoint: must be an absolute URL, got "nope"',
      '$.metadata.require_pushed_authorization_requests: must be true or false, got the string "yes"',
    ]);
    expect(problems({ metadata: [] })).toEqual(['$.metadata: must be an object of discovery members (RFC 8414 §2), got an array']);
  });
});

describe('environment references in a config file', () => {
  it('replaces ${env:NAME} in any string, leaves other dollars and comments alone, and names every unset variable', () => {
    const env = { IDP_SECRET: 's3cret', OP_PORT: '4010' };
    const { doc, problems: unset } = substituteEnv({
      issuer: 'http://127.0.0.1:${env:OP_PORT}',
      clients: [{ role: 'confidential', client_secret: '${env:IDP_SECRET}', redirect_uris: ['https://rp.example/cb?x=$1&y=${env}'] }],
      users: [{ password: '${env:ALICE_PASSWORD}' }, { password: 'pa$$${env:IDP_SECRET}' }],
      '// why': 'comments may say ${env:ANYTHING}',
      timeouts: { stepMs: 1000 },
    }, env);
    expect(doc).toEqual({
      issuer: 'http://127.0.0.1:4010',
      clients: [{ role: 'confidential', client_secret: 's3cret', redirect_uris: ['https://rp.example/cb?x=$1&y=${env}'] }],
      users: [{ password: '' }, { password: 'pa$$s3cret' }],
      '// why': 'comments may say ${env:ANYTHING}',
      timeouts: { stepMs: 1000 },
    });
    expect(unset).toEqual(['$.users[0].password: environment variable ALICE_PASSWORD is not set (referenced as ${env:ALICE_PASSWORD})']);
  });

  it('is read by loadTargetConfig before validation: an unset variable is a config problem (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nauthera-env-'));
    try {
      const file = join(dir, 'idp.json');
      writeFileSync(file, JSON.stringify({ issuer: 'https://idp.example', clients: [{ role: 'service', client_id: 'svc', client_secret: '${env:NAUTHERA_TEST_SECRET}' }] }));
      expect(() => loadTargetConfig(file)).toThrow(`${file} is not a valid target config (1 problem):\n  $.clients[0].client_secret: environment variable NAUTHERA_TEST_SECRET is not set`);
      process.env.NAUTHERA_TEST_SECRET = 'from-the-environment';
      expect(loadTargetConfig(file).clients[0].client_secret).toBe('from-the-environment');
    } finally {
      delete process.env.NAUTHERA_TEST_SECRET;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('discovery', () => {
  let idp: FakeIdp;
  let server: Server;
  let base = '';
  beforeAll(async () => {
    idp = await startFakeIdp();
    // An RFC 8414-only server with a path in its issuer, and one that lies about its issuer.
    server = createServer((req, res) => {
      const meta = (issuer: string) => JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token` });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/oauth-authorization-server/tenant-a') return res.end(meta(`${base}/tenant-a`));
      if (req.url === '/liar/.well-known/openid-configuration') return res.end(meta('https://someone-else.example'));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await idp.close();
  });

  it('builds the well-known URLs as OIDC Discovery §4.1 and RFC 8414 §3.1 say', () => {
    expect(openidConfigurationUrl('https://idp.example/realms/a/')).toBe('https://idp.example/realms/a/.well-known/openid-configuration');
    expect(oauthMetadataUrl('https://idp.example/realms/a')).toBe('https://idp.example/.well-known/oauth-authorization-server/realms/a');
    expect(oauthMetadataUrl('https://idp.example')).toBe('https://idp.example/.well-known/oauth-authorization-server');
  });

  it('reads OIDC discovery and derives capabilities with the RFC 8414 defaults', async () => {
    const target = await openExternalTarget({ config: parseTargetConfig(fakeIdpConfig(idp)) });
    expect(target.discoveryUrl).toBe(`${idp.issuer}/.well-known/openid-configuration`);
    expect(target.capabilities).toMatchObject({ openid: true, par: false, deviceAuthorization: false, issParameter: true, codeChallengeMethods: ['S256'], responseModes: ['query', 'fragment', 'form_post'] });
    expect(target.endpoint('token_endpoint')).toBe(`${idp.issuer}/token`);
    expect(() => target.endpoint('pushed_authorization_request_endpoint')).toThrow(new NotApplicableError('the discovery metadata has no pushed_authorization_request_endpoint'));
    expect(target.client('confidential').client_id).toBe('web-app');
    expect(() => target.user('outsider')).toThrow('the target has no user with role "outsider" (users[].role in the config)');
  });

  it('lays the config\'s metadata over discovery before capabilities are derived, and records what it changed', async () => {
    const device = `${idp.issuer}/device`;
    const target = await openExternalTarget({ config: parseTargetConfig({
      ...fakeIdpConfig(idp),
      metadata: {
        grant_types_supported: ['authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
        device_authorization_endpoint: device,
        code_challenge_methods_supported: ['S256'],
      },
    }) });
    expect(target.capabilities).toMatchObject({ deviceAuthorization: true, grantTypes: ['authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] });
    expect(target.endpoint('device_authorization_endpoint')).toBe(device);
    // code_challenge_methods_supported is what discovery says already: no override.
    expect(target.metadataOverrides).toEqual({
      grant_types_supported: { discovered: ['authorization_code', 'client_credentials'], configured: ['authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] },
      device_authorization_endpoint: { discovered: null, configured: device },
    });

    const plain = await openExternalTarget({ config: parseTargetConfig(fakeIdpConfig(idp)) });
    expect(plain.metadataOverrides).toEqual({});
    expect(plain.capabilities.deviceAuthorization).toBe(false);
  });

  it('gives the reference target no overrides, whatever the overlay config says', async () => {
    const overlay = parseTargetConfig({ metadata: { grant_types_supported: ['client_credentials'] } });
    const target = await targetFromReferenceServer({ issuer: idp.issuer, clients: [], users: [] }, { config: overlay });
    expect(target.metadataOverrides).toEqual({});
    expect(target.capabilities.grantTypes).toEqual(['authorization_code', 'client_credentials']);
  });

  it('falls back to RFC 8414 metadata', async () => {
    const found = await discover(`${base}/tenant-a`);
    expect(found).toMatchObject({ url: `${base}/.well-known/oauth-authorization-server/tenant-a`, openid: false, metadata: { issuer: `${base}/tenant-a` } });
  });

  it('keeps metadata naming another issuer as a problem of the target: the discovery flow fails on it, every other flow is skipped naming it', async () => {
    const problem = `the discovery document at ${base}/liar/.well-known/openid-configuration names issuer "https://someone-else.example", not "${base}/liar"; they must be identical (OIDC Discovery §4.3, RFC 8414 §3.3)`;
    expect((await discover(`${base}/liar`)).problem).toBe(problem);
    const target = await openExternalTarget({ issuer: `${base}/liar` });
    expect(target.discoveryProblem).toBe(problem);
    const browser = new BrowserSession();
    try {
      const load = (id: string) => importSuite({ id, file: join(projectRoot, 'suites', `${id}.suite.ts`) });
      const discovery = await runFlow((await load('discovery')).flow!, { target, browser });
      const issuer = discovery.steps[1].checks.find((c) => c.id === 'discovery/metadata/issuer-identical-target');
      expect(issuer).toMatchObject({ status: 'failed', detail: `issuer: expected "${base}/liar", got "https://someone-else.example"` });
      const other = await runFlow((await load('client-credentials')).flow!, { target, browser });
      expect(other.status).toBe('skipped');
      expect(other.reason).toBe(`skipped: ${problem}`);
      expect(other.steps.every((s) => s.status === 'skipped' && s.reason === `skipped: ${problem}` && s.checks.length === 0)).toBe(true);
    } finally {
      await browser.close();
      await target.close();
    }
  });

  it('refuses a missing document and an unreachable issuer, each as a ConfigError', async () => {
    await expect(discover(`${base}/nothing`)).rejects.toThrow(`no discovery document for issuer ${base}/nothing: GET ${base}/nothing/.well-known/openid-configuration gave HTTP 404; GET ${base}/.well-known/oauth-authorization-server/nothing gave HTTP 404`);
    const error = await discover('http://127.0.0.1:1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('issuer http://127.0.0.1:1 is unreachable: connection refused (127.0.0.1:1) (GET http://127.0.0.1:1/.well-known/openid-configuration, timeout 10000 ms)');
    await expect(openExternalTarget({ issuer: 'https://a.example', config: parseTargetConfig({ issuer: 'https://b.example' }) })).rejects.toThrow('--target https://a.example and the config\'s issuer https://b.example differ');
  });
});
