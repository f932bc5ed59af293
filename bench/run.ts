/**
 * `npm run bench`: pbx-graph side by side with GraphQL Mesh (Hive Gateway) and a floor over the same
 * vendor simulators with the same injected latency, on this 2-core machine:
 * - core 1: the simulators (a child process), this orchestrator and autocannon (the load generator);
 * - core 0: the system under test (pbx-graph, Mesh or the floor), one at a time under load.
 * Writes bench/RESULTS.md and bench/results.json. Knobs (env): BENCH_DURATION_S (3), BENCH_REPEATS
 * (3), BENCH_LATENCY_MS (20), BENCH_SKIP_SCALE=1, BENCH_IDLE=halt (the machine's own idle policy; by default idle CPUs
 * poll while the bench runs, see holdIdlePoll in lib.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { encodeId } from '../src/core/ids.ts';
import { cpuMs, freePort, holdIdlePoll, median, percentile, serveFlags, sleep, sourcesWith } from './lib.ts';
import {
  meshQ1, meshQ2, minimumQ1, pbxQ1, pbxQ1c, pbxQ2, pbxQ3, PAGE, Q23_VENDOR, Q4_FAILING_VENDOR, ROUNDS, VENDOR_ORDER,
  type GqlBody, type QueryKey, type SourceIds,
} from './queries.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const MESH = join(BENCH, 'mesh');
const LATENCY = Number(process.env['BENCH_LATENCY_MS'] ?? 20);
const DURATION = Number(process.env['BENCH_DURATION_S'] ?? 3);
/** Length of one 50-connection throughput run, s (at ~100 req/s, 200 or more requests a run). */
const THROUGHPUT_S = Number(process.env['BENCH_THROUGHPUT_S'] ?? 2);
/** Throughput runs per system: more for the dashboard, whose ratio to Mesh is a target. */
const throughputRepeats = (q: QueryKey) => (q === 'Q1' ? Math.max(REPEATS, 5) : REPEATS);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const SIZE = 100;
const BIG = 10_000;
/**
 * Seconds each fresh system is kept answering the dashboard (2 at a time) before the scale figures,
 * at either size: the same time for both systems, since a count that warms pbx-graph up (hundreds)
 * would take Mesh minutes at 10,000 per source (a second per query).
 */
const SCALE_WARM_UP_S = 6;
const CONNECTIONS = 50;
/** Fixed open-loop rate per query (req/s), the same for every system: below the slowest one's capacity. */
const RATE: Record<QueryKey, number> = { Q1: 10, Q1c: 10, Q2: 20, Q3: 20, Q4: 10 };
/** Longer than the adapters' default list/group cache (5 s): the next query starts cold. */
/**
 * Drops every pbx-graph adapter cache that outlives a request (lists, the PortSIP group index) with
 * the `refreshPbx` mutation, so the next query starts cold without waiting for them to expire.
 */
async function refreshAll(url: string, ids: SourceIds): Promise<void> {
  const fields = Object.values(ids).map((id, i) => `r${i}: refreshPbx(id: "${id}") { id }`);
  const res = await postJson(url, { query: `mutation { ${fields.join(' ')} }` });
  if (res['errors']) throw new Error(`refreshPbx: ${JSON.stringify(res['errors'])}`);
}
/**
 * Waits until pbx-graph calls the Q4 vendor again, and logs how long that took. While a
 * vendor fails, pbx-graph's circuit for it opens, and it stays open for up to the source's
 * `breaker.openMs` after the vendor has recovered; a query measured meanwhile would not reach it.
 */
async function recovered(url: string, ids: SourceIds): Promise<void> {
  const t = performance.now();
  const body = { query: `{ pbx(id: "${ids[Q4_FAILING_VENDOR]}") { extensions(first: 1) { edges { node { id } } } } }` };
  while (performance.now() - t < 30_000) {
    if (!(await postJson(url, body))['errors']) {
      log(`pbx-graph calls ${Q4_FAILING_VENDOR} again after ${Math.round(performance.now() - t)} ms`);
      return;
    }
    await sleep(200);
  }
  throw new Error(`pbx-graph did not call ${Q4_FAILING_VENDOR} again within 30 s`);
}
const LOGIN_ROUTES = new Set(['POST /account/credentials/verify', 'POST /auth/login']);
const T0 = performance.now();
/** The node flags of `npm run serve`; Mesh gets the same: the same runtime settings for both. */
const SERVE_FLAGS = serveFlags();
const TMP = mkdtempSync(join(tmpdir(), 'pbx-bench-'));

// ---------------------------------------------------------------------------------------------
// small helpers

const log = (msg: string) => process.stderr.write(`[bench ${((performance.now() - T0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Peak RSS (VmHWM) or current RSS (VmRSS), MB. */
function peakRssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Resets the peak RSS mark (clear_refs 5); false when the kernel refuses. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// child processes

const children: ChildProcess[] = [];

/** Spawns `cmd` pinned to `core`; stdout/stderr go to a log file unless `pipeStdout`. */
function spawnPinned(name: string, core: number, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; pipeStdout?: boolean }): ChildProcess {
  const logFile = join(TMP, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn('taskset', ['-c', String(core), cmd, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', opts.pipeStdout ? 'pipe' : fd, fd],
  });
  closeSync(fd);
  children.push(child);
  child.on('exit', (code, signal) => {
    if (code && code !== 0) log(`${name} exited with ${code ?? signal} (log: ${logFile})`);
  });
  return child;
}

/** The first stdout line of a child, parsed as JSON. */
function firstJsonLine<T>(child: ChildProcess, name: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolveLine, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line in ${timeoutMs} ms (log: ${join(TMP, `${name}.log`)})`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += String(d);
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining
        try {
          resolveLine(JSON.parse(buf.slice(0, nl)) as T);
        } catch (e) {
          reject(new Error(`${name}: bad ready line ${buf.slice(0, 200)}: ${String(e)}`));
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready (log: ${join(TMP, `${name}.log`)})`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function stopAll(): Promise<void> {
  await Promise.all(children.map(stopChild));
}

// ---------------------------------------------------------------------------------------------
// simulators

interface SimsInfo {
  control: string;
  size: number;
  vendors: Record<string, { url: string; sources: Record<string, unknown>[] }>;
}

type Counters = Record<string, { total: number; routes: Record<string, number> }>;

class Sims {
  constructor(
    readonly info: SimsInfo,
    readonly child: ChildProcess,
  ) {}

  static async start(size: number): Promise<Sims> {
    const name = `sims-${size}`;
    const child = spawnPinned(name, 1, process.execPath, ['--import', 'tsx', join(BENCH, 'sims.ts'), String(size), String(LATENCY)], { pipeStdout: true });
    const info = await firstJsonLine<SimsInfo>(child, name, 120_000);
    return new Sims(info, child);
  }

  async ctl(path: string): Promise<unknown> {
    const res = await fetch(`${this.info.control}${path}`);
    if (!res.ok) throw new Error(`simulator control ${path}: ${res.status}`);
    return res.json();
  }

  reset = () => this.ctl('/reset');
  counters = async () => (await this.ctl('/counters')) as Counters;
  fault = (vendor: string, fault: string) => this.ctl(`/fault?vendor=${encodeURIComponent(vendor)}&fault=${fault}`);
  latency = (ms: number) => this.ctl(`/latency?ms=${ms}`);

  /** Source ids by vendor. */
  sourceIds(): SourceIds {
    return Object.fromEntries(Object.entries(this.info.vendors).map(([v, x]) => [v, String(x.sources[0]!['id'])]));
  }
}

/** Vendor calls per vendor (logins counted apart: one per session, not per query). */
function callsOf(c: Counters): { perVendor: Record<string, number>; total: number; logins: number; routes: Record<string, Record<string, number>> } {
  const perVendor: Record<string, number> = {};
  const routes: Record<string, Record<string, number>> = {};
  let total = 0;
  let logins = 0;
  for (const [v, x] of Object.entries(c)) {
    let n = 0;
    for (const [route, k] of Object.entries(x.routes)) {
      if (LOGIN_ROUTES.has(route)) logins += k;
      else n += k;
    }
    perVendor[v] = n;
    total += n;
    routes[v] = x.routes;
  }
  return { perVendor, total, logins, routes };
}

// ---------------------------------------------------------------------------------------------
// systems under test

interface System {
  key: string;
  pid: number;
  /** URL to POST a query to. */
  url(q: QueryKey): string;
  /** Request body per query (absent: the system cannot express it). */
  bodies: Partial<Record<QueryKey, GqlBody>>;
  /** Makes the next query cold (drops the system's short-lived caches); absent: it keeps none. */
  cold?: () => Promise<void>;
  child: ChildProcess;
}

async function waitGraphql(url: string, name: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${name} did not answer in ${timeoutMs} ms (log: ${join(TMP, `${name}.log`)})`);
    await sleep(100);
  }
}

/**
 * Starts pbx-graph (the compiled build, with the serve script's node flags) on core 0 over `sims`;
 * `overrides` per vendor (cache knobs), `server` keys merged into the server config.
 */
async function startPbxGraph(name: string, sims: Sims, overrides: Record<string, Record<string, unknown>> = {}, server: Record<string, unknown> = {}): Promise<{ url: string; child: ChildProcess }> {
  const sources = sourcesWith(sims.info, overrides);
  const config = {
    server: { host: '127.0.0.1', port: 0, debug: true, ...server },
    // The per-caller token bucket would refuse a load generator; everything else as shipped.
    rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
    sources,
  };
  const file = join(TMP, `${name}.config.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const port = await freePort();
  const args = [...SERVE_FLAGS, 'dist/main.js', '--config', file];
  const child = spawnPinned(name, 0, process.execPath, args, { env: { ...process.env, PORT: String(port) } });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitGraphql(url, name);
  return { url, child };
}

const postJson = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
};

/** One PortSIP session token and one persistent Telecom X token, fetched the way a user would. */
async function sessionTokens(sims: Sims): Promise<{ portsip: string; telecomx: string }> {
  const v = sims.info.vendors;
  const src = (vendor: string) => v[vendor]!.sources[0]! as Record<string, string>;
  const portsip = (await postJson(`${v['portsip']!.url}/account/credentials/verify`, { username: src('portsip')['username'], password: src('portsip')['password'] }))['access_token'];
  const telecomx = (await postJson(`${v['telecomx']!.url}/auth/login`, { username: src('telecomx')['username'], password: src('telecomx')['password'], persist: true }))['token'];
  return { portsip: String(portsip), telecomx: String(telecomx) };
}

/** Median latency of each vendor's dashboard list call made directly (no gateway), ms. */
async function vendorListCallMs(sims: Sims): Promise<Record<string, number>> {
  const v = sims.info.vendors;
  const src = (vendor: string) => v[vendor]!.sources[0]! as Record<string, string>;
  const t = await sessionTokens(sims);
  const calls: Record<string, () => Promise<unknown>> = {
    vitalpbx: () => fetch(`${v['vitalpbx']!.url}/extensions`, { headers: { 'app-key': src('vitalpbx')['appKey']!, tenant: src('vitalpbx')['tenant']! } }).then((r) => r.arrayBuffer()),
    portsip: () => fetch(`${v['portsip']!.url}/extensions/list?access_token=${t.portsip}&pagination=1&pagesize=${PAGE}&sort_by=DEFAULT`).then((r) => r.arrayBuffer()),
    telecomx: () =>
      fetch(`${v['telecomx']!.url}/pbx/extension?token=${t.telecomx}&offset=0&limit=${PAGE}&includePhones=true&expandGoto=true&sort=number&customer=${src('telecomx')['customer']}`).then((r) => r.arrayBuffer()),
    etelecom: () => postJson(`${v['etelecom']!.url}.Etelecom/GetExtensions`, { paging: { limit: PAGE } }, { authorization: `Bearer ${src('etelecom')['apiKey']}` }),
    portal: () => postJson(`${v['portal']!.url}/get/extensions`, { authId: src('portal')['authId'], authKey: src('portal')['authKey'], module: 'pbx', pbxId: src('portal')['pbxId'] }),
  };
  const out: Record<string, number> = {};
  for (const [vendor, call] of Object.entries(calls)) {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await call();
      xs.push(performance.now() - t0);
    }
    out[vendor] = r1(median(xs));
  }
  return out;
}

/** Starts Hive Gateway on core 0 over `sims`, with session tokens fetched the way a user would. */
async function startMesh(name: string, sims: Sims): Promise<{ url: string; child: ChildProcess }> {
  const v = sims.info.vendors;
  const src = (vendor: string) => v[vendor]!.sources[0]! as Record<string, string>;
  const portOf = (vendor: string) => new URL(v[vendor]!.url).port;
  // Mesh has no login flow: the tokens go in its environment.
  const tokens = await sessionTokens(sims);
  const portsipToken = tokens.portsip;
  const telecomxToken = tokens.telecomx;
  const env = {
    ...process.env,
    PORT: String(await freePort()),
    VITAL_PORT: portOf('vitalpbx'), VITAL_APP_KEY: src('vitalpbx')['appKey'], VITAL_TENANT: src('vitalpbx')['tenant'],
    PORTSIP_PORT: portOf('portsip'), PORTSIP_TOKEN: String(portsipToken),
    TELECOMX_PORT: portOf('telecomx'), TELECOMX_TOKEN: String(telecomxToken),
    ETELECOM_PORT: portOf('etelecom'), ETELECOM_API_KEY: src('etelecom')['apiKey'],
    PORTAL_PORT: portOf('portal'), PORTAL_AUTH_ID: src('portal')['authId'], PORTAL_AUTH_KEY: src('portal')['authKey'], PORTAL_PBX_ID: src('portal')['pbxId'],
  } as NodeJS.ProcessEnv;
  const child = spawnPinned(name, 0, process.execPath, [...SERVE_FLAGS, join(MESH, 'gateway.mjs')], { cwd: MESH, env });
  const url = `http://127.0.0.1:${env['PORT']}/graphql`;
  await waitGraphql(url, name);
  return { url, child };
}

/** Installs and composes the Mesh side when needed. */
function prepareMesh(): void {
  if (!existsSync(join(MESH, 'node_modules', '@graphql-hive', 'gateway-runtime'))) {
    log('installing GraphQL Mesh / Hive Gateway into bench/mesh (npm ci, once)');
    execFileSync('npm', ['ci', '--prefix', MESH, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit', cwd: ROOT });
  }
  const sg = join(MESH, 'supergraph.graphql');
  const inputs = ['mesh.config.mjs', 'vitalpbx.openapi.json'].map((f) => statSync(join(MESH, f)).mtimeMs);
  if (!existsSync(sg) || statSync(sg).mtimeMs < Math.max(...inputs)) {
    log('composing bench/mesh/supergraph.graphql');
    execFileSync(join(MESH, 'node_modules', '.bin', 'mesh-compose'), ['-o', 'supergraph.graphql'], { cwd: MESH, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

// ---------------------------------------------------------------------------------------------
// measuring

interface Answer {
  status: number;
  ms: number;
  bytes: number;
  text: string;
  errors: number;
  errorCodes: Record<string, number>;
  debugCalls: Record<string, number> | undefined;
}

async function ask(url: string, body: GqlBody | undefined): Promise<Answer> {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const text = await res.text();
  const ms = performance.now() - t;
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  let debugCalls: Record<string, number> | undefined;
  try {
    const j = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[]; extensions?: { vendorCalls?: Record<string, number> } };
    errors = j.errors?.length ?? 0;
    for (const e of j.errors ?? []) errorCodes[e.extensions?.code ?? '?'] = (errorCodes[e.extensions?.code ?? '?'] ?? 0) + 1;
    debugCalls = j.extensions?.vendorCalls;
  } catch {
    errors = -1;
  }
  return { status: res.status, ms, bytes: Buffer.byteLength(text), text, errors, errorCodes, debugCalls };
}

interface CountResult {
  cold: ReturnType<typeof callsOf>;
  warm: ReturnType<typeof callsOf>;
  status: number;
  bytes: number;
  errors: number;
  errorCodes: Record<string, number>;
  /** pbx-graph's own count (debug extension), for a cross-check with the simulators'. */
  debugCalls?: Record<string, number> | undefined;
}

/**
 * The machine's speed on the gateway's core (bench/calibrate.mjs: JSON round trips of a Q1-sized
 * answer), so that results from different days and virtual machines can be compared.
 */
function calibrate(): { ms: number; bytes: number; model: string } {
  const out = execFileSync('taskset', ['-c', '0', process.execPath, join(BENCH, 'calibrate.mjs')]).toString();
  return JSON.parse(out) as { ms: number; bytes: number; model: string };
}

/** One cold and one warm query, counting vendor calls at the simulators. */
async function countCalls(sys: System, sims: Sims, q: QueryKey, wait: boolean): Promise<{ count: CountResult; answer: Answer }> {
  if (wait && sys.cold) await sys.cold();
  await sims.reset();
  const a1 = await ask(sys.url(q), sys.bodies[q]);
  const cold = callsOf(await sims.counters());
  await sims.reset();
  const a2 = await ask(sys.url(q), sys.bodies[q]);
  const warm = callsOf(await sims.counters());
  return {
    count: { cold, warm, status: a2.status, bytes: a2.bytes, errors: a2.errors, errorCodes: a2.errorCodes, debugCalls: a1.debugCalls },
    answer: a2,
  };
}

/** Latency and CPU of sequential queries, and the sequential vendor rounds they imply. */
interface Sequential {
  /** Median latency of 20 sequential queries at the benchmark latency, ms. */
  seqP50: number;
  /** Gateway CPU per query over them, ms. */
  seqCpuMs: number;
  /** (median latency at 3L − median at L) / 2L: the vendor rounds on the critical path. */
  measuredRounds: number;
}

async function sequential(sys: System, sims: Sims, q: QueryKey): Promise<Sequential> {
  const run = async (n: number) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) xs.push((await ask(sys.url(q), sys.bodies[q])).ms);
    return median(xs);
  };
  const c0 = cpuMs(sys.pid);
  const seqP50 = await run(20);
  const seqCpuMs = r1((cpuMs(sys.pid) - c0) / 20);
  await sims.latency(3 * LATENCY);
  await ask(sys.url(q), sys.bodies[q]);
  const hi = await run(7);
  await sims.latency(LATENCY);
  await ask(sys.url(q), sys.bodies[q]);
  const lo = await run(7);
  return { seqP50: r1(seqP50), seqCpuMs, measuredRounds: r1((hi - lo) / (2 * LATENCY)) };
}

interface LoadRun {
  p50: number;
  p99: number;
  achievedRate: number;
  completed: number;
  non2xx: number;
  errors: number;
  callsPerQuery: number;
  cpuMsPerQuery: number;
}

async function cannon(url: string, body: GqlBody | undefined, opts: { connections: number; duration: number; overallRate?: number }) {
  const samples: number[] = [];
  const inst = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    connections: opts.connections,
    duration: opts.duration,
    timeout: 20,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
  });
  inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) samples.push(ms);
  });
  const result = await inst;
  return { result, samples };
}

/**
 * A fixed open-loop rate with autocannon. One autocannon instance with `overallRate` sends each
 * second's quota as a burst (every connection's counter resets on the same 1 s tick, see
 * lib/httpClient.js), which measures queueing behind the burst rather than latency at a rate. So
 * the rate is split over `rate` instances of 1 req/s each (overallRate: 1), started 1/rate s apart:
 * the requests arrive evenly spaced.
 */
async function fixedRate(url: string, body: GqlBody | undefined, rate: number, duration: number) {
  const runs = await Promise.all(
    Array.from({ length: rate }, async (_, i) => {
      await sleep((i * 1000) / rate);
      return cannon(url, body, { connections: 1, duration, overallRate: 1 });
    }),
  );
  const samples = runs.flatMap((r) => r.samples);
  const sum = (f: (x: (typeof runs)[number]['result']) => number) => runs.reduce((a, r) => a + f(r.result), 0);
  return {
    samples,
    completed: sum((x) => x.requests.total),
    sent: sum((x) => x.requests.sent),
    non2xx: sum((x) => x.non2xx),
    errors: sum((x) => x.errors + x.timeouts),
    seconds: Math.max(...runs.map((r) => r.result.duration)),
  };
}

/** Waits until the process has stopped working off requests a finished run left behind (≤ 30 s). */
async function drain(pid: number): Promise<void> {
  const until = Date.now() + 30_000;
  let quiet = 0;
  while (Date.now() < until && quiet < 2) {
    const c0 = cpuMs(pid);
    await sleep(100);
    quiet = cpuMs(pid) - c0 <= 10 ? quiet + 1 : 0;
  }
}

/**
 * Requests a system answers, 10 at a time, before any figure is taken: V8 optimises hot code over
 * the first hundreds of queries, and measured before that a query's CPU reads two to three times its
 * steady value (pbx-graph's dashboard: about 23 ms after 130 queries, 12 ms after 1,000). The same
 * count for every system; the dashboard queries (Q1, Q4) exercise most of each system's code.
 */
const WARM_UP: Record<QueryKey, number> = { Q1: 1000, Q1c: 100, Q2: 100, Q3: 100, Q4: 150 };
/** The diagnostic variants (sequential figures only) are warmed up with fewer dashboard queries. */
const VARIANT_WARM_UP_Q1 = 300;

/** Warms a system up on a query (WARM_UP requests, 10 at a time), then waits for it to be quiet. */
async function warmUp(sys: System, q: QueryKey): Promise<void> {
  await ask(sys.url(q), sys.bodies[q]);
  const amount = sys.key.includes('(') && q === 'Q1' ? VARIANT_WARM_UP_Q1 : WARM_UP[q];
  await autocannon({ url: sys.url(q), method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sys.bodies[q] ?? {}), connections: 10, amount, timeout: 20 });
  await drain(sys.pid);
}

/** Fixed-rate latency runs of one query on one system: a 1 s warm-up, then REPEATS runs. */
async function fixedRateRuns(sys: System, sims: Sims, q: QueryKey): Promise<{ runs: LoadRun[]; p50: number; p99: number; callsPerQueryUnderLoad: number; cpuMsPerQuery: number }> {
  const url = sys.url(q);
  const body = sys.bodies[q];
  const rate = RATE[q];
  await fixedRate(url, body, rate, 1); // warm-up
  await drain(sys.pid);
  const runs: LoadRun[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await sims.reset();
    const c0 = cpuMs(sys.pid);
    const run = await fixedRate(url, body, rate, DURATION);
    await drain(sys.pid);
    const c1 = cpuMs(sys.pid);
    const calls = callsOf(await sims.counters());
    runs.push({
      p50: r1(percentile(run.samples, 50)),
      p99: r1(percentile(run.samples, 99)),
      achievedRate: r1(run.completed / run.seconds),
      completed: run.completed,
      non2xx: run.non2xx,
      errors: run.errors,
      // Per request sent: a request still in flight when the run stops has made its vendor calls and
      // used its CPU (drain() waited for it) without being counted as completed.
      callsPerQuery: run.sent ? Math.round((calls.total / run.sent) * 100) / 100 : NaN,
      cpuMsPerQuery: run.sent ? Math.round(((c1 - c0) / run.sent) * 100) / 100 : NaN,
    });
  }
  return {
    runs,
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    callsPerQueryUnderLoad: median(runs.map((r) => r.callsPerQuery)),
    cpuMsPerQuery: median(runs.map((r) => r.cpuMsPerQuery)),
  };
}

interface ThroughputRun {
  rps: number;
  completed: number;
  non2xx: number;
  errors: number;
  p50: number;
  cpuMsPerQuery: number;
}

/** One closed-loop run at CONNECTIONS connections (`seconds` long). */
async function throughputRun(sys: System, q: QueryKey, seconds = THROUGHPUT_S): Promise<ThroughputRun> {
  const c0 = cpuMs(sys.pid);
  const { result, samples } = await cannon(sys.url(q), sys.bodies[q], { connections: CONNECTIONS, duration: seconds });
  await drain(sys.pid); // requests in flight when the run stopped are still being answered
  const c1 = cpuMs(sys.pid);
  return {
    rps: r1(result.requests.total / result.duration),
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: r1(percentile(samples, 50)),
    cpuMsPerQuery: result.requests.sent ? Math.round(((c1 - c0) / result.requests.sent) * 100) / 100 : NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// main

type Row = Record<string, unknown> & { system: string; query: QueryKey };

async function main(): Promise<void> {
  // Orchestrator + autocannon: core 1, every thread of this process (-a): `taskset -p` alone moves
  // the main thread only, and V8's worker threads (the load generator's GC) stayed free to run on
  // the core of the system under test.
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const idle = holdIdlePoll();
  log(`idle CPUs: ${idle.mode}`);
  const calibrationBefore = calibrate();
  log(`calibration (bench/calibrate.mjs on core 0): ${calibrationBefore.ms} ms, ${calibrationBefore.model}`);
  prepareMesh();
  // pbx-graph runs as production does: the compiled build (`npm run build`, `node dist/main.js`).
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  log(`simulators: size ${SIZE} per source, ${LATENCY} ms latency`);
  const sims = await Sims.start(SIZE);
  const ids = sims.sourceIds();
  const telecomxCustomer = String(sims.info.vendors['telecomx']!.sources[0]!['customer'] ?? '');

  const [pg, pgNoCache, pgJs, pgNoMemo, mesh] = await Promise.all([
    startPbxGraph('pbx-graph', sims),
    startPbxGraph('pbx-graph-nocache', sims, { vitalpbx: { listCacheMs: 0 }, portal: { listCacheMs: 0 }, portsip: { groupCacheMs: 0 } }),
    startPbxGraph('pbx-graph-graphql-js', sims, {}, { executor: 'graphql-js' }),
    // The simulators answer the same bytes every time; this variant parses and maps every answer, as
    // a gateway would whose vendor answers all changed since the last poll.
    startPbxGraph('pbx-graph-nomemo', sims, Object.fromEntries(Object.keys(sims.info.vendors).map((v) => [v, { answerMemoBytes: 0 }]))),
    startMesh('mesh', sims),
  ]);
  log(`started pbx-graph ${pg.url} (+ caches-off, graphql-js and answer-memo-off variants), mesh ${mesh.url}; node flags: ${SERVE_FLAGS.join(' ') || 'none'}`);

  // Q2/Q3 ask for VitalPBX extensions by global id: the extension with devices and queues (101 of
  // the doc) and 50 generated ones.
  const vitalId = (n: number) => encodeId('Extension', ids[Q23_VENDOR]!, String(n));
  const pbxBodies: Partial<Record<QueryKey, GqlBody>> = {
    Q1: pbxQ1(ids),
    Q1c: pbxQ1c(ids),
    Q2: pbxQ2(vitalId(2)),
    Q3: pbxQ3(Array.from({ length: PAGE }, (_, i) => vitalId(4 + i))),
    Q4: pbxQ1(ids),
  };
  const meshBodies: Partial<Record<QueryKey, GqlBody>> = { Q1: meshQ1(telecomxCustomer), Q2: meshQ2(2), Q4: meshQ1(telecomxCustomer) };
  const systems: System[] = [
    { key: 'pbx-graph', pid: pg.child.pid!, url: () => pg.url, bodies: pbxBodies, cold: () => refreshAll(pg.url, ids), child: pg.child },
    { key: 'mesh', pid: mesh.child.pid!, url: () => mesh.url, bodies: meshBodies, child: mesh.child },
    { key: 'pbx-graph (caches off)', pid: pgNoCache.child.pid!, url: () => pgNoCache.url, bodies: { Q1: pbxBodies.Q1!, Q4: pbxBodies.Q4! }, child: pgNoCache.child },
    { key: 'pbx-graph (graphql-js)', pid: pgJs.child.pid!, url: () => pgJs.url, bodies: { Q1: pbxBodies.Q1! }, cold: () => refreshAll(pgJs.url, ids), child: pgJs.child },
    { key: 'pbx-graph (answer memo off)', pid: pgNoMemo.child.pid!, url: () => pgNoMemo.url, bodies: { Q1: pbxBodies.Q1! }, cold: () => refreshAll(pgNoMemo.url, ids), child: pgNoMemo.child },
  ];
  const queries: QueryKey[] = ['Q1', 'Q1c', 'Q2', 'Q3', 'Q4'];
  const withFault = async <T>(q: QueryKey, fn: () => Promise<T>): Promise<T> => {
    if (q !== 'Q4') return fn();
    await sims.fault(Q4_FAILING_VENDOR, 'error500');
    try {
      return await fn();
    } finally {
      await sims.fault(Q4_FAILING_VENDOR, 'none');
    }
  };

  // 1. Vendor calls per query (cold and warm), the answers, the measured critical path, and the
  //    latency and CPU of sequential queries (no queueing).
  const counts: Record<string, Partial<Record<QueryKey, CountResult & Sequential>>> = { 'pbx-graph': {}, mesh: {}, floor: {} };
  const pbxAnswers: Partial<Record<QueryKey, string>> = {};
  for (const sys of systems) {
    counts[sys.key] = {};
    const own = queries.filter((q) => sys.bodies[q]);
    let first = true;
    const measure = async (q: QueryKey) => {
      // Every query but Q2 reads a list cache; Q2 starts cold only when it comes first.
      const { count, answer } = await countCalls(sys, sims, q, q !== 'Q2' || first);
      first = false;
      const seq = await sequential(sys, sims, q);
      counts[sys.key]![q] = { ...count, ...seq };
      if (sys.key === 'pbx-graph') pbxAnswers[q] = answer.text;
      log(`${sys.key} ${q}: calls cold ${count.cold.total} warm ${count.warm.total}, ${count.errors} errors, ${count.bytes} B; sequential p50 ${seq.seqP50} ms, ${seq.seqCpuMs} ms CPU; rounds ${seq.measuredRounds}`);
    };
    // Logins, then a warm-up (V8 optimises the hot code over the first hundreds of queries; measured
    // cold, CPU per query reads two to three times its steady value for every system alike). Q4
    // comes last, all of it under the fault: its failing vendor opens pbx-graph's circuit for that
    // source (src/core/http.ts), which must not be open while the other queries are measured.
    for (const q of own) if (q !== 'Q4') await warmUp(sys, q);
    for (const q of own) if (q !== 'Q4') await measure(q);
    if (own.includes('Q4')) {
      await withFault('Q4', async () => {
        await warmUp(sys, 'Q4');
        await measure('Q4');
      });
    }
  }

  // Per-source costs of pbx-graph's Q2 (one extension with everything) and Q3 (50 representations).
  const perSource: Record<string, { q3: { calls: number; n: number; routes: Record<string, number> }; q2: { calls: number; routes: Record<string, number> } }> = {};
  {
    const dash = JSON.parse(pbxAnswers.Q1 ?? '{}') as { data?: Record<string, { extensions?: { edges: { node: { id: string } }[] } } | null> };
    await refreshAll(pg.url, ids);
    for (const vendor of VENDOR_ORDER) {
      const nodeIds = dash.data?.[vendor]?.extensions?.edges.map((e) => e.node.id) ?? [];
      if (nodeIds.length === 0) continue;
      await sims.reset();
      await ask(pg.url, pbxQ3(nodeIds));
      const c = callsOf(await sims.counters());
      perSource[vendor] = { q3: { calls: c.perVendor[vendor] ?? 0, n: nodeIds.length, routes: c.routes[vendor] ?? {} }, q2: { calls: 0, routes: {} } };
    }
    await refreshAll(pg.url, ids);
    for (const vendor of VENDOR_ORDER) {
      const id = dash.data?.[vendor]?.extensions?.edges[1]?.node.id;
      if (!id || !perSource[vendor]) continue;
      await sims.reset();
      await ask(pg.url, pbxQ2(id));
      const c = callsOf(await sims.counters());
      perSource[vendor]!.q2 = { calls: c.perVendor[vendor] ?? 0, routes: c.routes[vendor] ?? {} };
    }
    log(`per-source Q3/Q2 calls: ${JSON.stringify(Object.fromEntries(Object.entries(perSource).map(([v, x]) => [v, [x.q3.calls, x.q2.calls]])))}`);
  }

  await stopChild(pgNoCache.child);
  await stopChild(pgJs.child);
  await stopChild(pgNoMemo.child);

  // 2. The floor replays pbx-graph's answers.
  const answersFile = join(TMP, 'floor-answers.json');
  writeFileSync(answersFile, JSON.stringify(pbxAnswers));
  const floorChild = spawnPinned('floor', 0, process.execPath, [join(BENCH, 'floor.mjs'), answersFile], { pipeStdout: true });
  const floorPort = (await firstJsonLine<{ port: number }>(floorChild, 'floor')).port;
  systems.push({ key: 'floor', pid: floorChild.pid!, url: (q) => `http://127.0.0.1:${floorPort}/${q}`, bodies: pbxBodies, child: floorChild });
  counts['floor'] = {};
  for (const q of queries) {
    const a = await ask(`http://127.0.0.1:${floorPort}/${q}`, pbxBodies[q]);
    const none = callsOf({});
    counts['floor']![q] = { cold: none, warm: none, status: a.status, bytes: a.bytes, errors: a.errors, errorCodes: a.errorCodes, ...(await sequential(systems.at(-1)!, sims, q)) };
  }

  // After Q4 the failing vendor's circuit stays open for up to its openMs: wait until pbx-graph
  // calls it again (a successful trial call) before measuring queries that need it.
  await recovered(pg.url, ids);

  // 3. Load: fixed-rate latency, throughput at 50 connections, CPU, peak RSS. The variants (caches
  //    off, graphql-js) are measured sequentially only, to keep the run short. The throughput runs of
  //    one query alternate between the systems (A B C, C B A, ...): this machine's speed drifts by
  //    tens of percent over minutes, and alternating spreads that over every system alike.
  const rows: Row[] = [];
  const loaded = systems.filter((x) => !x.key.includes('('));
  for (const q of queries) {
    if (!meshBodies[q]) rows.push({ system: 'mesh', query: q, na: q === 'Q3' ? 'Hive Gateway serves no `_entities` to clients' : 'Mesh Q1 already asks each source only for what it has' });
    // The floor's Q1c is its Q1 (sequential figures only, to keep the run short).
    const present = loaded.filter((sys) => sys.bodies[q] && !(sys.key === 'floor' && q === 'Q1c'));
    await withFault(q, async () => {
      const rss: Record<string, { before: number; reset: boolean }> = {};
      for (const sys of present) {
        await drain(sys.pid);
        rss[sys.key] = { before: r1(peakRssMb(sys.pid, 'VmRSS')), reset: resetPeakRss(sys.pid) };
      }
      const fixed: Record<string, Awaited<ReturnType<typeof fixedRateRuns>>> = {};
      for (const sys of present) fixed[sys.key] = await fixedRateRuns(sys, sims, q);
      const thr: Record<string, ThroughputRun[]> = Object.fromEntries(present.map((sys) => [sys.key, []]));
      // An unmeasured second under full load first: a runtime coming from light load grows its heap
      // (and settles its GC) during its first saturated second, which would weigh on the first run.
      for (const sys of present) await throughputRun(sys, q, 1);
      for (let i = 0; i < throughputRepeats(q); i++) {
        for (const sys of i % 2 ? [...present].reverse() : present) thr[sys.key]!.push(await throughputRun(sys, q));
      }
      for (const sys of present) {
        const f = fixed[sys.key]!;
        const t = thr[sys.key]!;
        const r = {
          fixedRate: { rate: RATE[q], instances: RATE[q], runs: f.runs },
          throughput: { connections: CONNECTIONS, runs: t },
          p50: f.p50,
          p99: f.p99,
          callsPerQueryUnderLoad: f.callsPerQueryUnderLoad,
          cpuMsPerQuery: f.cpuMsPerQuery,
          cpuMsPerQuerySaturated: median(t.map((x) => x.cpuMsPerQuery)),
          throughputRps: median(t.map((x) => x.rps)),
          non2xx: f.runs.reduce((a, x) => a + x.non2xx, 0) + t.reduce((a, x) => a + x.non2xx, 0),
          peakRssMb: r1(peakRssMb(sys.pid)),
          peakRssReset: rss[sys.key]!.reset,
          rssBeforeMb: rss[sys.key]!.before,
        };
        rows.push({ system: sys.key, query: q, ...r });
        log(`${sys.key} ${q}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.throughputRps} req/s (${t.map((x) => x.rps).join(', ')}), ${r.cpuMsPerQuerySaturated} ms CPU/q at ${CONNECTIONS}, ${r.peakRssMb} MB`);
      }
    });
  }
  await stopChild(floorChild);

  // 4. Scale: Q1 over 100 and 10,000 extensions per source.
  const scale: Record<string, unknown>[] = [];
  const vendorMs: Record<number, Record<string, number>> = {};
  if (process.env['BENCH_SKIP_SCALE'] !== '1') {
    const scaleRun = async (size: number, s: Sims, sysKey: string, pid: number, url: string, body: GqlBody, makeCold?: () => Promise<void>) => {
      await makeCold?.();
      await s.reset();
      const cold = await ask(url, body);
      const coldCalls = callsOf(await s.counters());
      await s.reset();
      const xs: number[] = [];
      const n = 10;
      let bytes = 0;
      const c0 = cpuMs(pid);
      for (let i = 0; i < n; i++) {
        const a = await ask(url, body);
        xs.push(a.ms);
        bytes = a.bytes;
      }
      const warm = callsOf(await s.counters());
      const row = {
        system: sysKey, size, coldCalls: coldCalls.total, coldPerVendor: coldCalls.perVendor, coldMs: r1(cold.ms),
        callsPerQuery: r1(warm.total / n), perVendorPerQuery: Object.fromEntries(Object.entries(warm.perVendor).map(([v, k]) => [v, r1(k / n)])),
        p50: r1(median(xs)), max: r1(Math.max(...xs)), bytes, cpuMsPerQuery: r1((cpuMs(pid) - c0) / n),
      };
      log(`scale ${sysKey} ${size}: cold ${row.coldCalls} calls ${row.coldMs} ms; ${row.callsPerQuery} calls/q, p50 ${row.p50} ms, ${bytes} B`);
      scale.push(row);
    };
    // Both sizes are measured alike: a fresh pbx-graph and a fresh Mesh, the same warm-up time each
    // (SCALE_WARM_UP_S). The processes measured above have answered thousands of queries and run
    // better-optimised code than a fresh one; comparing one with the other read as if latency grew
    // with the PBX's size.
    const freshPair = async (size: number, s: Sims, sourceIds: SourceIds, pbxBody: GqlBody, meshBody: GqlBody) => {
      const [pgX, meshX] = await Promise.all([startPbxGraph(`pbx-graph-scale-${size}`, s), startMesh(`mesh-scale-${size}`, s)]);
      for (const [url, body, pid] of [[pgX.url, pbxBody, pgX.child.pid!], [meshX.url, meshBody, meshX.child.pid!]] as const) {
        await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), connections: 2, duration: SCALE_WARM_UP_S, timeout: 60 });
        await drain(pid);
      }
      vendorMs[size] = await vendorListCallMs(s);
      await scaleRun(size, s, 'pbx-graph', pgX.child.pid!, pgX.url, pbxBody, () => refreshAll(pgX.url, sourceIds));
      await scaleRun(size, s, 'mesh', meshX.child.pid!, meshX.url, meshBody);
      await stopChild(pgX.child);
      await stopChild(meshX.child);
    };
    // Q4's fault is over at the simulators (the fresh processes' breakers know nothing of it).
    await recovered(pg.url, ids);
    await stopChild(pg.child);
    await stopChild(mesh.child);
    await freshPair(SIZE, sims, ids, pbxBodies.Q1!, meshBodies.Q1!);
    log(`simulators: size ${BIG} per source`);
    const big = await Sims.start(BIG);
    await freshPair(BIG, big, big.sourceIds(), pbxQ1(big.sourceIds()), meshQ1(telecomxCustomer));
    await stopChild(big.child);
  }
  await stopAll();
  const calibrationAfter = calibrate();
  log(`calibration after: ${calibrationAfter.ms} ms`);
  idle.release();

  // 5. Report.
  const groups = await countPortsipGroups(counts);
  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      cpus: 2,
      cpuModel: calibrationBefore.model,
      calibrationMs: { before: calibrationBefore.ms, after: calibrationAfter.ms, answerBytes: calibrationBefore.bytes },
      pinning: 'system under test: core 0 (taskset -c 0); simulators, orchestrator and autocannon: core 1',
      idle: idle.mode,
      latencyMs: LATENCY,
      sizePerSource: SIZE,
      durationS: DURATION,
      repeats: REPEATS,
      fixedRate: RATE,
      throughputConnections: CONNECTIONS,
      throughputS: THROUGHPUT_S,
      nodeFlags: SERVE_FLAGS.join(' '),
      q4FailingVendor: Q4_FAILING_VENDOR,
      q2q3Vendor: Q23_VENDOR,
      runtimeS: Math.round((performance.now() - T0) / 1000),
    },
    minimumQ1: minimumQ1(groups),
    rounds: ROUNDS,
    counts,
    perSource,
    load: rows,
    scale,
    vendorListCallMs: vendorMs,
  };
  writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  writeFileSync(join(BENCH, 'RESULTS.md'), md);
  process.stdout.write(`${md}\n`);
  log(`done in ${results.meta.runtimeS} s: bench/RESULTS.md, bench/results.json`);
}

/** PortSIP groups in the data: the group/show calls of a cold pbx-graph Q1. */
async function countPortsipGroups(counts: Record<string, Partial<Record<QueryKey, CountResult>>>): Promise<number> {
  return counts['mesh']?.Q1?.cold.routes['portsip']?.['GET /extensions/group/show'] ?? counts['pbx-graph']?.Q1?.cold.routes['portsip']?.['GET /extensions/group/show'] ?? 0;
}

// ---------------------------------------------------------------------------------------------
// report

function renderMarkdown(r: {
  meta: Record<string, unknown>;
  minimumQ1: ReturnType<typeof minimumQ1>;
  rounds: typeof ROUNDS;
  counts: Record<string, Partial<Record<QueryKey, CountResult & Sequential>>>;
  perSource: Record<string, { q3: { calls: number; n: number }; q2: { calls: number } }>;
  load: Row[];
  scale: Record<string, unknown>[];
  vendorListCallMs: Record<number, Record<string, number>>;
}): string {
  const out: string[] = [];
  const m = r.meta;
  const fmt = (x: unknown) => (typeof x === 'number' ? (Number.isFinite(x) ? String(x) : '–') : x === undefined ? '–' : String(x));
  out.push('# pbx-graph benchmark results', '');
  out.push(`Generated by \`npm run bench\` (bench/run.ts) on ${String(m['date'])}, Node ${String(m['node'])}, 2 cores${m['cpuModel'] ? ` (${String(m['cpuModel'])})` : ''}; ${String(m['pinning'])}; idle CPUs: ${String(m['idle'] ?? 'halt')}. Raw data: [results.json](results.json).`, '');
  const cal = m['calibrationMs'] as { before: number; after: number; answerBytes: number } | undefined;
  if (cal) {
    out.push(
      `Machine speed: ${String(cal.before)} ms before the measurements and ${String(cal.after)} ms after them for [bench/calibrate.mjs](calibrate.mjs) on core 0 (100 JSON parse + stringify round trips of a ${Math.round(cal.answerBytes / 1024)} KB dashboard answer, median of 7; lower is faster). The figures below depend on the machine's speed: compare runs by it ("Machines", below).`,
      '',
    );
  }
  out.push(
    `Every vendor simulator answers after ${String(m['latencyMs'])} ms; ${String(m['sizePerSource'])} extensions per source. ` +
      `Fixed-rate latency: autocannon, Q1/Q1c/Q4 at ${RATE.Q1} and Q2/Q3 at ${RATE.Q2} req/s, the rate split over that many staggered autocannon instances of \`overallRate: 1\` so requests arrive evenly spaced (one instance with \`overallRate: N\` sends each second's N requests as one burst); ` +
      `1 s warm-up, then ${String(m['repeats'])} runs × ${String(m['durationS'])} s, median of the runs' p50 and p99. Throughput: autocannon with ${CONNECTIONS} connections, 1 s unmeasured, then ${String(m['repeats'])} × ${String(m['throughputS'] ?? m['durationS'])} s (Q1: ${Math.max(Number(m['repeats']), 5)}), median. ` +
      `Peak RSS: VmHWM of the gateway process, reset (clear_refs) before each query's runs. Q4 = Q1 with the ${String(m['q4FailingVendor'])} simulator answering HTTP 500 to everything. pbx-graph's circuit breaker for that source (src/core/http.ts, defaults) opens once more than half of its calls in the last 30 s failed: the cold and warm vendor-call counts of Q4 are taken before that (the window still holds the successes of the queries before), its fixed-rate and throughput runs with the circuit open, when pbx-graph answers that source's part without calling it but for one trial call every 10 s. Q2 and Q3 ask ${String(m['q2q3Vendor'])} (Q3: 50 representations).`,
    '',
  );
  out.push('## Results', '');
  out.push('| system | query | vendor calls/query cold / warm / under load | rounds analysed / measured | critical path ms | sequential p50 ms (above critical path) | fixed-rate p50 ms (above critical path) | fixed-rate p99 ms | throughput req/s @50 | CPU ms/query sequential / @50 | peak RSS MB (RSS before) | errors in answer |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const order: QueryKey[] = ['Q1', 'Q1c', 'Q2', 'Q3', 'Q4'];
  for (const [system, byQ] of Object.entries(r.counts)) {
    for (const q of order) {
      const row = r.load.find((x) => x.system === system && x.query === q);
      const c = byQ[q];
      if (row?.['na']) {
        out.push(`| ${system} | ${q} | n/a: ${String(row['na'])} | | | | | | | | | |`);
        continue;
      }
      if (!c) continue;
      const rounds = r.rounds[system]?.[q]?.rounds;
      const crit = (rounds ?? NaN) * Number(m['latencyMs']);
      const p50 = Number(row?.['p50']);
      out.push(
        `| ${system} | ${q} | ${fmt(c.cold.total)} / ${fmt(c.warm.total)} / ${fmt(row?.['callsPerQueryUnderLoad'])} | ${fmt(rounds)} / ${fmt(c.measuredRounds)} | ${fmt(crit)} | ${fmt(c.seqP50)} (${fmt(r1(c.seqP50 - crit))}) | ${row ? `${fmt(p50)} (${fmt(r1(p50 - crit))})` : '–'} | ${fmt(row?.['p99'])} | ${fmt(row?.['throughputRps'])} | ${fmt(c.seqCpuMs)} / ${fmt(row?.['cpuMsPerQuerySaturated'])} | ${row ? `${fmt(row['peakRssMb'])} (${fmt(row['rssBeforeMb'])})` : '–'} | ${fmt(c.errors)} |`,
      );
    }
  }
  out.push('');
  out.push(
    'Vendor calls are counted at the simulators (logins apart: one per session, not per query). "Cold" is the first query after the `refreshPbx` mutation dropped the adapters\' short-lived caches, "warm" the next one right after, "under load" the average during the fixed-rate runs. ' +
      '"Rounds measured" = (median latency at 3×L − median at L) / 2L over 7 sequential queries each. ' +
      `"Sequential": 20 queries one after another (no queueing), after every system answered the same warm-up (${Object.entries(WARM_UP).map(([q, n]) => `${n} × ${q}`).join(', ')}, 10 at a time; the variants ${VARIANT_WARM_UP_Q1} × Q1). ` +
      `CPU ms/query is the gateway process's utime+stime (all its threads, GC included) over the sequential queries and over the ${CONNECTIONS}-connection runs. ` +
      `Throughput: the runs of one query alternate between the systems (A B C, then C B A, ...), so drifts in this virtual machine's speed fall on every system alike. ` +
      `Every system runs with the node flags of \`npm run serve\` (${String(m['nodeFlags'] ?? '') || 'none'}). Fixed-rate p50/p99 include any queueing at the gateway.`,
    '',
  );

  out.push('### Vendor calls per source (cold)', '');
  const vendors = [...VENDOR_ORDER];
  out.push(`| system | query | ${vendors.join(' | ')} | total |`);
  out.push(`|---|---|${vendors.map(() => '---').join('|')}|---|`);
  for (const [sys, byQ] of Object.entries(r.counts)) {
    if (sys === 'floor') continue;
    for (const [q, c] of Object.entries(byQ)) {
      if (!c) continue;
      out.push(`| ${sys} | ${q} | ${vendors.map((v) => fmt(c.cold.perVendor[v] ?? 0)).join(' | ')} | ${c.cold.total} |`);
    }
  }
  out.push('');

  out.push('## Documented minimum vendor calls for Q1 (50 extensions per source with status, devices, queues, groups)', '');
  out.push('| vendor | minimum cold | minimum warm | pbx-graph cold | pbx-graph warm | Mesh | how |');
  out.push('|---|---|---|---|---|---|---|');
  let sumCold = 0;
  let sumWarm = 0;
  for (const v of vendors) {
    const min = r.minimumQ1[v]!;
    sumCold += min.cold;
    sumWarm += min.warm;
    const pgc = r.counts['pbx-graph']?.Q1;
    const mc = r.counts['mesh']?.Q1;
    out.push(`| ${v} | ${min.cold} | ${min.warm} | ${fmt(pgc?.cold.perVendor[v])} | ${fmt(pgc?.warm.perVendor[v])} | ${fmt(mc?.cold.perVendor[v])} | ${min.how} |`);
  }
  out.push(`| **total** | ${sumCold} | ${sumWarm} | ${fmt(r.counts['pbx-graph']?.Q1?.cold.total)} | ${fmt(r.counts['pbx-graph']?.Q1?.warm.total)} | ${fmt(r.counts['mesh']?.Q1?.cold.total)} | |`);
  out.push('');

  out.push('## Critical path (sequential vendor rounds)', '');
  out.push('| system | query | rounds | why |');
  out.push('|---|---|---|---|');
  for (const [sys, byQ] of Object.entries(r.rounds)) for (const [q, x] of Object.entries(byQ)) if (x) out.push(`| ${sys} | ${q} | ${x.rounds} | ${x.why} |`);
  out.push('');

  out.push('## pbx-graph per source: Q3 (`_entities`, one source\'s extensions) and Q2 (one extension, every field), cold', '');
  out.push('| vendor | Q3 representations | Q3 vendor calls | Q2 vendor calls |');
  out.push('|---|---|---|---|');
  for (const [v, x] of Object.entries(r.perSource)) out.push(`| ${v} | ${x.q3.n} | ${x.q3.calls} | ${x.q2.calls} |`);
  out.push('');

  if (r.scale.length) {
    out.push('## Scale: Q1 with 100 and 10,000 extensions per source', '');
    out.push(`At both sizes both systems are fresh processes, each kept answering Q1 (2 at a time) for ${SCALE_WARM_UP_S} s first: the same procedure at both sizes and for both systems (Mesh answers a few queries in that time at 10,000, pbx-graph hundreds; a warm-up by count that suits pbx-graph would take Mesh minutes). The latency tables above are of processes that had answered thousands of queries first.`, '');
    out.push('| system | extensions per source | vendor calls cold | vendor calls/query (10 sequential) | p50 ms (10 sequential) | max ms | gateway CPU ms/query | answer bytes |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const s of r.scale) out.push(`| ${fmt(s['system'])} | ${fmt(s['size'])} | ${fmt(s['coldCalls'])} | ${fmt(s['callsPerQuery'])} | ${fmt(s['p50'])} | ${fmt(s['max'])} | ${fmt(s['cpuMsPerQuery'])} | ${fmt(s['bytes'])} |`);
    out.push('');
    out.push('The vendors\' own time for the dashboard\'s list call, called directly (no gateway; median of 5, ms; includes the injected latency):', '');
    const sizes = Object.keys(r.vendorListCallMs);
    out.push(`| vendor | ${sizes.map((z) => `${z} per source`).join(' | ')} |`);
    out.push(`|---|${sizes.map(() => '---').join('|')}|`);
    for (const v of vendors) out.push(`| ${v} | ${sizes.map((z) => fmt(r.vendorListCallMs[Number(z)]?.[v])).join(' | ')} |`);
    out.push('');
  }
  out.push(NOTES);
  return out.join('\n');
}

/** Hand-written notes (kept in the generator so every run writes them). */
const NOTES = readFileSync(join(BENCH, 'NOTES.md'), 'utf8');

if (process.env['BENCH_RENDER_ONLY'] === '1') {
  // Re-renders RESULTS.md from results.json (after editing NOTES.md), without measuring again.
  const md = renderMarkdown(JSON.parse(readFileSync(join(BENCH, 'results.json'), 'utf8')) as Parameters<typeof renderMarkdown>[0]);
  writeFileSync(join(BENCH, 'RESULTS.md'), md);
  process.exit(0);
}

main()
  .catch(async (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAll();
    process.exitCode = 1;
  })
  .finally(() => log(`logs of the child processes: ${TMP}`));
