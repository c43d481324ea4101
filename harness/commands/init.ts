/**
 * `nauthera init --issuer URL`: a starter config for an external IdP. Reads its discovery
 * document and says what it offers and which flows that covers; registers the test clients
 * where it offers dynamic registration (RFC 7591); finds the sign-in form (and, with a user,
 * the consent buttons) in Chromium and tries every locator; writes the config with what is
 * left to fill.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { UsageError } from '../cli-errors.ts';
import { launchChromium } from '../browser/chromium.ts';
import { findChromium } from '../browser/find-chromium.ts';
import { BrowserSession } from '../browser/session.ts';
import { FlowBrowser } from '../browser/flow-browser.ts';
import { listSuites } from '../flow/load-suites.ts';
import { projectRoot } from '../flow/runner.ts';
import { capabilitiesOf } from '../target/capabilities.ts';
import { discover } from '../target/discovery.ts';
import { userRoles, type LoginAutomation, type ServerMetadata, type TargetUser } from '../target/model.ts';
import { coverageLines, flowCoverage, offerSummary } from '../init/discovery-summary.ts';
import { initRedirectUri, placeholderClients, planClients, registerClients, signingAlg, unregistrableRoles, type ConfigClient } from '../init/registration.ts';
import { findSignInForm } from '../init/sign-in-form.ts';
import { refuseOverwrite, starterConfig, writeStarterConfig } from '../init/config-writer.ts';
import { defineCommand, parseCommand } from './command-table.ts';

export const initCommand = defineCommand({
  command: 'init',
  description: 'Writes a starter config for an external IdP, for nauthera run --target URL --config FILE.\nPrints what the IdP offers and which flows that covers, then what is left to fill.',
  options: {
    issuer: { type: 'string', value: 'URL', required: true, help: "the IdP's issuer URL (its discovery document is read from it)" },
    out: { type: 'string', value: 'FILE', help: 'the config file to write (default: nauthera.config.json); an existing\nfile is kept unless --force' },
    force: { type: 'boolean', help: 'overwrite the config file' },
    user: { type: 'string', value: 'NAME', with: 'password', help: 'a test user (with --password): init signs in with it, finds the consent\nbuttons and writes it as the "user" role' },
    password: { type: 'string', value: 'PW', help: "the test user's password (with --user)" },
    'initial-access-token': { type: 'string', value: 'TOKEN', help: 'the token the registration endpoint asks for (RFC 7591 §3)' },
    'client-id': { type: 'string', value: 'ID', help: `a client already registered with redirect URI ${initRedirectUri},\nto open the sign-in page with when the IdP has no open registration` },
    browser: { type: 'string', value: 'PATH', help: 'the Chromium executable to use' },
  },
  exitCodes: { 0: 'written', 2: 'a usage error, an unreachable issuer or an existing file' },
  redact: (message) => message.replace(/'[^']*'/g, "'…'"),
});

/** A session on the browser init launched: FlowBrowser takes a session, init owns the browser. */
class LaunchedSession extends BrowserSession {
  readonly #browser: Browser;
  constructor(browser: Browser) {
    super();
    this.#browser = browser;
  }
  override get(): Promise<Browser> {
    return Promise.resolve(this.#browser);
  }
  override async close(): Promise<void> {}
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** A fresh authorization request (RFC 6749 §4.1.1) with state, nonce and PKCE S256 when offered (RFC 7636 §4.3). */
function authorizationUrl(metadata: ServerMetadata, clientId: string, pkce: boolean, openid: boolean): string {
  const url = new URL(metadata.authorization_endpoint!);
  const verifier = base64url(randomBytes(32));
  const params: Record<string, string> = {
    response_type: 'code', client_id: clientId, redirect_uri: initRedirectUri, state: base64url(randomBytes(12)),
    ...(openid ? { scope: 'openid', nonce: base64url(randomBytes(12)) } : {}),
    ...(pkce ? { code_challenge: base64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256' } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Signs in with the found locators through the driver `nauthera run` uses: they work there, or the problem is named. */
async function verifySignIn(browser: Browser, login: LoginAutomation, url: string, user: TargetUser): Promise<string | undefined> {
  const flow = new FlowBrowser({ session: new LaunchedSession(browser), login, redirectUris: [initRedirectUri], timeoutMs: 30_000 });
  try {
    const outcome = await flow.authorize(url, { user });
    if (outcome.kind === 'redirect') {
      return outcome.params.code ? undefined : `the sign-in as ${user.username} reached the client with ${outcome.params.error ?? 'no code'}${outcome.params.error_description ? ` (${outcome.params.error_description})` : ''}`;
    }
    return `the sign-in as ${user.username} stopped on "${outcome.title}" at ${outcome.url.split('?')[0]} (${outcome.reason})${outcome.problems ? `: ${outcome.problems.join('; ')}` : ''}`;
  } catch (error) {
    return `the sign-in as ${user.username} failed: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    await flow.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(initCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  const out = resolve(values.out ?? 'nauthera.config.json');
  const force = values.force === true;
  refuseOverwrite(out, force);
  // A --browser that is not there is a usage error now, not after the registrations.
  if (values.browser !== undefined) findChromium({ browser: values.browser });
  const user: TargetUser | undefined = values.user !== undefined ? { role: 'user', username: values.user, password: values.password! } : undefined;
  const log = (line = '') => console.log(line);

  const discovered = await discover(values.issuer);
  const { metadata } = discovered;
  const caps = capabilitiesOf(metadata, { openid: discovered.openid });
  const todo: string[] = [];
  if (discovered.problem) todo.push(`${discovered.problem}: the discovery flow fails on it, and no other flow runs until it is fixed`);
  for (const line of offerSummary(metadata, caps, discovered.url)) log(line);
  log('');
  log('flows this covers:');
  for (const line of coverageLines(flowCoverage(listSuites(join(projectRoot, 'suites')).map((s) => s.id), caps))) log(line);
  log('');

  const plan = planClients(caps, metadata);
  let clients: ConfigClient[];
  if (metadata.registration_endpoint) {
    const registered = await registerClients(metadata.registration_endpoint, plan, { initialAccessToken: values['initial-access-token'], signingAlg: signingAlg(metadata) });
    clients = registered.clients;
    log(`registered ${clients.length} client${clients.length === 1 ? '' : 's'} at ${metadata.registration_endpoint}: ${clients.map((c) => `${c.role} (${c.client_id})`).join(', ')}`);
    for (const problem of registered.problems) todo.push(`not registered, ${problem}: register that role by hand or leave it out`);
  } else {
    clients = await placeholderClients(plan, signingAlg(metadata));
    todo.push(`no dynamic registration: register ${plan.map((p) => p.role).join(', ')} at the IdP and fill their client_id${plan.some((p) => p.token_endpoint_auth_method.startsWith('client_secret')) ? ' and client_secret' : ''} (the \${env:…} values)`);
  }
  for (const [role, why] of Object.entries(unregistrableRoles)) todo.push(`role "${role}": ${why}`);

  let login: LoginAutomation | undefined;
  const browserClient = clients.find((c) => c.role === 'public' && !c.client_id.startsWith('${'))
    ?? clients.find((c) => c.role === 'confidential' && !c.client_id.startsWith('${'));
  const clientId = values['client-id'] ?? browserClient?.client_id;
  if (!metadata.authorization_endpoint) {
    todo.push('no authorization_endpoint: the browser flows are not applicable, and "login" is left out');
  } else if (!clientId) {
    todo.push(`no client to open the sign-in page with: give --client-id (a client registered with redirect URI ${initRedirectUri}) to find "login", or write it by hand (docs/config.md)`);
  } else {
    const pkce = caps.codeChallengeMethods.includes('S256');
    // The clients are registered by now: a browser that fails leaves a to-do, never them unwritten.
    try {
      const browser = await launchChromium({ browser: values.browser });
      try {
        const found = await findSignInForm(browser, authorizationUrl(metadata, clientId, pkce, caps.openid), initRedirectUri, user);
        for (const note of found.notes) log(note);
        todo.push(...found.problems);
        login = found.login;
        if (login && user) {
          const failed = await verifySignIn(browser, login, authorizationUrl(metadata, clientId, pkce, caps.openid), user);
          if (failed) todo.push(`${failed}: fix "login" (docs/vendor-guide.md)`);
          else log(`signed in as ${user.username} with these locators through nauthera's own driver, and the client got a code`);
        }
      } finally {
        await browser.close().catch(() => {});
      }
    } catch (error) {
      todo.push(`the sign-in page could not be examined (${(error as Error).message.split('\n')[0]}): write "login" by hand (docs/config.md), or run init again with a browser`);
    }
  }

  if (user) todo.push(`users[0].password is written as given: replace it with "\${env:NAME}" before the file goes into version control`);
  todo.push(`users: only the "user" role is written; the suites use more (${userRoles.filter((r) => r !== 'user').join(', ')}) where the IdP has such users (docs/vendor-guide.md)`);
  todo.push('resourceServer, ldap, options and expectedFailures: fill what applies (docs/config.md)');

  writeStarterConfig(out, starterConfig(out, { issuer: values.issuer, clients, user, login, todo }), force);
  log('');
  log(`wrote ${out}`);
  log('left to do:');
  for (const item of todo) log(`  - ${item}`);
  log('');
  log(`then: nauthera run --target ${values.issuer} --config ${values.out ?? 'nauthera.config.json'}`);
  return 0;
}
