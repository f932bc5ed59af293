/**
 * A dashboard during a vendor outage (not part of `npm run bench`): Q1 asked again and again, one
 * at a time, for DUR seconds while the PortSIP simulator hangs (its `timeout` fault: no answer
 * within the source's 5 s `timeoutMs`), once with the circuit breaker off and once with its
 * defaults (src/core/http.ts). Prints how many dashboards were answered and their latency.
 *
 *   node --import tsx bench/outage.ts
 *
 * Knobs (environment): DUR (seconds per configuration, 60), FAULT (the simulator fault: timeout,
 * error500 or garbage; timeout), LAT (simulated latency, 20).
 */
import type { SimulatorFault } from '../src/core/vendor-module.ts';
import { startStack } from '../test/helpers.ts';
import { percentile } from './lib.ts';
import { pbxQ1, Q4_FAILING_VENDOR } from './queries.ts';

const DUR_MS = Number(process.env['DUR'] ?? '60') * 1000;
const FAULT = (process.env['FAULT'] ?? 'timeout') as SimulatorFault;

for (const breaker of [false, undefined] as const) {
  const stack = await startStack({
    size: 100,
    latencyMs: Number(process.env['LAT'] ?? '20'),
    // The gateway's rate limit would stop a loop this fast.
    extraConfig: { rateLimit: { capacity: 1e6, refillPerSecond: 1e6 } },
    sourceOverrides: { [Q4_FAILING_VENDOR]: { timeoutMs: 5000, ...(breaker === false ? { breaker: false } : {}) } },
  });
  const ids = Object.fromEntries(stack.gateway.sources.map((s) => [s.vendor, s.id]));
  const failing = ids[Q4_FAILING_VENDOR]!;
  const body = pbxQ1(ids);
  await stack.gql(body.query); // logins and caches, before the outage
  stack.sims.get(Q4_FAILING_VENDOR)!.setFault(FAULT);
  const ms: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < DUR_MS) {
    const t = performance.now();
    const r = await stack.gql(body.query);
    ms.push(performance.now() - t);
    if (!r.errors?.some((e) => e.extensions?.pbx === failing)) throw new Error(`no error for ${failing}: ${JSON.stringify(r.errors)}`);
  }
  const metrics = await (await fetch(stack.gateway.url.replace('/graphql', '/metrics'))).text();
  const sent = metrics.match(new RegExp(`^pbxgraph_vendor_calls_total\\{source="${failing}"\\} (\\d+)`, 'm'))?.[1] ?? '0';
  console.log(
    `breaker ${breaker === false ? 'off' : 'on (defaults)'}: ${ms.length} dashboards in ${DUR_MS / 1000} s, p50 ${percentile(ms, 50).toFixed(0)} ms, ` +
      `p90 ${percentile(ms, 90).toFixed(0)} ms; the first ten ${ms.slice(0, 10).map((x) => x.toFixed(0)).join(', ')} ms; ${sent} calls sent to ${failing} in all`,
  );
  stack.sims.get(Q4_FAILING_VENDOR)!.setFault('none');
  await stack.close();
}
