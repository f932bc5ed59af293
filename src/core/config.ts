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
    /** Hard deadline of a shutdown, ms: in-flight requests drain for half of it, then the process exits whatever is stuck. */
    shutdownTimeoutMs: number;
    /** Serve /metrics on this port instead of the API's (0 picks a free one); unset keeps it on the API's port. */
    metricsPort: number | undefined;
    /** Bearer token /metrics requires; unset: an API key when keys are configured, else none. */
    metricsToken: string | undefined;
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
  /** Shared state of replicas (REDIS_URL sets or overrides the URL); absent: everything in memory. */
  redis?: RedisConfig | undefined;
}

/** Where replicas share state. */
export interface RedisConfig {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Key prefix of this deployment (replicas of one deployment share it). */
  prefix: string;
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
  /** `read` (queries), `write` (mutations), `secrets` (vendor-generated secrets, returned once). */
  scopes: ('read' | 'write' | 'secrets')[];
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

/** A configuration error: names each field and value at fault (secrets redacted), all of them at once. */
export class ConfigError extends Error {
  /** One line per problem, `path: what is wrong (value: ...)`. */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = []) {
    super(message);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Keys whose values are credentials: never echoed in an error. */
const SECRETISH = /key|secret|password|passwd|token|auth|credential|pin/i;

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
    shutdownTimeoutMs: z.number().int().min(500).max(600_000).default(10_000),
    metricsPort: z.number().int().min(0).max(65535).optional(),
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .strict()
  .default({ port: 4000, debug: false, bodyLimitBytes: 100_000, federatedTracing: false, shutdownTimeoutMs: 10_000 });

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
    scopes: z.array(z.enum(['read', 'write', 'secrets'])).min(1),
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
    redis: z
      .object({
        url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
        prefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, ., :, - or _').default('pbx-graph'),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Replaces every `${NAME}` in string values with the environment variable, failing on unknown names. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  const report = new ConfigReport();
  const out = interpolate(value, env, path, report);
  report.throwIfAny();
  return out;
}

/**
 * The problems of one configuration, collected rather than thrown one by one, and what must never
 * be echoed: every value read from the environment and every value under a secret-bearing key.
 */
class ConfigReport {
  /** Problem lines. */
  readonly issues: string[] = [];
  /** Values that must not appear in a message. */
  readonly secrets = new Set<string>();

  /** Adds a problem. */
  add(path: string, message: string): void {
    this.issues.push(`${path || 'config'}: ${message}`);
  }

  /** Throws every problem found, one per line, with secret values blotted out of the text as a last guard. */
  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const lines = this.issues.map((line) => this.redact(line));
    throw new ConfigError(
      lines.length === 1 ? `invalid configuration: ${lines[0]}` : `invalid configuration (${lines.length} problems):\n  - ${lines.join('\n  - ')}`,
      lines,
    );
  }

  /** `text` with every known secret value replaced. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is blotted out whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (secret.length >= 3) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
}

function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string, report: ConfigReport): unknown {
  if (typeof value === 'string') {
    let fromEnv = false;
    const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        report.add(path, `environment variable ${name} is not set`);
        return '';
      }
      fromEnv = true;
      report.secrets.add(v);
      return v;
    });
    if (fromEnv) report.secrets.add(out);
    if (SECRETISH.test(lastKey(path)) && out !== '') report.secrets.add(out);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}[${i}]`, report));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k, report)]));
  }
  if ((typeof value === 'number' || typeof value === 'boolean') && SECRETISH.test(lastKey(path))) report.secrets.add(String(value));
  return value;
}

/** The last key of a dotted path (`sources[0].appKey` gives `appKey`). */
function lastKey(path: string): string {
  return /([A-Za-z0-9_]+)(?:\[\d+\])*$/.exec(path)?.[1] ?? '';
}

/** A value for an error line: secrets and secret-keyed fields redacted, long values cut short. */
function describeValue(path: readonly PropertyKey[], root: unknown, report: ConfigReport): string {
  let v: unknown = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p as string] : undefined;
  if (v === undefined) return ' (missing)';
  const key = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (key !== undefined && SECRETISH.test(key)) return ' (value: [redacted])';
  const text = JSON.stringify(redactValue(v, report));
  return ` (value: ${text.length > 120 ? `${text.slice(0, 117)}...` : text})`;
}

function redactValue(v: unknown, report: ConfigReport): unknown {
  if (typeof v === 'string') return report.redact(v);
  if (Array.isArray(v)) return v.map((x) => redactValue(x, report));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRETISH.test(k) ? '[redacted]' : redactValue(x, report)]));
  }
  return v;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** The keys an object schema accepts at `path` inside `schema`, for "did you mean". */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[] };
  const defOf = (t: z.ZodType): Def => (t as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = (t: z.ZodType): z.ZodType[] => {
    const def = defOf(t);
    if (def.innerType) return unwrap(def.innerType);
    if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
    return [t];
  };
  let current = unwrap(schema);
  for (const p of path) {
    current = current.flatMap((t) => {
      const def = defOf(t);
      if (def.type === 'object' && typeof p === 'string' && def.shape?.[p]) return unwrap(def.shape[p]);
      if (def.type === 'array' && typeof p === 'number' && def.element) return unwrap(def.element);
      return [];
    });
  }
  return current.flatMap((t) => Object.keys(defOf(t).shape ?? {}));
}

/** The closest known key to a typo (edit distance, case-insensitive), if close enough to be a likely mistake. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  // Edit distance with adjacent transpositions (optimal string alignment): "prot" is one step from "port".
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
        d[i]![j] = v;
      }
    }
    return d[a.length]![b.length]!;
  };
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { key: k, d };
  }
  return best && best.d <= Math.max(1, Math.floor(key.length / 3)) ? best.key : undefined;
}

/** Files every issue of a failed zod parse, unknown keys one per line with a suggestion and no value. */
function collect(prefix: readonly PropertyKey[], schema: z.ZodType, error: z.ZodError, root: unknown, report: ConfigReport): void {
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        report.add(formatPath([...prefix, ...issue.path, key]), `unknown key${hint ? `; did you mean "${hint}"?` : known.length ? `; expected one of ${known.join(', ')}` : ''}`);
      }
      continue;
    }
    report.add(formatPath([...prefix, ...issue.path]), `${issue.message}${describeValue(issue.path, root, report)}`);
  }
}

/**
 * Validates a raw configuration object (already read from JSON or YAML). Each source is checked
 * against the base keys plus its vendor's own keys; unknown keys are errors, so typos fail fast.
 * Every problem is reported in one ConfigError, and no secret value is ever part of it.
 */
export function parseConfig(raw: unknown, vendors: ReadonlyMap<string, VendorModule>, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const report = new ConfigReport();
  const interpolated = interpolate(raw, env, '', report);
  const top = topSchema.safeParse(interpolated);
  if (!top.success) collect([], topSchema, top.error, interpolated, report);
  const sources: BaseSourceConfig[] = [];
  const seen = new Set<string>();
  const rawSources = (interpolated as { sources?: unknown } | null)?.sources;
  (Array.isArray(rawSources) ? rawSources : []).forEach((rawSource: unknown, i) => {
    if (!rawSource || typeof rawSource !== 'object' || Array.isArray(rawSource)) return;
    const vendorName = (rawSource as Record<string, unknown>)['vendor'];
    const mod = typeof vendorName === 'string' ? vendors.get(vendorName) : undefined;
    if (!mod) {
      report.add(`sources[${i}].vendor`, `unknown vendor${describeValue(['vendor'], rawSource, report)}; expected one of ${[...vendors.keys()].join(', ')}`);
      return;
    }
    const schema = z.object({ ...baseSourceShape, ...mod.configShape }).strict();
    const parsed = schema.safeParse(rawSource);
    if (!parsed.success) {
      collect([`sources[${i}]`], schema, parsed.error, rawSource, report);
      return;
    }
    const src = parsed.data as BaseSourceConfig & { name?: string };
    if (seen.has(src.id)) report.add(`sources[${i}].id`, `duplicate source id (value: ${JSON.stringify(src.id)})`);
    seen.add(src.id);
    sources.push({ ...src, name: src.name ?? src.id });
  });
  const envPort = env['PORT'];
  let port = top.success ? top.data.server.port : 4000;
  if (envPort !== undefined && envPort !== '') {
    const n = Number(envPort);
    if (!Number.isInteger(n) || n < 0 || n > 65535) report.add('PORT', `must be a port number (value: ${JSON.stringify(envPort)})`);
    port = n;
  }
  const keys = top.success ? top.data.apiKeys : [];
  keys.forEach((k, i) => {
    for (const [j, sid] of (k.sources ?? []).entries()) {
      if (!seen.has(sid)) report.add(`apiKeys[${i}].sources[${j}]`, `no such source (value: ${JSON.stringify(sid)})`);
    }
    if (keys.findIndex((o) => o.name === k.name) !== i) report.add(`apiKeys[${i}].name`, `duplicate key name (value: ${JSON.stringify(k.name)})`);
    if (keys.findIndex((o) => o.key === k.key) !== i) report.add(`apiKeys[${i}].key`, 'the same key is configured twice');
  });
  // Inline traces need Apollo's per-field hooks, which only its own graphql-js execution calls.
  if (top.success && top.data.server.federatedTracing && top.data.server.executor === 'jit') {
    report.add('server.executor', 'federated tracing needs the graphql-js executor (value: "jit")');
  }
  // REDIS_URL alone turns sharing on (the usual way to hand a container its Redis); its value is never echoed.
  const redisUrl = env['REDIS_URL'] || (top.success ? top.data.redis?.url : undefined);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) report.add('REDIS_URL', 'must be a redis:// or rediss:// URL (value: [redacted])');
  report.throwIfAny();
  if (!top.success) throw new ConfigError('invalid configuration');
  const redis = redisUrl ? { url: redisUrl, prefix: top.data.redis?.prefix ?? 'pbx-graph' } : undefined;
  const production = env['NODE_ENV'] === 'production';
  const srv = top.data.server;
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
      shutdownTimeoutMs: srv.shutdownTimeoutMs,
      metricsPort: srv.metricsPort,
      metricsToken: srv.metricsToken,
    },
    limits: top.data.limits,
    apiKeys: keys,
    rateLimit: top.data.rateLimit,
    sources,
    live: top.data.live,
    demo: false,
    redis,
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
    throw new ConfigError(`cannot parse configuration file ${path}: ${parseProblem(err, text)}`);
  }
  return parseConfig(raw, vendors, env);
}

/**
 * A parse error without the parser's excerpt of the file: the line it quotes may hold a secret. The
 * first line of the message and the position are enough to find the mistake.
 */
function parseProblem(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const linePos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  if (linePos) return `${message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '')} (line ${linePos.line}, column ${linePos.col})`;
  const at = /at position (\d+)/.exec(message);
  if (at) {
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    return `not valid JSON (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
  }
  return 'not valid JSON or YAML';
}
