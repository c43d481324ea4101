/** Scope strings the suites build: each scope once, whatever the client's scope and options.resourceScope hold. */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../harness/target/build.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';
import { hasScope, joinScopes, offlineScope, resourceScope, scopeFor, scopeTokens } from '../../suites/lib/scopes.ts';

function target(options: Record<string, unknown>, scopesSupported?: string[]) {
  const config = parseTargetConfig({
    clients: [
      { role: 'confidential', client_id: 'web', client_secret: 's', redirect_uris: ['https://rp.example/cb'], scope: 'openid  api:read profile api:read offline_access' },
      { role: 'public', client_id: 'spa', redirect_uris: ['https://rp.example/spa'] },
    ],
    options,
  });
  const issuer = 'https://idp.example';
  return buildTarget({
    kind: 'external',
    issuer,
    discovered: { url: `${issuer}/.well-known/openid-configuration`, openid: true, metadata: { issuer, ...(scopesSupported ? { scopes_supported: scopesSupported } : {}) } },
    config,
  });
}

describe('scopes', () => {
  it('merges scope strings as a set, in first-seen order', () => {
    expect(scopeTokens('openid api:read', ['api:read', ' profile  openid'], undefined, '')).toEqual(['openid', 'api:read', 'profile']);
    expect(joinScopes('api:read', 'openid api:read')).toBe('api:read openid');
  });

  it('never sends the resource scope twice when the client scope or the wanted list already has it', () => {
    const t = target({ resourceScope: 'api:read' });
    const client = t.client('confidential');
    expect(scopeFor(t, client, ['openid', 'profile', 'api:read', resourceScope(t)])).toBe('openid profile api:read');
    expect(offlineScope(t, client, ['openid', resourceScope(t), 'api:read'])).toEqual({ scope: 'openid api:read offline_access', prompt: 'consent' });
  });

  it('reads a resourceScope of several scopes, each once, and asks only for what the client and target allow', () => {
    const t = target({ resourceScope: ' api:read api:write api:read ' }, ['openid', 'api:read', 'api:write']);
    expect(resourceScope(t)).toBe('api:read api:write');
    // The public client has no configured scope: only scopes_supported narrows it.
    expect(scopeFor(t, t.client('public'), ['openid', 'api:read', resourceScope(t), 'profile'])).toBe('openid api:read api:write');
    // The confidential client may not ask for api:write.
    expect(scopeFor(t, t.client('confidential'), ['openid', resourceScope(t)])).toBe('openid api:read');
    expect(hasScope('openid api:read', 'api:read')).toBe(true);
    expect(resourceScope(target({}))).toBe('api:read');
  });
});
