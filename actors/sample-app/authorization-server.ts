/**
 * What the sample app knows of the authorization server: its metadata, read from discovery
 * (RFC 8414 §3, with the issuer check of §3.3), and its own registration there (RFC 7591),
 * deleted again at stop (RFC 7592 §2.3). Every call has a timeout.
 */
export interface ServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  registration_endpoint?: string;
  authorization_response_iss_parameter_supported?: boolean;
  response_modes_supported?: string[];
  [field: string]: unknown;
}

export interface Registration {
  client_id: string;
  client_secret?: string;
  registration_access_token?: string;
  registration_client_uri?: string;
  token_endpoint_auth_method?: string;
  redirect_uris: string[];
  grant_types?: string[];
  [field: string]: unknown;
}

/** Something the sample app could not do with the authorization server; status is what the app answers. */
export class SampleAppError extends Error {
  override name = 'SampleAppError';
  constructor(message: string, readonly status = 502) {
    super(message);
  }
}

export async function discover(issuer: string, timeoutMs: number): Promise<ServerMetadata> {
  const base = issuer.replace(/\/$/, '');
  let lastProblem = '';
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new SampleAppError(`discovery at ${base}${path} failed: ${(error as Error).message}`);
    }
    if (!response.ok) {
      lastProblem = `${path} answered ${response.status}`;
      continue;
    }
    const metadata = (await response.json().catch(() => undefined)) as ServerMetadata | undefined;
    if (!metadata || typeof metadata !== 'object') throw new SampleAppError(`${path} is not a JSON object`);
    if (metadata.issuer !== issuer) throw new SampleAppError(`discovery names issuer ${String(metadata.issuer)}, not ${issuer} (RFC 8414 §3.3)`);
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof metadata[field] !== 'string') throw new SampleAppError(`discovery has no ${field}`);
    }
    return metadata;
  }
  throw new SampleAppError(`no discovery document at ${base}: ${lastProblem}`);
}

export async function register(metadata: ServerMetadata, body: Record<string, unknown>, initialAccessToken: string | undefined, timeoutMs: number): Promise<Registration> {
  if (!metadata.registration_endpoint) throw new SampleAppError('the authorization server offers no registration_endpoint (RFC 7591)');
  let response: Response;
  try {
    response = await fetch(metadata.registration_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(initialAccessToken ? { authorization: `Bearer ${initialAccessToken}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new SampleAppError(`registration failed: ${(error as Error).message}`);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 201 || typeof answer.client_id !== 'string') {
    throw new SampleAppError(`registration answered ${response.status} ${String(answer.error ?? '')}: ${String(answer.error_description ?? '')}`.trim());
  }
  return answer as Registration;
}

/** Best effort: the authorization server may be gone already. */
export async function deregister(registration: Registration, timeoutMs: number): Promise<boolean> {
  if (!registration.registration_client_uri || !registration.registration_access_token) return false;
  try {
    const response = await fetch(registration.registration_client_uri, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${registration.registration_access_token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.status === 204;
  } catch {
    return false;
  }
}
