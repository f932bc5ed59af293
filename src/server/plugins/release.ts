import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';

/** Hands the context Apollo's response object, so releaseContext can let go of the answer tree. */
export const releasePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue, response }) {
    contextValue.meta.response = response;
  },
};
