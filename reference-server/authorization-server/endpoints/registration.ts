/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592):
 *   POST   /register             register a client (with the initial access token when the
 *                                config sets one); 201 with client_id, client_secret for a
 *                                confidential client, registration_access_token and
 *                                registration_client_uri (RFC 7592 §3)
 *   GET    /register/:client_id  read the registration (RFC 7592 §2.1)
 *   PUT    /register/:client_id  replace its metadata (§2.2): omitted fields fall back to defaults
 *   DELETE /register/:client_id  delete the client (§2.3): 204; its registration token and its access and refresh tokens stop working
 * The management calls need the registration access token of that client. Registered clients
 * join the same registry as the configured ones (secrets hashed, role "registered").
 * Open registration (no initial access token) is rate-limited (registration/rate-limits.ts) and
 * keeps a client only while it is used (registration/lifetime.ts).
 * registration.enabled: false leaves all of this unmounted and out of the discovery document.
 */
import type { Context } from 'koa';
import type { Endpoint } from './endpoint.ts';
import type { Provider } from '../provider.ts';
import { endpointUrl } from '../provider.ts';
import { buildClient, secretMatches, type Client } from '../clients.ts';
import { InvalidRequest } from '../errors.ts';
import { randomToken } from '../tokens/random.ts';
import { authMethods } from '../client-auth/index.ts';
import { grantHandlers } from '../grants/index.ts';
import { responseTypeHandlers } from '../authorize/response-types.ts';
import { readJsonObject } from '../registration/json-body.ts';
import { checkClientMetadata, type SupportedMetadata } from '../registration/client-metadata.ts';
import {
  checkInitialAccessToken,
  newRegistrationAccessToken,
  registrationTokenId,
  registrationOf,
  revokeRegistrationAccessToken,
  saveRegistration,
  type RegistrationRecord,
} from '../registration/access-tokens.ts';
import { registrationTerms, type RegistrationTerms } from '../registration/lifetime.ts';
import { RegistrationRateLimits } from '../registration/rate-limits.ts';
import type { ClientConfig } from '../../config/types.ts';

const registrationPath = '/register';

/** RFC 7592 §2.2: these belong to the server and MUST NOT be in an update request. */
const serverOwnedFields = ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at'];

function supported(provider: Provider): SupportedMetadata {
  return {
    // implicit is a grant type of the authorization endpoint, not of /token (RFC 7591 §2).
    grantTypes: [...Object.keys(grantHandlers), 'implicit'],
    responseTypes: Object.keys(responseTypeHandlers),
    authMethods: Object.keys(authMethods) as SupportedMetadata['authMethods'],
    scopes: Object.keys(provider.config.scopes),
    signingAlgs: provider.keys.signingAlgorithms,
  };
}

/** Builds the Client the way the config's clients are built (secret generated and hashed). */
async function addClient(provider: Provider, config: ClientConfig, terms: RegistrationTerms): Promise<string | undefined> {
  const { client, credentials } = await buildClient(config, {
    scopes: Object.keys(provider.config.scopes),
    defaultConsentGroup: provider.config.consent.defaultGroup,
  });
  await provider.clients.set(client, terms.ttl, terms.lease);
  return credentials.client_secret;
}

function information(provider: Provider, client: Client | undefined, record: RegistrationRecord, extra: { client_secret?: string; registration_access_token?: string }) {
  const faults = provider.config.faults;
  const metadata: Record<string, unknown> = { ...record.metadata };
  // FAULT registeredClientUriDropped (config/faults.ts, only to prove the harness): client_uri is kept but not returned.
  if (faults.registeredClientUriDropped) delete metadata.client_uri;
  // FAULT provisionedAuthMethodNotReturned (config/faults.ts, only to prove the harness): a defaulted token_endpoint_auth_method is not returned.
  if (faults.provisionedAuthMethodNotReturned && record.authMethodDefaulted) delete metadata.token_endpoint_auth_method;
  return {
    client_id: record.clientId,
    ...(extra.client_secret !== undefined ? { client_secret: extra.client_secret } : {}),
    // FAULT clientIdIssuedAtMillis (config/faults.ts, only to prove the harness): the time of issue in milliseconds.
    client_id_issued_at: faults.clientIdIssuedAtMillis ? record.clientIdIssuedAt * 1000 : record.clientIdIssuedAt,
    // RFC 7591 §3.2.1: REQUIRED when a secret was issued; 0 means it does not expire.
    // FAULT secretExpiresAtMissing (config/faults.ts, only to prove the harness): left out.
    ...(client?.secretSha256 && !faults.secretExpiresAtMissing ? { client_secret_expires_at: 0 } : {}),
    ...(extra.registration_access_token !== undefined ? { registration_access_token: extra.registration_access_token } : {}),
    registration_client_uri: endpointUrl(provider, `${registrationPath}/${encodeURIComponent(record.clientId)}`),
    ...metadata,
  };
}

export const registration: Endpoint = {
  name: 'registration',
  register(router, provider) {
    if (!provider.config.registration.enabled) return;
    const rateLimits = new RegistrationRateLimits(provider);

    router.post(registrationPath, async (ctx) => {
      checkInitialAccessToken(ctx, provider);
      const input = await readJsonObject(ctx);
      const clientId = randomToken(16);
      const { config, metadata } = checkClientMetadata(input, clientId, supported(provider), provider.config.faults);
      const anonymous = provider.config.registration.initialAccessToken === undefined;
      if (anonymous) await rateLimits.take(ctx.ip);
      const { token, id: tokenId } = newRegistrationAccessToken();
      const terms = registrationTerms(provider, anonymous, tokenId);
      const clientSecret = await addClient(provider, config, terms);
      const record: RegistrationRecord = {
        clientId,
        clientIdIssuedAt: provider.now(),
        metadata,
        ...(input.token_endpoint_auth_method === undefined ? { authMethodDefaulted: true } : {}),
        ...(anonymous ? { anonymous: true } : {}),
      };
      await saveRegistration(provider, token, record, terms.ttl);
      ctx.status = 201;
      ctx.body = information(provider, await provider.clients.find(clientId), record, { client_secret: clientSecret, registration_access_token: token });
    });

    router.get(`${registrationPath}/:clientId`, async (ctx) => {
      const { token, record } = await registrationOf(ctx, provider, clientIdOf(ctx));
      // The secret is kept hashed, so a read cannot return it (RFC 7592 §3 makes it optional).
      ctx.body = information(provider, await provider.clients.find(record.clientId), record, { registration_access_token: token });
    });

    router.put(`${registrationPath}/:clientId`, async (ctx) => {
      const clientId = clientIdOf(ctx);
      const { token, record } = await registrationOf(ctx, provider, clientId);
      const input = await readJsonObject(ctx);
      const owned = serverOwnedFields.find((f) => f in input);
      if (owned) throw new InvalidRequest(`an update must not include ${owned} (RFC 7592 §2.2)`);
      if (input.client_id !== clientId) throw new InvalidRequest('client_id must be the client\'s own client_id (RFC 7592 §2.2)');
      const current = (await provider.clients.find(clientId))!;
      // FAULT updateAcceptsChosenSecret (config/faults.ts, only to prove the harness): a client_secret that is not the current one becomes the secret.
      const chosenSecret = provider.config.faults.updateAcceptsChosenSecret && typeof input.client_secret === 'string' && !secretMatches(current, input.client_secret) ? input.client_secret : undefined;
      if (chosenSecret === undefined && input.client_secret !== undefined && (typeof input.client_secret !== 'string' || !secretMatches(current, input.client_secret))) {
        throw new InvalidRequest('client_secret does not match the current secret (RFC 7592 §2.2)');
      }
      const { config, metadata } = checkClientMetadata(input, clientId, supported(provider), provider.config.faults);
      // The secret stays the same while the client keeps a secret-based method; one is made when it starts needing one.
      if (chosenSecret !== undefined) config.client_secret = chosenSecret;
      else if (current.secretSha256 && (config.token_endpoint_auth_method === 'client_secret_basic' || config.token_endpoint_auth_method === 'client_secret_post')) {
        config.client_secret_sha256 = current.secretSha256.toString('base64url');
      }
      const updated: RegistrationRecord = { ...record, metadata, authMethodDefaulted: input.token_endpoint_auth_method === undefined || undefined };
      // FAULT updateNotSaved (config/faults.ts, only to prove the harness): the update is answered but neither the client nor its registration changes.
      if (provider.config.faults.updateNotSaved) {
        ctx.body = information(provider, current, updated, { registration_access_token: token });
        return;
      }
      // Kept on the terms it was registered on: an anonymous client stays one.
      const terms = registrationTerms(provider, record.anonymous === true, registrationTokenId(token));
      const clientSecret = await addClient(provider, config, terms);
      await saveRegistration(provider, token, updated, terms.ttl);
      ctx.body = information(provider, await provider.clients.find(clientId), updated, { client_secret: clientSecret, registration_access_token: token });
    });

    router.delete(`${registrationPath}/:clientId`, async (ctx) => {
      const clientId = clientIdOf(ctx);
      const { token } = await registrationOf(ctx, provider, clientId);
      // FAULT keepDeletedClients (config/faults.ts, only to prove the harness): the registration goes, the client stays.
      if (!provider.config.faults.keepDeletedClients) await provider.clients.delete(clientId);
      await revokeRegistrationAccessToken(provider, token);
      ctx.status = 204;
      ctx.body = null;
    });
  },
  metadata(provider) {
    return provider.config.registration.enabled ? { registration_endpoint: endpointUrl(provider, registrationPath) } : {};
  },
};

function clientIdOf(ctx: Context): string {
  return ctx.params.clientId!;
}
