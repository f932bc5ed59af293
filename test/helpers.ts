import { Writable } from 'node:stream';
import { parseConfig } from '../src/core/config.ts';
import { createLogger, silentLogger, type Logger } from '../src/core/logger.ts';
import type { SimulatorHandle, SimulatorOptions, VendorModule } from '../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';

/** A GraphQL answer. */
export interface GqlResult<D = any> {
  /** HTTP status. */
  status: number;
  /** Data. */
  data?: D;
  /** Errors. */
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; pbx?: string; [k: string]: unknown } }[];
  /** Extensions (vendorCalls with debug on). */
  extensions?: Record<string, any>;
}

/** A gateway over simulators, for end-to-end tests. */
export interface TestStack {
  /** The gateway. */
  gateway: Gateway;
  /** The simulators by vendor key. */
  sims: Map<string, SimulatorHandle>;
  /** Log lines the gateway wrote (JSON strings). */
  logLines: string[];
  /** POSTs a GraphQL operation. */
  gql<D = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<D>>;
  /** Resets every simulator's counters. */
  reset(): void;
  /** Starts another gateway over the same simulators, with these `server` keys changed; closed with the stack. */
  another(server: Record<string, unknown>): Promise<Gateway>;
  /** Stops everything. */
  close(): Promise<void>;
}

/** Options of a test stack. */
export interface StackOptions extends SimulatorOptions {
  /** Vendors whose simulators to start (default: all registered). */
  vendors?: string[];
  /** Rewrites each vendor's demo source entries (e.g. a short timeout, wrong credentials). */
  sourceOverrides?: Record<string, Record<string, unknown>>;
  /** Extra top-level config keys (merged into the raw config). */
  extraConfig?: Record<string, unknown>;
  /** Environment for config interpolation. */
  env?: NodeJS.ProcessEnv;
  /** Vendor-call debug extension on (default true). */
  debug?: boolean;
}

/**
 * Starts the chosen vendors' simulators on port 0 and a gateway on port 0 configured with their demo
 * sources, over real HTTP: the same path the demo takes.
 */
export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const chosen = opts.vendors ?? [...VENDORS.keys()];
  const sims = new Map<string, SimulatorHandle>();
  const sources: Record<string, unknown>[] = [];
  for (const v of chosen) {
    const mod: VendorModule | undefined = VENDORS.get(v);
    if (!mod) throw new Error(`unknown vendor ${v}`);
    const sim = await mod.startSimulator({ size: opts.size ?? 20, latencyMs: opts.latencyMs ?? 0 });
    sims.set(v, sim);
    for (const s of mod.demoSources(sim)) sources.push({ ...s, timeoutMs: 2000, ...(opts.sourceOverrides?.[v] ?? {}) });
  }
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger: Logger = createLogger({ level: 'debug', destination: sink });
  const raw = { server: { port: 0, host: '127.0.0.1', debug: opts.debug ?? true }, sources, ...(opts.extraConfig ?? {}) };
  const config = parseConfig(raw, VENDORS, opts.env ?? {});
  const gateway = await startGateway({ config, vendors: VENDORS, logger });
  const others: Gateway[] = [];
  return {
    gateway,
    sims,
    logLines,
    async gql(query, variables, headers = {}) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = { errors: [{ message: text }] };
      }
      return { status: res.status, ...body };
    },
    reset() {
      for (const s of sims.values()) s.resetCounters();
    },
    async another(server) {
      const other = await startGateway({ config: parseConfig({ ...raw, server: { ...raw.server, ...server } }, VENDORS, opts.env ?? {}), vendors: VENDORS, logger });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all(others.map((o) => o.stop()));
      await gateway.stop();
      await Promise.all([...sims.values()].map((s) => s.close()));
    },
  };
}

/** Vendor calls per source from a debug answer. */
export function vendorCalls(result: GqlResult): Record<string, number> {
  return (result.extensions?.['vendorCalls'] as Record<string, number>) ?? {};
}

/** Error codes of an answer, in order. */
export function codes(result: GqlResult): string[] {
  return (result.errors ?? []).map((e) => String(e.extensions?.code));
}

export { silentLogger };
