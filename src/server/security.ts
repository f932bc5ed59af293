import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import type { ApiKeyConfig, Limits } from '../core/config.ts';
import type { GatewayContext } from './context.ts';

/** The caller a request was authenticated as. */
export interface Caller {
  /** Key name (or `anonymous` when no keys are configured). */
  name: string;
  /** Granted scopes. */
  scopes: ReadonlySet<'read' | 'write' | 'secrets'>;
  /** Visible source ids; undefined means all. */
  sources: ReadonlySet<string> | undefined;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * API keys, compared in constant time: both sides are hashed to a fixed length first, so neither the
 * comparison nor an early length mismatch tells an attacker how much of a guess was right.
 */
export class ApiKeys {
  readonly #keys: { digest: Buffer; caller: Caller }[];

  constructor(keys: readonly ApiKeyConfig[]) {
    this.#keys = keys.map((k) => ({
      digest: digest(k.key),
      caller: { name: k.name, scopes: new Set(k.scopes), sources: k.sources ? new Set(k.sources) : undefined },
    }));
  }

  /** True when keys are configured (the demo has none). */
  get enabled(): boolean {
    return this.#keys.length > 0;
  }

  /** The caller for the request's `Authorization: Bearer` or `x-api-key` header; null when refused. */
  authenticate(headers: IncomingHttpHeaders): Caller | null {
    // The demo has no keys: it may read and write, but a generated secret still needs a key that says so.
    if (!this.enabled) return { name: 'anonymous', scopes: new Set(['read', 'write']), sources: undefined };
    const auth = headers['authorization'];
    const bearer = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
    const header = headers['x-api-key'];
    const presented = bearer ?? (typeof header === 'string' ? header.trim() : undefined);
    if (!presented) return null;
    const d = digest(presented);
    let found: Caller | null = null;
    // Compare against every key (no early exit) so timing does not reveal which key matched.
    for (const k of this.#keys) if (timingSafeEqual(d, k.digest)) found = k.caller;
    return found;
  }
}

/** A token bucket per caller: `capacity` requests at once, refilled at `refillPerSecond`. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the seconds to wait before one is available. */
  take(key: string): number {
    const t = this.now();
    const b = this.#buckets.get(key) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.refillPerSecond);
    b.at = t;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerSecond));
  }
}

/** Counts the root fields of each operation (fragments on the root type included). */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const count = (set: SelectionSetNode, seen: Set<string>): number =>
      set.selections.reduce((n, sel) => {
        if (sel.kind === Kind.FIELD) return n + (sel.name.value.startsWith('__') ? 0 : 1);
        if (sel.kind === Kind.INLINE_FRAGMENT) return n + count(sel.selectionSet, seen);
        const name = sel.name.value;
        if (seen.has(name)) return n;
        seen.add(name);
        const frag = context.getFragment(name);
        return frag ? n + count(frag.selectionSet, seen) : n;
      }, 0);
    return {
      OperationDefinition(node) {
        const n = count(node.selectionSet, new Set());
        if (n > max) context.reportError(new GraphQLError(`Syntax Error: Query root fields limit of ${max} exceeded, found ${n}.`, { nodes: [node] }));
      },
    };
  };
}

/** graphql-armor's protections with our numbers, plus the root-field rule. */
export function operationLimits(limits: Limits, production: boolean): { plugins: ApolloServerPlugin<GatewayContext>[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxTokens: { n: limits.maxTokens },
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    // Suggestions map the schema for someone who cannot introspect it: off in production.
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  return {
    plugins: protection.plugins as ApolloServerPlugin<GatewayContext>[],
    validationRules: [...protection.validationRules, maxRootFieldsRule(limits.maxRootFields)],
  };
}

/**
 * Scopes, enforced in one place: once the operation is known, a mutation needs `write` and anything
 * else needs `read`. No resolver checks scopes.
 */
export const scopePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        const needed = operation?.operation === 'mutation' ? 'write' : 'read';
        if (!contextValue.caller.scopes.has(needed)) {
          throw new GraphQLError(`this API key lacks the ${needed} scope`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
        }
      },
    };
  },
};
