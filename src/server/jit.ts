import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { getVariableValues, GraphQLError, printSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Executes operations with graphql-jit instead of graphql-js: each distinct operation is compiled
 * once into a JavaScript function (kept in a bounded LRU keyed by Apollo's query hash and operation
 * name) and then runs without graphql-js's per-field interpretation. A 250-row dashboard is
 * thousands of field completions, and this is where most of a query's CPU went (bench/RESULTS.md).
 *
 * Apollo Server 5 takes a custom executor only through its gateway interface, so this is a
 * "gateway" that serves one local schema. Apollo still parses, validates (graphql-armor's rules
 * included), runs every plugin and formats errors; only execution changes. Apollo's per-field hooks
 * (`willResolveField`, used by inline federated tracing) do not run here, so the server uses
 * graphql-js when `server.federatedTracing` is on.
 */
export function jitGateway(schema: GraphQLSchema, maxCompiled = 500): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();

  const executor: GatewayExecutor = async (rc) => {
    const key = `${rc.queryHash}\u0000${rc.operationName ?? ''}`;
    let query = compiled.get(key);
    if (query) {
      // Least recently used goes first: re-insert on every hit.
      compiled.delete(key);
      compiled.set(key, query);
    } else {
      // Stack traces of resolver errors are never sent, and the original error keeps its own.
      const c = compileQuery(schema, rc.document, rc.operationName ?? undefined, { disablingCapturingStackErrors: true });
      if (!isCompiledQuery(c)) return c as ExecutionResult;
      query = c;
      if (compiled.size >= maxCompiled) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    const variables = rc.request.variables ?? {};
    const result = (await query.query(undefined, rc.context, variables)) as ExecutionResult;
    if (!result.errors) return result;
    if (result.data === undefined) {
      // Variables that do not coerce: graphql-js's errors name the variable definition, which is
      // how Apollo recognises them (BAD_USER_INPUT, HTTP 400).
      const coerced = getVariableValues(schema, rc.operation.variableDefinitions ?? [], variables);
      if (coerced.errors) return { errors: coerced.errors };
    }
    return { ...result, errors: result.errors.map(asGraphQLError) };
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors inherit from GraphQLError but leave `extensions` undefined where graphql-js
 * always sets an object, and Apollo's error formatting reads `extensions.code`. Rebuilt as
 * graphql-js errors with the same message, path, locations and original error.
 */
function asGraphQLError(e: GraphQLError): GraphQLError {
  // GraphQLError's constructor captures a stack (`super(message)`) and then replaces it with the
  // original error's; on Node 20 replacing a captured stack formats it first, through node's
  // prepareStackTrace, at 10 frames (about 0.1 ms per error in a profile of Q4). No frames,
  // nothing to format: the stack the error ends up with is the original's either way.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let g: GraphQLError;
  try {
    g = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? {} });
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (e.locations) Object.defineProperty(g, 'locations', { value: e.locations, enumerable: true });
  return g;
}
