/**
 * grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693): a service exchanges
 * the user's access token it received (subject_token) for one to call another service, the
 * `audience` (a client_id of a resource this AS knows) or the `resource` (RFC 8707, the
 * resource server's URL). With an actor_token the new token is a delegation and names the
 * actor in `act` (§4.1).
 *
 * The AS's policy, where RFC 8693 leaves it to the AS (§2.2.2 "unacceptable based on policy",
 * §5): the subject token must name a user (another client's own token gives nothing to act
 * for), and the scope may narrow but never widen (§5: scope restricts delegated rights).
 */
import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import type { GrantHandler } from './grant.ts';
import type { Provider } from '../provider.ts';
import { InvalidRequest, InvalidScope, InvalidTarget } from '../errors.ts';
import { formatScope, parseScope } from '../scopes.ts';
import { findAccessToken, issueAccessToken, looksLikeJwt, type AccessTokenRecord } from '../tokens/access-token.ts';

export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: the only token type this AS exchanges and issues. */
export const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

/** The audience the exchanged token is for: the requested audience or resource, else the resource server's. */
async function targetOf(provider: Provider, audience: string | undefined, resource: string | undefined): Promise<string> {
  const own = provider.resourceAudience.replace(/\/$/, '');
  if (resource !== undefined && resource.replace(/\/$/, '') !== own) {
    throw new InvalidTarget('the resource is not one this authorization server issues tokens for');
  }
  if (audience === undefined || audience.replace(/\/$/, '') === own) return provider.resourceAudience;
  // A client without grants is a resource (the resource server, a downstream API): its client_id names it.
  const named = await provider.clients.find(audience);
  // FAULT unknownAudienceInvalidRequest (config/faults.ts, only to prove the harness): an unknown audience gets invalid_request.
  if (!named || named.grantTypes.length > 0) {
    if (provider.config.faults.unknownAudienceInvalidRequest) throw new InvalidRequest('the audience is unknown');
    throw new InvalidTarget('the audience is not a service this authorization server issues tokens for');
  }
  // FAULT exchangeAudienceIgnored (config/faults.ts, only to prove the harness): the token keeps the resource server's audience.
  return provider.config.faults.exchangeAudienceIgnored ? provider.resourceAudience : audience;
}

/** RFC 8693 §2.1: the AS MUST validate the token as its type requires; invalid is invalid_request (§2.2.2). */
async function validToken(provider: Provider, token: string, what: string): Promise<AccessTokenRecord> {
  // FAULT exchangeRefused (config/faults.ts, only to prove the harness): every subject token is called invalid.
  const record = provider.config.faults.exchangeRefused ? undefined : await findAccessToken(provider, token) ?? await faultyRecord(provider, token);
  if (!record) throw new InvalidRequest(`the ${what} is invalid, expired or revoked`);
  return record;
}

/** What a faulty server would take from a token it should have refused (only with the faults below on). */
async function faultyRecord(provider: Provider, token: string): Promise<AccessTokenRecord | undefined> {
  const { faults } = provider.config;
  if (!looksLikeJwt(token) || !(faults.subjectTokenSignatureIgnored || faults.expiredSubjectTokenAccepted)) return undefined;
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    return undefined;
  }
  if (claims.iss !== provider.issuer || typeof claims.jti !== 'string') return undefined;
  // FAULT subjectTokenSignatureIgnored (config/faults.ts, only to prove the harness): a JWT's signature is not checked, only its record.
  if (faults.subjectTokenSignatureIgnored) {
    const stored = await provider.storage.find<AccessTokenRecord>('AccessToken', claims.jti);
    if (stored && stored.exp > provider.now()) return stored;
  }
  // FAULT expiredSubjectTokenAccepted (config/faults.ts, only to prove the harness): an expired JWT of ours is taken at its claims.
  if (faults.expiredSubjectTokenAccepted && typeof claims.exp === 'number' && claims.exp <= provider.now() && (await signedByUs(provider, token))) {
    return {
      clientId: String(claims.client_id), sub: typeof claims.sub === 'string' ? claims.sub : undefined, scope: String(claims.scope ?? ''),
      audience: String(claims.aud), format: 'jwt', iat: Number(claims.iat), exp: claims.exp, jti: claims.jti,
    };
  }
  return undefined;
}

/** Whether the JWT carries a valid signature of this AS, whatever its exp. */
async function signedByUs(provider: Provider, token: string): Promise<boolean> {
  try {
    await compactVerify(token, createLocalJWKSet(provider.keys.jwks()));
    return true;
  } catch {
    return false;
  }
}

export const tokenExchange: GrantHandler = async ({ provider, form, client }) => {
  const faults = provider.config.faults;
  // FAULT missingSubjectTokenIssues (config/faults.ts, only to prove the harness): without a subject_token the client gets a token of its own.
  if (!form.has('subject_token') && faults.missingSubjectTokenIssues) {
    const scope = formatScope([...client.scopes].filter((s) => s.startsWith('api:')));
    const token = await issueAccessToken(provider, { client, scope });
    return { access_token: token.value, issued_token_type: accessTokenType, token_type: 'Bearer', expires_in: token.expiresIn, scope };
  }
  // §2.1: subject_token and subject_token_type are REQUIRED; actor_token_type comes with actor_token and only with it.
  const subjectToken = form.require('subject_token');
  const subjectTokenType = form.require('subject_token_type');
  const actorToken = form.get('actor_token');
  const actorTokenType = form.get('actor_token_type');
  // FAULT actorTokenTypeNotRequired (config/faults.ts, only to prove the harness): an actor_token without its type is taken as an access token.
  if (actorToken !== undefined && actorTokenType === undefined && !faults.actorTokenTypeNotRequired) throw new InvalidRequest('actor_token_type is required with actor_token (RFC 8693 §2.1)');
  if (actorToken === undefined && actorTokenType !== undefined) throw new InvalidRequest('actor_token_type must not be sent without actor_token (RFC 8693 §2.1)');
  for (const [name, type] of [['subject_token_type', subjectTokenType], ['actor_token_type', actorTokenType]] as const) {
    if (type !== undefined && type !== accessTokenType) throw new InvalidRequest(`${name} ${type.slice(0, 100)} is not supported; only ${accessTokenType}`);
  }
  const requestedType = form.get('requested_token_type');
  if (requestedType !== undefined && requestedType !== accessTokenType) throw new InvalidRequest(`requested_token_type ${requestedType.slice(0, 100)} is not issued; only ${accessTokenType}`);

  const audience = await targetOf(provider, form.get('audience'), form.get('resource'));
  const subject = await validToken(provider, subjectToken, 'subject_token');
  // FAULT clientOwnTokenExchanged (config/faults.ts, only to prove the harness): another client's own token is exchanged.
  if (subject.sub === undefined && !faults.clientOwnTokenExchanged) throw new InvalidRequest("the subject_token names no user: another client's own token is not exchanged");

  const granted = subject.scope.split(' ').filter(Boolean);
  const requested = form.has('scope') ? parseScope(form.get('scope')) : undefined;
  const wider = (requested ?? []).filter((s) => !granted.includes(s));
  // FAULT exchangeWidensScope (config/faults.ts, only to prove the harness): a scope beyond the subject token's is granted.
  if (wider.length > 0 && !faults.exchangeWidensScope) throw new InvalidScope(`scope may only narrow the subject_token's; not granted: ${wider.join(' ')}`);
  const scope = formatScope(requested && requested.length > 0 ? requested : granted);

  let act: Record<string, unknown> | undefined;
  if (actorToken !== undefined) {
    const actor = await validToken(provider, actorToken, 'actor_token');
    // §4.1: act identifies the acting party; a token of an actor that was itself a delegate nests its act.
    act = { sub: actor.sub ?? actor.clientId, client_id: actor.clientId };
  }
  const token = await issueAccessToken(provider, {
    client,
    scope,
    sub: subject.sub,
    accountDn: subject.accountDn,
    authTime: subject.authTime,
    audience,
    // FAULT noActClaim (config/faults.ts, only to prove the harness): a delegated token does not name its actor.
    act: faults.noActClaim ? undefined : act,
  });
  // §2.2.1: issued_token_type and token_type are REQUIRED.
  // FAULT noIssuedTokenType (config/faults.ts, only to prove the harness): the response does not say what it issued.
  return {
    access_token: token.value,
    ...(faults.noIssuedTokenType ? {} : { issued_token_type: accessTokenType }),
    token_type: 'Bearer',
    expires_in: token.expiresIn,
    scope,
  };
};
