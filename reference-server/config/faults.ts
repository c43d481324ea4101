/**
 * Deliberate spec violations of the reference server (config `faults`). They exist ONLY to
 * prove that the harness catches real faults (test/faults/): each one is a narrow
 * switch at the one place it acts, marked `FAULT <name>` there, and breaks exactly one rule.
 * Never turn one on for anything else. A server with any fault on says so loudly at start.
 */
import { authorizationFaults } from './faults/authorization.ts';
import { deviceAndParFaults } from './faults/device-and-par.ts';
import { discoveryFaults } from './faults/discovery.ts';
import { ldapFaults } from './faults/ldap.ts';
import { openIdConnectFaults } from './faults/openid-connect.ts';
import { registrationFaults } from './faults/registration.ts';
import { tokenFaults } from './faults/tokens.ts';
import { tokenExchangeFaults } from './faults/token-exchange.ts';
import { protectedResourceFaults } from './faults/protected-resource.ts';
import { limitFaults } from './faults/limits.ts';
import { dpopFaults } from './faults/dpop.ts';
import { logoutFaults } from './faults/logout.ts';
import { jarFaults } from './faults/jar.ts';

/**
 * Each fault, and the rule it breaks (also the text of the start-up warning), one file per
 * part of the server in faults/ so that work on one part never edits another's list.
 */
export const faultDescriptions = {
  ...authorizationFaults,
  ...openIdConnectFaults,
  ...tokenFaults,
  ...tokenExchangeFaults,
  ...protectedResourceFaults,
  ...deviceAndParFaults,
  ...registrationFaults,
  ...ldapFaults,
  ...discoveryFaults,
  ...limitFaults,
  ...dpopFaults,
  ...logoutFaults,
  ...jarFaults,
} as const;

export type FaultName = keyof typeof faultDescriptions;

export const faultNames = Object.keys(faultDescriptions) as FaultName[];

/** config.faults: `{ "<fault>": true }` turns a fault on; false or absent leaves the server correct. */
export type FaultsConfig = { [name in FaultName]?: boolean };

/** Checks config.faults: only known names, only booleans. */
export function resolveFaults(raw: unknown, fail: (message: string) => Error): FaultsConfig {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('faults must be an object of fault names to true/false');
  const faults: FaultsConfig = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!Object.hasOwn(faultDescriptions, name)) {
      throw fail(`faults.${name} is not a known fault (known: ${faultNames.join(', ')}); faults exist only to prove the harness`);
    }
    if (typeof value !== 'boolean') throw fail(`faults.${name} must be true or false`);
    faults[name as FaultName] = value;
  }
  return faults;
}

/** The faults that are on. */
export function activeFaults(faults: FaultsConfig): FaultName[] {
  return faultNames.filter((name) => faults[name] === true);
}

/** The start-up warning for a server with faults on (undefined when none is). */
export function faultWarning(faults: FaultsConfig): string | undefined {
  const on = activeFaults(faults);
  if (on.length === 0) return undefined;
  const bar = '!'.repeat(78);
  return [
    bar,
    `!! nauthera reference server STARTED BROKEN ON PURPOSE: ${on.length} fault${on.length > 1 ? 's' : ''} on (config.faults).`,
    ...on.map((name) => `!!   ${name}: ${faultDescriptions[name]}`),
    '!! Faults exist only to prove that the harness catches them. Never use this server for anything else.',
    bar,
  ].join('\n');
}
