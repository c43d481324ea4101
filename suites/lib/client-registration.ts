/**
 * Dynamic client registration from the suites (RFC 7591 §3.1), with the initial access token
 * the target config may give (options.registrationInitialAccessToken), and the clean-up of
 * RFC 7592 §2.3 so that a run leaves no registered clients behind.
 */
import type { FlowContext, HttpResponse, Target } from '../../harness/flow/index.ts';

/** options.registrationInitialAccessToken, when the target requires one (RFC 7591 §3). */
export function initialAccessToken(ctx: { target: Target }): string | undefined {
  const token = ctx.target.options.registrationInitialAccessToken;
  return typeof token === 'string' && token ? token : undefined;
}

/** POSTs client metadata as JSON to the registration endpoint (RFC 7591 §3.1). */
export function register(ctx: FlowContext<object>, metadata: Record<string, unknown>): Promise<HttpResponse> {
  const token = initialAccessToken(ctx);
  return ctx.http.postJson(ctx.target.endpoint('registration_endpoint'), metadata, token ? { bearer: token } : {});
}

/**
 * Deletes a client registered by `res` at the end of the flow (RFC 7592 §2.3), when the server
 * gave a registration_client_uri and registration_access_token; otherwise there is nothing to do.
 */
export function deleteAtFlowEnd(ctx: FlowContext<object>, res: HttpResponse): void {
  const uri = res.json?.registration_client_uri;
  const token = res.json?.registration_access_token;
  if (res.status !== 201 || typeof uri !== 'string' || typeof token !== 'string') return;
  ctx.onFlowEnd(async () => {
    await ctx.http.request('DELETE', uri, { bearer: token, timeoutMs: 2_000 }).catch(() => {});
  });
}
