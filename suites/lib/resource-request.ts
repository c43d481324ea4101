/**
 * The last two arrows of the code flows (authorization-code, pushed-authorization): the client
 * presents its access token to the resource server (RFC 6750 §2.1), which serves the resource.
 * Not applicable when the target names no resource server (resourceServer in the config).
 */
import { step, type HttpResponse, type StepDefinition, type StepOptions } from '../../harness/flow/index.ts';

/** The state both steps use: the token response's members, and the resource server's answer. */
export interface ResourceState {
  tokens: Record<string, any>;
  resource?: HttpResponse;
}

const noResourceServer = 'the target has no resource server (resourceServer in the config)';

/**
 * Client ->> RS: 'Requests protected resources with Access Token', and RS ->> Client:
 * 'Provides protected resources'. `returnedSpec` is what the suite cites for the resource.
 */
export function resourceSteps<S extends ResourceState>(returnedSpec: string): StepDefinition<S>[] {
  return [
    step<S>('Client', 'RS', 'Requests protected resources with Access Token', async (ctx) => {
      const rs = ctx.target.resourceServer;
      if (!rs) return ctx.notApplicable(noResourceServer);
      const res = await ctx.http.get(rs, { bearer: ctx.state.tokens.access_token });
      ctx.state.resource = res;
      await ctx.check('resource-server-accepts-access-token', (c) => {
        c.expectStatus(res, 200);
      });
    }, {
      key: 'resource-request',
      needs: { tokens: 'an access token' } as StepOptions<S>['needs'],
      checks: {
        'resource-server-accepts-access-token': { name: 'the resource server accepts the access token', spec: 'RFC 6750 §2.1' },
      },
    }),

    step<S>('RS', 'Client', 'Provides protected resources', async (ctx) => {
      const res = ctx.state.resource!;
      await ctx.check('protected-resource-returned', (c) => {
        c.expectStatus(res, 200);
        c.expect(res.text.length, 'length of the resource').toBeGreaterThan(0);
      });
    }, {
      key: 'resource-response',
      needs: { resource: "the resource server's answer" } as StepOptions<S>['needs'],
      checks: {
        'protected-resource-returned': { name: 'the protected resource is returned', spec: returnedSpec },
      },
    }),
  ];
}
