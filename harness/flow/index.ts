/**
 * The suite API. A suite is suites/<flow>.suite.ts:
 *
 *   import { defineFlow, step } from '../harness/flow/index.ts';
 *
 *   export default defineFlow({
 *     id: 'client-credentials',
 *     title: 'Client Credentials',
 *     diagram: 'diagrams/client-credentials.mmd',
 *     needs: { clients: ['service'], grantTypes: ['client_credentials'] },
 *     steps: [
 *       step('Client', 'Authorization Server', 'Authenticate with client ID and secret', async (ctx) => {
 *         const client = ctx.target.client('service');
 *         const res = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'client_credentials' }, { client });
 *         ctx.state.token = res.json?.access_token;
 *         await ctx.check({ name: 'token response is 200 with a Bearer token', spec: 'RFC 6749 §4.4.3' }, (c) => {
 *           c.expectStatus(res, 200);
 *           c.expect(res.json.token_type?.toLowerCase(), 'token_type').toBe('bearer');
 *         });
 *       }),
 *       ...
 *     ],
 *   });
 *
 * The full reference is harness/flow/README.md.
 */
export { defineFlow, step, isFlowDefinition } from './define.ts';
export type { FlowDefinition, FlowNeeds, FlowState, NotApplicable, StepDefinition, StepFn, StepOptions } from './define.ts';
export type { FlowContext } from './context.ts';
export type { Fixture, FixtureArgs, Fixtures } from './fixtures.ts';
export { CheckFailure, CheckScope, parseWwwAuthenticate } from './check.ts';
export type { CheckCallOptions, CheckFn, CheckMeta } from './check.ts';
export type { CheckCatalogue, CheckDeclaration } from './define.ts';
export { flowCatalogue, type CatalogueEntry } from './catalogue.ts';
export type { Expectation } from './expect.ts';
export type { AuthorizeOptions, AuthorizeOutcome, PageOutcome, RedirectOutcome, ResponseMode } from '../browser/flow-browser.ts';
export type { HttpResponse, HttpRequestOptions, FormParams } from '../http/client.ts';
export { HttpError } from '../http/client.ts';
export { NotApplicableError } from '../target/model.ts';
export type { Target, TargetClient, TargetUser, ClientRole, UserRole, Capabilities, ServerMetadata } from '../target/model.ts';
export { supportsResponseType, sameResponseType } from '../target/capabilities.ts';
export { pkce, pkceChallenge, randomValue, withQuery } from './oauth.ts';
export * from '../results/model.ts';
