/**
 * Config of the endpoints beyond RFC 6749's: pushed authorization requests (RFC 9126), device
 * authorization (RFC 8628) and dynamic client registration (RFC 7591 / 7592). The fields sit
 * at the top of the config file next to ttl; their lifetimes are ttl.pushedAuthorizationRequest
 * and ttl.deviceCode. load.ts calls resolveEndpointSettings() so that a bad value is a
 * ReferenceConfigError at start, never a failure at request time.
 */
export interface PushedAuthorizationConfig {
  /** RFC 9126 §5 require_pushed_authorization_requests: every client must push (default false; per client, see ClientConfig). */
  required?: boolean;
}

export interface DeviceAuthorizationConfig {
  /** Seconds a device must wait between token requests (RFC 8628 §3.2 interval, default 5). */
  interval?: number;
  /** Wrong user codes one client address may enter per minute before every code is refused (RFC 8628 §5.1, default 10). */
  userCodeAttempts?: number;
}

export interface RegistrationConfig {
  /** Serve /register (RFC 7591) and /register/:client_id (RFC 7592). Default true. */
  enabled?: boolean;
  /** When set, POST /register needs `Authorization: Bearer <this>` (RFC 7591 §3). */
  initialAccessToken?: string;
  /**
   * Open registration only (no initialAccessToken): seconds an anonymously registered client
   * (and its registration access token) is kept once it is no longer used; every use renews it.
   * Default 86400 (24 h). Clients registered with the initial access token are kept 365 days.
   */
  unusedClientTtl?: number;
  /** Open registration only: registrations one client address may make per hour (default 100). */
  perAddressPerHour?: number;
  /** Open registration only: registrations from all addresses together per hour (default 1000). */
  perHour?: number;
}

export interface EndpointSettingsConfig {
  pushedAuthorizationRequests?: PushedAuthorizationConfig;
  deviceAuthorization?: DeviceAuthorizationConfig;
  registration?: RegistrationConfig;
}

export interface EndpointSettings {
  pushedAuthorizationRequests: { required: boolean };
  deviceAuthorization: { interval: number; userCodeAttempts: number };
  registration: { enabled: boolean; initialAccessToken?: string; unusedClientTtl: number; perAddressPerHour: number; perHour: number };
}

/** Default lifetimes, seconds: RFC 9126 §2.2 suggests a short one (its example says 60); RFC 8628 §3.2 example 1800, shorter here. */
export const endpointLifetimes = { pushedAuthorizationRequest: 60, deviceCode: 600 };

export function resolveEndpointSettings(config: EndpointSettingsConfig, fail: (message: string) => Error): EndpointSettings {
  const section = (value: unknown, at: string): Record<string, unknown> => {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`${at} must be an object`);
    return value as Record<string, unknown>;
  };
  const known = (o: Record<string, unknown>, at: string, fields: string[]) => {
    for (const name of Object.keys(o)) if (!fields.includes(name)) throw fail(`${at}.${name} is not a known field (${fields.join(', ')})`);
  };
  const boolean = (value: unknown, at: string, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw fail(`${at} must be true or false`);
    return value;
  };

  const par = section(config.pushedAuthorizationRequests, 'pushedAuthorizationRequests');
  known(par, 'pushedAuthorizationRequests', ['required']);
  const device = section(config.deviceAuthorization, 'deviceAuthorization');
  known(device, 'deviceAuthorization', ['interval', 'userCodeAttempts']);
  const interval = device.interval ?? 5;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1 || interval > 60) {
    throw fail('deviceAuthorization.interval must be an integer from 1 to 60 (seconds)');
  }
  const userCodeAttempts = device.userCodeAttempts ?? 10;
  if (typeof userCodeAttempts !== 'number' || !Number.isInteger(userCodeAttempts) || userCodeAttempts < 1 || userCodeAttempts > 1000) {
    throw fail('deviceAuthorization.userCodeAttempts must be an integer from 1 to 1000 (wrong codes per minute)');
  }
  const registration = section(config.registration, 'registration');
  known(registration, 'registration', ['enabled', 'initialAccessToken', 'unusedClientTtl', 'perAddressPerHour', 'perHour']);
  const iat = registration.initialAccessToken;
  if (iat !== undefined && (typeof iat !== 'string' || !/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(iat))) {
    // RFC 6750 §2.1 b64token syntax; at least 16 characters so that it cannot be guessed.
    throw fail('registration.initialAccessToken must be a bearer token of at least 16 characters (RFC 6750 b64token)');
  }
  const count = (value: unknown, at: string, fallback: number, max: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw fail(`${at} must be an integer from 1 to ${max}`);
    return value;
  };
  return {
    pushedAuthorizationRequests: { required: boolean(par.required, 'pushedAuthorizationRequests.required', false) },
    deviceAuthorization: { interval, userCodeAttempts },
    registration: {
      enabled: boolean(registration.enabled, 'registration.enabled', true),
      ...(iat !== undefined ? { initialAccessToken: iat as string } : {}),
      unusedClientTtl: count(registration.unusedClientTtl, 'registration.unusedClientTtl', 24 * 3600, 365 * 24 * 3600),
      perAddressPerHour: count(registration.perAddressPerHour, 'registration.perAddressPerHour', 100, 1_000_000),
      perHour: count(registration.perHour, 'registration.perHour', 1000, 1_000_000),
    },
  };
}
