import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import { requestErrorsPlugin } from '../request-errors.ts';
import { operationResolutionPlugin } from './operation-resolution.ts';
import { releasePlugin } from './release.ts';
import { requestInfoPlugin } from './request-info.ts';
import { vendorCallsPlugin } from './vendor-calls.ts';

export { operationResolutionPlugin, requestErrorsPlugin, releasePlugin, requestInfoPlugin, vendorCallsPlugin };

/** The gateway's own plugins, in the order their willSendResponse hooks must run (errors complete before they are counted). */
export function gatewayPlugins(opts: { debug: boolean }): ApolloServerPlugin<GatewayContext>[] {
  return [operationResolutionPlugin, requestErrorsPlugin as ApolloServerPlugin<GatewayContext>, requestInfoPlugin, releasePlugin, ...(opts.debug ? [vendorCallsPlugin] : [])];
}
