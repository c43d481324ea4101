/** Every fault's proof, one file per part of the server (as reference-server/config/faults/). */
import type { FaultProof } from '../support/catalogue.ts';
import { authorizationProofs } from './authorization.ts';
import { deviceAndParProofs } from './device-and-par.ts';
import { discoveryProofs } from './discovery.ts';
import { ldapProofs } from './ldap.ts';
import { limitProofs } from './limits.ts';
import { openIdConnectProofs } from './openid-connect.ts';
import { registrationProofs } from './registration.ts';
import { tokenProofs } from './tokens.ts';
import { tokenExchangeProofs } from './token-exchange.ts';
import { protectedResourceProofs } from './protected-resource.ts';
import { dpopProofs } from './dpop.ts';
import { logoutProofs } from './logout.ts';
import { jarProofs } from './jar.ts';

export const faultProofs: FaultProof[] = [
  ...authorizationProofs,
  ...openIdConnectProofs,
  ...tokenProofs,
  ...tokenExchangeProofs,
  ...protectedResourceProofs,
  ...deviceAndParProofs,
  ...registrationProofs,
  ...ldapProofs,
  ...discoveryProofs,
  ...limitProofs,
  ...dpopProofs,
  ...logoutProofs,
  ...jarProofs,
];
