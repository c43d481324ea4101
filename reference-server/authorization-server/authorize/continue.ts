/**
 * The second half of an authorization request, after its parameters passed the checks:
 * is someone signed in (prompt, max_age, login_hint)? has that user consented to this client
 * for these scopes (prompt=consent)? may they, by the LDAP consent group? Then the response.
 * It runs for a new request and again each time an interaction (sign-in, consent) resumes it.
 */
import type { Context } from 'koa';
import type { Provider } from '../provider.ts';
import type { VerifiedRequest } from './request.ts';
import { AccessDenied, ConsentRequired, LoginRequired } from '../errors.ts';
import { loadSession } from '../interaction/session.ts';
import { startInteraction, type InteractionRecord } from '../interaction/interaction.ts';
import { findConsent } from '../interaction/consents.ts';
import { responseTypeHandlers } from './response-types.ts';
import { respond } from './respond.ts';

export async function continueAuthorization(
  ctx: Context,
  provider: Provider,
  request: VerifiedRequest,
  interaction?: { uid: string; record: InteractionRecord },
): Promise<void> {
  const result = interaction?.record.result ?? {};
  if (result.denied) throw new AccessDenied(result.denied);
  const session = await loadSession(ctx, provider);

  const loginReason = whyLogin(provider, request, session?.record, result.loggedIn === true);
  if (loginReason) {
    // FAULT promptNoneShowsLogin (config/faults.ts, only to prove the harness): without a session, prompt=none gets the sign-in page.
    const showAnyway = provider.config.faults.promptNoneShowsLogin && !session;
    if (request.prompt.has('none') && !showAnyway) throw new LoginRequired(loginReason);
    return startInteraction(ctx, provider, request, 'login', interaction);
  }
  const { account } = session!.record;

  const consent = await findConsent(provider, account.sub, request.client.clientId);
  const covered = consent !== undefined && request.scopes.every((s) => consent.scopes.includes(s));
  if (!covered || (request.prompt.has('consent') && !result.consented)) {
    if (request.prompt.has('none')) throw new ConsentRequired(covered ? 'prompt=consent' : 'the user has not consented to these scopes');
    return startInteraction(ctx, provider, request, 'consent', interaction);
  }
  // Remembered consent is checked against the LDAP group again: membership may have ended.
  if (!result.consented && !(await provider.consentPolicy.mayConsent(account, request.client.consentGroup))) {
    throw new AccessDenied('the user may not consent for this client (not a member of its LDAP consent group)');
  }

  const params = await responseTypeHandlers[request.responseType](provider, request, session!.record);
  if (interaction) await provider.storage.destroy('Interaction', interaction.uid);
  respond(ctx, provider, request, params);
}

function whyLogin(provider: Provider, request: VerifiedRequest, session: { authTime: number; account: { username: string } } | undefined, justLoggedIn: boolean): string | undefined {
  if (!session) return 'no end-user session';
  if (justLoggedIn) return undefined;
  // FAULT ignorePromptLogin (config/faults.ts, only to prove the harness): prompt=login does not ask for a new sign-in.
  if ((request.prompt.has('login') && !provider.config.faults.ignorePromptLogin) || request.prompt.has('select_account')) return 'prompt=login';
  // FAULT ignoreMaxAgeZero (config/faults.ts, only to prove the harness): a falsy test reads max_age=0 as no max_age.
  const maxAge = provider.config.faults.ignoreMaxAgeZero ? request.maxAge || undefined : request.maxAge;
  // OIDC Core §3.1.2.1: max_age=0 is equivalent to prompt=login.
  if (maxAge === 0) return 'max_age=0';
  if (maxAge !== undefined && provider.now() - session.authTime > maxAge) return 'the last sign-in is older than max_age';
  if (request.loginHint !== undefined && request.loginHint.toLowerCase() !== session.account.username.toLowerCase()) return 'login_hint names another user';
  return undefined;
}
