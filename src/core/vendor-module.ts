import type { z } from 'zod';
import type { SourceAdapter } from './adapter.ts';
import type { BreakerOptions, SourceHttp, SourceHttpOptions } from './http.ts';
import type { Logger } from './logger.ts';
import type { SharedSpace } from './shared-fill.ts';

/** The keys every source has, whatever its vendor. */
export interface BaseSourceConfig {
  /** Source id: letters, digits, `-` and `_`. */
  id: string;
  /** Vendor key. */
  vendor: string;
  /** Display name (defaults to the id). */
  name: string;
  /** Vendor API base URL. */
  baseUrl: string;
  /** Whole-request timeout per vendor call, ms. */
  timeoutMs: number;
  /** Circuit breaker of the source's calls (false: none); absent in hand-built configs: none. */
  breaker?: BreakerOptions | false;
  /** Raw answer bytes kept to recognise unchanged answers (0: none); absent in hand-built configs: the default. */
  answerMemoBytes?: number;
  /** How often the live watcher asks for status while anyone subscribes, ms; absent in hand-built configs: the default. */
  watchIntervalMs?: number;
}

/** What an adapter factory is given: no module-level singletons anywhere. */
export interface AdapterDeps {
  /** Makes the source's one HTTP client. */
  createHttp(opts: Omit<SourceHttpOptions, 'logger' | 'observer' | 'breaker' | 'answerMemoBytes'>): SourceHttp;
  /** Logger. */
  logger: Logger;
  /** The source's room in the deployment's shared store (tokens, whole-list answers); absent: nothing shared. */
  shared?: SharedSpace | undefined;
}

/** Knobs every simulator takes. */
export interface SimulatorOptions {
  /** Port to listen on (0: any free port). */
  port?: number;
  /** Generated extensions per tenant/PBX, in addition to the doc's seed records. */
  size?: number;
  /** Delay added to every answer, ms. */
  latencyMs?: number;
}

/** One request a simulator served. */
export interface SimRequestRecord {
  /** HTTP method. */
  method: string;
  /** Path without query. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Parsed JSON body, if any. */
  body: unknown;
}

/** A live status a test gives an extension in a simulator (each simulator writes it in its vendor's terms). */
export type SimStatus = 'AVAILABLE' | 'ON_CALL' | 'RINGING' | 'BUSY' | 'DND' | 'AWAY' | 'OFFLINE';

/**
 * A fault a simulator injects into every answer (sim-server.ts), each one a way a real vendor or the
 * network between fails: `timeout` never answers; `error500` answers 500 with a canary body;
 * `rateLimited` answers 429 with Retry-After; `garbage` answers an HTML page; `truncated` cuts the
 * real answer short; `reset` drops the connection mid-body; `trickle` sends the body a byte at a
 * time, slower than any timeout; `wrongTypes` swaps the types of the real answer's values;
 * `missingArrays` leaves out its arrays; `nullData` nulls its top-level objects and arrays;
 * `unauthorized` answers 401 to every call.
 */
export type SimulatorFault =
  | 'none'
  | 'error500'
  | 'timeout'
  | 'garbage'
  | 'rateLimited'
  | 'truncated'
  | 'reset'
  | 'trickle'
  | 'wrongTypes'
  | 'missingArrays'
  | 'nullData'
  | 'unauthorized';

/** A running simulator. */
export interface SimulatorHandle {
  /** Base URL of the vendor API it serves, as a source's `baseUrl`. */
  url: string;
  /** Requests served, by `METHOD path` (path without query). */
  readonly requests: Map<string, number>;
  /** Total requests served. */
  totalRequests(): number;
  /** The most requests that were in flight at once since the last reset. */
  maxInFlight(): number;
  /** The latest requests (at most 10,000), oldest first. */
  readonly log: SimRequestRecord[];
  /** Clears the counters. */
  resetCounters(): void;
  /** Injects a fault into every answer from now on ('none' to stop). */
  setFault(fault: SimulatorFault): void;
  /** The Retry-After the `rateLimited` fault sends: seconds, or an HTTP date (default '1'). */
  setRetryAfter(value: string): void;
  /** Lapses every session token now, as the vendor's idle time or expiry would; absent for vendors without sessions. */
  lapseTokens?(): void;
  /** Changes the injected latency. */
  setLatency(ms: number): void;
  /**
   * Gives an extension (by number) a live status, as a phone registering or a call starting would;
   * present on the simulators of vendors that report status. A vendor that only knows registered or
   * not reads every status but OFFLINE as registered.
   */
  setStatus?(number: string, status: SimStatus): void;
  /**
   * The next `times` requests to `route` (`METHOD path`) are served (their changes happen) but never
   * answered: `hang` keeps the connection open, `drop` closes it, as a vendor that dies mid-answer.
   */
  stallAfterHandling(route: string, mode: 'hang' | 'drop', times?: number): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * A vendor's whole integration: its config keys, adapter factory, simulator and demo entry. The
 * registry lists these; nothing else in the server names a vendor.
 */
export interface VendorModule<C extends BaseSourceConfig = BaseSourceConfig> {
  /** Vendor key as written in config. */
  readonly vendor: string;
  /** Zod shape of the vendor's own config keys (beyond the base keys). */
  readonly configShape: z.ZodRawShape;
  /** Builds the adapter for one validated source config. */
  createAdapter(config: C, deps: AdapterDeps): SourceAdapter;
  /** Starts the vendor's simulator on loopback. */
  startSimulator(opts?: SimulatorOptions): Promise<SimulatorHandle>;
  /** The demo's source entries (raw config) pointing at a running simulator of this vendor. */
  demoSources(sim: SimulatorHandle): Record<string, unknown>[];
}
