import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';

/** With `server.debug`, each answer reports its vendor calls per source in `extensions.vendorCalls`. */
export const vendorCallsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        // Object.assign, not a spread with a field after it (see shaped() in core/errors.ts).
        response.body.singleResult.extensions = Object.assign({}, response.body.singleResult.extensions, {
          vendorCalls: Object.fromEntries(contextValue.scope.vendorCalls),
        });
      },
    };
  },
};
