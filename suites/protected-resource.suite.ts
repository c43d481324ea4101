/**
 * A protected resource that tells its clients where to get tokens, diagrams/protected-resource.mmd:
 * the client knows only the resource's URL (the target config's resourceServer). A request
 * without a token gets a 401 naming the resource's metadata (RFC 9728 §5.1); the metadata names
 * the resource and its authorization servers (§2, §3); the authorization server's metadata
 * (RFC 8414 §3, or OpenID Connect Discovery, the alternative the MCP authorization specification
 * allows) offers PKCE S256; code + PKCE with `resource` (RFC 8707 §2) yields a token for that
 * resource, which the resource accepts, while it refuses a token minted for another audience.
 *
 * RFC 9728 makes the metadata itself optional; the MCP authorization specification (2025-06-18)
 * makes it, resource_metadata in the 401, authorization_servers, PKCE S256 in the AS metadata and
 * resource indicators MUSTs for the servers it governs. So those checks fail for a target held to
 * MCP (options.mcpAuthorization, and the reference, whose resource server follows it) and warn
 * otherwise, and a resource that publishes no metadata at all is not applicable there. What holds
 * everywhere fails everywhere: the metadata's resource (§3.3), the 401 challenge (RFC 6750 §3), a
 * token for another audience refused (RFC 9068 §4). What RFC 8707 leaves to the AS warns.
 */
import { decodeJwt } from 'jose';
import { defineFlow, parseWwwAuthenticate, step, type CheckScope, type FlowContext, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { isJwt } from './lib/token-request.ts';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { downstreamAudienceOf, exchange, exchangerOf, accessTokenType } from './lib/token-exchange-request.ts';
import { authorizationServerMetadata, protectedResourceMetadataUrl } from './lib/resource-metadata.ts';
import { codeFlowClient } from './lib/code-flow-client.ts';

interface State {
  /** The protected resource's URL: all the client knows. */
  resource: string;
  /** The resource_metadata of the 401, when it named one. */
  advertised?: string;
  metadata: Record<string, unknown>;
  /** The target's issuer: the authorization server the metadata must name. */
  issuer: string;
  client: TargetClient;
  request: CodeRequest;
  code: string;
  token: string;
}

/** The client: public (PKCE is its only proof), else confidential. */
function clientOf(target: Target): TargetClient | undefined {
  return codeFlowClient(target, ['public', 'confidential']);
}

function applicable(target: Target): true | { reason: string } {
  if (!target.resourceServer) return { reason: 'the target has no protected resource to start from (resourceServer in the config)' };
  if (!clientOf(target)) return { reason: 'the target has no client with role "public" or "confidential" for the code flow' };
  return true;
}

const sameUrl = (a: string, b: string) => a.replace(/\/$/, '') === b.replace(/\/$/, '');

/** The audiences a JWT access token names (RFC 7519 §4.1.3: one string or an array). */
function audiencesOf(token: string): string[] {
  const aud = decodeJwt(token).aud;
  return (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
}

/** Whether the target is held to the MCP authorization specification's MUSTs (options.mcpAuthorization; the reference follows it). */
const heldToMcp = (target: Target): boolean => target.options.mcpAuthorization === true || target.kind === 'reference';
/** A MUST of MCP (a failure for a target held to it), else what RFC 9728 / RFC 8414 make optional (a warning). */
const mcpSeverity = (target: Target) => ({ severity: heldToMcp(target) ? 'failure' as const : 'warning' as const });

/** A token of the target for an audience that is not this resource: a token exchange for the downstream audience, where the target offers one. */
async function otherAudienceToken(ctx: FlowContext<State>, c: CheckScope): Promise<string> {
  const exchanger = exchangerOf(ctx.target);
  const audience = downstreamAudienceOf(ctx.target);
  if (!exchanger || !audience) return c.notApplicable('nauthera cannot get a token of this target for another audience: it needs token exchange (a client of role "exchanger" and options.tokenExchangeAudience)');
  const res = await exchange(ctx, exchanger, { subject_token: ctx.state.token, subject_token_type: accessTokenType, audience });
  const token = res.status === 200 && typeof res.json?.access_token === 'string' ? res.json.access_token : undefined;
  if (!token) return c.notApplicable(`nauthera cannot get a token of this target for another audience: the token exchange for "${audience}" answered HTTP ${res.status}`);
  if (isJwt(token)) {
    const names = audiencesOf(token);
    if (names.some((a) => sameUrl(a, ctx.state.resource) || ctx.state.resource.startsWith(a))) return c.notApplicable(`the exchanged token's aud (${names.join(', ')}) still names this resource`);
  }
  return token;
}

export default defineFlow<State>({
  id: 'protected-resource',
  title: 'Protected resource metadata and resource indicators (RFC 9728, RFC 8707, MCP)',
  diagram: 'diagrams/protected-resource.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable,
  state: () => ({}) as State,
  steps: [
    step('Client', 'Resource Server', 'Request without a token', async (ctx) => {
      ctx.state.resource = ctx.target.resourceServer!;
      // The authorization server nauthera follows is the target's, whatever the metadata says.
      ctx.state.issuer = ctx.target.issuer;
      const res = await ctx.http.get(ctx.state.resource);
      // RFC 6750 §3: the refusal of a request without credentials MUST carry WWW-Authenticate. Its
      // 401 is a SHOULD there (§3.1, RFC 9110 §15.5.2) and a MUST for a server held to MCP, whose
      // error handling gives "401 Unauthorized: Authorization required or token invalid".
      await ctx.check('unauthenticated-request-401-challenge', (c) => {
        c.evidence(res);
        if (res.status < 400) c.fail(`expected a refusal, got HTTP ${res.status}`);
        const challenge = parseWwwAuthenticate(res.header('www-authenticate'));
        if (!challenge || challenge.scheme.toLowerCase() !== 'bearer') {
          c.fail(`HTTP ${res.status} with WWW-Authenticate ${JSON.stringify(res.header('www-authenticate') ?? '(none)')}: expected a Bearer challenge (RFC 6750 §3 MUST)`);
        }
        if (res.status !== 401) {
          const why = `HTTP status: a request without a token gets 401 (RFC 6750 §3.1, RFC 9110 §15.5.2), got ${res.status}`;
          if (heldToMcp(ctx.target)) c.fail(`${why}; the MCP authorization specification requires it`);
          c.should(false, why);
        }
        return `refused with HTTP ${res.status} and ${res.header('www-authenticate')}`;
      }, { soft: true });
      ctx.state.advertised = parseWwwAuthenticate(res.header('www-authenticate'))?.params.resource_metadata;
    }, {
      key: 'unauthenticated',
      checks: {
        'unauthenticated-request-401-challenge': { name: 'a request without a token is refused with a Bearer challenge, and with 401 (a SHOULD outside MCP)', spec: 'RFC 6750 §3, §3.1; MCP Authorization 2025-06-18' },
      },
    }),

    step('Resource Server', 'Client', '401 naming its resource_metadata', async (ctx) => {
      // RFC 9728 §5.1; the MCP authorization specification: "MCP servers MUST use the HTTP header
      // WWW-Authenticate when returning a 401 Unauthorized to indicate the location of the resource server metadata URL".
      await ctx.check('challenge-names-resource-metadata', (c) => {
        const url = ctx.state.advertised;
        if (!url) return c.fail('the 401 has no resource_metadata parameter in WWW-Authenticate');
        c.expect(/^https?:\/\//.test(url), `resource_metadata "${url}" is an absolute URL`).toBe(true);
      }, { soft: true, ...mcpSeverity(ctx.target) });
    }, {
      key: 'challenge',
      checks: {
        'challenge-names-resource-metadata': { name: "the 401's WWW-Authenticate names the resource's metadata (resource_metadata)", spec: 'RFC 9728 §5.1; MCP Authorization 2025-06-18' },
      },
    }),

    step('Client', 'Resource Server', 'Reads the protected resource metadata', async (ctx) => {
      // The URL the 401 named, else the well-known URL of the resource (§3.1), as MCP clients fall back to.
      const url = ctx.state.advertised ?? protectedResourceMetadataUrl(ctx.state.resource);
      const res = await ctx.http.get(url);
      // RFC 9728 lets a resource publish no metadata: outside MCP, one that names none and serves none is not judged here.
      if (!ctx.state.advertised && res.status === 404 && !heldToMcp(ctx.target)) {
        return ctx.notApplicable(`the resource publishes no protected resource metadata (RFC 9728): its 401 names none and ${url} answers 404; options.mcpAuthorization holds it to the MCP authorization specification, which requires it`);
      }
      // §3.2: "A successful response MUST use the 200 OK HTTP status code and return a JSON object
      // using the application/json content type". What arrived is still read by the checks after.
      await ctx.check('metadata-200-json', (c) => {
        c.expectStatus(res, 200);
        c.expectJson(res);
        c.expect(res.header('content-type')?.split(';')[0].trim().toLowerCase(), 'the Content-Type').toBe('application/json');
      }, { soft: true });
      ctx.state.metadata = res.json && typeof res.json === 'object' && !Array.isArray(res.json) ? res.json as Record<string, unknown> : {};
      const m = ctx.state.metadata;
      // §3.3: "the resource value returned MUST be identical to the protected resource's resource
      // identifier value into which the well-known URI path suffix was inserted"; read through
      // resource_metadata, it must be the URL the client requested.
      await ctx.check('resource-identical-to-requested-url', (c) => {
        c.expect(m.resource, 'resource').toBe(ctx.state.resource);
      }, { soft: true });
      // MCP: "Protected Resource Metadata documents MUST include the authorization_servers field".
      await ctx.check('authorization-servers-listed', (c) => {
        c.expect(Array.isArray(m.authorization_servers) && m.authorization_servers.length > 0, 'authorization_servers is a non-empty array').toBe(true);
        const listed = (m.authorization_servers as unknown[]).filter((s): s is string => typeof s === 'string');
        c.expect(listed.some((s) => sameUrl(s, ctx.target.issuer)), `the target's issuer ${ctx.target.issuer} among authorization_servers (${listed.join(', ')})`).toBe(true);
      }, { soft: true, ...mcpSeverity(ctx.target) });
    }, {
      key: 'resource-metadata',
      checks: {
        'metadata-200-json': { name: 'the protected resource metadata is served as JSON with 200', spec: 'RFC 9728 §3.1, §3.2' },
        'resource-identical-to-requested-url': { name: 'the metadata names as resource the URL the client requested', spec: 'RFC 9728 §3.3' },
        'authorization-servers-listed': { name: "the metadata lists the authorization server (authorization_servers)", spec: 'RFC 9728 §2; MCP Authorization 2025-06-18' },
      },
    }),

    step('Client', 'Authorization Server', 'Reads the authorization server metadata', async (ctx) => {
      // MCP: the authorization server offers RFC 8414 metadata or OpenID Connect Discovery; either
      // is read. Its presence is not judged here: nauthera found one to start the run at all.
      const found = await authorizationServerMetadata(ctx, ctx.state.issuer);
      if (!found.metadata) throw new Error(`the authorization server metadata read at the run's start is gone: neither RFC 8414 metadata nor OpenID Connect Discovery answered 200 with JSON at ${found.tried.map((r) => r.url).join(', ')}`);
      const m = found.metadata;
      // RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer MUST be identical to the one the URL was formed from.
      await ctx.check('issuer-identical', (c) => {
        for (const res of found.tried) c.evidence(res);
        c.expect(m.issuer, `issuer at ${found.url}`).toBe(ctx.state.issuer);
      }, { soft: true });
      // MCP: "MCP clients MUST use PKCE ... If code_challenge_methods_supported is absent, the
      // authorization server does not support PKCE and MCP clients MUST refuse to proceed."
      await ctx.check('pkce-s256-advertised', (c) => {
        c.expect(m.code_challenge_methods_supported, 'code_challenge_methods_supported').toBeDefined();
        c.expect(Array.isArray(m.code_challenge_methods_supported) && m.code_challenge_methods_supported.includes('S256'), 'S256 among code_challenge_methods_supported').toBe(true);
      }, { soft: true, ...mcpSeverity(ctx.target) });
    }, {
      key: 'as-metadata',
      checks: {
        'issuer-identical': { name: "the authorization server metadata's issuer is the one the resource named", spec: 'RFC 8414 §3.3; OIDC Discovery §4.3' },
        'pkce-s256-advertised': { name: 'the authorization server metadata offers PKCE S256 (code_challenge_methods_supported)', spec: 'RFC 8414 §2; MCP Authorization 2025-06-18' },
      },
    }),

    step('User', 'Authorization Server', 'Signs in: code, PKCE S256 and the resource', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      const scope = scopeFor(ctx.target, client, ['openid', resourceScope(ctx.target)]);
      // RFC 8707 §2: a resource the AS does not serve SHOULD be refused with invalid_target.
      await ctx.check('unknown-resource-refused-invalid-target', async (c) => {
        const unknown = codeRequest(ctx.target, client, { scope, extra: { resource: `https://nauthera-unknown.invalid/mcp-${Date.now()}` } });
        const outcome = await ctx.browser.authorize(unknown.url, { user: ctx.target.user('user'), consent: 'approve' });
        const params = outcome.kind === 'redirect' ? outcome.params : undefined;
        c.should(params?.error === 'invalid_target', `an authorization request for a resource the AS does not serve: ${params ? (params.error ? `error ${JSON.stringify(params.error)}` : 'a code came back') : `the browser stopped on "${outcome.kind === 'page' ? outcome.title : ''}"`}; RFC 8707 §2 says invalid_target`);
      }, { soft: true });
      const request = codeRequest(ctx.target, client, { scope, extra: { resource: ctx.state.resource } });
      ctx.state.request = request;
      await ctx.check('authorization-with-resource-code', async (c) => {
        const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
        // RFC 8707 is optional outside MCP: an AS that refuses resource indicators is not judged on them.
        if (outcome.kind === 'redirect' && outcome.params.error === 'invalid_target' && !heldToMcp(ctx.target)) {
          return c.notApplicable(`the authorization server refuses the resource ${ctx.state.resource} (invalid_target): it does not issue tokens for it (RFC 8707 §2)`);
        }
        const params = c.expectAuthorizationResponse(outcome);
        c.expect(params.state, 'state').toBe(request.state);
        c.expect(params.code, 'code').toBeNonEmptyString();
        ctx.state.code = params.code!;
      });
    }, {
      key: 'authorize',
      checks: {
        'unknown-resource-refused-invalid-target': { name: 'an authorization request for a resource the AS does not serve is refused with invalid_target', spec: 'RFC 8707 §2', severity: 'warning' },
        'authorization-with-resource-code': { name: 'a code + PKCE S256 request naming the resource is answered with a code', spec: 'RFC 8707 §2; RFC 7636 §4.3; MCP Authorization 2025-06-18' },
      },
    }),

    step('Client', 'Authorization Server', 'Exchanges the code with the resource', async (ctx) => {
      const { request } = ctx.state;
      const res: HttpResponse = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), {
        grant_type: 'authorization_code', code: ctx.state.code, redirect_uri: request.redirectUri, code_verifier: request.pkce?.verifier, resource: ctx.state.resource,
      }, { client: request.client });
      await ctx.check('token-for-resource-issued', (c) => {
        c.expectStatus(res, 200);
        const json = c.expectJson(res);
        c.expect(json.access_token, 'access_token').toBeNonEmptyString();
        ctx.state.token = json.access_token;
      });
    }, {
      key: 'token',
      needs: { code: 'an authorization code' },
      checks: {
        'token-for-resource-issued': { name: 'the code exchanged with the resource yields an access token', spec: 'RFC 8707 §2.2; RFC 6749 §4.1.3' },
      },
    }),

    step('Authorization Server', 'Client', 'An access token for the resource', async (ctx) => {
      // RFC 8707 §2: the AS audience-restricts the token to the resource it was asked for.
      await ctx.check('token-audience-names-resource', (c) => {
        if (!isJwt(ctx.state.token)) return c.notApplicable('the access token is not a JWT: its audience cannot be read by the client');
        const names = audiencesOf(ctx.state.token);
        c.should(names.some((a) => sameUrl(a, ctx.state.resource)), `the token's aud ${JSON.stringify(decodeJwt(ctx.state.token).aud)} does not name the resource ${ctx.state.resource} it was asked for`);
      }, { soft: true });
    }, {
      key: 'access-token',
      needs: { token: 'an access token' },
      checks: {
        'token-audience-names-resource': { name: "the access token's aud names the resource it was asked for", spec: 'RFC 8707 §2; RFC 9068 §3', severity: 'warning' },
      },
    }),

    step('Client', 'Resource Server', 'Request with the access token', async (ctx) => {
      await ctx.check('resource-accepts-token', async (c) => {
        c.expectStatus(await ctx.http.get(ctx.state.resource, { bearer: ctx.state.token }), 200);
      }, { soft: true });
      // RFC 9068 §4: the resource server MUST validate that aud names it; MCP: "MCP servers MUST
      // validate that access tokens were issued specifically for them as the intended audience".
      await ctx.check('token-for-another-audience-refused', async (c) => {
        const other = await otherAudienceToken(ctx, c);
        c.expectBearerError(await ctx.http.get(ctx.state.resource, { bearer: other }), 'invalid_token');
      }, { soft: true });
    }, {
      key: 'resource-call',
      needs: { token: 'an access token' },
      checks: {
        'resource-accepts-token': { name: 'the resource accepts the token issued for it', spec: 'RFC 6750 §2.1; RFC 8707 §2' },
        'token-for-another-audience-refused': { name: 'the resource refuses a token issued for another audience with invalid_token', spec: 'RFC 9068 §4; RFC 6750 §3.1; MCP Authorization 2025-06-18' },
      },
    }),
  ],
});
