import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallObserver } from '../core/http.ts';

/** Prometheus metrics of one gateway (its own registry: no global state shared between instances). */
export interface GatewayMetrics extends CallObserver {
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
  return {
    registry,
    onCall(sourceId, durationMs, code) {
      calls.inc({ source: sourceId });
      latency.observe({ source: sourceId }, durationMs / 1000);
      if (code) errors.inc({ source: sourceId, code });
    },
  };
}
