/**
 * grant_type=refresh_token (RFC 6749 §6) with rotation (RFC 9700 §4.14.2): each use
 * consumes the token and returns a new one of the same family; presenting a consumed token
 * again means it was stolen, so the whole family (the grant) is revoked. A scope may be
 * narrowed but never widened beyond what was granted.
 */
import type { GrantHandler } from './grant.ts';
import type { RefreshTokenRecord } from '../tokens/refresh-token.ts';
import { InvalidDpopProof, InvalidGrant, InvalidScope, TemporarilyUnavailable } from '../errors.ts';
import { formatScope, parseScope } from '../scopes.ts';
import { DirectoryUnavailable } from '../accounts/ldap-connection.ts';
import { userTokenResponse } from './user-tokens.ts';

export const refreshToken: GrantHandler = async ({ provider, form, client, dpop }) => {
  const value = form.require('refresh_token');
  const requested = form.has('scope') ? parseScope(form.get('scope')) : undefined;
  const record = await provider.storage.find<RefreshTokenRecord>('RefreshToken', value);
  if (!record) throw new InvalidGrant('the refresh token is invalid, expired or revoked');
  // FAULT refreshTokenOfAnotherClient (config/faults.ts, only to prove the harness): the token's client is not compared.
  if (record.clientId !== client.clientId && !provider.config.faults.refreshTokenOfAnotherClient) throw new InvalidGrant('the refresh token was issued to another client');
  // RFC 9449 §5: a public client's refresh token is bound to its DPoP key; a refresh without a
  // proof of that key is refused (checked before consuming, so a refused one does not burn it).
  if (record.jkt !== undefined) {
    // FAULT dpopRefreshProofOptional (config/faults.ts, only to prove the harness): no proof is let through.
    if (!dpop && !provider.config.faults.dpopRefreshProofOptional) throw new InvalidDpopProof('the refresh token is bound to a DPoP key: a DPoP proof is required');
    // FAULT dpopRefreshKeyIgnored (config/faults.ts, only to prove the harness): another key is let through.
    if (dpop && dpop.jkt !== record.jkt && !provider.config.faults.dpopRefreshKeyIgnored) throw new InvalidDpopProof('the DPoP proof is not signed by the key the refresh token is bound to');
  }
  const granted = record.scope.split(' ');
  // Checked before consuming, so that a refused widening does not burn the token.
  if (requested && record.consumed === undefined) {
    const wider = requested.filter((s) => !granted.includes(s));
    // FAULT refreshWidensScope (config/faults.ts, only to prove the harness): a wider scope is granted as asked.
    if (wider.length > 0 && !provider.config.faults.refreshWidensScope) throw new InvalidScope(`scope may only narrow; not granted: ${wider.join(' ')}`);
  }
  // FAULT noRefreshRotation (config/faults.ts, only to prove the harness): the token is not consumed.
  const rotate = !provider.config.faults.noRefreshRotation;
  if (rotate && !(await provider.storage.consume('RefreshToken', value))) {
    // FAULT reuseKeepsFamily (config/faults.ts, only to prove the harness): reuse is refused but the family lives on.
    if (!provider.config.faults.reuseKeepsFamily) await provider.storage.revokeByGrant(record.grantId);
    throw new InvalidGrant('the refresh token was already used; every token of its grant is revoked');
  }
  let account;
  try {
    account = await provider.accounts.findByDn(record.accountDn);
  } catch (error) {
    if (error instanceof DirectoryUnavailable) throw new TemporarilyUnavailable('the directory is unavailable');
    throw error;
  }
  if (!account || account.sub !== record.sub) {
    await provider.storage.revokeByGrant(record.grantId);
    throw new InvalidGrant('the account of this grant no longer exists');
  }
  const scope = requested && requested.length > 0
    ? formatScope(provider.config.faults.refreshWidensScope ? requested : granted.filter((s) => requested.includes(s)))
    : record.scope;
  const response = await userTokenResponse(provider, {
    client,
    sub: record.sub,
    accountDn: record.accountDn,
    scope,
    grantedScope: record.scope,
    grantId: record.grantId,
    authTime: record.authTime,
    familyExp: record.familyExp,
    // The family stays bound to its key (§5); only a fault lets a refresh through without a proof.
    jkt: dpop?.jkt ?? record.jkt,
  });
  if (!rotate && typeof response.refresh_token === 'string') {
    // FAULT noRefreshRotation: the presented token comes back unchanged instead of a new one.
    await provider.storage.destroy('RefreshToken', response.refresh_token);
    response.refresh_token = value;
  }
  return response;
};
