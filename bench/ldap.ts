/**
 * The directory: how long from startDirectory() to the first successful bind (native slapd,
 * and the container provider where a runtime answers), and how many sign-ins per second the
 * reference server's LDAP sign-in module (LdapAccounts.authenticate: service-account search,
 * then a bind as the user) completes against the native fixture.
 */
import { Client } from 'ldapts';
import { startDirectory, DirectoryUnavailableError, type Directory, type DirectoryProviderName } from '../fixtures/ldap/index.ts';
import { seedUsers } from '../fixtures/ldap/seed.ts';
import { LdapAccounts } from '../reference-server/authorization-server/accounts/ldap-accounts.ts';
import { ldapSettingsFor } from '../reference-server/authorization-server/accounts/ldap-connection.ts';
import { distribution, perSecond, type Distribution } from './stats.ts';

export interface StartToBind {
  provider: DirectoryProviderName;
  available: boolean;
  /** Why the provider could not be measured. */
  reason?: string;
  /** Each start: ms from startDirectory() to a completed admin bind (slapd up, seed loaded). */
  startToBindMs?: Distribution;
  /** Of which the bind itself. */
  firstBindMs?: Distribution;
}

export interface SignInRate {
  concurrency: number;
  durationSeconds: number;
  ok: number;
  refused: number;
  perSecond: number;
  latencyMs: Distribution;
}

export interface LdapFigures {
  starts: StartToBind[];
  signIns: SignInRate[];
  users: string[];
}

async function bindOnce(directory: Directory): Promise<void> {
  const client = new Client({ url: directory.url, timeout: 5_000, connectTimeout: 5_000 });
  try {
    await client.bind(directory.bindDN, directory.password);
  } finally {
    await client.unbind().catch(() => {});
  }
}

async function measureStarts(provider: DirectoryProviderName, repeats: number): Promise<StartToBind> {
  const total: number[] = [];
  const bind: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    let directory: Directory | undefined;
    try {
      directory = await startDirectory({ provider });
      const bindStarted = performance.now();
      await bindOnce(directory);
      const done = performance.now();
      total.push(done - started);
      bind.push(done - bindStarted);
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) return { provider, available: false, reason: error.message.split('\n')[0] };
      throw error;
    } finally {
      await directory?.stop();
    }
  }
  return { provider, available: true, startToBindMs: distribution(total), firstBindMs: distribution(bind) };
}

async function signInsFor(accounts: LdapAccounts, concurrency: number, durationSeconds: number): Promise<SignInRate> {
  // Users in turn, carol's special-character password and dsmith's escaped DN included.
  const users = seedUsers;
  const latencies: number[] = [];
  let refused = 0;
  let turn = 0;
  const deadline = performance.now() + durationSeconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const user = users[turn++ % users.length];
      const t0 = performance.now();
      const account = await accounts.authenticate(user.username, user.password);
      const t1 = performance.now();
      if (account) latencies.push(t1 - t0);
      else refused++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  return { concurrency, durationSeconds, ok: latencies.length, refused, perSecond: perSecond(latencies.length, elapsed), latencyMs: distribution(latencies) };
}

export async function measureLdap(options: { repeats: number; duration: number; concurrency: number[]; log: (line: string) => void }): Promise<LdapFigures> {
  const starts: StartToBind[] = [];
  options.log(`  native slapd: ${options.repeats} starts`);
  starts.push(await measureStarts('native', options.repeats));
  options.log('  container provider');
  starts.push(await measureStarts('container', 1));

  const signIns: SignInRate[] = [];
  const directory = await startDirectory({ provider: 'native' });
  let accounts: LdapAccounts | undefined;
  try {
    accounts = new LdapAccounts(ldapSettingsFor(directory));
    // Warm-up, and proof that every seed user signs in.
    for (const user of seedUsers) {
      if (!(await accounts.authenticate(user.username, user.password))) throw new Error(`sign-in of seed user ${user.username} failed`);
    }
    for (const concurrency of options.concurrency) {
      options.log(`  sign-ins, concurrency ${concurrency} (${options.duration} s)`);
      signIns.push(await signInsFor(accounts, concurrency, options.duration));
    }
  } finally {
    await accounts?.close();
    await directory.stop();
  }
  return { starts, signIns, users: seedUsers.map((u) => u.username) };
}
