/**
 * The tuning loop (not part of `npm run bench`): the simulators on core 1, one pbx-graph (the compiled
 * build, `npm run build` first) on core 0, one query, in about a minute: a warm-up, sequential latency
 * and CPU, latency at a fixed open-loop rate (as bench/run.ts measures it), and throughput at 50
 * connections.
 *
 *   node --import tsx bench/quick.ts [Q1|Q1c|Q2|Q4|T]   (T: `{ __typename }`, no vendor call)
 *
 * Knobs (environment): PREWARM (queries before measuring, 1000), MIX=1 (Q1c, Q2 and Q3 first), RATE (fixed rate, req/s, 10; 0
 * skips), RUNS (throughput runs, 2; 0 skips), DUR (seconds per run, 3), NODE_FLAGS (default: the
 * `npm run serve` flags), SOURCES (per vendor, JSON merged into its source config), SERVER (JSON merged into the server config, e.g. '{"executor":"graphql-js"}'),
 * HEALTHY=1 (Q4: one healthy Q1 first, as bench/run.ts: PortSIP logged in, its pages' hints known), BENCH_IDLE=halt (idle CPUs halt, as the machine is; default: poll, see lib.ts holdIdlePoll), MAIN (the entry, dist/main.js), LOG (the gateway's LOG_LEVEL, warn), IDLE (seconds idle before the fixed-rate runs, 0), PROF (a folder: CPU profile of the gateway), TRACE=1 (preload
 * bench/trace.mjs: median timeline of a request's phases, printed at exit), LAT (simulated latency, 20), SIZE (extensions per source, 100).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { encodeId } from '../src/core/ids.ts';
import { cpuMs, freePort, holdIdlePoll, percentile, serveFlags, sleep, sourcesWith, startSimsChild } from './lib.ts';
import { pbxQ1, pbxQ1c, pbxQ2, pbxQ3 } from './queries.ts';

// As in bench/run.ts: idle CPUs poll for the tool's lifetime (BENCH_IDLE=halt: the machine's own policy).
console.log(`idle CPUs: ${holdIdlePoll().mode}`);

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const q = process.argv[2] ?? 'Q1';
const tmp = mkdtempSync(join(tmpdir(), 'pbx-quick-'));
const { child: sims, info } = await startSimsChild(Number(env('SIZE', '100')), Number(env('LAT', '20')));
const ids = Object.fromEntries(Object.entries(info.vendors).map(([v, x]) => [v, String(x.sources[0]!['id'])]));
// SOURCES: per vendor, JSON merged into its source config, e.g. '{"vitalpbx":{"listCacheMs":0}}'.
const config = join(tmp, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    server: { host: '127.0.0.1', port: 0, debug: true, ...(JSON.parse(env('SERVER', '{}')) as Record<string, unknown>) },
    rateLimit: { capacity: 1e6, refillPerSecond: 1e6 },
    sources: sourcesWith(info, env('SOURCES', '{}')),
  }),
);
const port = await freePort();
const flags = env('NODE_FLAGS', serveFlags().join(' ')).split(' ').filter(Boolean);
// TRACE=1: bench/trace.mjs; TRACE=<path>: another preload that prints a `trace` line at exit.
const trace = process.env['TRACE'];
if (trace) flags.push('--import', trace === '1' ? new URL('./trace.mjs', import.meta.url).pathname : trace);
if (process.env['PROF']) flags.push('--cpu-prof', '--cpu-prof-dir', process.env['PROF']);
const gw = spawn('taskset', ['-c', '0', process.execPath, ...flags, env('MAIN', 'dist/main.js'), '--config', config], {
  stdio: ['ignore', openSync(join(tmp, 'gateway.out'), 'w'), 'inherit'],
  env: { ...process.env, PORT: String(port), LOG_LEVEL: env('LOG', 'warn') },
});
const url = `http://127.0.0.1:${port}/graphql`;
// EXTRA=n: n more idle gateways on core 0 (what else shares the gateway's core in bench/run.ts).
const extras = Array.from({ length: Number(env('EXTRA', '0')) }, () =>
  spawn('taskset', ['-c', '0', process.execPath, ...serveFlags(), env('MAIN', 'dist/main.js'), '--config', config], {
    stdio: 'ignore',
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' },
  }),
);
const vital = (n: number) => encodeId('Extension', ids['vitalpbx']!, String(n));
const body = JSON.stringify(q === 'T' ? { query: '{ __typename }' } : q === 'Q1c' ? pbxQ1c(ids) : q === 'Q2' ? pbxQ2(vital(2)) : pbxQ1(ids));
const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text());
const answered = async () => {
  for (;;) {
    try {
      return JSON.parse(await post()) as { errors?: unknown[]; extensions?: unknown };
    } catch {
      await sleep(100);
    }
  }
};
// Q4: Q1 with the PortSIP simulator answering HTTP 500 to everything (as bench/run.ts). HEALTHY=1:
// one Q1 answered first, as in bench/run.ts (the PortSIP session and the pages' hints exist).
if (q === 'Q4' && process.env['HEALTHY'] === '1') await answered();
if (q === 'Q4') await fetch(`${info.control}/fault?vendor=portsip&fault=error500`);
{
  const answer = await answered();
  console.log(`${q}: ${body.length} B asked, ${answer.errors?.length ?? 0} errors, ${JSON.stringify(answer.extensions)}; node flags: ${flags.join(' ')}`);
}
const cannon = (opts: { connections: number; amount?: number; duration?: number; overallRate?: number }) =>
  autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, ...opts });

// MIX=1: the bench's other queries first (a process that served several query shapes).
if (process.env['MIX'] === '1') {
  for (const other of [pbxQ1c(ids), pbxQ2(vital(2)), pbxQ3(Array.from({ length: 50 }, (_, i) => vital(4 + i)))]) {
    await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(other), connections: 10, amount: 300 });
  }
}
await cannon({ connections: 10, amount: Number(env('PREWARM', '1000')) });
const seq: number[] = [];
const c0 = cpuMs(gw.pid!);
for (let i = 0; i < 100; i++) {
  const t = performance.now();
  await post();
  seq.push(performance.now() - t);
}
console.log(`sequential: p50 ${percentile(seq, 50).toFixed(1)} ms, p90 ${percentile(seq, 90).toFixed(1)}, CPU ${((cpuMs(gw.pid!) - c0) / 100).toFixed(1)} ms/query`);

const rate = Number(env('RATE', '10'));
const dur = Number(env('DUR', '3'));
// IDLE=s: the gateway sits idle that long first (bench/run.ts measures other systems in between).
await sleep(Number(env('IDLE', '0')) * 1000);
for (let rep = 0; rate > 0 && rep < 3; rep++) {
  // As bench/run.ts: RATE instances of 1 req/s each, started 1/RATE s apart.
  const samples: number[] = [];
  const f0 = cpuMs(gw.pid!);
  await Promise.all(
    Array.from({ length: rate }, async (_, i) => {
      await sleep((i * 1000) / rate);
      const inst = cannon({ connections: 1, duration: dur, overallRate: 1 });
      inst.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
        if (status === 200) samples.push(ms);
      });
      await inst;
    }),
  );
  await sleep(300);
  console.log(`fixed rate ${rate}/s: p50 ${percentile(samples, 50).toFixed(1)} ms, p90 ${percentile(samples, 90).toFixed(1)}, p99 ${percentile(samples, 99).toFixed(1)}, CPU ${((cpuMs(gw.pid!) - f0) / samples.length).toFixed(1)} ms/query (n ${samples.length})`);
}

const runs = Number(env('RUNS', '2'));
if (runs > 0) await cannon({ connections: 50, duration: 1 });
for (let rep = 0; rep < runs; rep++) {
  await sleep(1500);
  const t0 = cpuMs(gw.pid!);
  const r = await cannon({ connections: 50, duration: dur });
  await sleep(1500);
  console.log(`throughput @50: ${(r.requests.total / dur).toFixed(1)} req/s, p50 ${r.latency.p50} ms, non2xx ${r.non2xx}, CPU ${((cpuMs(gw.pid!) - t0) / r.requests.sent).toFixed(1)} ms/query`);
}
gw.kill('SIGINT');
for (const x of extras) x.kill('SIGINT');
await sleep(1500);
sims.kill('SIGTERM');
if (trace) process.stdout.write(readFileSync(join(tmp, 'gateway.out'), 'utf8').split('\n').filter((l) => l.startsWith('trace')).join('\n') + '\n');
