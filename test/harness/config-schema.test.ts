/**
 * The target config's JSON Schema: every config checked in passes it when ajv checks it as an
 * editor would (the schema alone), it says what model.ts says, and the loader turns its
 * errors into messages naming the JSON path, in the order the file reads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/flow/runner.ts';
import { ConfigValidationError, parseTargetConfig } from '../../harness/target/config.ts';
import { configSchema, schemaMessages } from '../../harness/target/config-schema.ts';
import { checkIdPattern, clientRoles, interactionLimits, interactionVerbs, locatorKinds, userRoles } from '../../harness/target/model.ts';
import { fakeIdpConfig, type FakeIdp } from './fixtures/fake-idp.ts';

const schemaFile = join(projectRoot, 'harness', 'target', 'config.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));

/** The schema compiled by a plain ajv in strict mode, without the loader: formats are named, not checked, as in most editors. */
const editorAjv = new Ajv2020({ allErrors: true, strictTypes: false, formats: { uri: true, regex: true } });
editorAjv.addSchema(schema);

function editorValidator(ref = '') {
  const validate = editorAjv.getSchema(`${schema.$id}${ref}`);
  if (!validate) throw new Error(`no schema at ${schema.$id}${ref}`);
  return (doc: unknown) => (validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));
}

function problems(doc: unknown, baseDir?: string): string[] {
  try {
    parseTargetConfig(doc, 'vendor.json', baseDir);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

/** The JSON of the first fenced block of `lang` in a markdown file that starts with `start`. */
function jsonBlock(file: string, lang: string, start: string): unknown {
  const blocks = [...readFileSync(join(projectRoot, file), 'utf8').matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
  const block = blocks.map((b) => b.slice(b.indexOf(start))).find((b) => b.startsWith(start) && start !== '');
  if (!block) throw new Error(`${file} has no ${lang} block holding ${start}`);
  const json = lang === 'sh' ? block.slice(0, block.indexOf('\nJSON\n')) : block;
  return JSON.parse(json);
}

describe('the config schema', () => {
  it('is a draft 2020-12 schema with an $id, strict enough for ajv', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(configSchema.$id);
    expect(editorValidator()({})).toEqual([]);
  });

  const checkedIn = readdirSync(join(projectRoot, 'fixtures', 'targets')).filter((f) => f.endsWith('.json'));
  it.each(checkedIn)('accepts fixtures/targets/%s as an editor checks it, and the loader loads it', (file) => {
    const doc = JSON.parse(readFileSync(join(projectRoot, 'fixtures', 'targets', file), 'utf8'));
    expect(editorValidator()(doc)).toEqual([]);
    expect(problems(doc)).toEqual([]);
  });

  it('accepts the examples of the docs and the test fixtures', () => {
    const examples: [string, unknown][] = [
      ['docs/config.md', jsonBlock('docs/config.md', 'json', '{')],
      ['README.md', jsonBlock('README.md', 'sh', '{\n  "issuer"')],
      ['fake IdP', fakeIdpConfig({ issuer: 'http://127.0.0.1:4000' } as FakeIdp)],
    ];
    // The docs' example names a CA file beside the config.
    const dir = mkdtempSync(join(tmpdir(), 'nauthera-schema-'));
    try {
      writeFileSync(join(dir, 'corp-ca.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
      for (const [where, doc] of examples) {
        expect(editorValidator()(doc), where).toEqual([]);
        expect(problems(doc, dir), where).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const entry = jsonBlock('docs/vendor-guide.md', 'json', '{ "name": "consent"');
    expect(editorValidator('#/$defs/interaction')(entry)).toEqual([]);
  });

  it('takes a "$schema" line and ${env:NAME} in a URL as an editor sees them', () => {
    const doc = { $schema: './node_modules/nauthera/harness/target/config.schema.json', issuer: '${env:ISSUER}', resourceServer: 'http://127.0.0.1:${env:API_PORT}/me' };
    expect(editorValidator()(doc)).toEqual([]);
    expect(editorValidator()({ ...doc, issuer: 'ftp://idp.example' })).toEqual(['/issuer must match pattern "^(?:[hH][tT][tT][pP][sS]?:|\\$\\{env:)"']);
  });

  it('says what model.ts says: roles, locator kinds, verbs, limits, the check id', () => {
    const defs = schema.$defs;
    expect(defs.client.properties.role.enum).toEqual(clientRoles);
    expect(defs.user.properties.role.enum).toEqual(userRoles);
    expect(defs.locatorKind.oneOf.map((o: { required: string[] }) => o.required[0])).toEqual(locatorKinds);
    expect(Object.keys(defs.locator.properties).slice(0, locatorKinds.length)).toEqual(locatorKinds);
    expect(defs.action.oneOf.map((o: { required: string[] }) => o.required[0])).toEqual(interactionVerbs);
    expect(schema.$defs.login.properties.interactions.maxItems).toBe(interactionLimits.interactions);
    expect(defs.interaction.properties.actions.maxItems).toBe(interactionLimits.actionsPerPage);
    expect(defs.expectedFailure.properties.id.pattern).toBe(checkIdPattern.source);
  });

  it('has, at each location the loader words a message for, the keyword it words', () => {
    const missing = Object.entries(schemaMessages).flatMap(([location, messages]) => {
      const node = location.slice(2).split('/').reduce((n, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], schema);
      return Object.keys(messages).filter((keyword) => node?.[keyword.replace('-several', '')] === undefined).map((keyword) => `${location} ${keyword}`);
    });
    expect(missing).toEqual([]);
  });

  it('describes every field an editor offers', () => {
    const undescribed: string[] = [];
    const walk = (node: Record<string, unknown>, where: string) => {
      for (const [key, field] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        const target = typeof field.$ref === 'string' ? schema.$defs[field.$ref.replace('#/$defs/', '')] : field;
        if (!field.description && !target.description && where !== 'private_jwk' && where !== 'metadata') undescribed.push(`${where}.${key}`);
        if (field.properties) walk(field, key);
      }
    };
    walk(schema, '$');
    for (const [name, def] of Object.entries(schema.$defs as Record<string, Record<string, unknown>>)) walk(def, name);
    expect(undescribed).toEqual([]);
  });
});

describe('schema errors as loader messages', () => {
  it('names the JSON path of each, with the value it got', () => {
    expect(problems({
      $schema: 'config.schema.json',
      issuer: 'https://idp.example',
      clients: [{ role: 'public', client_id: '', redirect_uris: ['https://rp.example/cb', 'ftp://rp.example/cb', 'cb'], scope: 7 }],
      users: [{ role: 'outsider', username: 'bob', password: 'p', $note: 'comment keys pass' }],
      login: { username: { lable: 'Username' }, password: { label: 'Password', name: 'x' }, submit: { role: 'button', name: 'Go', exact: 'yes' } },
      ldap: { url: 'https://ldap.example', baseDN: 'dc=x', bindDN: 'cn=y', password: '' },
      metadata: { claims_parameter_supported: true, scopes_supported: ['openid', 3], '$why': 'not-checked', jwks_uri: '/jwks' },
      tls: { insecure: 'no' },
      options: [],
    })).toEqual([
      '$.clients[0].client_id: must not be empty',
      '$.clients[0].redirect_uris[1]: must be a http or https URL, got "ftp://rp.example/cb"',
      '$.clients[0].redirect_uris[2]: must be an absolute URL, got "cb"',
      '$.clients[0].scope: must be a string, got number 7',
      '$.login.username.lable: unknown field (did you mean "label"?); allowed: label, role, css, placeholder, text, testId, name, exact, frame',
      '$.login.username: must name exactly one of label, role, css, placeholder, text, testId',
      '$.login.password.name: only goes with "role"',
      '$.login.submit.exact: must be true or false, got the string "yes"',
      '$.ldap.url: must be a ldap or ldaps URL, got "https://ldap.example"',
      '$.metadata.scopes_supported[1]: must be a string, got number 3',
      '$.metadata.jwks_uri: must be an absolute URL, got "/jwks"',
      '$.tls.insecure: must be true or false, got the string "no"',
      '$.options: must be an object, got an array',
    ]);
  });

  it('refuses a document that is not an object, a key that looks like an index, and a private JWK member that is not a string', () => {
    expect(problems([])).toEqual(['$: must be an object, got an array']);
    expect(problems({ timeouts: { 0: 1 } })).toEqual(['$.timeouts.0: unknown field; allowed: discoveryMs, httpMs, stepMs']);
    expect(problems({ clients: [{ role: 'service-jwt', client_id: 's', private_jwk: { kty: 'EC', d: 1, kid: 'k' } }] }))
      .toEqual(['$.clients[0].private_jwk.d: must be a string, got number 1']);
  });

  it('lists an object\'s unknown fields first, then what is wrong with it as a whole, then its fields; an array\'s items before the array', () => {
    expect(problems({
      login: {
        username: { label: 'u' }, password: { label: 'p' }, submit: { text: 's' },
        interactions: [{ when: { urlPattern: 'x' }, actions: [
          { click: { text: 'Yes' }, decision: 'approve' },
          { click: { text: 'Sure' }, decision: 'approve', timeoutMs: 1.5 },
          { fill: { label: 'Note' }, value: ['a'], colour: 'red' },
        ] }],
      },
    })).toEqual([
      '$.login.interactions[0].actions[1].timeoutMs: must be a positive integer (milliseconds), got number 1.5',
      '$.login.interactions[0].actions[2].colour: unknown field; allowed: click, check, fill, select, waitFor, all, value, decision, optional, timeoutMs',
      '$.login.interactions[0].actions[2].value: must be a string, got an array',
      '$.login.interactions[0].actions: has more than one action with "decision": "approve"; a consent page is answered once',
    ]);
  });

  it('keeps the rules between fields: roles and their auth methods, redirect URIs, repeated clients', () => {
    expect(problems({
      clients: [
        { role: 'public', client_id: 'spa', token_endpoint_auth_method: 'client_secret_post', client_secret: 's', redirect_uris: [] },
        { role: 'service-jwt', client_id: 'svc' },
        { role: 'confidential', client_id: 'web', client_secret: 's' },
        { role: 'service', client_id: 'api', client_secret: 's' },
        { role: 'service', client_id: 'api', client_secret: 't' },
      ],
    })).toEqual([
      '$.clients[0].token_endpoint_auth_method: a "public" client authenticates with none, not client_secret_post',
      '$.clients[0].redirect_uris: must list at least one URI',
      '$.clients[1].private_jwk: is required for token_endpoint_auth_method private_key_jwt (a private JWK with kty, d and kid)',
      '$.clients[2].redirect_uris: is required for a "confidential" client (the browser is sent back there)',
      '$.clients[4]: repeats client api with role service',
    ]);
  });
});
