import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  getVariableValues,
  GraphQLError,
  Kind,
  OperationTypeNode,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** What the server needs from the graphql-jit executor: Apollo's gateway and the matching serializer. */
export interface JitExecutor {
  /** Serves the one local schema through Apollo's gateway interface. */
  gateway: GatewayInterface;
  /** Apollo's `stringifyResult`: the same text as `JSON.stringify`, with root fields serialised as they completed. */
  stringifyResult: (value: unknown) => string;
}

/** One operation, compiled: runs it for a request (whole, or one compiled part per root field). */
type Run = (context: unknown, variables: Record<string, unknown>) => Promise<ExecutionResult>;

/**
 * Executes operations with graphql-jit instead of graphql-js: each distinct operation is compiled
 * once into a JavaScript function (kept in a bounded LRU keyed by Apollo's query hash and operation
 * name) and then runs without graphql-js's per-field interpretation: a dashboard is thousands of
 * field completions, so compiling them once saves interpreting each one on every request.
 *
 * A query with several root fields (a dashboard asks each source under its own alias) runs as one
 * compiled operation per root field, all started in the same turn, so the loaders batch them
 * together. Each root field's answer is serialised as soon as it is complete, while the slower sources
 * are still being waited for, and `stringifyResult` splices those pieces in: only the last source's
 * part is left to serialise after the last vendor answer (bench/NOTES.md).
 *
 * Apollo Server 5 takes a custom executor only through its gateway interface, so this is a
 * "gateway" that serves one local schema. Apollo still parses, validates (graphql-armor's rules
 * included), runs every plugin and formats errors; only execution changes. Apollo's per-field hooks
 * (`willResolveField`, used by inline federated tracing) do not run here, so the server uses
 * graphql-js when `server.federatedTracing` is on.
 */
export function jitExecutor(schema: GraphQLSchema, maxCompiled = 500): JitExecutor {
  const compiled = new Map<string, Run>();
  // Root fields already serialised, per answer's data object (dropped with the answer).
  const serialised = new WeakMap<object, Map<string, string>>();
  // Stack traces of resolver errors are never sent, and the original error keeps its own.
  const options = { disablingCapturingStackErrors: true };

  /** The operation compiled per root field when it splits (splitRootFields), else whole; or the compile errors. */
  function compile(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined): Run | ExecutionResult {
    const split = splitRootFields(document, operation);
    const parts = split?.map(({ key, document: doc }) => ({ key, query: compileQuery(schema, doc, operationName, options) }));
    if (parts?.every((p) => isCompiledQuery(p.query))) {
      return (context, variables) => runParts(parts as { key: string; query: CompiledQuery }[], context, variables);
    }
    const whole = compileQuery(schema, document, operationName, options);
    if (!isCompiledQuery(whole)) return whole as ExecutionResult;
    return async (context, variables) => (await whole.query(undefined, context, variables)) as ExecutionResult;
  }

  /** Runs the root fields' operations side by side and merges them as one execution would. */
  async function runParts(parts: { key: string; query: CompiledQuery }[], context: unknown, variables: Record<string, unknown>): Promise<ExecutionResult> {
    const pieces = new Map<string, string>();
    const keep = (key: string, r: ExecutionResult) => {
      const value = (r.data as Record<string, unknown> | null | undefined)?.[key];
      if (value !== undefined) pieces.set(key, JSON.stringify(value));
      return r;
    };
    // Every part starts in this turn, before any awaits: their loads share the request's batches.
    const running = parts.map(({ key, query }) => {
      const r = query.query(undefined, context, variables) as ExecutionResult | PromiseLike<ExecutionResult>;
      return 'then' in r ? r.then((x) => keep(key, x)) : keep(key, r);
    });
    const results = await Promise.all(running);
    // Variables that do not coerce fail every part alike, before any field runs.
    const refused = results.find((r) => r.data === undefined);
    if (refused) return refused;
    const errors = results.flatMap((r) => r.errors ?? []);
    let data: Record<string, unknown> | null = {};
    for (let i = 0; i < parts.length; i++) {
      const d = results[i]!.data as Record<string, unknown> | null;
      // A non-null root field that failed nulls the whole answer, as in one execution.
      if (d === null) {
        data = null;
        break;
      }
      const key = parts[i]!.key;
      if (key in d) data[key] = d[key];
    }
    if (data) serialised.set(data, pieces);
    return errors.length ? { data, errors } : { data };
  }

  const executor: GatewayExecutor = async (rc) => {
    const key = `${rc.queryHash}\u0000${rc.operationName ?? ''}`;
    let run = compiled.get(key);
    if (run) {
      // Least recently used goes first: re-insert on every hit.
      compiled.delete(key);
      compiled.set(key, run);
    } else {
      const c = compile(rc.document, rc.operation, rc.operationName ?? undefined);
      if (typeof c !== 'function') return c;
      run = c;
      if (compiled.size >= maxCompiled) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, run);
    }
    const variables = rc.request.variables ?? {};
    const result = await run(rc.context, variables);
    if (!result.errors) return result;
    if (result.data === undefined) {
      // Variables that do not coerce: graphql-js's errors name the variable definition, which is
      // how Apollo recognises them (BAD_USER_INPUT, HTTP 400).
      const coerced = getVariableValues(schema, rc.operation.variableDefinitions ?? [], variables);
      if (coerced.errors) return { errors: coerced.errors };
    }
    // The same data object: its serialised root fields still apply.
    // Object.assign, not a spread with a field after it: see shaped() in core/errors.ts.
    return Object.assign({}, result, { errors: result.errors.map(asGraphQLError) });
  };

  function stringifyResult(value: unknown): string {
    const body = value as Record<string, unknown>;
    const data = body['data'];
    const pieces = data && typeof data === 'object' ? serialised.get(data) : undefined;
    if (!pieces) return JSON.stringify(value);
    return stringifyObject(body, (k, v) => (k === 'data' ? stringifyObject(v as Record<string, unknown>, (rootKey) => pieces.get(rootKey)) : undefined));
  }

  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
  return { gateway, stringifyResult };
}

/** `JSON.stringify` of a plain object, with the text of some members given (`known`) instead of serialised. */
function stringifyObject(obj: Record<string, unknown>, known: (key: string, value: unknown) => string | undefined): string {
  const members: string[] = [];
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    members.push(`${JSON.stringify(k)}:${known(k, v) ?? JSON.stringify(v)}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * One document per root response key of a query, each selecting only that key's fields (fragments
 * and the other operations kept), or undefined when the operation should run whole: a mutation
 * (its fields run one after another), a root selection that is not a plain field (a fragment
 * decides at run time which fields it adds), or a single root key.
 */
export function splitRootFields(document: DocumentNode, operation: OperationDefinitionNode): { key: string; document: DocumentNode }[] | undefined {
  if (operation.operation !== OperationTypeNode.QUERY) return undefined;
  const groups = new Map<string, FieldNode[]>();
  for (const sel of operation.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD) return undefined;
    const key = sel.alias?.value ?? sel.name.value;
    const group = groups.get(key);
    if (group) group.push(sel);
    else groups.set(key, [sel]);
  }
  if (groups.size < 2) return undefined;
  return [...groups].map(([key, selections]) => {
    const op: OperationDefinitionNode = { ...operation, selectionSet: { ...operation.selectionSet, selections } };
    return { key, document: { ...document, definitions: document.definitions.map((d) => (d === operation ? op : d)) } };
  });
}

/**
 * graphql-jit's errors inherit from GraphQLError but leave `extensions` undefined where graphql-js
 * always sets an object, and Apollo's error formatting reads `extensions.code`. Rebuilt as
 * graphql-js errors with the same message, path, locations and original error.
 */
function asGraphQLError(e: GraphQLError): GraphQLError {
  // GraphQLError's constructor captures a stack and then replaces it with the original error's, and
  // on Node 20 replacing a captured stack formats it first: with no frames there is nothing to
  // format, and the stack the error ends up with is the original's either way.
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
