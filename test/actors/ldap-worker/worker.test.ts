// The LDAP group worker against a real slapd (one per file): the "ldap worker" diagram.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startDirectory, type Directory } from '../../../fixtures/ldap/index.ts';
import { freePort } from '../../../fixtures/ldap/free-port.ts';
import { consentGroupDN, engineeringGroupDN, seedGroups, seedUsers } from '../../../fixtures/ldap/seed.ts';
import {
  formatLdapWorkerUrl, InvalidDnError, LdapInvalidCredentialsError, LdapTimeoutError, LdapTlsError, LdapUnreachableError,
  MalformedLdapUrlError, runEvery, runOnce, UnknownGroupDnError, UnknownOidError, type LdapWorkerResult,
} from '../../../actors/ldap-worker/index.ts';
import { parseDN } from '../../../actors/ldap-worker/dn-syntax.ts';

const cli = fileURLToPath(new URL('../../../bin/nauthera.js', import.meta.url));
const execFileAsync = promisify(execFile);
const carol = seedUsers.find((u) => u.username === 'carol')!;
const oids = { cn: '2.5.4.3', member: '2.5.4.31', description: '2.5.4.13', objectClass: '2.5.4.0' };
const groups = [consentGroupDN, engineeringGroupDN];

const wrong = 'Wr0ng-S3cret;#';
let directory: Directory;
let port: number;
/** carol's URL written out by hand, the password percent-encoded character by character. */
let carolUrl: string;

beforeAll(async () => {
  directory = await startDirectory({ provider: 'native', tls: true });
  port = Number(new URL(directory.url).port);
  expect(carol.password).toBe('p@ss;w=rd,(x)\\#+"<>');
  carolUrl = `ldap://127.0.0.1:${port}/dc=nauthera,dc=test?user=uid%3Dcarol%2Cou%3Dpeople%2Cdc%3Dnauthera%2Cdc%3Dtest`
    + '&password=p%40ss%3Bw%3Drd%2C%28x%29%5C%23%2B%22%3C%3E';
});

afterAll(async () => {
  if (!directory) return;
  await directory.stop();
  // No slapd left behind: the fixture's process is gone.
  expect(() => process.kill(directory.pid!, 0)).toThrow();
});

/** DNs as comparable values (slapd answers cn=Smith\2C Dave..., the seed writes cn=Smith\, Dave...). */
const dnValues = (dns: string[]) => dns.map((dn) => JSON.stringify(parseDN(dn).map((rdn) => rdn.map((a) => [a.type, a.value.toLowerCase()])))).sort();

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  if (!(outcome instanceof Error)) throw new Error('expected a failure, got success');
  return outcome;
}

describe('one pass with the JDBC-like URL', () => {
  it('binds as carol with her special-character password and reads every OID of each selected group', async () => {
    const events: string[] = [];
    const result = await runOnce({
      url: carolUrl, groups, oids: Object.values(oids),
      observer: {
        connected: (info) => events.push(`connected as ${info.boundAs} via ${info.url}`),
        querying: (info) => events.push(`querying ${info.groups.length} groups, ${info.oids.length} OIDs, ${info.schema} schema`),
        returned: (info) => events.push(`returned ${info.group}`),
      },
    });
    expect(Object.keys(result.groups)).toEqual(groups);
    for (const seed of seedGroups.filter((g) => groups.includes(g.dn))) {
      const attributes = result.groups[seed.dn];
      expect(Object.keys(attributes).sort()).toEqual(Object.values(oids).sort());
      expect(attributes[oids.cn]).toEqual([seed.cn]);
      expect(attributes[oids.description]).toEqual([seed.description]);
      expect(attributes[oids.objectClass]).toEqual(['groupOfNames']);
      expect(dnValues(attributes[oids.member])).toEqual(dnValues(seed.members));
    }
    expect(events).toEqual([
      `connected as ${carol.dn} via ${carolUrl.replace(/password=.*/, 'password=***')}`,
      'querying 2 groups, 4 OIDs, server schema',
      `returned ${consentGroupDN}`,
      `returned ${engineeringGroupDN}`,
    ]);
    expect(events.join('\n')).not.toContain('p%40ss');
  });

  it('hands the result to the processor, and URLs built with formatLdapWorkerUrl work the same', async () => {
    const built = formatLdapWorkerUrl({ host: '127.0.0.1', port, baseDN: directory.baseDN, user: carol.dn, password: carol.password });
    const seen: LdapWorkerResult[] = [];
    const result = await runOnce({ url: built, groups: [engineeringGroupDN], oids: [oids.cn] }, (r) => { seen.push(r); });
    expect(seen).toEqual([result]);
    expect(result).toEqual({ groups: { [engineeringGroupDN]: { [oids.cn]: ['engineering'] } } });
  });

  it('connects over StartTLS and over ldaps://, trusting the CA named by ca=', async () => {
    const ca = `ca=${encodeURIComponent(directory.tls!.caFile)}`;
    const viaStartTls = await runOnce({ url: `${carolUrl}&starttls=true&${ca}`, groups: [engineeringGroupDN], oids: [oids.cn] });
    const viaLdaps = await runOnce({ url: `${carolUrl.replace(`ldap://127.0.0.1:${port}/`, directory.tls!.ldapsUrl)}&${ca}`, groups: [engineeringGroupDN], oids: [oids.cn] });
    expect(viaStartTls).toEqual({ groups: { [engineeringGroupDN]: { [oids.cn]: ['engineering'] } } });
    expect(viaLdaps).toEqual(viaStartTls);
  });

  it('uses the server schema: an OID missing from the built-in table is known, subtypes count for their supertype', async () => {
    // 2.5.4.9 (street) is in slapd's core schema only; 2.5.4.41 (name) is cn's supertype.
    const result = await runOnce({ url: carolUrl, groups: [engineeringGroupDN], oids: ['2.5.4.9', '2.5.4.41'] });
    expect(result.groups[engineeringGroupDN]).toEqual({ '2.5.4.9': [], '2.5.4.41': ['engineering'] });
  });
});

describe('each bad input has its own error', () => {
  let silent: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers: the worker must time out, not hang.
    silent = createServer((socket) => { held.push(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a malformed URL: MalformedLdapUrlError', async () => {
    const error = await failureOf(runOnce({ url: carolUrl.replace('%23', '#'), groups, oids: [oids.cn] }));
    expect(error).toBeInstanceOf(MalformedLdapUrlError);
  });

  it('a wrong password: LdapInvalidCredentialsError, the password not in the message', async () => {
    const url = formatLdapWorkerUrl({ host: '127.0.0.1', port, baseDN: directory.baseDN, user: carol.dn, password: wrong });
    const error = await failureOf(runOnce({ url, groups, oids: [oids.cn] }));
    expect(error).toBeInstanceOf(LdapInvalidCredentialsError);
    expect(error.message).toContain(carol.dn);
    expect(`${error.message} ${error.stack}`).not.toMatch(/Wr0ng/);
  });

  it('an unknown group DN: UnknownGroupDnError; a DN outside the base or not a DN: InvalidDnError', async () => {
    const unknown = `cn=no-such-group,ou=groups,${directory.baseDN}`;
    const error = await failureOf(runOnce({ url: carolUrl, groups: [consentGroupDN, unknown], oids: [oids.cn] }));
    expect(error).toBeInstanceOf(UnknownGroupDnError);
    expect((error as UnknownGroupDnError).dn).toBe(unknown);
    expect(await failureOf(runOnce({ url: carolUrl, groups: ['cn=admins,dc=elsewhere,dc=test'], oids: [oids.cn] }))).toBeInstanceOf(InvalidDnError);
    expect(await failureOf(runOnce({ url: carolUrl, groups: ['engineering'], oids: [oids.cn] }))).toBeInstanceOf(InvalidDnError);
  });

  it('an unknown OID: UnknownOidError, for OIDs the schema lacks and for names given as OIDs', async () => {
    const error = await failureOf(runOnce({ url: carolUrl, groups, oids: [oids.cn, '1.3.6.1.4.1.99999.1'] }));
    expect(error).toBeInstanceOf(UnknownOidError);
    expect((error as UnknownOidError).oids).toEqual(['1.3.6.1.4.1.99999.1']);
    expect(error.message).toMatch(/server's schema/);
    expect(await failureOf(runOnce({ url: carolUrl, groups, oids: ['cn'] }))).toBeInstanceOf(UnknownOidError);
  });

  it('an unreachable server: LdapUnreachableError', async () => {
    const closed = await freePort(); // nothing listens there
    const error = await failureOf(runOnce({ url: carolUrl.replace(`:${port}/`, `:${closed}/`), groups, oids: [oids.cn] }));
    expect(error).toBeInstanceOf(LdapUnreachableError);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a server that never answers: LdapTimeoutError within the URL timeout (no hang)', async () => {
    const silentPort = (silent.address() as { port: number }).port;
    const url = `${carolUrl.replace(`:${port}/`, `:${silentPort}/`)}&timeout=300`;
    const error = await failureOf(runOnce({ url, groups, oids: [oids.cn] }));
    expect(error).toBeInstanceOf(LdapTimeoutError);
    expect((error as LdapTimeoutError).operation).toBe('bind');
  });

  it('TLS with a certificate the worker does not trust (no ca=): LdapTlsError, for StartTLS and ldaps://', async () => {
    const starttls = await failureOf(runOnce({ url: `${carolUrl}&starttls=true`, groups, oids: [oids.cn] }));
    expect(starttls).toBeInstanceOf(LdapTlsError);
    expect(starttls.message).toMatch(/self[- ]signed/i);
    const ldaps = await failureOf(runOnce({ url: carolUrl.replace(`ldap://127.0.0.1:${port}/`, directory.tls!.ldapsUrl), groups, oids: [oids.cn] }));
    expect(ldaps).toBeInstanceOf(LdapTlsError);
    const missingCa = await failureOf(runOnce({ url: `${carolUrl}&starttls=true&ca=%2Fno%2Fsuch%2Fca.pem`, groups, oids: [oids.cn] }));
    expect(missingCa).toBeInstanceOf(LdapTlsError);
    expect(missingCa.message).toMatch(/cannot read CA file \/no\/such\/ca.pem: ENOENT/);
  });

  it('leaves no socket open after all those failures', async () => {
    // The silent server's own end of the connections is ours to close; the worker's ends must be closed already.
    for (const socket of held) socket.destroy();
    const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap');
    // Destroyed sockets leave the list on a later turn of the event loop: poll, bounded.
    for (let i = 0; i < 40 && openSockets().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openSockets()).toEqual([]);
  });
});

describe('runEvery', () => {
  it('runs passes on an interval until stopped', async () => {
    const results: LdapWorkerResult[] = [];
    let schedule!: ReturnType<typeof runEvery>;
    const thirdPass = new Promise<void>((resolve) => {
      schedule = runEvery({ url: carolUrl, groups: [engineeringGroupDN], oids: [oids.cn] }, {
        intervalMs: 5,
        processor: (r) => { results.push(r); if (results.length === 3) resolve(); },
      });
    });
    await thirdPass;
    await schedule.stop();
    const passes = schedule.passes;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(schedule.passes).toBe(passes);
    expect(schedule.stopped).toBe(true);
    expect(results.slice(0, 3).every((r) => r.groups[engineeringGroupDN][oids.cn][0] === 'engineering')).toBe(true);
  });

  it('backs off exponentially while passes fail, and resets after a success', async () => {
    const delays: number[] = [];
    const errors: string[] = [];
    let calls = 0;
    let schedule!: ReturnType<typeof runEvery>;
    const recovered = new Promise<void>((resolve) => {
      schedule = runEvery({ url: carolUrl, groups: [engineeringGroupDN], oids: [oids.cn] }, {
        intervalMs: 5,
        maxBackoffMs: 30,
        // The processor fails four times, then succeeds.
        processor: () => { calls += 1; if (calls <= 4) throw new Error(`processor failure ${calls}`); resolve(); },
        onError: (error, info) => { delays.push(info.nextDelayMs); errors.push((error as Error).message); },
      });
    });
    await recovered;
    await schedule.stop();
    expect(delays).toEqual([10, 20, 30, 30]);
    expect(errors[0]).toBe('processor failure 1');
    expect(schedule.consecutiveFailures).toBe(0);
  });
});

describe('nauthera ldap-worker', () => {
  it('--json prints {groups: {<dn>: {<oid>: [values]}}}', async () => {
    const { stdout } = await execFileAsync(process.execPath, [cli, 'ldap-worker', '--url', carolUrl,
      '--group', consentGroupDN, '--group', engineeringGroupDN, '--oid', oids.cn, '--oid', `${oids.member},${oids.description}`, '--json'], { timeout: 30_000 });
    const printed = JSON.parse(stdout);
    const direct = await runOnce({ url: carolUrl, groups, oids: [oids.cn, oids.member, oids.description] });
    expect(printed).toEqual(direct);
  });

  it('bad input: exit 2 with a clean message, the password never printed', async () => {
    const url = formatLdapWorkerUrl({ host: '127.0.0.1', port, baseDN: directory.baseDN, user: carol.dn, password: wrong });
    const failed = await execFileAsync(process.execPath, [cli, 'ldap-worker', '--url', url, '--group', consentGroupDN, '--oid', oids.cn, '--json'], { timeout: 30_000 })
      .then(() => { throw new Error('expected exit 2'); }, (error) => error);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^nauthera ldap-worker: bind as "uid=carol,[^"]+" refused: invalid credentials/);
    expect(failed.stderr).not.toMatch(/Wr0ng|\n\s+at /);
    // A URL given without --url is quoted back by the argument parser: masked too.
    const stray = await execFileAsync(process.execPath, [cli, 'ldap-worker', url], { timeout: 30_000 }).then(() => undefined, (error) => error);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/unexpected argument .*password=\*\*\*/);
    expect(stray.stderr).not.toMatch(/Wr0ng/);
  });
});
