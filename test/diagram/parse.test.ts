import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DiagramSyntaxError, parseSequenceDiagram } from '../../harness/diagram/parse.ts';
import { decodeMermaidText, escapeMermaidText } from '../../harness/diagram/text.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (flow: string) => readFileSync(join(root, 'diagrams', `${flow}.mmd`), 'utf8');
const parse = (flow: string) => parseSequenceDiagram(read(flow), `diagrams/${flow}.mmd`);
const sd = (...lines: string[]) => parseSequenceDiagram(['sequenceDiagram', ...lines].join('\n'));

/** The flow catalogue of docs/design.md: participants (ids) and arrows as `from kind to: text`. */
const catalogue: Record<string, { participants: string[]; arrows: string[] }> = {
  'pushed-authorization': {
    participants: ['User', 'Client', 'AS', 'RS'],
    arrows: [
      'User ->> Client: Requests to access resources',
      'Client ->> AS: Requests Request Token',
      'AS -->> Client: Provides Request Token',
      'Client ->> User: Redirects user to Authorization Server with Request Token',
      'User ->> AS: Grants Authorization using Request Token',
      'AS -->> Client: Provides Access Token',
      'Client ->> RS: Requests protected resources with Access Token',
      'RS -->> Client: Provides protected resources',
    ],
  },
  'authorization-code': {
    participants: ['User', 'Client', 'AS', 'RS'],
    arrows: [
      'User ->> Client: Requests to access resources',
      'Client ->> AS: Redirects user to Authorization Server',
      'User ->> AS: Grants Authorization',
      'AS -->> User: Provides Authorization Code',
      'User ->> Client: Provides Authorization Code to Client',
      'Client ->> AS: Exchanges Authorization Code for Access Token',
      'AS -->> Client: Provides Access Token (and optionally a Refresh Token)',
      'Client ->> RS: Requests protected resources with Access Token',
      'RS -->> Client: Provides protected resources',
    ],
  },
  'ldap-worker': {
    participants: ['Worker', 'LDAP'],
    arrows: [
      'Worker ->> LDAP: Connect using JDBC-like LDAP URL with login and escaped password',
      'Worker ->> LDAP: Query for LDAP OIDs of group DNs',
      'LDAP -->> Worker: Returns list of LDAP OIDs',
    ],
  },
  'registered-app-jwt': {
    participants: ['Client', 'RS', 'AS'],
    arrows: [
      'RS ->> AS: 0. register application',
      'Client ->> RS: 1. access',
      'RS -->> Client: 2. redirect to Auth Server',
      'Client ->> AS: 3. redirect',
      'AS -->> Client: 4. redirect to callback (with access token - JWT)',
      'Client ->> RS: 5. redirect to callback (with access token - JWT)',
    ],
  },
  'authorization-code-ldap-consent': {
    participants: ['User', 'Client Application', 'Authorization Server', 'LDAP'],
    arrows: [
      'User ->> Client Application: Access',
      'Client Application ->> Authorization Server: Request authorization',
      'Authorization Server ->> User: Display consent',
      'User ->> Authorization Server: Give consent',
      'Authorization Server ->> LDAP: Verify consent',
      'LDAP ->> Authorization Server: Confirm',
      'Authorization Server ->> Client Application: Issue authorization token',
      'Client Application ->> Authorization Server: Request token',
      'Authorization Server ->> Client Application: Return token',
    ],
  },
  implicit: {
    participants: ['User', 'Client Application', 'Authorization Server'],
    arrows: [
      'User ->> Client Application: Access',
      'Client Application ->> Authorization Server: Request authorization',
      'Authorization Server ->> User: Display consent',
      'User ->> Authorization Server: Give consent',
      'Authorization Server ->> Client Application: Issue access token (via redirect)',
    ],
  },
  'client-credentials': {
    participants: ['Client Application', 'Authorization Server'],
    arrows: ['Client Application ->> Authorization Server: Authenticate', 'Authorization Server ->> Client Application: Issue access token'],
  },
  'device-code': {
    participants: ['User', 'Device', 'Authorization Server'],
    arrows: [
      'Device ->> Authorization Server: Request device code',
      'Authorization Server ->> Device: Provide device code and user verification URL',
      'User ->> Authorization Server: Visit user verification URL',
      'User ->> Authorization Server: Enter device code',
      'Authorization Server ->> Device: Issue access token',
    ],
  },
  hybrid: {
    participants: ['User', 'Client Application', 'Authorization Server'],
    arrows: [
      'User ->> Client Application: Access',
      'Client Application ->> Authorization Server: Request authorization (ID and access tokens)',
      'Authorization Server ->> User: Display consent',
      'User ->> Authorization Server: Give consent',
      'Authorization Server ->> Client Application: Issue ID token and authorization code',
      'Client Application ->> Authorization Server: Exchange authorization code for access token',
      'Authorization Server ->> Client Application: Return access token',
    ],
  },
  'openid-connect': {
    participants: ['RP', 'EndUser', 'OP'],
    arrows: [
      'RP ->> OP: (1) AuthN Request',
      'EndUser <<->> OP: (2) AuthN & AuthZ',
      'OP -->> RP: (3) AuthN Response',
      'RP ->> OP: (4) UserInfo Request',
      'OP -->> RP: (5) UserInfo Response',
    ],
  },
  'refresh-token': {
    participants: ['Client', 'Resource Server', 'Authorization Server'],
    arrows: [
      'Client ->> Authorization Server: (A) Authorization Grant',
      'Authorization Server -->> Client: (B) Access Token & Refresh Token',
      'Client ->> Resource Server: (C) Access Token',
      'Resource Server -->> Client: (D) Protected Resource',
      'Client ->> Resource Server: (E) Access Token',
      'Resource Server -->> Client: (F) Invalid Token Error',
      'Client ->> Authorization Server: (G) Refresh Token',
      'Authorization Server -->> Client: (H) Access Token & Optional Refresh Token',
    ],
  },
  discovery: {
    participants: ['Client Application', 'Authorization Server'],
    arrows: [
      'Client Application ->> Authorization Server: GET /.well-known/openid-configuration',
      'Authorization Server ->> Client Application: Provider metadata',
      'Client Application ->> Authorization Server: GET jwks_uri',
      'Authorization Server ->> Client Application: JSON Web Key Set',
    ],
  },
  'token-exchange': {
    participants: ['User', 'Client Application', 'Authorization Server', 'API Service', 'Downstream API'],
    arrows: [
      'User ->> Authorization Server: Signs in and approves the application',
      'Client Application ->> Authorization Server: Exchanges the code with PKCE',
      "Authorization Server ->> Client Application: The user's access token",
      "Client Application ->> API Service: Calls the API with the user's access token",
      'API Service ->> Authorization Server: Token exchange (subject_token, audience, actor_token)',
      'Authorization Server ->> API Service: Issued token (issued_token_type, act)',
      'API Service ->> Downstream API: Calls with the exchanged token',
    ],
  },
  'protected-resource': {
    participants: ['Client', 'Resource Server', 'Authorization Server', 'User'],
    arrows: [
      'Client ->> Resource Server: Request without a token',
      'Resource Server ->> Client: 401 naming its resource_metadata',
      'Client ->> Resource Server: Reads the protected resource metadata',
      'Client ->> Authorization Server: Reads the authorization server metadata',
      'User ->> Authorization Server: Signs in: code, PKCE S256 and the resource',
      'Client ->> Authorization Server: Exchanges the code with the resource',
      'Authorization Server ->> Client: An access token for the resource',
      'Client ->> Resource Server: Request with the access token',
    ],
  },
  dpop: {
    participants: ['User', 'Client', 'Authorization Server', 'Resource Server'],
    arrows: [
      'User ->> Authorization Server: Signs in and approves the client',
      'Client ->> Authorization Server: Exchanges the code with PKCE and a DPoP proof',
      'Authorization Server ->> Client: use_dpop_nonce with a DPoP-Nonce header',
      'Client ->> Authorization Server: Retries with the nonce in a new proof',
      'Authorization Server ->> Client: DPoP-bound access token (token_type DPoP, cnf.jkt)',
      'Client ->> Resource Server: Calls with DPoP and a proof carrying ath',
      'Client ->> Authorization Server: Refreshes with a proof of the same key',
    ],
  },
  logout: {
    participants: ['User', 'Client Application', 'Authorization Server'],
    arrows: [
      'User ->> Authorization Server: Signs in and approves the application',
      'Client Application ->> Authorization Server: Exchanges the code for an ID token',
      'Client Application ->> Authorization Server: Registers a second client with a backchannel_logout_uri',
      'User ->> Authorization Server: Approves the second client in the same session, which gets an ID token',
      'Client Application ->> Authorization Server: Sends the user to log out with an unregistered post_logout_redirect_uri',
      'Client Application ->> Authorization Server: Sends the user to the end_session_endpoint (id_token_hint, post_logout_redirect_uri, state)',
      'Authorization Server ->> Client Application: Redirects to the post_logout_redirect_uri with state',
      "Authorization Server ->> Client Application: POSTs a logout_token to the second client's backchannel_logout_uri",
      'Client Application ->> Authorization Server: Validates the logout token with the jwks_uri keys',
      'User ->> Authorization Server: Asks again with prompt=none',
    ],
  },
  jar: {
    participants: ['User', 'Client Application', 'Authorization Server'],
    arrows: [
      'User ->> Authorization Server: Authorization request by value (client_id, request: a signed Request Object)',
      'Authorization Server ->> Client Application: Code, with the state of the Request Object',
      "Client Application ->> Authorization Server: Exchanges the code (the object's redirect_uri, code_verifier)",
      'User ->> Authorization Server: Request Objects the AS must refuse, and parameters beside one',
      'User ->> Authorization Server: Authorization request by reference (client_id, request_uri)',
    ],
  },
};

/** Drawn by nauthera beyond the seed documents, each citing the specs it follows. */
const beyondSeeds = ['discovery', 'token-exchange', 'protected-resource', 'dpop', 'logout', 'jar'];

describe('the flow diagrams: the 11 of the seeds and those drawn beyond them', () => {
  it('diagrams/ holds exactly the flows of the catalogue', () => {
    const files = readdirSync(join(root, 'diagrams')).filter((f) => f.endsWith('.mmd')).sort();
    expect(files).toEqual(Object.keys(catalogue).map((id) => `${id}.mmd`).sort());
  });

  for (const [flow, expected] of Object.entries(catalogue)) {
    it(`${flow} parses with its participants and arrows`, () => {
      const d = parse(flow);
      expect(d.participants.map((p) => p.id)).toEqual(expected.participants);
      expect(d.arrows.map((a) => `${a.from} ${a.kind} ${a.to}: ${a.text}`)).toEqual(expected.arrows);
      expect(d.arrows.map((a) => a.index)).toEqual(expected.arrows.map((_, i) => i));
      // The header comment names the seed it came from, or says it is beyond the seeds and cites its specs.
      expect(read(flow)).toMatch(beyondSeeds.includes(flow)
        ? /^%% flow: [a-z-]+\n%% source: beyond the seed documents: drawn by nauthera from [^\n]*(RFC|OpenID)/
        : /^%% flow: [a-z-]+\n%% source: seed 00[0-3] /);
    });
  }

  it('keeps the labels, aliases and boxes of the seeds', () => {
    expect(parse('authorization-code').participants.find((p) => p.id === 'AS')?.label).toBe('Authorization Server');
    expect(parse('openid-connect').participants.find((p) => p.id === 'EndUser')).toMatchObject({ label: 'End-User', kind: 'actor' });
    const consent = parse('authorization-code-ldap-consent');
    expect(consent.boxes).toEqual([
      { label: 'nauthera.io', color: 'rgba(2,88,99,0.5)', participants: ['Authorization Server'], line: expect.any(Number), endLine: expect.any(Number) },
    ]);
    expect(consent.participants[0]).toMatchObject({ id: 'User', kind: 'actor' });
    expect(parse('registered-app-jwt').participants.map((p) => p.label)).toEqual(['Client', 'Resource server', 'Authorization Server']);
  });

  // The mermaid seeds (000, 002) are copied as they are: the body of each .mmd after its %% header
  // is byte for byte a mermaid block of its seed. The seeds live in ../shared beside the checkout.
  const seeds = join(root, '..', 'shared', 'seeds');
  it.skipIf(!existsSync(seeds))('copies the mermaid seeds as they are', () => {
    const blocks = readdirSync(seeds)
      .filter((f) => /^00[02]_/.test(f))
      .flatMap((f) => [...readFileSync(join(seeds, f), 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]));
    const copied = ['pushed-authorization', 'authorization-code', 'ldap-worker', 'authorization-code-ldap-consent', 'implicit', 'client-credentials', 'device-code', 'hybrid'];
    for (const flow of copied) {
      const body = read(flow).replace(/^(%%[^\n]*\n)+/, '');
      expect(blocks.some((b) => b.replace(/\n*$/, '') === body.replace(/\n*$/, '')), flow).toBe(true);
    }
  });
});

describe('sequenceDiagram syntax', () => {
  it('reads participants and actors with aliases, in declaration order', () => {
    const d = sd('participant A as Alice', 'actor B as Bob the Builder', 'participant C', 'A->>C: hi');
    expect(d.participants).toEqual([
      { id: 'A', label: 'Alice', kind: 'participant' },
      { id: 'B', label: 'Bob the Builder', kind: 'actor' },
      { id: 'C', label: 'C', kind: 'participant' },
    ]);
  });

  it('adds participants that only arrows and notes name, in order of first use', () => {
    const d = sd('participant B', 'A->>B: one', 'Note over C: three', 'B-->>D: four');
    expect(d.participants.map((p) => p.id)).toEqual(['B', 'A', 'C', 'D']);
  });

  it('reads boxes with and without a colour', () => {
    const d = sd('box rgba(2,88,99,0.5) nauthera.io', '  participant AS', 'end', 'box Aqua Group', 'participant X', 'end', 'box Plain label', 'actor Y', 'end');
    expect(d.boxes?.map(({ label, color, participants }) => ({ label, color, participants }))).toEqual([
      { label: 'nauthera.io', color: 'rgba(2,88,99,0.5)', participants: ['AS'] },
      { label: 'Group', color: 'Aqua', participants: ['X'] },
      { label: 'Plain label', color: undefined, participants: ['Y'] },
    ]);
    expect(d.participants.find((p) => p.id === 'AS')?.box).toBe('nauthera.io');
    expect(d.boxes?.[0]).toMatchObject({ line: 2, endLine: 4 });
  });

  it('reads every arrow kind', () => {
    const kinds = ['->>', '-->>', '->', '-->', '-x', '--x', '-)', '--)', '<<->>', '<<-->>'];
    const d = sd(...kinds.map((k, i) => `Alice${k}Bob: m${i}`));
    expect(d.arrows.map((a) => a.kind)).toEqual(kinds);
    expect(d.arrows.every((a) => a.from === 'Alice' && a.to === 'Bob')).toBe(true);
    expect(d.arrows.map((a) => a.line)).toEqual(kinds.map((_, i) => i + 2));
  });

  it('reads mermaid 11 half arrows; a reverse one (A/|-B) is the message from B to A', () => {
    const forward = ['-|\\', '-|/', '-\\\\', '-//', '--|\\', '--|/', '--\\\\', '--//'];
    const reverse = ['/|-', '\\|-', '//-', '\\\\-', '/|--', '\\|--', '//--', '\\\\--'];
    const d = sd(...forward.map((k, i) => `Client${k}AS: f${i}`), ...reverse.map((k, i) => `Client ${k} AS: r${i}`), 'Client-|\\+AS: busy', 'AS-//-Client: done');
    expect(d.arrows.map((a) => a.kind)).toEqual([...forward, ...reverse, '-|\\', '-//']);
    expect(d.arrows.slice(0, 8).every((a) => a.from === 'Client' && a.to === 'AS')).toBe(true);
    expect(d.arrows.slice(8, 16).every((a) => a.from === 'AS' && a.to === 'Client')).toBe(true);
    expect(d.arrows.map((a) => a.text).slice(6, 10)).toEqual(['f6', 'f7', 'r0', 'r1']);
    expect(d.arrows.slice(16).map((a) => a.activation)).toEqual(['+', '-']);
  });

  it('reads names with spaces and hyphens, spaces around arrows, and text with arrows and colons', () => {
    const d = sd('Client Application ->> Auth-Server : GET /authorize?x=1: yes -> no');
    expect(d.arrows[0]).toMatchObject({ from: 'Client Application', to: 'Auth-Server', kind: '->>', text: 'GET /authorize?x=1: yes -> no' });
  });

  it('reads activate/deactivate and the +/- shorthands, and refuses to deactivate an idle participant', () => {
    const d = sd('activate A', 'A->>+B: start', 'B-->>-A: done', 'deactivate A');
    expect(d.arrows.map((a) => a.activation)).toEqual(['+', '-']);
    expect(d.statements?.filter((s) => s.kind === 'activation').map((s) => s.line)).toEqual([2, 5]);
    expect(() => sd('A->>B: x', 'B-->>-A: y')).toThrow(/line 3: "B" is deactivated but is not active/);
    expect(() => sd('A->>B: x', 'deactivate A')).toThrow(DiagramSyntaxError);
  });

  it('reads notes left of, right of and over one or two participants', () => {
    const d = sd('Note left of A: l', 'note right of B: r', 'Note over A,B: both #59; sides', 'A->>B: x');
    expect(d.notes?.map(({ placement, participants, text }) => ({ placement, participants, text }))).toEqual([
      { placement: 'left of', participants: ['A'], text: 'l' },
      { placement: 'right of', participants: ['B'], text: 'r' },
      { placement: 'over', participants: ['A', 'B'], text: 'both #59; sides' },
    ]);
    expect(() => sd('Note left of A,B: x')).toThrow(/line 2: "Note left of" takes one participant/);
    expect(() => sd('Note over A no colon')).toThrow(/line 2: a note reads/);
  });

  it('reads autonumber, autonumber with start/step, and autonumber off', () => {
    expect(sd('autonumber', 'A->>B: x').autonumber).toBe(true);
    expect(sd('autonumber 10 5', 'A->>B: x').autonumber).toBe(true);
    expect(sd('A->>B: x').autonumber).toBe(false);
    expect(sd('autonumber', 'autonumber off', 'A->>B: x').autonumber).toBe(false);
    expect(() => sd('autonumber maybe')).toThrow(/line 2: autonumber takes/);
  });

  it('reads rect/alt/else/opt/loop/par/and/critical/option/break blocks, nested', () => {
    const d = sd(
      'rect rgba(0,0,255,0.1)',
      '  alt is valid',
      '    A->>B: ok',
      '  else is invalid',
      '    A->>B: bad',
      '  end',
      'end',
      'opt maybe',
      'A->>B: o',
      'end',
      'loop every minute',
      'par one',
      'A->>B: p1',
      'and two',
      'A->>C: p2',
      'end',
      'end',
      'critical connect',
      'A->>B: c',
      'option timeout',
      'A->>B: t',
      'end',
      'break when down',
      'A->>B: b',
      'end',
    );
    expect(d.blocks?.map((b) => [b.kind, b.label, b.line, b.endLine, b.parent])).toEqual([
      ['rect', 'rgba(0,0,255,0.1)', 2, 8, undefined],
      ['alt', 'is valid', 3, 7, 0],
      ['opt', 'maybe', 9, 11, undefined],
      ['loop', 'every minute', 12, 18, undefined],
      ['par', 'one', 13, 17, 3],
      ['critical', 'connect', 19, 23, undefined],
      ['break', 'when down', 24, 26, undefined],
    ]);
    expect(d.blocks?.[1].sections).toEqual([{ keyword: 'else', label: 'is invalid', line: 5 }]);
    expect(d.blocks?.[4].sections).toEqual([{ keyword: 'and', label: 'two', line: 15 }]);
    expect(d.blocks?.[5].sections).toEqual([{ keyword: 'option', label: 'timeout', line: 21 }]);
    expect(d.arrows.map((a) => a.text)).toEqual(['ok', 'bad', 'o', 'p1', 'p2', 'c', 't', 'b']);
    expect(d.statements?.filter((s) => s.kind === 'arrow').map((s) => s.depth)).toEqual([2, 2, 1, 2, 2, 1, 1, 1]);
  });

  it('skips %% comments and directives, before and after the header', () => {
    const d = parseSequenceDiagram(['%%{init: {"theme": "dark"}}%%', '%% a comment', 'sequenceDiagram', '  %% inside', 'A->>B: x %% not a comment in text'].join('\n'));
    expect(d.arrows).toHaveLength(1);
    expect(d.statements?.map((s) => s.kind)).toEqual(['header', 'comment', 'arrow']);
  });

  it('reads title, front matter title and accessibility lines', () => {
    expect(sd('title Login flow', 'A->>B: x').title).toBe('Login flow');
    expect(sd('title: With colon').title).toBe('With colon');
    expect(parseSequenceDiagram('---\ntitle: From front matter\n---\nsequenceDiagram\nA->>B: x').title).toBe('From front matter');
    expect(sd('accTitle: t', 'accDescr: d', 'accDescr {', 'several', 'lines }', 'A->>B: x').arrows).toHaveLength(1);
  });

  it('keeps #59; entities as written and decodes them in plainText', () => {
    const d = sd('A->>B: a#59; b #35;1 #lt;x#gt; c<br/>d');
    expect(d.arrows[0].text).toBe('a#59; b #35;1 #lt;x#gt; c<br/>d');
    expect(d.arrows[0].plainText).toBe('a; b #1 <x> c\nd');
    expect(decodeMermaidText(escapeMermaidText('x; #1 <b>\nnext'))).toBe('x; #1 <b>\nnext');
    expect(escapeMermaidText('a;b#c')).toBe('a#59;b#35;c');
  });

  it('separates statements at ; but not inside entities, and ends text at a bare #', () => {
    const d = sd('A->>B: one#59; still one; B->>A: two # trailing comment');
    expect(d.arrows.map((a) => a.text)).toEqual(['one#59; still one', 'two']);
  });

  it('reads create and destroy', () => {
    const d = sd('A->>B: x', 'create participant C as Carl', 'A->>C: hi', 'destroy C', 'C-xA: bye');
    expect(d.participants.map((p) => p.label)).toEqual(['A', 'B', 'Carl']);
    expect(d.arrows).toHaveLength(3);
  });
});

describe('malformed diagrams', () => {
  const errorOf = (source: string, file?: string): DiagramSyntaxError => {
    try {
      parseSequenceDiagram(source, file);
    } catch (error) {
      expect(error).toBeInstanceOf(DiagramSyntaxError);
      return error as DiagramSyntaxError;
    }
    throw new Error('expected a DiagramSyntaxError');
  };

  it('reports an unknown statement with its line and file', () => {
    const e = errorOf('sequenceDiagram\n  A->>B: ok\n\n  this is not mermaid\n', 'diagrams/x.mmd');
    expect(e.line).toBe(4);
    expect(e.file).toBe('diagrams/x.mmd');
    expect(e.message).toBe('diagrams/x.mmd:4: unknown statement "this is not mermaid"');
  });

  it('reports an end without an open block', () => {
    expect(errorOf('sequenceDiagram\nloop x\nA->>B: y\nend\nend\n').line).toBe(5);
    expect(errorOf('sequenceDiagram\nloop x\nA->>B: y\nend\nend\n').reason).toMatch(/"end" without an open box or block/);
  });

  it('reports a block never closed at the line that opened it', () => {
    const e = errorOf('sequenceDiagram\nA->>B: x\nalt one\nA->>B: y\nelse two\n');
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/alt opened here is never closed/);
    expect(errorOf('sequenceDiagram\nbox Aqua G\nparticipant A\n').line).toBe(2);
  });

  it('reports an arrow without a message', () => {
    const e = errorOf('sequenceDiagram\nparticipant A\nA->>B\n');
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/arrow A->>B has no message/);
  });

  it('reports a missing header, else outside alt, arrows inside a box, text after end', () => {
    expect(errorOf('graph TD\nA-->B').line).toBe(1);
    expect(errorOf('').reason).toMatch(/"sequenceDiagram" is missing/);
    expect(errorOf('sequenceDiagram\nloop x\nelse y\nend').reason).toMatch(/"else" outside of a alt block/);
    expect(errorOf('sequenceDiagram\nopt x\nand y\nend').line).toBe(3);
    expect(errorOf('sequenceDiagram\nbox Aqua G\nA->>B: x\nend').line).toBe(3);
    // mermaid reads "End-User" as the keyword end followed by text
    expect(errorOf('sequenceDiagram\nparticipant RP\nEnd-User->>RP: x').line).toBe(3);
  });
});
