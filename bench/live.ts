/**
 * The live row: what status subscriptions cost against dashboards polling.
 *
 *   node --import tsx bench/live.ts            (1,000 subscribers, 1 s interval, 20 changes)
 *   QUICK=1 node --import tsx bench/live.ts    (short settings, a check that it runs)
 *
 * The simulators of the three vendors with live status (PortSIP, Point VoIP, Telecom X) run in this
 * process; pbx-graph runs in a child (the demo's entry, src/main.ts, with a config file) so its
 * memory is its own. Measured:
 * - vendor calls per interval (counted at the simulators) with 1 subscriber and with SUBS
 *   subscribers, each on its own socket, all watching every source;
 * - the delay from a change made in a simulator to each subscriber's event (p50, p99), over CHANGES
 *   changes made at random moments of the interval (after two warm-up changes);
 * - the gateway's memory per open subscription (heap after GC with SUBS open, minus with none; RSS
 *   moves by whole pages and arenas and is not a per-subscription figure at this count);
 * - the alternative: dashboards polling the dashboard query at the same interval. POLLERS of them
 *   (default 20) are measured and their vendor calls scaled to SUBS, which is what SUBS pollers
 *   would cost at least (no caching across requests is assumed beyond what the gateway does).
 *
 * Knobs (environment): SUBS (1000), INTERVAL (watchIntervalMs, 1000), CHANGES (20), POLLERS (20),
 * SIZE (extensions per source, 100), OUT (bench/live.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { freePort, percentile, ROOT, sleep } from './lib.ts';

const quick = process.env['QUICK'] === '1';
const num = (name: string, full: number, short: number) => Number(process.env[name] ?? (quick ? short : full));
const SUBS = num('SUBS', 1000, 100);
const INTERVAL = num('INTERVAL', 1000, 500);
const CHANGES = num('CHANGES', 20, 4);
const POLLERS = num('POLLERS', 20, 5);
const SIZE = num('SIZE', 100, 50);
const WINDOW = quick ? 4 : 10;
const OUT = process.env['OUT'] ?? join(ROOT, 'bench', 'live.md');
const LIVE_VENDORS = ['portsip', 'portal', 'telecomx'];

const STATUS = 'subscription { extensionStatusChanged { extension { id number name status } status previousStatus at } }';
const DASHBOARD = '{ extensions(first: 500) { edges { node { id number name status } } } }';

// The simulators, here: their counters are the vendor calls.
const sims = new Map<string, SimulatorHandle>();
const sources: Record<string, unknown>[] = [];
for (const v of LIVE_VENDORS) {
  const mod = VENDORS.get(v)!;
  const sim = await mod.startSimulator({ size: SIZE, latencyMs: 5 });
  sims.set(v, sim);
  for (const s of mod.demoSources(sim)) sources.push({ ...s, watchIntervalMs: INTERVAL });
}
const totalCalls = () => [...sims.values()].reduce((n, s) => n + s.totalRequests(), 0);
const resetCalls = () => {
  for (const s of sims.values()) s.resetCounters();
};

// The gateway, in a child process of its own.
const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'pbx-live-'));
const configPath = join(dir, 'config.json');
writeFileSync(
  configPath,
  JSON.stringify({
    server: { host: '127.0.0.1', port },
    rateLimit: { capacity: 1e6, refillPerSecond: 1e6 },
    live: { maxSubscriptionsPerKey: SUBS * 2 + 10 },
    sources,
  }),
);
const gateway: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', join(ROOT, 'bench', 'live-probe.mjs'), join(ROOT, 'src', 'main.ts'), '--config', configPath], {
  cwd: ROOT,
  env: { ...process.env, LOG_LEVEL: 'error' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let memWaiter: ((m: { heapUsed: number; rss: number }) => void) | undefined;
let out = '';
gateway.stdout!.on('data', (d) => {
  out += String(d);
  let nl: number;
  while ((nl = out.indexOf('\n')) >= 0) {
    const line = out.slice(0, nl);
    out = out.slice(nl + 1);
    if (line.startsWith('LIVE-MEM ') && memWaiter) memWaiter(JSON.parse(line.slice(9)));
  }
});
const url = `http://127.0.0.1:${port}/graphql`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
  } catch {
    if (i > 300) throw new Error('the gateway did not start');
  }
  await sleep(100);
}

/** The gateway's memory after GC (bench/live-probe.mjs). */
async function gatewayMemory(): Promise<{ heapUsed: number; rss: number }> {
  await sleep(300);
  const p = new Promise<{ heapUsed: number; rss: number }>((r) => (memWaiter = r));
  gateway.kill('SIGUSR2');
  const m = await p;
  memWaiter = undefined;
  return m;
}

/** One dashboard: its own socket and one subscription to every source; it notes when each change arrives. */
interface Subscriber {
  client: Client;
  arrivals: Map<string, number>;
  ready: Promise<void>;
}
function subscriber(): Subscriber {
  const arrivals = new Map<string, number>();
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, on: { connected: () => connected() } });
  client.subscribe<{ extensionStatusChanged: { extension: { id: string }; status: string } }>(
    { query: STATUS },
    {
      next: (r) => {
        const e = r.data?.extensionStatusChanged;
        if (e) arrivals.set(`${e.extension.id}:${e.status}`, performance.now());
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { client, arrivals, ready };
}

/** Vendor calls per interval over `intervals` intervals (after one interval of warm-up). */
async function callsPerInterval(intervals: number): Promise<number> {
  await sleep(INTERVAL * 2);
  resetCalls();
  await sleep(INTERVAL * intervals);
  return totalCalls() / intervals;
}

const mb = (b: number) => b / 1024;

// No subscriber: no calls.
const base = await gatewayMemory();
resetCalls();
await sleep(INTERVAL * 2);
const idleCalls = totalCalls();

// One subscriber.
const one = subscriber();
await one.ready;
const callsOne = await callsPerInterval(WINDOW);
await one.client.dispose();

// SUBS subscribers, each on its own socket.
const subs: Subscriber[] = [];
for (let i = 0; i < SUBS; i++) subs.push(subscriber());
await Promise.all(subs.map((s) => s.ready));
const callsMany = await callsPerInterval(WINDOW);
const withSubs = await gatewayMemory();

// Changes at random moments of the interval, alternating PortSIP's and Point VoIP's extension 1000.
const portsip = sims.get('portsip')!;
const portal = sims.get('portal')!;
const delays: number[] = [];
// The first WARMUP changes warm the gateway's code paths up and are not counted.
const WARMUP = 2;
for (let i = 0; i < CHANGES + WARMUP; i++) {
  await sleep(Math.random() * INTERVAL);
  const sim = i % 2 === 0 ? portsip : portal;
  const status = i % 4 < 2 ? 'OFFLINE' : 'AVAILABLE';
  const at = performance.now();
  sim.setStatus!('1000', status);
  // Late events still count: the next change waits two intervals.
  await sleep(INTERVAL * 2);
  if (i < WARMUP) continue;
  for (const s of subs) {
    const hit = [...s.arrivals].filter(([k, t]) => k.endsWith(`:${status}`) && t >= at);
    if (hit.length > 0) delays.push(Math.min(...hit.map(([, t]) => t)) - at);
  }
}
const missing = CHANGES * SUBS - delays.length;

for (const s of subs) await s.client.dispose();
await sleep(INTERVAL * 2);
resetCalls();
await sleep(INTERVAL * 2);
const afterCalls = totalCalls();

// The alternative: POLLERS dashboards polling the dashboard query every INTERVAL, scaled to SUBS.
resetCalls();
let stop = false;
const pollers = Array.from({ length: POLLERS }, async (_x, i) => {
  await sleep((i / POLLERS) * INTERVAL);
  while (!stop) {
    const started = performance.now();
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: DASHBOARD }) }).then((r) => r.text());
    await sleep(Math.max(0, INTERVAL - (performance.now() - started)));
  }
});
await sleep(INTERVAL * WINDOW);
stop = true;
const pollCalls = totalCalls() / WINDOW;
await Promise.all(pollers);

gateway.kill('SIGTERM');
await Promise.all([...sims.values()].map((s) => s.close()));

const perSubHeap = (withSubs.heapUsed - base.heapUsed) / SUBS;
const rows: [string, string, string][] = [
  ['vendor calls per interval, no subscriber', `${idleCalls}`, 'none'],
  ['vendor calls per interval, 1 subscriber', callsOne.toFixed(1), ''],
  [`vendor calls per interval, ${SUBS} subscribers`, callsMany.toFixed(1), 'the same as for 1'],
  [`vendor calls per interval, ${SUBS} dashboards polling the query (${POLLERS} measured, ×${SUBS / POLLERS})`, ((pollCalls * SUBS) / POLLERS).toFixed(0), ''],
  ['change to event, p50 (ms)', percentile(delays, 50).toFixed(0), ''],
  ['change to event, p99 (ms)', percentile(delays, 99).toFixed(0), `≤ ${INTERVAL + 50}`],
  ['events not received', `${missing} of ${CHANGES * SUBS}`, '0'],
  ['gateway heap per open subscription (KB, after GC)', mb(perSubHeap).toFixed(1), '< 30'],
  ['vendor calls per interval after the last subscriber left', `${afterCalls}`, 'none'],
];
const table = [
  `Live status (${LIVE_VENDORS.join(', ')}; ${SIZE} extensions per source; watchIntervalMs ${INTERVAL}; ${SUBS} subscribers each on its own socket; ${CHANGES} changes${quick ? '; QUICK settings' : ''})`,
  '',
  '| measure | value | target |',
  '|---|---|---|',
  ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
  '',
  'The polling row runs the dashboard query (`extensions(first: 500) { … status }` over every source) from',
  `${POLLERS} clients at the same interval and scales their vendor calls to ${SUBS}; the watcher's calls are`,
  'the same whatever the number of subscribers. The delay includes the wait for the next poll, so it',
  'spreads over the whole interval: its p99 is bounded by the interval plus one poll round trip.',
  '',
].join('\n');
process.stdout.write(`${table}\n`);
writeFileSync(OUT, `# bench/live.ts\n\n${table}`);
process.exit(0);
