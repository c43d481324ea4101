/**
 * Discovery (OpenID Connect Discovery 1.0 §3-4, RFC 8414 §2-3) and the JWK Set (RFC 7517,
 * RFC 7518 §6), diagrams/discovery.mmd: what every other flow reads before its first arrow,
 * judged as a document in its own right. The metadata's issuer must be identical to the
 * target's, each member has its type, what is advertised holds (RS256 for ID tokens, S256
 * for PKCE, no "none" for client assertions), and the key set holds only complete public keys.
 */
import { defineFlow, step, type CheckCatalogue, type HttpResponse } from '../harness/flow/index.ts';
import { oauthMetadataUrl } from '../harness/target/discovery.ts';
import {
  duplicateKids, ecMemberProblems, keyName, keyTypeFor, privateMemberProblems, rsaMemberProblems, rsaSizeProblems,
  symmetricKeyProblems, useKeyOpsProblems, x5cProblems, type Jwk,
} from './lib/jwk-set.ts';
import { expectJsonMediaType } from './lib/response-format.ts';
import { isLoopback, memberCheckName, memberKey, memberProblem, metadataMembers } from './lib/metadata-members.ts';

interface State {
  metadata?: Record<string, unknown>;
  keys?: Jwk[];
}

/** A JSON media type: application/json, or a +json type such as application/jwk-set+json (RFC 6839 §3.1). */
const jsonMediaType = (res: HttpResponse) => /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(res.header('content-type') ?? '');

/** Members OIDC Discovery §3 makes REQUIRED (RFC 8414 §2 requires fewer: see requiredByRfc8414). */
const requiredByOidc = ['authorization_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'];
const requiredByRfc8414 = ['response_types_supported'];

/** The metadata members whose value "none" is forbidden (RFC 8414 §2, OIDC Discovery §3). */
const noNoneMembers = [
  'token_endpoint_auth_signing_alg_values_supported',
  'revocation_endpoint_auth_signing_alg_values_supported',
  'introspection_endpoint_auth_signing_alg_values_supported',
];

const memberChecks: CheckCatalogue = Object.fromEntries(metadataMembers.map((m) => [memberKey(m), { name: memberCheckName(m), spec: m.spec }]));

const issuerSpec = 'OIDC Discovery §4.3, RFC 8414 §3.3';

export default defineFlow<State>({
  id: 'discovery',
  title: 'Discovery and the JWK Set',
  diagram: 'diagrams/discovery.mmd',
  state: () => ({}),
  judgesDiscovery: true,
  steps: [
    step('Client Application', 'Authorization Server', 'GET /.well-known/openid-configuration', async (ctx) => {
      const res = await ctx.http.get(ctx.target.discoveryUrl);
      await ctx.check('metadata-served-200', (c) => {
        c.evidence(res);
        c.expectStatus(res, 200);
      }, { soft: true });
      await ctx.check('metadata-json-object-application-json', (c) => {
        expectJsonMediaType(c, res);
        c.expectJson(res);
      }, { soft: true });
      const body = res.json;
      if (body && typeof body === 'object' && !Array.isArray(body)) ctx.state.metadata = body as Record<string, unknown>;
    }, {
      key: 'request-metadata',
      checks: {
        'metadata-served-200': { name: 'the metadata is served with 200 OK at its well-known URL', spec: 'OIDC Discovery §4.2, RFC 8414 §3.2' },
        'metadata-json-object-application-json': { name: 'the metadata is a JSON object with the application/json content type', spec: 'OIDC Discovery §4.2, RFC 8414 §3.2' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Provider metadata', async (ctx) => {
      const metadata = ctx.state.metadata!;
      const openid = ctx.target.capabilities.openid;
      const issuer = metadata.issuer;

      await ctx.check('issuer-identical-target', (c) => {
        c.expect(issuer, 'issuer').toBe(ctx.target.issuer);
      }, { soft: true });
      await ctx.check('issuer-no-query-or-fragment', (c) => {
        if (typeof issuer !== 'string') return c.fail(`issuer is ${JSON.stringify(issuer)}, not a URL string`);
        let url: URL;
        try {
          url = new URL(issuer);
        } catch {
          return c.fail(`issuer ${JSON.stringify(issuer)} is not a URL`);
        }
        if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) return c.fail(`issuer ${issuer} has a query or fragment component`);
        return `issuer ${issuer} has no query or fragment`;
      }, { soft: true });
      await ctx.check('issuer-uses-https', (c) => {
        if (typeof issuer !== 'string') return c.notApplicable('the issuer is not a string (judged by "issuer is identical")');
        if (issuer.startsWith('http://') && isLoopback(issuer)) return c.notApplicable(`the issuer ${issuer} is a loopback http URL: a local test deployment, whose scheme is not judged`);
        c.expect(issuer.slice(0, 8), 'issuer scheme').toBe('https://');
      }, { soft: true });

      await ctx.check('oidc-required-members-present', (c) => {
        if (!openid) return c.notApplicable('the target was discovered through RFC 8414, not as an OpenID Provider');
        const missing = requiredByOidc.filter((m) => !Object.hasOwn(metadata, m));
        // token_endpoint is REQUIRED unless only the implicit flow is used.
        const implicitOnly = Array.isArray(metadata.response_types_supported) && (metadata.response_types_supported as unknown[]).every((t) => typeof t === 'string' && !t.split(' ').includes('code'));
        if (!implicitOnly && !Object.hasOwn(metadata, 'token_endpoint')) missing.push('token_endpoint');
        if (missing.length) return c.fail(`the metadata lacks ${missing.join(', ')}`);
        return `${[...requiredByOidc, 'token_endpoint'].join(', ')} are present`;
      }, { soft: true });
      await ctx.check('rfc-8414-required-members-present', (c) => {
        const missing = requiredByRfc8414.filter((m) => !Object.hasOwn(metadata, m));
        if (missing.length) return c.fail(`the metadata lacks ${missing.join(', ')}`);
        return `${requiredByRfc8414.join(', ')} present`;
      }, { soft: true });

      for (const member of metadataMembers) {
        await ctx.check(memberKey(member), (c) => {
          if (!Object.hasOwn(metadata, member.name)) return c.notApplicable(`the metadata has no ${member.name} (optional here)`);
          const problem = memberProblem(member, metadata[member.name]);
          if (problem) return c.fail(problem);
          return `${member.name} is ${member.type === 'url' ? 'an absolute URL' : member.type === 'boolean' ? 'a boolean' : 'an array of strings'}`;
        }, { soft: true });
      }

      await ctx.check('endpoints-use-https', (c) => {
        const urls = metadataMembers.filter((m) => m.type === 'url' && typeof metadata[m.name] === 'string').map((m) => [m.name, metadata[m.name] as string] as const);
        const remote = urls.filter(([, u]) => !isLoopback(u));
        if (remote.length === 0) return c.notApplicable('every endpoint is on a loopback host: a local test deployment, whose scheme is not judged');
        const plain = remote.filter(([, u]) => !u.startsWith('https://'));
        if (plain.length) return c.fail(`${plain.map(([n, u]) => `${n} ${u}`).join(', ')} ${plain.length > 1 ? 'do' : 'does'} not use https`);
        return `${remote.length} endpoint URL(s) use https`;
      }, { soft: true });

      await ctx.check('id-token-signing-algs-include-rs256', (c) => {
        if (!openid) return c.notApplicable('the target was discovered through RFC 8414, not as an OpenID Provider');
        const algs = metadata.id_token_signing_alg_values_supported;
        if (!Array.isArray(algs)) return c.fail('id_token_signing_alg_values_supported is missing');
        c.expect(algs, 'id_token_signing_alg_values_supported').toContain('RS256');
      }, { soft: true });
      await ctx.check('client-auth-signing-algs-exclude-none', (c) => {
        const present = noNoneMembers.filter((m) => Array.isArray(metadata[m]));
        if (present.length === 0) return c.notApplicable(`the metadata lists none of ${noNoneMembers.join(', ')}`);
        const withNone = present.filter((m) => (metadata[m] as unknown[]).includes('none'));
        if (withNone.length) return c.fail(`${withNone.join(', ')} list${withNone.length > 1 ? '' : 's'} "none"`);
        return `${present.join(', ')} do not list "none"`;
      }, { soft: true });
      await ctx.check('code-challenge-methods-include-s256', (c) => {
        const methods = metadata.code_challenge_methods_supported;
        if (!Array.isArray(methods)) {
          // RFC 9700 §2.1.1: the AS MUST provide a way to detect PKCE support; publishing this member is RECOMMENDED.
          c.should(false, 'code_challenge_methods_supported is absent: RFC 9700 §2.1.1 recommends publishing it so clients can detect PKCE support');
          return 'code_challenge_methods_supported is absent';
        }
        c.expect(methods, 'code_challenge_methods_supported').toContain('S256');
      }, { soft: true });
      await ctx.check('scopes-list-openid', (c) => {
        if (!openid) return c.notApplicable('the target was discovered through RFC 8414, not as an OpenID Provider');
        const scopes = metadata.scopes_supported;
        if (!Array.isArray(scopes)) return c.notApplicable('the metadata has no scopes_supported (RECOMMENDED, optional)');
        // OIDC Discovery §3: the server MUST support openid, and MAY leave supported values out of the list.
        c.should(scopes.includes('openid'), `scopes_supported ${JSON.stringify(scopes)} leaves out openid, which every OpenID Provider supports`);
        return scopes.includes('openid') ? 'scopes_supported lists openid' : 'scopes_supported does not list openid';
      }, { soft: true });
      await ctx.check('oauth-metadata-names-same-issuer', async (c) => {
        const url = oauthMetadataUrl(ctx.target.issuer);
        if (url === ctx.target.discoveryUrl) return c.notApplicable('the target was discovered at this URL; its issuer is judged above');
        const res = await ctx.http.get(url);
        c.evidence(res);
        if (res.status !== 200 || !res.json || typeof res.json !== 'object') return c.notApplicable(`no RFC 8414 document at ${url} (HTTP ${res.status}): an OpenID Provider need not serve one`);
        c.expect(res.json.issuer, `issuer at ${url}`).toBe(ctx.target.issuer);
      }, { soft: true });
    }, {
      key: 'metadata',
      needs: { metadata: 'the metadata document' },
      checks: {
        'issuer-identical-target': { name: "the metadata's issuer is identical to the target's issuer", spec: issuerSpec },
        'issuer-no-query-or-fragment': { name: 'the issuer has no query or fragment component', spec: 'RFC 8414 §2, OIDC Discovery §3' },
        'issuer-uses-https': { name: 'the issuer uses the https scheme', spec: 'RFC 8414 §2, OIDC Discovery §3' },
        'oidc-required-members-present': { name: 'every member OpenID Connect Discovery requires is present', spec: 'OIDC Discovery §3' },
        'rfc-8414-required-members-present': { name: 'every member RFC 8414 requires is present (response_types_supported)', spec: 'RFC 8414 §2' },
        ...memberChecks,
        'endpoints-use-https': { name: 'the endpoint URLs use the https scheme', spec: 'OIDC Discovery §3, RFC 8414 §2, RFC 6749 §3.1, §3.2' },
        'id-token-signing-algs-include-rs256': { name: 'id_token_signing_alg_values_supported includes RS256', spec: 'OIDC Discovery §3' },
        'client-auth-signing-algs-exclude-none': { name: 'no *_auth_signing_alg_values_supported member lists "none"', spec: 'RFC 8414 §2, OIDC Discovery §3' },
        'code-challenge-methods-include-s256': { name: 'code_challenge_methods_supported includes S256 (and is published)', spec: 'RFC 7636 §4.2, RFC 9700 §2.1.1, RFC 8414 §2' },
        'scopes-list-openid': { name: 'scopes_supported lists openid', spec: 'OIDC Discovery §3' },
        'oauth-metadata-names-same-issuer': { name: 'the RFC 8414 metadata document, when served, names the same issuer', spec: 'RFC 8414 §3.3' },
      },
    }),

    step('Client Application', 'Authorization Server', 'GET jwks_uri', async (ctx) => {
      const jwksUri = ctx.state.metadata!.jwks_uri;
      if (typeof jwksUri !== 'string') {
        ctx.notApplicable('the metadata has no jwks_uri');
        return;
      }
      const res = await ctx.http.get(jwksUri);
      await ctx.check('jwks-served-200', (c) => {
        c.evidence(res);
        c.expectStatus(res, 200);
      }, { soft: true });
      await ctx.check('jwks-json-content-type', (c) => {
        c.evidence(res);
        // RFC 7517 §8.5 registers application/jwk-set+json; application/json is what most serve, and is JSON too.
        if (!jsonMediaType(res)) return c.fail(`Content-Type ${JSON.stringify(res.header('content-type') ?? null)} is not a JSON media type`);
        return `Content-Type ${res.header('content-type')}`;
      }, { soft: true });
      const body = res.json;
      if (body && typeof body === 'object' && Array.isArray(body.keys)) ctx.state.keys = body.keys.filter((k: unknown) => k && typeof k === 'object') as Jwk[];
      await ctx.check('jwks-keys-member', (c) => {
        c.evidence(res);
        if (!body || typeof body !== 'object' || Array.isArray(body)) return c.fail('the body is not a JSON object');
        if (!Array.isArray(body.keys)) return c.fail(`the JWK Set has no "keys" array (members: ${Object.keys(body).join(', ') || 'none'})`);
        const notObjects = body.keys.length - ctx.state.keys!.length;
        if (notObjects > 0) return c.fail(`${notObjects} member(s) of "keys" are not JSON objects`);
        return `"keys" holds ${body.keys.length} key(s)`;
      }, { soft: true });
    }, {
      key: 'request-jwks',
      needs: { metadata: 'the metadata document' },
      checks: {
        'jwks-served-200': { name: 'the JWK Set is served with 200 OK at jwks_uri', spec: 'OIDC Discovery §3, RFC 8414 §2, RFC 7517 §5' },
        'jwks-json-content-type': { name: 'the JWK Set has a JSON content type (application/jwk-set+json or application/json)', spec: 'RFC 7517 §8.5, RFC 6839 §3.1' },
        'jwks-keys-member': { name: 'the JWK Set is a JSON object whose "keys" member is an array of JWKs', spec: 'RFC 7517 §5, §5.1' },
      },
    }),

    step('Authorization Server', 'Client Application', 'JSON Web Key Set', async (ctx) => {
      const keys = ctx.state.keys!;
      const judge = async (key: string, problems: () => string[], passed: string, applies: (k: Jwk) => boolean = () => true, none = '') => {
        await ctx.check(key, (c) => {
          const relevant = keys.filter(applies);
          if (relevant.length === 0) return c.notApplicable(none || 'the JWK Set has no key this rule is about');
          const found = problems();
          if (found.length) return c.fail(found.join('; '));
          return passed.replace('{n}', String(relevant.length));
        }, { soft: true });
      };
      await judge('every-key-has-kty', () => keys.flatMap((k, i) => (typeof k.kty === 'string' && k.kty ? [] : [`${keyName(k, i)} has no kty`])), 'all {n} key(s) name their kty', () => true, 'the JWK Set is empty');
      await judge('no-private-rsa-members', () => privateMemberProblems(keys, 'RSA'), '{n} RSA key(s), none with d, p, q, dp, dq, qi or oth', (k) => k.kty === 'RSA', 'the JWK Set has no RSA key');
      await judge('no-private-ec-members', () => privateMemberProblems(keys, 'EC'), '{n} EC key(s), none with d', (k) => k.kty === 'EC', 'the JWK Set has no EC key');
      await judge('no-private-okp-members', () => privateMemberProblems(keys, 'OKP'), '{n} OKP key(s), none with d', (k) => k.kty === 'OKP', 'the JWK Set has no OKP key');
      await judge('no-symmetric-keys', () => symmetricKeyProblems(keys), 'no key of the {n} is symmetric (kty oct)', () => true, 'the JWK Set is empty');
      await judge('rsa-keys-have-n-e', () => rsaMemberProblems(keys), '{n} RSA key(s) with base64url n and e', (k) => k.kty === 'RSA', 'the JWK Set has no RSA key');
      await judge('rsa-keys-least-2048-bits', () => rsaSizeProblems(keys), '{n} RSA key(s), each of 2048 bits or more', (k) => k.kty === 'RSA', 'the JWK Set has no RSA key');
      await judge('ec-keys-have-crv-x-y-full-size', () => ecMemberProblems(keys), '{n} EC key(s) with crv and full-size x and y', (k) => k.kty === 'EC', 'the JWK Set has no EC key');
      await judge('use-and-key-ops-agree', () => useKeyOpsProblems(keys), 'no key has a use its key_ops contradict', (k) => typeof k.use === 'string' && Array.isArray(k.key_ops), 'no key has both use and key_ops');
      await judge('x5c-matches-key', () => x5cProblems(keys), '{n} key(s) whose first x5c certificate holds the same public key', (k) => Array.isArray(k.x5c) && k.x5c.length > 0, 'no key has x5c');
      await ctx.check('kids-distinct', (c) => {
        if (keys.length < 2) return c.notApplicable('the JWK Set has fewer than two keys');
        const dupes = duplicateKids(keys);
        c.should(dupes.length === 0, `the same kid on several keys: ${dupes.join('; ')}`);
        return dupes.length ? 'kids repeat' : `the ${keys.length} keys have distinct kids`;
      }, { soft: true });
      await ctx.check('advertised-signing-algs-have-keys', (c) => {
        const algs = ctx.state.metadata!.id_token_signing_alg_values_supported;
        if (!Array.isArray(algs)) return c.notApplicable('the metadata has no id_token_signing_alg_values_supported');
        const needed = [...new Set((algs as unknown[]).map(String).map(keyTypeFor).filter((t): t is string => t !== undefined))];
        if (needed.length === 0) return c.notApplicable('no advertised ID token algorithm uses a public key');
        const lacking = needed.filter((kty) => !keys.some((k) => k.kty === kty && (k.use === undefined || k.use === 'sig')));
        if (lacking.length) return c.fail(`id_token_signing_alg_values_supported ${JSON.stringify(algs)} needs ${lacking.join(' and ')} signing key(s); the JWK Set has none`);
        return `a signing key for each of ${needed.join(', ')}`;
      }, { soft: true });
    }, {
      key: 'jwks',
      needs: { keys: 'the JWK Set' },
      checks: {
        'every-key-has-kty': { name: 'every key names its kty', spec: 'RFC 7517 §4.1' },
        'no-private-rsa-members': { name: 'no RSA key publishes a private member (d, p, q, dp, dq, qi, oth)', spec: 'RFC 7518 §6.3.2, RFC 7517 §9.2' },
        'no-private-ec-members': { name: 'no EC key publishes its private member d', spec: 'RFC 7518 §6.2.2, RFC 7517 §9.2' },
        'no-private-okp-members': { name: 'no OKP key publishes its private member d', spec: 'RFC 8037 §2, RFC 7517 §9.2' },
        'no-symmetric-keys': { name: 'no symmetric (oct) key, whose k is the secret itself, is published', spec: 'RFC 7518 §6.4, RFC 7517 §9.2' },
        'rsa-keys-have-n-e': { name: 'every RSA key has base64url n and e', spec: 'RFC 7518 §6.3.1' },
        'rsa-keys-least-2048-bits': { name: 'every RSA key is 2048 bits or larger', spec: 'RFC 7518 §3.3, §4.2' },
        'ec-keys-have-crv-x-y-full-size': { name: 'every EC key has crv, x and y, each coordinate the full size for its curve', spec: 'RFC 7518 §6.2.1' },
        'use-and-key-ops-agree': { name: 'a key with both use and key_ops conveys the same intent in both', spec: 'RFC 7517 §4.3' },
        'x5c-matches-key': { name: "a key's first x5c certificate holds that key", spec: 'RFC 7517 §4.7' },
        'kids-distinct': { name: 'the keys have distinct kids', spec: 'RFC 7517 §4.5' },
        'advertised-signing-algs-have-keys': { name: 'each advertised ID token signing algorithm has a signing key of its type in the set', spec: 'OIDC Discovery §3, OIDC Core §10.1' },
      },
    }),
  ],
});
