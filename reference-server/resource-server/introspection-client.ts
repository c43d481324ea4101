/**
 * A resource server's call to the introspection endpoint (RFC 7662 §2.1), authenticated with its
 * own client credentials (client_secret_basic, each part form-encoded as RFC 6749 §2.3.1 says).
 * It rejects when the AS does not answer in time, answers other than 2xx, or not with JSON; the
 * caller decides what that means for the request (503 temporarily_unavailable, RFC 6750 §3.1),
 * and which answers it trusts (its audience rules are its own).
 */
export interface IntrospectionClientOptions {
  introspectionEndpoint: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export function introspectionClient(options: IntrospectionClientOptions): (token: string) => Promise<Record<string, unknown>> {
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  return async (token) => {
    const response = await fetch(options.introspectionEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new Error(`introspection answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
}
