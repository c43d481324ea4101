/**
 * Server metadata at both well-known locations: OpenID Connect Discovery 1.0 §4
 * (/.well-known/openid-configuration) and RFC 8414 §3 (/.well-known/oauth-authorization-server).
 * The document is assembled in app.ts from what each mounted endpoint contributes.
 */
import { requestObjectAlgorithms } from '../request-objects/verify.ts';
import type { Endpoint } from './endpoint.ts';

export const discovery: Endpoint = {
  name: 'discovery',
  register(router, provider) {
    const faults = provider.config.faults;
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      router.get(path, (ctx) => {
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.remove('Pragma');
        ctx.body = provider.metadata;
        // FAULT metadataOtherIssuer, oauthMetadataOtherIssuer (config/faults.ts, only to prove the harness):
        // the document names the issuer with a trailing slash.
        if (path.includes('openid') ? faults.metadataOtherIssuer : faults.oauthMetadataOtherIssuer) ctx.body = { ...provider.metadata, issuer: `${provider.issuer}/` };
        // FAULT metadataUrlWithFragment, metadataArrayAsString (config/faults.ts, only to prove the harness):
        // a member nothing else reads, with the wrong form.
        if (faults.metadataUrlWithFragment) ctx.body = { ...(ctx.body as object), op_policy_uri: `${provider.issuer}/policy#terms` };
        if (faults.metadataArrayAsString) ctx.body = { ...(ctx.body as object), ui_locales_supported: 'en' };
      });
    }
  },
  metadata(provider) {
    return {
      issuer: provider.issuer,
      scopes_supported: Object.keys(provider.config.scopes),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: provider.keys.signingAlgorithms,
      // RFC 9207 §3: the iss parameter is in every authorization response.
      authorization_response_iss_parameter_supported: true,
      // FAULT metadataBooleanAsString (config/faults.ts, only to prove the harness): a boolean member as a string.
      claims_parameter_supported: provider.config.faults.metadataBooleanAsString ? 'false' : false,
      // RFC 9101 (request-objects/): signed Request Objects by value and by a registered reference.
      // FAULT requestObjectsIgnoredUnadvertised (config/faults.ts, only to prove the harness): request objects said to be unsupported (and ignored).
      request_parameter_supported: !provider.config.faults.requestObjectsIgnoredUnadvertised,
      // FAULT requestUrisIgnoredUnadvertised (config/faults.ts, only to prove the harness): request_uri said to be unsupported (and ignored).
      request_uri_parameter_supported: !provider.config.faults.requestUrisIgnoredUnadvertised,
      require_request_uri_registration: true,
      request_object_signing_alg_values_supported: requestObjectAlgorithms,
    };
  },
};
