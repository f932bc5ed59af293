import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { BaseSourceConfig, VendorModule } from './vendor-module.ts';
import { DEFAULT_ANSWER_MEMO_BYTES } from './answer-memo.ts';
import type { BreakerOptions } from './http.ts';

/** The validated configuration: parsed once at start-up. */
export interface AppConfig {
  /** HTTP server. */
  server: {
    /** Port (PORT overrides). */
    port: number;
    /** Interface to bind. */
    host: string;
    /** Report vendor calls per source in response `extensions`. */
    debug: boolean;
    /** Introspection on (default: on, off when NODE_ENV=production). */
    introspection: boolean;
    /** Apollo Sandbox landing page on (default: on, off when NODE_ENV=production). */
    landingPage: boolean;
    /** Largest request body, bytes. */
    bodyLimitBytes: number;
    /** NODE_ENV=production: no field suggestions, and the defaults above turn off. */
    production: boolean;
    /** Answer a federation router's request for inline traces (ftv1); off by default (it costs CPU on every field). */
    federatedTracing: boolean;
    /** What executes operations: graphql-jit (compiled, the default) or graphql-js (needed for federated tracing). */
    executor: 'jit' | 'graphql-js';
  };
  /** Operation limits (graphql-armor plus root fields). */
  limits: Limits;
  /** API keys; empty means no authentication (the demo). */
  apiKeys: ApiKeyConfig[];
  /** Per-key token bucket. */
  rateLimit: { capacity: number; refillPerSecond: number };
  /** PBX sources, each validated by its vendor's own keys. */
  sources: BaseSourceConfig[];
  /** Limits of GraphQL subscriptions over WebSocket (src/live/). */
  live: LiveConfig;
  /** True when the sources are the built-in simulators (no configuration given). */
  demo: boolean;
}

/** Limits of the subscription socket. */
export interface LiveConfig {
  /** Most subscriptions open at once per API key (all its sockets together). */
  maxSubscriptionsPerKey: number;
  /** A socket whose unsent bytes exceed this is closed (a slow client). */
  maxBufferedBytes: number;
  /** A subscription whose undelivered events exceed this is closed with its socket (a slow client). */
  maxQueuedEvents: number;
  /** Interval of the server's keep-alive pings, ms (a socket that misses one pong is closed). */
  keepAliveMs: number;
}

/** Operation limits. */
export interface Limits {
  /** Most lexical tokens in a document. */
  maxTokens: number;
  /** Deepest selection. */
  maxDepth: number;
  /** Most aliases. */
  maxAliases: number;
  /** Most root fields in one operation. */
  maxRootFields: number;
  /** Most directives. */
  maxDirectives: number;
  /** Highest static cost (graphql-armor cost model). */
  maxCost: number;
}

/** One API key of the gateway. */
export interface ApiKeyConfig {
  /** Name, shown in logs (never the key). */
  name: string;
  /** The key itself. */
  key: string;
  /** `read` (queries) and/or `write` (mutations). */
  scopes: ('read' | 'write')[];
  /** Source ids this key may see; absent means all. */
  sources?: string[] | undefined;
}

/** Default limits (README lists them). */
export const DEFAULT_LIMITS: Limits = { maxTokens: 2000, maxDepth: 12, maxAliases: 30, maxRootFields: 20, maxDirectives: 20, maxCost: 100_000 };

/** Default circuit breaker of every source (README lists it). */
export const DEFAULT_BREAKER: BreakerOptions = { minCalls: 5, failurePercent: 50, windowMs: 30_000, openMs: 10_000 };

/** Default `watchIntervalMs` of every source (README lists it). */
export const DEFAULT_WATCH_INTERVAL_MS = 5000;

/** Default limits of the subscription socket (README lists them). */
export const DEFAULT_LIVE: LiveConfig = { maxSubscriptionsPerKey: 500, maxBufferedBytes: 1_048_576, maxQueuedEvents: 200, keepAliveMs: 12_000 };

/** A configuration error: names the field and the value at fault. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const SECRETISH = /key|secret|password|token|auth/i;

const baseSourceShape = {
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
  vendor: z.string(),
  name: z.string().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
  // The circuit breaker (src/core/http.ts); false sends every call whatever the vendor's state.
  breaker: z
    .union(
      [
        z.literal(false),
        z
          .object({
            minCalls: z.number().int().min(1).max(10_000).default(DEFAULT_BREAKER.minCalls),
            failurePercent: z.number().int().min(1).max(99).default(DEFAULT_BREAKER.failurePercent),
            windowMs: z.number().int().min(1000).max(3_600_000).default(DEFAULT_BREAKER.windowMs),
            openMs: z.number().int().min(100).max(600_000).default(DEFAULT_BREAKER.openMs),
          })
          .strict(),
      ],
      { error: 'must be false or an object of minCalls, failurePercent, windowMs and openMs (integers)' },
    )
    .default(DEFAULT_BREAKER),
  // Raw bytes of answers kept to recognise an unchanged one (src/core/answer-memo.ts); 0 keeps none.
  answerMemoBytes: z.number().int().min(0).max(1_073_741_824).default(DEFAULT_ANSWER_MEMO_BYTES),
  // How often the live watcher (src/live/) asks this source for status while anyone subscribes.
  watchIntervalMs: z.number().int().min(100).max(3_600_000).default(DEFAULT_WATCH_INTERVAL_MS),
};

const serverSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(4000),
    host: z.string().min(1).optional(),
    debug: z.boolean().default(false),
    introspection: z.boolean().optional(),
    landingPage: z.boolean().optional(),
    bodyLimitBytes: z.number().int().min(1024).max(10_000_000).default(100_000),
    federatedTracing: z.boolean().default(false),
    executor: z.enum(['jit', 'graphql-js']).optional(),
  })
  .strict()
  .default({ port: 4000, debug: false, bodyLimitBytes: 100_000, federatedTracing: false });

const limit = (def: number, max: number) => z.number().int().min(1).max(max).default(def);
const limitsSchema = z
  .object({
    maxTokens: limit(DEFAULT_LIMITS.maxTokens, 100_000),
    maxDepth: limit(DEFAULT_LIMITS.maxDepth, 100),
    maxAliases: limit(DEFAULT_LIMITS.maxAliases, 1000),
    maxRootFields: limit(DEFAULT_LIMITS.maxRootFields, 1000),
    maxDirectives: limit(DEFAULT_LIMITS.maxDirectives, 1000),
    maxCost: limit(DEFAULT_LIMITS.maxCost, 10_000_000),
  })
  .strict()
  .default(DEFAULT_LIMITS);

const apiKeySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ., - or _'),
    key: z.string().min(16, 'must be at least 16 characters'),
    scopes: z.array(z.enum(['read', 'write'])).min(1),
    sources: z.array(z.string()).optional(),
  })
  .strict();

const topSchema = z
  .object({
    server: serverSchema,
    limits: limitsSchema,
    apiKeys: z.array(apiKeySchema).default([]),
    rateLimit: z
      .object({ capacity: z.number().int().min(1).max(1_000_000).default(120), refillPerSecond: z.number().positive().max(1_000_000).default(20) })
      .strict()
      .default({ capacity: 120, refillPerSecond: 20 }),
    sources: z.array(z.record(z.string(), z.unknown())).min(1, 'at least one source is needed'),
    live: z
      .object({
        maxSubscriptionsPerKey: z.number().int().min(1).max(1_000_000).default(DEFAULT_LIVE.maxSubscriptionsPerKey),
        maxBufferedBytes: z.number().int().min(1024).max(1_073_741_824).default(DEFAULT_LIVE.maxBufferedBytes),
        maxQueuedEvents: z.number().int().min(1).max(100_000).default(DEFAULT_LIVE.maxQueuedEvents),
        keepAliveMs: z.number().int().min(100).max(600_000).default(DEFAULT_LIVE.keepAliveMs),
      })
      .strict()
      .default(DEFAULT_LIVE),
  })
  .strict();

/** Replaces every `${NAME}` in string values with the environment variable, failing on unknown names. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`${path || 'config'}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

function describeValue(path: (string | number | symbol)[], root: unknown): string {
  let v: unknown = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p as string] : undefined;
  const last = String(path[path.length - 1] ?? '');
  if (v !== undefined && SECRETISH.test(last)) return ' (value: [redacted])';
  return v === undefined ? ' (missing)' : ` (value: ${JSON.stringify(v)})`;
}

function formatPath(path: (string | number | symbol)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function fail(prefix: string, error: z.ZodError, root: unknown): never {
  const lines = error.issues.map((i) => `${formatPath([...(prefix ? [prefix] : []), ...i.path]) || 'config'}: ${i.message}${describeValue(i.path, root)}`);
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
}

/**
 * Validates a raw configuration object (already read from JSON or YAML). Each source is checked
 * against the base keys plus its vendor's own keys; unknown keys are errors, so typos fail fast.
 */
export function parseConfig(raw: unknown, vendors: ReadonlyMap<string, VendorModule>, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const interpolated = interpolateEnv(raw, env);
  const top = topSchema.safeParse(interpolated);
  if (!top.success) fail('', top.error, interpolated);
  const sources: BaseSourceConfig[] = [];
  const seen = new Set<string>();
  top.data.sources.forEach((rawSource, i) => {
    const vendorName = rawSource['vendor'];
    const mod = typeof vendorName === 'string' ? vendors.get(vendorName) : undefined;
    if (!mod) {
      throw new ConfigError(
        `invalid configuration: sources[${i}].vendor: unknown vendor (value: ${JSON.stringify(vendorName)}); expected one of ${[...vendors.keys()].join(', ')}`,
      );
    }
    const schema = z.object({ ...baseSourceShape, ...mod.configShape }).strict();
    const parsed = schema.safeParse(rawSource);
    if (!parsed.success) fail(`sources[${i}]`, parsed.error, rawSource);
    const src = parsed.data as BaseSourceConfig & { name?: string };
    if (seen.has(src.id)) throw new ConfigError(`invalid configuration: sources[${i}].id: duplicate source id (value: ${JSON.stringify(src.id)})`);
    seen.add(src.id);
    sources.push({ ...src, name: src.name ?? src.id });
  });
  const envPort = env['PORT'];
  let port = top.data.server.port;
  if (envPort !== undefined) {
    const n = Number(envPort);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`invalid configuration: PORT: must be a port number (value: ${JSON.stringify(envPort)})`);
    port = n;
  }
  const keys = top.data.apiKeys;
  keys.forEach((k, i) => {
    for (const [j, sid] of (k.sources ?? []).entries()) {
      if (!seen.has(sid)) throw new ConfigError(`invalid configuration: apiKeys[${i}].sources[${j}]: no such source (value: ${JSON.stringify(sid)})`);
    }
    if (keys.findIndex((o) => o.name === k.name) !== i) throw new ConfigError(`invalid configuration: apiKeys[${i}].name: duplicate key name (value: ${JSON.stringify(k.name)})`);
    if (keys.findIndex((o) => o.key === k.key) !== i) throw new ConfigError(`invalid configuration: apiKeys[${i}].key: the same key is configured twice`);
  });
  const production = env['NODE_ENV'] === 'production';
  const srv = top.data.server;
  // Inline traces need Apollo's per-field hooks, which only its own graphql-js execution calls.
  if (srv.federatedTracing && srv.executor === 'jit') {
    throw new ConfigError('invalid configuration: server.executor: federated tracing needs the graphql-js executor (value: "jit")');
  }
  return {
    server: {
      port,
      host: srv.host ?? '0.0.0.0',
      debug: srv.debug,
      introspection: srv.introspection ?? !production,
      landingPage: srv.landingPage ?? !production,
      bodyLimitBytes: srv.bodyLimitBytes,
      production,
      federatedTracing: srv.federatedTracing,
      executor: srv.executor ?? (srv.federatedTracing ? 'graphql-js' : 'jit'),
    },
    limits: top.data.limits,
    apiKeys: keys,
    rateLimit: top.data.rateLimit,
    sources,
    live: top.data.live,
    demo: false,
  };
}

/** Reads and validates a JSON or YAML configuration file. */
export function loadConfigFile(path: string, vendors: ReadonlyMap<string, VendorModule>, env: NodeJS.ProcessEnv = process.env): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`cannot parse configuration file ${path}: ${(err as Error).message}`);
  }
  return parseConfig(raw, vendors, env);
}
