import type { ApolloServerPlugin } from '@apollo/server';
import { getLocation, type SourceLocation } from 'graphql';
import type { GatewayContext } from '../context.ts';

/** Adds the errors of sources that failed inside a list (which kept its other data) to the answer. */
export const partialErrorsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || contextValue.partialErrors.length === 0) return;
        // Built field by field, in the order graphql-js formats an error (see shaped() in core/errors.ts).
        const extra = contextValue.partialErrors.map(({ error, path, node }) => {
          const out: { message: string; locations?: SourceLocation[]; path?: (string | number)[]; extensions?: Record<string, unknown> } = { message: error.message };
          if (node?.loc) out.locations = [getLocation(node.loc.source, node.loc.start)];
          out.path = [...path];
          out.extensions = error.pbx ? { code: error.code, pbx: error.pbx } : { code: error.code };
          return out;
        });
        response.body.singleResult.errors = [...(response.body.singleResult.errors ?? []), ...extra];
      },
    };
  },
};
