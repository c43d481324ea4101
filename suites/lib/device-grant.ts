/**
 * The device side of the device authorization grant (RFC 8628): ask for a device code, and
 * poll the token endpoint the way §3.5 tells a device to: never sooner than `interval`
 * seconds after the previous request, and 5 seconds slower after each slow_down.
 */
import type { FlowContext, HttpResponse, TargetClient } from '../../harness/flow/index.ts';

export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8628 §3.2: the device authorization response, and when the device received it. */
export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  /** Seconds between polls; 5 when the response has none (§3.2). */
  interval: number;
  /** Date.now() when the response arrived. */
  receivedAt: number;
}

/** A device code being polled: its authorization, and the polling clock of §3.5. */
export interface DevicePolling {
  authorization: DeviceAuthorization;
  client: TargetClient;
  /** Date.now() of the last token request (undefined before the first). */
  lastPollAt?: number;
  /** Current interval in seconds (grows by 5 after slow_down). */
  interval: number;
}

/** POSTs the device authorization request (§3.1), the client authenticated as at the token endpoint. */
export function requestDeviceAuthorization(ctx: FlowContext<object>, client: TargetClient, scope: string | undefined): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('device_authorization_endpoint'), { scope }, { client });
}

/** The response as a DeviceAuthorization, or undefined when it lacks the required members. */
export function readDeviceAuthorization(res: HttpResponse, receivedAt = Date.now()): DeviceAuthorization | undefined {
  const json = res.json;
  if (res.status !== 200 || !json || typeof json !== 'object') return undefined;
  const { device_code, user_code, verification_uri, verification_uri_complete, expires_in, interval } = json;
  if (typeof device_code !== 'string' || typeof user_code !== 'string' || typeof verification_uri !== 'string' || typeof expires_in !== 'number') return undefined;
  return {
    device_code,
    user_code,
    verification_uri,
    ...(typeof verification_uri_complete === 'string' ? { verification_uri_complete } : {}),
    expires_in,
    interval: typeof interval === 'number' && interval > 0 ? interval : 5,
    receivedAt,
  };
}

/** Starts the polling clock of a device code. */
export function startPolling(authorization: DeviceAuthorization, client: TargetClient): DevicePolling {
  return { authorization, client, interval: authorization.interval };
}

/** One token request for the device code, now, whatever the interval says (to provoke slow_down). */
export async function pollNow(ctx: FlowContext<object>, polling: DevicePolling): Promise<HttpResponse> {
  polling.lastPollAt = Date.now();
  const res = await ctx.http.postForm(
    ctx.target.endpoint('token_endpoint'),
    { grant_type: deviceCodeGrantType, device_code: polling.authorization.device_code },
    { client: polling.client },
  );
  if (res.json?.error === 'slow_down') polling.interval += 5;
  return res;
}

/** Waits until the interval since the previous request has passed, then polls (§3.5). */
export async function pollPolitely(ctx: FlowContext<object>, polling: DevicePolling): Promise<HttpResponse> {
  if (polling.lastPollAt !== undefined) {
    // A little over the interval: the server's clock and ours may round differently.
    const due = polling.lastPollAt + polling.interval * 1000 + 250;
    if (due > Date.now()) await ctx.wait(due - Date.now());
  }
  return pollNow(ctx, polling);
}

/**
 * Polls politely until the answer is something other than authorization_pending or
 * slow_down, or `deadline` (Date.now() value) passes; returns the last answer.
 */
export async function pollUntilDecided(ctx: FlowContext<object>, polling: DevicePolling, deadline: number): Promise<HttpResponse> {
  for (;;) {
    const res = await pollPolitely(ctx, polling);
    const error = res.json?.error;
    if (error !== 'authorization_pending' && error !== 'slow_down') return res;
    if (Date.now() + polling.interval * 1000 > deadline) return res;
  }
}

/** The user_code as a person would compare it: upper case, without dashes or spaces. */
export function canonicalUserCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}
