import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';

/** Records the operation's name and type and the answer's error codes, for the request log and metrics. */
export const requestInfoPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, contextValue }) {
        contextValue.meta.operationName = operation?.name?.value ?? request.operationName ?? null;
        contextValue.meta.operationType = operation?.operation ?? null;
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        if (!errors?.length) return;
        const codes: string[] = [];
        for (const e of errors) {
          const code = e.extensions?.['code'];
          const name = typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
          if (!codes.includes(name)) codes.push(name);
        }
        contextValue.meta.errorCodes = codes;
      },
    };
  },
};
