/** The device side of RFC 8628: asking for codes and polling /token, as a public client. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningReference } from '../../../reference-server/index.ts';
import { postForm, type JsonResponse } from '../../reference-server/support/oauth.ts';

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

/** Waits out the interval (plus a margin) before polling, as a well-behaved device does. */
export async function politePoll(ref: RunningReference, deviceCode: string, intervalSeconds: number, clientId = 'device'): Promise<JsonResponse> {
  await sleep(intervalSeconds * 1000 + 150);
  return poll(ref, deviceCode, clientId);
}
