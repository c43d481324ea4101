/**
 * login.interactions, played: the pages between sign-in and the redirect (consent with
 * checkboxes, "Continue" interstitials, account pickers) as a bounded script. The older
 * login.consent {approve, deny} is the same thing with one page, so both run here.
 */
import type { Page } from 'playwright-core';
import { maskUrl } from '../http/mask.ts';
import {
  interactionLimits, interactionVerbs, locatorKinds,
  type ConsentChoice, type Interaction, type InteractionAction, type InteractionVerb, type LocatorSpec, type LoginAutomation, type PageMatch,
} from '../target/model.ts';
import { describeLocator, isVisible, matchedNothing, resolveLocator, resolveLocatorAll } from './locators.ts';

/** One page of the script, with the config path of everything in it (for messages). */
export interface PageScript {
  /** `login.interactions[2]` or `login.consent`. */
  path: string;
  /** The entry's name, else its path. */
  label: string;
  when: PageMatch;
  whenPath: string;
  /** The URL pattern, compiled (the config loader made sure it compiles). */
  url?: RegExp;
  /** Each action, with the config path of its locator for messages. */
  actions: Array<{ path: string; action: InteractionAction }>;
  /** A page with a consent answer on it: some action carries a decision. */
  consent: boolean;
}

/** The scripts to try on every page, in order: login.interactions, then login.consent. */
export function pageScripts(login: LoginAutomation | undefined): PageScript[] {
  const scripts: PageScript[] = [];
  (login?.interactions ?? []).forEach((interaction: Interaction, i) => {
    const path = `login.interactions[${i}]`;
    scripts.push({
      path,
      label: interaction.name ?? path,
      when: interaction.when,
      whenPath: `${path}.when`,
      url: interaction.when.urlPattern === undefined ? undefined : new RegExp(interaction.when.urlPattern),
      actions: interaction.actions.map((action, k) => ({ path: `${path}.actions[${k}].${verbOf(action)}`, action })),
      consent: interaction.actions.some((a) => a.decision !== undefined),
    });
  });
  if (login?.consent) {
    const { approve, deny } = login.consent;
    scripts.push({
      path: 'login.consent',
      label: 'consent',
      when: approve,
      whenPath: 'login.consent.approve',
      actions: [
        { path: 'login.consent.approve', action: { click: approve, decision: 'approve' } },
        ...(deny ? [{ path: 'login.consent.deny', action: { click: deny, decision: 'deny' as const } }] : []),
      ],
      consent: true,
    });
  }
  return scripts;
}

function hasLocator(when: PageMatch): when is LocatorSpec & { urlPattern?: string } {
  return locatorKinds.some((k) => k in when);
}

/** Whether the page is the one this script is for, now (no waiting). */
export async function scriptMatches(page: Page, script: PageScript): Promise<boolean> {
  if (script.url && !script.url.test(page.url())) return false;
  return hasLocator(script.when) ? isVisible(page, script.when) : true;
}

export function verbOf(action: InteractionAction): InteractionVerb {
  return interactionVerbs.find((v) => v in action)!;
}

function locatorOf(action: InteractionAction): LocatorSpec {
  return (action as unknown as Record<InteractionVerb, LocatorSpec>)[verbOf(action)];
}

export type PlayResult =
  | { done: true; decided?: ConsentChoice }
  /** The script could not finish: `problem` says what matched nothing or failed; `consentNotFound` when it was the asked consent answer. */
  | { done: false; problem: string; consentNotFound: boolean };

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * Plays the script on the page: every action without a decision, and the actions of the
 * asked decision. A consent page with no action for the asked decision plays nothing, so a
 * user who was asked to deny never approves by default.
 */
export async function playScript(page: Page, script: PageScript, decision: ConsentChoice, deadline: number): Promise<PlayResult> {
  const where = async () => ({ title: await page.title().catch(() => ''), url: maskUrl(page.url()) });
  if (script.consent && !script.actions.some(({ action }) => action.decision === decision)) {
    const w = await where();
    const problem = script.path === 'login.consent'
      ? `login.consent.${decision} is not configured, so the consent page "${w.title}" at ${w.url} could not be answered with ${decision}`
      : `${script.path} ("${script.label}") has no action with "decision": "${decision}", so the consent page "${w.title}" at ${w.url} could not be answered with ${decision}`;
    return { done: false, problem, consentNotFound: true };
  }
  let decided: ConsentChoice | undefined;
  for (const { path, action } of script.actions) {
    if (action.decision !== undefined && action.decision !== decision) continue;
    const spec = locatorOf(action);
    const timeout = Math.max(1, Math.min(action.timeoutMs ?? interactionLimits.actionTimeoutMs, deadline - Date.now()));
    const first = resolveLocator(page, spec);
    try {
      await first.waitFor({ state: 'visible', timeout });
    } catch {
      if (action.optional) continue;
      return { done: false, problem: matchedNothing(path, spec, await where()), consentNotFound: action.decision !== undefined };
    }
    const before = page.url();
    try {
      if ('click' in action) await first.click({ timeout });
      else if ('fill' in action) await first.fill(action.value, { timeout });
      else if ('select' in action) await first.selectOption(action.value, { timeout });
      else if ('check' in action) {
        const boxes = action.all ? await resolveLocatorAll(page, spec).all() : [first];
        for (const box of boxes) if (await box.isVisible()) await box.check({ timeout });
      }
      // waitFor: being visible was the whole action.
    } catch (error) {
      if (action.optional) continue;
      // A click that navigated took effect even when Playwright gave up waiting on it (a loaded
      // machine): the page has left, and the decision it made stands.
      if ('click' in action && page.url() !== before) {
        if (action.decision) decided = action.decision;
        break;
      }
      const w = await where();
      return { done: false, problem: `${path} ${describeLocator(spec)} failed on "${w.title}" at ${w.url}: ${firstLine(error)}`, consentNotFound: action.decision !== undefined };
    }
    if (action.decision) decided = action.decision;
  }
  return decided ? { done: true, decided } : { done: true };
}

/**
 * Which consent answers the login automation can give: an approve or deny control in
 * login.consent, or an action with that decision in login.interactions. A suite that needs
 * a user who denies is not applicable without `deny`.
 */
export function consentAnswers(login: LoginAutomation | undefined): Record<ConsentChoice, boolean> {
  const decisions = new Set((login?.interactions ?? []).flatMap((i) => i.actions.flatMap((a) => (a.decision ? [a.decision] : []))));
  return {
    approve: Boolean(login?.consent?.approve) || decisions.has('approve'),
    deny: Boolean(login?.consent?.deny) || decisions.has('deny'),
  };
}
