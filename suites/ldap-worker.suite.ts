/**
 * The LDAP group worker (diagrams/ldap-worker.mmd) against the target's directory: nauthera's
 * worker (actors/ldap-worker, runOnce) connects with a JDBC-like URL that carries the
 * login and the percent-encoded password of the user with special characters (role
 * "special"), reads the configured attribute OIDs of the selected group DNs, and returns them
 * keyed by OID. Its `observer` hooks are the three arrows. What it returns is compared with
 * the directory read directly (suites/lib/ldap-directory.ts).
 *
 * Target options (all optional):
 *   ldapWorker.groups  group DNs to read (default: the groupOfNames / groupOfUniqueNames under the base DN)
 *   ldapWorker.oids    attribute OIDs to read (default 2.5.4.3 cn, 2.5.4.13 description, 2.5.4.31 member)
 *   ldapUsernameAttribute  the attribute holding a username (default uid)
 */
import { defineFlow, step, randomValue, type FlowContext } from '../harness/flow/index.ts';
import {
  formatLdapWorkerUrl, parseLdapWorkerUrl, runOnce,
  type GroupAttributes, type LdapWorkerResult,
} from '../actors/ldap-worker/index.ts';
import { findGroupDns, findUserDn, readAttributeByOid, serverOf, withDirectory } from './lib/ldap-directory.ts';

const defaultOids = ['2.5.4.3', '2.5.4.13', '2.5.4.31'];
/** entryUUID (RFC 4530 §2.1), an operational attribute: returned only when asked for by name or OID (RFC 4511 §4.5.1.8). */
const entryUuidOid = '1.3.6.1.1.16.4';

/**
 * The same DN in another RFC 4514 spelling: escapes as `\XX` hex pairs turned into `\c`
 * escapes or the other way round, and attribute types upper-cased. Undefined when the DN holds
 * no escaped character (then both spellings are one).
 */
function otherSpelling(dn: string): string | undefined {
  const hexToChar: Record<string, string> = { '2c': ',', '2b': '+', '23': '#', '20': ' ', '3b': ';', '22': '"', '3c': '<', '3e': '>', '3d': '=', '5c': '\\' };
  let respelled: string;
  if (/\\(2[cCbB3]|20|3[bBcCdDeE]|22|5[cC])/.test(dn)) respelled = dn.replace(/\\([0-9A-Fa-f]{2})/g, (all, hex: string) => (hexToChar[hex.toLowerCase()] ? `\\${hexToChar[hex.toLowerCase()]}` : all));
  else if (/\\[,+#; "<>=\\]/.test(dn)) respelled = dn.replace(/\\([,+#; "<>=\\])/g, (_, c: string) => `\\${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  else return undefined;
  return respelled.replace(/(^|,)\s*([A-Za-z][A-Za-z0-9-]*)=/g, (_, sep: string, type: string) => `${sep}${type.toUpperCase()}=`);
}

interface Connected { url: string; tls: boolean; boundAs: string | undefined }
interface Querying { groups: string[]; oids: string[]; schema: 'server' | 'built-in' }

/** One worker pass, its observer calls as promises so each step can wait for its own arrow. */
interface Pass {
  connected: Promise<Connected>;
  querying: Promise<Querying>;
  returned: Array<{ group: string; attributes: GroupAttributes }>;
  result: Promise<LdapWorkerResult>;
}

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  userDn?: string;
  password?: string;
  url?: string;
  groups?: string[];
  oids?: string[];
  pass?: Pass;
}

function startPass(url: string, groups: string[], oids: string[]): Pass {
  let onConnected!: (info: Connected) => void;
  let onQuerying!: (info: Querying) => void;
  const connected = new Promise<Connected>((resolve) => { onConnected = resolve; });
  const querying = new Promise<Querying>((resolve) => { onQuerying = resolve; });
  const returned: Pass['returned'] = [];
  const result = runOnce({
    url,
    groups,
    oids,
    observer: {
      connected: (info) => onConnected(info),
      querying: (info) => onQuerying(info),
      returned: (info) => { returned.push(info); },
    },
  });
  result.catch(() => {}); // awaited by the steps; never an unhandled rejection
  // An arrow the pass never reached ends with the pass's error.
  const orFailure = <T>(p: Promise<T>, what: string) => Promise.race([p, result.then(() => { throw new Error(`the worker finished without ${what}`); })]);
  return { connected: orFailure(connected, 'connecting'), querying: orFailure(querying, 'querying'), returned, result };
}

/** What a rejected worker pass threw (its class name and message), or undefined when it succeeded. */
async function failureOf(promise: Promise<unknown>): Promise<{ name: string; message: string } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}

function groupsAndOids(ctx: FlowContext<State>): { groups?: string[]; oids: string[] } {
  const options = (ctx.target.options.ldapWorker ?? {}) as { groups?: unknown; oids?: unknown };
  const list = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? (v as string[]) : undefined);
  return { groups: list(options.groups), oids: list(options.oids) ?? defaultOids };
}

export default defineFlow<State>({
  id: 'ldap-worker',
  title: 'LDAP group worker',
  diagram: 'diagrams/ldap-worker.mmd',
  needs: { ldap: true, users: ['special'] },
  steps: [
    step('Worker', 'LDAP', 'Connect using JDBC-like LDAP URL with login and escaped password', async (ctx) => {
      const ldap = ctx.target.ldap!;
      const user = ctx.target.user('special');
      const attribute = typeof ctx.target.options.ldapUsernameAttribute === 'string' ? ctx.target.options.ldapUsernameAttribute : 'uid';
      const configured = groupsAndOids(ctx);

      await ctx.check('login-user-groups-found-directory', async (c) => {
        const found = await withDirectory(ldap, async (client) => ({
          dn: await findUserDn(client, ldap.baseDN, user.username, attribute),
          groups: configured.groups ?? (await findGroupDns(client, ldap.baseDN)),
        }));
        c.expect(found.dn, `DN of ${attribute}=${user.username}`).toBeNonEmptyString();
        c.expect(found.groups.length, 'number of group DNs to read').toBeGreaterThan(0);
        ctx.state.userDn = found.dn;
        ctx.state.password = user.password;
        ctx.state.groups = found.groups;
        ctx.state.oids = configured.oids;
        c.note('groups', found.groups.join('\n'));
      });

      const server = serverOf(ldap.url);
      const url = formatLdapWorkerUrl({ ...server, baseDN: ldap.baseDN, user: ctx.state.userDn!, password: user.password });
      ctx.state.url = url;

      // How nauthera builds and parses the URL is proven by its own tests (test/actors/ldap-worker/), not judged here.
      ctx.note('URL (password masked)', parseLdapWorkerUrl(url).toString());

      ctx.state.pass = startPass(url, ctx.state.groups!, ctx.state.oids!);
      await ctx.check('worker-connects-binds-login-user', async (c) => {
        const connected = await ctx.state.pass!.connected;
        c.expect(connected.boundAs, 'bound as').toBe(ctx.state.userDn);
        c.note('connected', JSON.stringify(connected));
      });

      await ctx.check('wrong-password-refused-ldapinvalidcredentialserror', async (c) => {
        const wrong = formatLdapWorkerUrl({ ...server, baseDN: ldap.baseDN, user: ctx.state.userDn!, password: `${user.password}-wrong` });
        const failure = await failureOf(runOnce({ url: wrong, groups: ctx.state.groups!, oids: ctx.state.oids! }));
        c.expect(failure?.name, 'error').toBe('LdapInvalidCredentialsError');
        c.expect(failure!.message.includes(user.password), 'the error message holds the password').toBe(false);
      }, { soft: true });
    }, {
      key: 'connect',
      checks: {
        'login-user-groups-found-directory': { name: 'the login user and the groups are found in the directory', spec: 'RFC 4511 §4.5' },
        'worker-connects-binds-login-user': { name: 'the worker connects and binds as the login user', spec: 'RFC 4511 §4.2' },
        'wrong-password-refused-ldapinvalidcredentialserror': { name: 'a wrong password is refused with LdapInvalidCredentialsError', spec: 'RFC 4511 §4.2.2' },
      },
    }),

    step('Worker', 'LDAP', 'Query for LDAP OIDs of group DNs', async (ctx) => {
      await ctx.check('worker-asks-every-configured-oid-every-selected', async (c) => {
        const querying = await ctx.state.pass!.querying;
        c.expect(querying.groups, 'groups queried').toEqual(ctx.state.groups);
        c.expect([...querying.oids].sort(), 'OIDs queried').toEqual([...new Set(ctx.state.oids)].sort());
        c.pass(`OIDs checked against the ${querying.schema === 'server' ? "server's subschema" : 'built-in attribute table'}`);
      });

      const ldap = ctx.target.ldap!;
      await ctx.check('group-dn-does-not-exist-reported-unknowngroupdnerror', async (c) => {
        // A sibling of the first group, so it lies under the base DN and only its existence is wrong.
        const parent = ctx.state.groups![0]!.split(/(?<!\\),/).slice(1).join(',') || ldap.baseDN;
        const missing = `cn=nauthera-no-such-group-${randomValue(4).replace(/[^A-Za-z0-9]/g, 'x')},${parent}`;
        const failure = await failureOf(runOnce({ url: ctx.state.url!, groups: [missing], oids: ctx.state.oids! }));
        c.expect(failure?.name, 'error').toBe('UnknownGroupDnError');
        c.expect(failure!.message, 'error message').toContain(missing);
      }, { soft: true });
      await ctx.check('attribute-oid-schema-does-not-define-reported', async (c) => {
        const failure = await failureOf(runOnce({ url: ctx.state.url!, groups: ctx.state.groups!, oids: ['1.3.6.1.4.1.99999.424242'] }));
        c.expect(failure?.name, 'error').toBe('UnknownOidError');
      }, { soft: true });
      // RFC 4514 §2.4: a character may be escaped as \c or as \XX; both name the entry (distinguishedNameMatch, RFC 4517 §4.2.15).
      await ctx.check('group-dn-other-spelling-read-same-entry', async (c) => {
        const group = ctx.state.groups!.find((g) => otherSpelling(g) !== undefined);
        if (!group) return c.notApplicable('no selected group DN holds an escaped character');
        const respelled = otherSpelling(group)!;
        const [own, other] = await Promise.all([
          runOnce({ url: ctx.state.url!, groups: [group], oids: ctx.state.oids! }),
          runOnce({ url: ctx.state.url!, groups: [respelled], oids: ctx.state.oids! }),
        ]);
        for (const oid of ctx.state.oids!) {
          c.expect([...(other.groups[respelled]?.[oid] ?? [])].sort(), `${oid} of ${respelled}`).toEqual([...(own.groups[group]?.[oid] ?? [])].sort());
        }
        return `${respelled} reads the same values as ${group}`;
      }, { soft: true });
    }, {
      key: 'query',
      needs: { pass: 'a worker pass' },
      checks: {
        'group-dn-other-spelling-read-same-entry': { name: 'a group DN in another RFC 4514 spelling (hex escapes, upper-case types) reads the same entry', spec: 'RFC 4514 §2.4, RFC 4517 §4.2.15' },
        'worker-asks-every-configured-oid-every-selected': { name: 'the worker asks for every configured OID of every selected group', spec: 'RFC 4512 §4.1.2, RFC 4511 §4.5.1' },
        'group-dn-does-not-exist-reported-unknowngroupdnerror': { name: 'a group DN that does not exist is reported as UnknownGroupDnError', spec: 'RFC 4511 §4.1.9 (noSuchObject)' },
        'attribute-oid-schema-does-not-define-reported': { name: 'an attribute OID the schema does not define is reported as UnknownOidError', spec: 'RFC 4512 §4.1.2' },
      },
    }),

    step('LDAP', 'Worker', 'Returns list of LDAP OIDs', async (ctx) => {
      const pass = ctx.state.pass!;
      const groups = ctx.state.groups!;
      const oids = [...new Set(ctx.state.oids!)];
      let result: LdapWorkerResult | undefined;

      await ctx.check('every-configured-oid-comes-back-each-group', async (c) => {
        result = await pass.result;
        c.expect(Object.keys(result.groups).sort(), 'groups returned').toEqual([...groups].sort());
        c.expect(pass.returned.map((r) => r.group).sort(), 'groups handed to the observer').toEqual([...groups].sort());
        for (const group of groups) c.expect(Object.keys(result.groups[group] ?? {}).sort(), `OIDs of ${group}`).toEqual([...oids].sort());
      });

      await ctx.check('values-each-oid-ones-directory-holds', async (c) => {
        const truth = await withDirectory(ctx.target.ldap!, async (client) => {
          const out: Record<string, Record<string, string[]>> = {};
          for (const group of groups) {
            out[group] = {};
            for (const oid of oids) out[group]![oid] = await readAttributeByOid(client, group, oid);
          }
          return out;
        });
        let values = 0;
        for (const group of groups) {
          for (const oid of oids) {
            const got = [...(result!.groups[group]?.[oid] ?? [])].sort();
            c.expect(got, `${oid} of ${group}`).toEqual([...truth[group]![oid]!].sort());
            values += got.length;
          }
        }
        c.expect(values, 'values read in all').toBeGreaterThan(0);
        c.note('result', JSON.stringify(result!.groups, null, 1).slice(0, 4_000));
      });

      // member has DN syntax (RFC 4519 §2.17): each value the worker hands on must name an entry as the directory spells it.
      await ctx.check('member-values-name-directory-entries', async (c) => {
        const memberOid = '2.5.4.31';
        if (!oids.includes(memberOid)) return c.notApplicable('the worker is not configured to read member (2.5.4.31)');
        const members = [...new Set(groups.flatMap((g) => result?.groups[g]?.[memberOid] ?? []))];
        if (members.length === 0) return c.notApplicable('the selected groups have no member values');
        const missing = await withDirectory(ctx.target.ldap!, async (client) => {
          const gone: string[] = [];
          for (const dn of members) {
            const found = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }).then((r) => r.searchEntries.length, () => 0);
            if (found !== 1) gone.push(dn);
          }
          return gone;
        });
        c.expect(missing, 'member values that name no entry').toEqual([]);
        return `${members.length} member values, each an entry of the directory`;
      }, { soft: true });

      await ctx.check('operational-attribute-oid-read', async (c) => {
        const truth = await withDirectory(ctx.target.ldap!, async (client) => Object.fromEntries(await Promise.all(groups.map(async (g) => [g, await readAttributeByOid(client, g, entryUuidOid)] as const))));
        if (groups.every((g) => truth[g]!.length === 0)) return c.notApplicable(`the directory returns no entryUUID (${entryUuidOid}) for the selected groups`);
        const read = await runOnce({ url: ctx.state.url!, groups, oids: [entryUuidOid] });
        for (const g of groups) c.expect(read.groups[g]?.[entryUuidOid] ?? [], `${entryUuidOid} of ${g}`).toEqual(truth[g]);
      }, { soft: true });
    }, {
      key: 'result',
      needs: { pass: 'a worker pass' },
      checks: {
        'member-values-name-directory-entries': { name: 'every member value the worker returns names an entry of the directory', spec: 'RFC 4514 §2, RFC 4519 §2.17' },
        'operational-attribute-oid-read': { name: 'an operational attribute asked for by its OID (entryUUID) comes back with the directory\'s values', spec: 'RFC 4511 §4.5.1.8, RFC 4530 §2.1' },
        'every-configured-oid-comes-back-each-group': { name: 'every configured OID comes back for each group', spec: 'RFC 4511 §4.5.2' },
        'values-each-oid-ones-directory-holds': { name: 'the values of each OID are the ones the directory holds', spec: 'RFC 4511 §4.5.2' },
      },
    }),
  ],
});
