/**
 * A/B for tuning (not part of `npm run bench`): two gateways over one set of simulators, both on
 * core 0 (one loaded at a time), alternated in short 50-connection runs so that this machine's slow
 * and fast spells hit both alike; prints each side's median and the median of the paired ratios.
 *
 *   node --import tsx bench/ab.ts A_MAIN B_MAIN [rounds]
 *
 * A_MAIN / B_MAIN: entry files (a build of another commit: `git worktree add`, then `tsc -p
 * tsconfig.build.json` there; keep it inside this folder so node_modules resolve). Knobs
 * (environment): A_FLAGS / B_FLAGS (node flags, default none), A_SERVER / B_SERVER (JSON merged
 * into the server config), A_ENV / B_ENV ("K=V K=V" extra environment, e.g. LOG_LEVEL=error; the
 * gateways log at warn to a file otherwise), A_SOURCES / B_SOURCES (per vendor, JSON merged into its
 * source config, e.g. '{"portsip":{"breaker":false}}'), Q (Q1, Q1c or Q4), DUR (3).
 *
 * MODE=latency: instead of throughput, latency at a fixed rate: one request every GAP ms (50),
 * alternately to A and B (each system at 1000 / (2 × GAP) req/s, their requests never overlapping at
 * Q1's 45 ms), N requests each (600); prints each side's p50/p90 and the median of the paired
 * differences B − A, so the machine's drift falls on both alike. JITTER=1: each request leaves a
 * random 0–1 ms off the millisecond grid that node's timers (the simulators' too) fire on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import autocannon from 'autocannon';
import { cpuMs, freePort, holdIdlePoll, median, percentile, sleep, sourcesWith, startSimsChild } from './lib.ts';
import { pbxQ1, pbxQ1c } from './queries.ts';

// As in bench/run.ts: idle CPUs poll for the tool's lifetime (BENCH_IDLE=halt: the machine's own policy).
console.log(`idle CPUs: ${holdIdlePoll().mode}`);

const [aMain, bMain] = [process.argv[2]!, process.argv[3]!];
const rounds = Number(process.argv[4] ?? 8);
const { child: sims, info } = await startSimsChild(100, Number(process.env['LAT'] ?? 20));
const ids = Object.fromEntries(Object.entries(info.vendors).map(([v, x]) => [v, String(x.sources[0]!['id'])]));
const tmp = mkdtempSync(join(tmpdir(), 'pbx-ab-'));
for (const k of ['A', 'B']) {
  const server = { host: '127.0.0.1', port: 0, ...JSON.parse(process.env[`${k}_SERVER`] ?? '{}') };
  writeFileSync(join(tmp, `config-${k}.json`), JSON.stringify({ server, rateLimit: { capacity: 1e6, refillPerSecond: 1e6 }, sources: sourcesWith(info, process.env[`${k}_SOURCES`]) }));
}
const body = JSON.stringify(process.env['Q'] === 'Q1c' ? pbxQ1c(ids) : pbxQ1(ids));
// Q4: Q1 with the PortSIP simulator answering HTTP 500 to everything (as bench/run.ts).
if (process.env['Q'] === 'Q4') await fetch(`${info.control}/fault?vendor=portsip&fault=error500`);
async function start(key: string, main: string, flags: string | undefined, extraEnv: string | undefined): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  // Logs go to a file, as in bench/run.ts (writing to /dev/null would cost nothing); LOG_LEVEL warn
  // unless A_ENV / B_ENV say otherwise.
  const out = openSync(join(tmp, `gateway-${key}.log`), 'w');
  const env = { ...process.env, LOG_LEVEL: 'warn', ...Object.fromEntries((extraEnv ?? '').split(' ').filter(Boolean).map((kv) => kv.split('='))), PORT: String(port) };
  const child = spawn('taskset', ['-c', '0', process.execPath, ...(flags ? flags.split(' ') : []), main, '--config', join(tmp, `config-${key}.json`)], { stdio: ['ignore', out, 'inherit'], env });
  closeSync(out); // the child holds its own copy
  const url = `http://127.0.0.1:${port}/graphql`;
  for (;;) {
    try {
      if ((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).ok) break;
    } catch {}
    await sleep(100);
  }
  return { url, child };
}
const sys = { A: await start('A', aMain, process.env['A_FLAGS'], process.env['A_ENV']), B: await start('B', bMain, process.env['B_FLAGS'], process.env['B_ENV']) };
const dur = Number(process.env['DUR'] ?? 3);
const res: Record<string, { rps: number[]; cpu: number[] }> = { A: { rps: [], cpu: [] }, B: { rps: [], cpu: [] } };
const run = async (k: 'A' | 'B', d: number) => {
  const { url, child } = sys[k];
  const c0 = cpuMs(child.pid!);
  const r = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 50, duration: d });
  // Wait for the requests still queued in the gateway.
  for (let last = -1; ; ) {
    await sleep(200);
    const c = cpuMs(child.pid!);
    if (c - last < 15) break;
    last = c;
  }
  return { rps: r.requests.total / d, cpu: (cpuMs(child.pid!) - c0) / r.requests.sent };
};
for (let w = 0; w < 2; w++) {
  await run('A', 4);
  await run('B', 4);
}
if (process.env['MODE'] === 'latency') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const t = performance.now();
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(performance.now() - t));
      });
      req.on('error', reject);
      req.end(body);
    });
  const gap = Number(process.env['GAP'] ?? 50);
  const n = Number(process.env['N'] ?? 600);
  const lat: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < 2 * n; i++) {
    // Open loop: each request leaves on its slot, whether or not the one before has answered.
    const wait = t0 + i * gap - performance.now();
    if (wait > 0) await sleep(wait);
    // JITTER=1: a random 0–1 ms more (spun, not slept): node's timers fire on the millisecond grid
    // the simulators' timers also use, which would lock every request's phase to theirs.
    if (process.env['JITTER'] === '1') for (const until = performance.now() + Math.random(); performance.now() < until; );
    const k = (i % 2 ? 'B' : 'A') as 'A' | 'B';
    const slot = i >> 1;
    pending.push(post(sys[k].url).then((ms) => void (lat[k][slot] = ms)));
  }
  await Promise.all(pending);
  const diffs = lat.A.map((a, i) => lat.B[i]! - a);
  for (const k of ['A', 'B'] as const) console.log(`${k}: p50 ${percentile(lat[k], 50).toFixed(2)} ms, p90 ${percentile(lat[k], 90).toFixed(2)}, n ${lat[k].length}`);
  console.log(`B - A: median of paired differences ${median(diffs).toFixed(2)} ms`);
  for (const s of Object.values(sys)) s.child.kill('SIGINT');
  await sleep(1000);
  sims.kill('SIGTERM');
  process.exit(0);
}
for (let i = 0; i < rounds; i++) {
  for (const k of (i % 2 ? ['B', 'A'] : ['A', 'B']) as ('A' | 'B')[]) {
    const x = await run(k, dur);
    res[k]!.rps.push(x.rps);
    res[k]!.cpu.push(x.cpu);
  }
  process.stderr.write(`round ${i + 1}: A ${res.A!.rps.at(-1)!.toFixed(1)} req/s ${res.A!.cpu.at(-1)!.toFixed(1)} ms; B ${res.B!.rps.at(-1)!.toFixed(1)} req/s ${res.B!.cpu.at(-1)!.toFixed(1)} ms\n`);
}
const ratios = res.A!.rps.map((a, i) => res.B!.rps[i]! / a);
console.log(`A: median ${median(res.A!.rps).toFixed(1)} req/s, ${median(res.A!.cpu).toFixed(2)} CPU ms/q`);
console.log(`B: median ${median(res.B!.rps).toFixed(1)} req/s, ${median(res.B!.cpu).toFixed(2)} CPU ms/q`);
console.log(`B/A throughput: median ratio ${median(ratios).toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
for (const s of Object.values(sys)) s.child.kill('SIGINT');
await sleep(1000);
sims.kill('SIGTERM');
