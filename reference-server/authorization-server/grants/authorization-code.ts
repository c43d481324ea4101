/**
 * grant_type=authorization_code (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.6).
 * - A code is single use; presenting it again revokes every token issued for it (§4.1.2).
 * - redirect_uri must be identical to the one of the authorization request (§4.1.3).
 * - A code issued with a code_challenge needs the matching code_verifier; a code_verifier
 *   for a code issued without one is refused too (PKCE downgrade, RFC 9700 §4.8.2).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GrantHandler } from './grant.ts';
import type { AuthorizationCodeRecord } from '../tokens/authorization-code.ts';
import { InvalidGrant, InvalidRequest, InvalidTarget } from '../errors.ts';
import { acceptResource } from '../resource-indicators.ts';
import { userTokenResponse } from './user-tokens.ts';

const verifierSyntax = /^[A-Za-z0-9\-._~]{43,128}$/;

export const authorizationCode: GrantHandler = async ({ provider, ctx, form, client, dpop }) => {
  const code = form.require('code');
  const redirectUri = form.get('redirect_uri');
  const verifier = form.get('code_verifier');
  const resource = acceptResource(provider, form.get('resource'));
  // FAULT resourceRefusedAtCodeExchange (config/faults.ts, only to prove the harness): a resource at the code exchange is refused.
  if (resource !== undefined && provider.config.faults.resourceRefusedAtCodeExchange) throw new InvalidTarget('the resource is not one this authorization server issues tokens for');
  if (verifier !== undefined && !verifierSyntax.test(verifier)) {
    throw new InvalidRequest('code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)');
  }
  const record = await provider.storage.find<AuthorizationCodeRecord>('AuthorizationCode', code);
  if (!record) throw new InvalidGrant('the authorization code is invalid or expired');
  // Not consumed: another client presenting a code must not burn it for its rightful owner.
  if (record.clientId !== client.clientId) throw new InvalidGrant('the authorization code was issued to another client');
  // FAULT reusableCodes (config/faults.ts, only to prove the harness): the code is never consumed.
  if (!provider.config.faults.reusableCodes && !(await provider.storage.consume('AuthorizationCode', code))) {
    await provider.storage.revokeByGrant(record.grantId);
    throw new InvalidGrant('the authorization code was already used; the tokens issued for it are revoked');
  }
  const { faults } = provider.config;
  // FAULT redirectUriOptionalAtToken (config/faults.ts, only to prove the harness): a missing redirect_uri is let through.
  // FAULT redirectUriSlashInsensitiveAtToken (config/faults.ts, only to prove the harness): a trailing slash is ignored.
  const presented = redirectUri === undefined && faults.redirectUriOptionalAtToken ? record.redirectUri
    : redirectUri !== undefined && faults.redirectUriSlashInsensitiveAtToken && redirectUri.replace(/\/$/, '') === record.redirectUri.replace(/\/$/, '') ? record.redirectUri
      : redirectUri;
  if (record.redirectUriSent ? presented !== record.redirectUri : presented !== undefined && presented !== record.redirectUri) {
    throw new InvalidGrant('redirect_uri does not match the authorization request');
  }
  // RFC 8707 §2.2: a resource at the token endpoint must be one the grant covers.
  if (resource !== undefined && record.resource !== undefined && resource.replace(/\/$/, '') !== record.resource.replace(/\/$/, '')) {
    throw new InvalidTarget('the resource is not the one of the authorization request');
  }
  if (record.codeChallenge) {
    if (verifier === undefined) throw new InvalidGrant('code_verifier is required: the code was issued with a code_challenge');
    const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
    const expected = Buffer.from(record.codeChallenge);
    // FAULT ignorePkce (config/faults.ts, only to prove the harness): the verifier is not compared.
    if (!provider.config.faults.ignorePkce && (computed.length !== expected.length || !timingSafeEqual(computed, expected))) {
      throw new InvalidGrant('code_verifier does not match the code_challenge');
    }
  } else if (verifier !== undefined) {
    throw new InvalidGrant('code_verifier sent for a code issued without code_challenge (PKCE downgrade)');
  }
  // FAULT noPragmaOnCodeExchange (config/faults.ts, only to prove the harness): no Pragma: no-cache on this token response.
  if (faults.noPragmaOnCodeExchange) ctx.remove('Pragma');
  return userTokenResponse(provider, {
    client,
    sub: record.sub,
    accountDn: record.accountDn,
    scope: record.scope,
    grantedScope: record.scope,
    grantId: record.grantId,
    authTime: record.authTime,
    nonce: record.nonce,
    sid: record.sid,
    ...(resource ?? record.resource ? { resource: resource ?? record.resource } : {}),
    jkt: dpop?.jkt,
  });
};
