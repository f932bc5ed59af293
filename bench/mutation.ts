/**
 * The mutation row: what a write costs in the gateway above its vendor round trips, and what an
 * idempotent replay costs (target: no vendor call). One gateway in this process over the PortSIP and
 * Telecom X simulators (0 ms simulated latency, so a round trip is the simulator's own time);
 * sequential requests, so each request's vendor calls run one after another and its time above
 * them is the answer's total less the sum of its calls' durations (timed by the HTTP client).
 *
 *   node --import tsx bench/mutation.ts            (N=300 per row)
 *   N=50 node --import tsx bench/mutation.ts       (quick check)
 *
 * Prints a markdown table and writes it to bench/mutation.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../src/core/config.ts';
import type { CallObserver } from '../src/core/http.ts';
import { encodeId } from '../src/core/ids.ts';
import { silentLogger } from '../src/core/logger.ts';
import { startGateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { percentile, ROOT } from './lib.ts';

const N = Number(process.env['N'] ?? 300);
const WARM = Math.min(50, N);

const sims = await Promise.all(['portsip', 'telecomx'].map((v) => VENDORS.get(v)!.startSimulator({ size: 100, latencyMs: 0 })));
const sources = ['portsip', 'telecomx'].flatMap((v, i) => VENDORS.get(v)!.demoSources(sims[i]!));
/** Vendor call durations since the last take(), ms. */
let calls: number[] = [];
const observer: CallObserver = { onCall: (_s, ms) => calls.push(ms) };
const config = parseConfig(
  { server: { port: 0, host: '127.0.0.1' }, rateLimit: { capacity: 1e6, refillPerSecond: 1e6 }, sources: sources.map((s) => ({ ...s, breaker: false })) },
  VENDORS,
  {},
);
const gateway = await startGateway({ config, vendors: VENDORS, logger: silentLogger(), observer });

async function post(query: string, variables: Record<string, unknown>, key?: string): Promise<unknown> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body;
}

const UPDATE = `mutation U($i: UpdateExtensionInput!) { updateExtension(input: $i) { extension { id notes } } }`;
const vendorRequests = () => sims.reduce((n, s) => n + s.totalRequests(), 0);

/** One row of the table. */
interface Row {
  /** What was measured. */
  name: string;
  /** Vendor requests per run. */
  calls: number;
  /** Each run's total, ms. */
  total: number[];
  /** Each run's vendor call time, ms. */
  vendor: number[];
  /** Each run's time above its vendor calls, ms. */
  above: number[];
}

/** `n` sequential runs of `run(i)`: each one's total, its vendor calls' time and the rest. */
async function measure(name: string, n: number, run: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < WARM; i++) await run(-1 - i);
  const row: Row = { name, calls: 0, total: [], vendor: [], above: [] };
  const before = vendorRequests();
  for (let i = 0; i < n; i++) {
    calls = [];
    const t0 = performance.now();
    await run(i);
    const total = performance.now() - t0;
    const vendor = calls.reduce((a, b) => a + b, 0);
    row.total.push(total);
    row.vendor.push(vendor);
    row.above.push(total - vendor);
  }
  row.calls = (vendorRequests() - before) / n;
  return row;
}

const psId = encodeId('Extension', 'portsip-demo', '1000');
const txId = encodeId('Extension', 'telecomx-demo', '12345678901234567890ABCE');
const rows: Row[] = [];
rows.push(await measure('updateExtension, PortSIP (read, write back, read back)', N, (i) => post(UPDATE, { i: { id: psId, notes: `note ${i}` } })));
rows.push(await measure('updateExtension, Telecom X (partial write, read back)', N, (i) => post(UPDATE, { i: { id: txId, notes: `note ${i}` } })));
await post(UPDATE, { i: { id: psId, notes: 'replayed' } }, 'bench-replay');
rows.push(await measure('idempotent replay (same key, same request)', N, () => post(UPDATE, { i: { id: psId, notes: 'replayed' } }, 'bench-replay')));

const f = (xs: number[], p: number) => percentile(xs, p).toFixed(2);
const lines = [
  `| mutation (N=${N}, sequential, 0 ms simulated vendor latency) | vendor calls | total p50 ms | vendor time p50 ms | above vendor p50 ms | above vendor p99 ms |`,
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.calls.toFixed(2)} | ${f(r.total, 50)} | ${f(r.vendor, 50)} | ${f(r.above, 50)} | ${f(r.above, 99)} |`),
];
const table = lines.join('\n');
console.log(table);
writeFileSync(
  join(ROOT, 'bench', 'mutation.md'),
  `# Mutation latency\n\nWritten by \`node --import tsx bench/mutation.ts\` (targets: under 3 ms above the vendor round trips at p50; a replay makes 0 vendor calls). "above vendor" includes the client's own HTTP round trip to the gateway.\n\n${table}\n`,
);
await gateway.stop();
await Promise.all(sims.map((s) => s.close()));
