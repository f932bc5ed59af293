import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallObserver, CircuitState } from '../core/http.ts';
import type { StoreObserver } from '../core/stores.ts';

/** What the request metrics read of one finished HTTP request. */
export interface FinishedRequest {
  /** The operation's name (null when anonymous or never resolved). */
  operation: string | null;
  /** HTTP status sent. */
  status: number;
  /** Public error codes of the answer. */
  errorCodes: readonly string[];
  /** Whole request, ms. */
  durationMs: number;
}

/** Prometheus metrics of one gateway (its own registry: no global state shared between instances). */
export interface GatewayMetrics extends CallObserver, StoreObserver {
  /** The registry `/metrics` serves. */
  registry: Registry;
  /** A request arrived (in-flight gauge). */
  onRequestStart(): void;
  /** A request's answer has left: counts it by operation and outcome, its duration and its error codes. */
  onRequestEnd(request: FinishedRequest): void;
}

/** How a request ended, as the `outcome` label says it. */
export type RequestOutcome = 'ok' | 'partial' | 'client_error' | 'server_error';

/** The outcome of a request from its status and error codes. */
export function outcomeOf(status: number, errorCodes: readonly string[]): RequestOutcome {
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return errorCodes.length > 0 ? 'partial' : 'ok';
}

/** Most distinct operation names labelled; later ones count as `(other)`, so clients cannot grow the series without bound. */
const MAX_OPERATION_LABELS = 200;

/** Vendor calls, errors and latency per source; requests by operation and outcome, in flight, duration and error codes; process defaults. */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const calls = new Counter({ name: 'pbxgraph_vendor_calls_total', help: 'Vendor API calls by source', labelNames: ['source'], registers: [registry] });
  const errors = new Counter({ name: 'pbxgraph_vendor_errors_total', help: 'Failed vendor API calls by source and public error code', labelNames: ['source', 'code'], registers: [registry] });
  const latency = new Histogram({
    name: 'pbxgraph_vendor_call_duration_seconds',
    help: 'Vendor API call latency by source',
    labelNames: ['source'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'pbxgraph_vendor_calls_rejected_total',
    help: 'Vendor API calls not sent because the source circuit was open, by source',
    labelNames: ['source'],
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'pbxgraph_vendor_circuit_state',
    help: 'Source circuit breaker state: 0 closed, 1 open, 2 half-open (one trial call)',
    labelNames: ['source'],
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'pbxgraph_store_errors_total',
    help: 'Shared store (Redis) calls that failed or were refused while it was down; the gateway fell back to the vendors. By operation',
    labelNames: ['op'],
    registers: [registry],
  });
  const storeUp = new Gauge({ name: 'pbxgraph_store_up', help: 'Shared store (Redis) connection: 1 up, 0 down (absent without Redis)', registers: [registry] });
  const STATE_VALUE: Record<CircuitState, number> = { closed: 0, open: 1, 'half-open': 2 };
  const requests = new Counter({
    name: 'pbxgraph_requests_total',
    help: 'GraphQL HTTP requests by operation name and outcome (ok, partial, client_error, server_error)',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'pbxgraph_request_duration_seconds',
    help: 'Whole GraphQL HTTP request duration, until the answer has left, by operation name',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'pbxgraph_requests_in_flight', help: 'GraphQL HTTP requests being served', registers: [registry] });
  const requestErrors = new Counter({
    name: 'pbxgraph_request_errors_total',
    help: 'Errors in GraphQL answers by public error code (an answer with several errors of one code counts once)',
    labelNames: ['code'],
    registers: [registry],
  });
  const operations = new Set<string>();
  const operationLabel = (name: string | null): string => {
    if (name === null) return '(anonymous)';
    if (operations.has(name)) return name;
    if (operations.size >= MAX_OPERATION_LABELS) return '(other)';
    operations.add(name);
    return name;
  };
  return {
    registry,
    onRequestStart() {
      inFlight.inc();
    },
    onRequestEnd({ operation, status, errorCodes, durationMs }) {
      inFlight.dec();
      const label = operationLabel(operation);
      requests.inc({ operation: label, outcome: outcomeOf(status, errorCodes) });
      requestDuration.observe({ operation: label }, durationMs / 1000);
      for (const code of errorCodes) requestErrors.inc({ code });
    },
    onRejected(sourceId) {
      rejected.inc({ source: sourceId });
    },
    onCircuit(sourceId, state) {
      circuit.set({ source: sourceId }, STATE_VALUE[state]);
    },
    onStoreError(op) {
      storeErrors.inc({ op });
    },
    onStoreState(up) {
      storeUp.set(up ? 1 : 0);
    },
    onCall(sourceId, durationMs, code) {
      calls.inc({ source: sourceId });
      latency.observe({ source: sourceId }, durationMs / 1000);
      if (code) errors.inc({ source: sourceId, code });
    },
  };
}
