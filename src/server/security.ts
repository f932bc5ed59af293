import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type ASTVisitor, type DocumentNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import type { ApiKeyConfig, Limits } from '../core/config.ts';
import { MAX_PAGE_SIZE } from './connection.ts';
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
        if (n > max) context.reportError(new GraphQLError(`The operation has ${n} root fields; the limit is ${max} (limits.maxRootFields).`, { nodes: [node] }));
      },
    };
  };
}

/** The `first` literals of a document above the page-size cap (they make the static cost huge). */
function firstsAbove(document: DocumentNode, max: number): { value: string; node: ASTNode }[] {
  const found: { value: string; node: ASTNode }[] = [];
  visit(document, {
    Argument(node) {
      if (node.name.value === 'first' && node.value.kind === Kind.INT && Number(node.value.value) > max) found.push({ value: node.value.value, node });
    },
  });
  return found;
}

/** graphql-armor's wording ("Syntax Error: Aliases limit of 3 exceeded, found 4.") in the gateway's: the number asked, the limit, the setting. */
const ARMOR_MESSAGES: { pattern: RegExp; say: (limit: string, found: string) => string }[] = [
  { pattern: /Query depth limit of (\d+) exceeded, found (\d+)/, say: (l, f) => `The operation is ${f} levels deep; the limit is ${l} (limits.maxDepth).` },
  { pattern: /Aliases limit of (\d+) exceeded, found (\d+)/, say: (l, f) => `The operation has ${f} aliases; the limit is ${l} (limits.maxAliases).` },
  { pattern: /Directives limit of (\d+) exceeded, found (\d+)/, say: (l, f) => `The operation has ${f} directives; the limit is ${l} (limits.maxDirectives).` },
  {
    pattern: /Query Cost limit of (\d+) exceeded, found ([\d.]+)/,
    say: (l, f) => `The operation's cost is ${Math.ceil(Number(f))}; the limit is ${l} (limits.maxCost). Ask for fewer items (first) or fewer fields.`,
  },
];

/**
 * Reports an armor rejection in the gateway's words instead of throwing it (a throw would end
 * validation at the first limit and hide the others). A cost rejected because of an oversized
 * `first` literal says that `first` is the problem, since that is what the user must change.
 */
function reportRejection(context: ValidationContext | null, error: GraphQLError): void {
  if (!context) throw error;
  const rule = ARMOR_MESSAGES.find((m) => m.pattern.test(error.message));
  const match = rule ? rule.pattern.exec(error.message) : null;
  if (rule === ARMOR_MESSAGES[3]) {
    const firsts = firstsAbove(context.getDocument(), MAX_PAGE_SIZE);
    if (firsts.length > 0) {
      for (const f of firsts) context.reportError(new GraphQLError(`\`first\` must be at most ${MAX_PAGE_SIZE}; got ${f.value}.`, { nodes: [f.node] }));
      return;
    }
  }
  context.reportError(new GraphQLError(rule && match ? rule.say(match[1]!, match[2]!) : error.message.replace(/^Syntax Error: /, '')));
}

/** What the Apollo server takes from the operation limits. */
export interface OperationLimits {
  /** Armor's Apollo plugins (field-suggestion blocking). */
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Validation rules: depth, aliases, directives, cost, root fields. */
  validationRules: ValidationRule[];
  /** graphql-js parse options: the token limit, enforced by the parser itself so an overlong document is a 400 parse failure. */
  parseOptions: { maxTokens: number };
}

/** graphql-armor's protections with our numbers, plus the root-field rule and the parser's token limit. */
export function operationLimits(limits: Limits, production: boolean): OperationLimits {
  const rejection = { propagateOnRejection: false, onReject: [reportRejection] };
  const armor = new ApolloArmor({
    // Counted by graphql-js's parser (parseOptions below): armor's version runs as a parse hook, and an error thrown there is a 500.
    maxTokens: { enabled: false },
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...rejection },
    maxAliases: { n: limits.maxAliases, ...rejection },
    maxDirectives: { n: limits.maxDirectives, ...rejection },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, ...rejection },
    // Suggestions map the schema for someone who cannot introspect it: off in production.
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  return {
    plugins: protection.plugins as ApolloServerPlugin<GatewayContext>[],
    validationRules: [...protection.validationRules, maxRootFieldsRule(limits.maxRootFields)],
    parseOptions: { maxTokens: limits.maxTokens },
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
