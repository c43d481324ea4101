/** The device side of RFC 8628: asking for codes and polling /token, as a public client. */
import type { RunningReference } from '../../../reference-server/index.ts';
import type { MovingClock } from '../../support/moving-clock.ts';
import { postForm, type JsonResponse } from './oauth.ts';

export const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceCodes {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export async function requestDeviceCodes(ref: RunningReference, clientId = 'device', scope = 'openid profile api:read'): Promise<DeviceCodes> {
  const response = await postForm(`${ref.issuer}/device_authorization`, { client_id: clientId, scope });
  if (response.status !== 200) throw new Error(`device authorization answered ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as unknown as DeviceCodes;
}

export function poll(ref: RunningReference, deviceCode: string, clientId = 'device'): Promise<JsonResponse> {
  return postForm(`${ref.issuer}/token`, { client_id: clientId, grant_type: deviceGrant, device_code: deviceCode });
}

/** Lets the interval pass (on the server's clock) before polling, as a well-behaved device waits it out. */
export async function politePoll(ref: RunningReference, clock: MovingClock, deviceCode: string, intervalSeconds: number, clientId = 'device'): Promise<JsonResponse> {
  clock.advance(intervalSeconds + 0.15);
  return poll(ref, deviceCode, clientId);
}
