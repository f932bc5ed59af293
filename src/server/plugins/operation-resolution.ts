import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';

/**
 * Refuses a document whose operation cannot be chosen (several operations and no operationName, or
 * an operationName it does not define) before execution: the executor behind Apollo's gateway
 * interface (graphql-jit) expects an operation, and without one the request would fail as a 500.
 */
export const operationResolutionPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (operation) return;
        const name = request.operationName;
        throw new GraphQLError(name ? `Unknown operation named "${name.slice(0, 100)}".` : 'Must provide operation name if query contains multiple operations.', {
          extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
        });
      },
    };
  },
};
