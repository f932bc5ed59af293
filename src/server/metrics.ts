import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallObserver, CircuitState } from '../core/http.ts';
import type { StoreObserver } from '../core/stores.ts';

/** Prometheus metrics of one gateway (its own registry: no global state shared between instances). */
export interface GatewayMetrics extends CallObserver, StoreObserver {
  /** The registry `/metrics` serves. */
  registry: Registry;
}

/** Vendor calls, errors and latency per source, plus process defaults. */
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
  return {
    registry,
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
