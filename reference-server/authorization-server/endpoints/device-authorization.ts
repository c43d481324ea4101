/**
 * The device authorization endpoint (RFC 8628 §3.1, §3.2): POST, form-encoded, the client
 * authenticated as at /token (a public device names itself with client_id). The answer holds
 * the device_code the device polls /token with, the user_code a person types at
 * verification_uri (or just confirms at verification_uri_complete), their lifetime and the
 * polling interval.
 */
import type { Endpoint } from './endpoint.ts';
import { endpointUrl } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { authenticateClient } from '../client-auth/index.ts';
import { presentedCredentials } from '../client-auth/presented.ts';
import { InvalidScope, UnauthorizedClient } from '../errors.ts';
import { formatScope, parseScope } from '../scopes.ts';
import { createDeviceAuthorization, deviceCodeGrantType } from '../device/device-code.ts';
import { formatUserCode } from '../device/user-code.ts';
import { verificationPath } from './device-verification.ts';

export const deviceAuthorization: Endpoint = {
  name: 'device-authorization',
  register(router, provider) {
    router.post('/device_authorization', async (ctx) => {
      const form = await readForm(ctx);
      // FAULT deviceClientIdAloneAuthenticates (config/faults.ts, only to prove the harness): a client_id with no secret is taken as authentication.
      const claimed = provider.config.faults.deviceClientIdAloneAuthenticates ? presentedCredentials(ctx, form) : undefined;
      const unauthenticated = claimed?.method === 'none' ? await provider.clients.find(claimed.clientId) : undefined;
      const client = unauthenticated ?? await authenticateClient(provider, ctx, form, endpointUrl(provider, '/device_authorization'));
      if (!client.grantTypes.includes(deviceCodeGrantType)) throw new UnauthorizedClient('the client may not use the device authorization grant');
      // Required, as at /authorize (RFC 6749 §3.3 lets the server choose between a default and an error).
      const scopes = parseScope(form.get('scope'));
      if (scopes.length === 0) throw new InvalidScope('scope is required');
      const refused = scopes.filter((s) => !client.scopes.has(s));
      if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ').slice(0, 200)}`);

      const lifetime = client.deviceCodeTtl ?? provider.config.ttl.deviceCode;
      const { deviceCode, record } = await createDeviceAuthorization(provider, client.clientId, formatScope(scopes), lifetime);
      const userCode = formatUserCode(record.userCode);
      const verificationUri = endpointUrl(provider, verificationPath);
      ctx.body = {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?${new URLSearchParams({ user_code: userCode })}`,
        expires_in: lifetime,
        interval: record.interval,
      };
    });
  },
  metadata(provider) {
    return { device_authorization_endpoint: endpointUrl(provider, '/device_authorization') };
  },
};
