/**
 * One endpoint = one module exporting an Endpoint: its routes and what it adds to the
 * discovery metadata. app.ts mounts the list; a new endpoint (PAR, device authorization,
 * registration...) is one more file and one more line there.
 */
import type Router from '@koa/router';
import type { Provider } from '../provider.ts';

export interface Endpoint {
  name: string;
  register(router: Router, provider: Provider): void;
  /** Discovery metadata this endpoint contributes (OIDC Discovery §3, RFC 8414 §2). */
  metadata?(provider: Provider): Record<string, unknown>;
}
