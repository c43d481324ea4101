/**
 * grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4, §3.5): the device
 * polls with its device_code until the user has decided at the verification page.
 *   expired_token          the codes' lifetime is over
 *   slow_down              polled sooner than the interval after the previous poll; the
 *                          interval grows by 5 seconds for this and every later poll
 *   access_denied          the user denied, or may not consent (LDAP consent group)
 *   authorization_pending  the user has not decided yet
 * An approved device_code gives tokens once; presenting it again revokes them, as a reused
 * authorization code does.
 */
import type { GrantHandler } from './grant.ts';
import { AccessDenied, InvalidGrant } from '../errors.ts';
import { AuthorizationPending, ExpiredToken, SlowDown } from '../device/errors.ts';
import { findDeviceCode, isExpired, notePoll } from '../device/device-code.ts';
import { userTokenResponse } from './user-tokens.ts';

export const deviceCode: GrantHandler = async ({ provider, form, client }) => {
  const value = form.require('device_code');
  const record = await findDeviceCode(provider, value);
  if (!record) throw new InvalidGrant('the device_code is invalid');
  const { faults } = provider.config;
  // FAULT deviceCodeOfAnotherClient (config/faults.ts, only to prove the harness): whose code it is goes unchecked.
  if (record.clientId !== client.clientId && !faults.deviceCodeOfAnotherClient) throw new InvalidGrant('the device_code was issued to another client');
  if (record.consumed !== undefined) {
    if (record.grantId) await provider.storage.revokeByGrant(record.grantId);
    throw new InvalidGrant('the device_code was already used; the tokens issued for it are revoked');
  }
  // FAULT expiredDeviceCodeRedeemable (config/faults.ts, only to prove the harness): the lifetime goes unchecked.
  if (isExpired(provider, record) && !faults.expiredDeviceCodeRedeemable) throw new ExpiredToken();
  const poll = await notePoll(provider, value, record);
  if (poll.tooFast) throw new SlowDown(poll.interval);
  if (record.status === 'denied') throw new AccessDenied(record.deniedReason ?? 'the user denied the device');
  if (record.status === 'pending') throw new AuthorizationPending();
  // FAULT reusableDeviceCode (config/faults.ts, only to prove the harness): the device_code is never spent.
  if (!faults.reusableDeviceCode && !(await provider.storage.consume('DeviceCode', value))) {
    if (record.grantId) await provider.storage.revokeByGrant(record.grantId);
    throw new InvalidGrant('the device_code was already used; the tokens issued for it are revoked');
  }
  return userTokenResponse(provider, {
    client,
    sub: record.sub!,
    accountDn: record.accountDn!,
    scope: record.scope,
    grantedScope: record.scope,
    grantId: record.grantId!,
    authTime: record.authTime!,
  });
};
