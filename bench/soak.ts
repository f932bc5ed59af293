/**
 * Soak: the demo's dashboard query (Q1c) at a steady rate for a bounded time, against every vendor
 * simulator (one child process) through pbx-graph (another child, started as `npm run serve` starts
 * it), printing the gateway's RSS, heap used and heap total once a sample period, then the slope of
 * each (least squares, MB per minute, over the samples after the first) and the errors.
 *
 * Usage: npm run soak                       (30 minutes)
 *        SOAK_MINUTES=5 npm run soak        (shorter)
 * Knobs: SOAK_MINUTES (default 30), SOAK_RATE (queries per second, default 10), SOAK_SAMPLE_S
 *        (seconds between samples, default 60), SOAK_SIZE (extensions per source, default 100),
 *        SOAK_LATENCY_MS (simulated vendor latency, default 5).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pbxQ1c, VENDOR_ORDER, type SourceIds } from './queries.ts';
import { serveFlags, sleep, sourcesWith, startSimsChild } from './lib.ts';

/** What the gateway child reports of its memory. */
interface Mem {
  /** Resident set size, bytes. */
  rss: number;
  /** V8 heap used, bytes. */
  heapUsed: number;
  /** V8 heap total, bytes. */
  heapTotal: number;
  /** Size of V8's young generation (new space), bytes: it grows up to --max-semi-space-size. */
  newSpace: number;
  /** Size of V8's old space, bytes. */
  oldSpace: number;
  /** Full (mark-compact) collections so far. */
  majorGcs: number;
  /** Heap used just after the latest full collection, bytes (0 before the first): the live heap. */
  afterMajorGc: number;
}

const num = (name: string, def: number): number => {
  const v = Number(process.env[name] ?? def);
  return Number.isFinite(v) && v > 0 ? v : def;
};

if (process.argv[2] === 'gateway') {
  await gatewayChild(JSON.parse(process.argv[3] ?? '[]') as Record<string, unknown>[]);
} else {
  await main();
}

/** The gateway process: pbx-graph over the simulators, answering memory questions over IPC. */
async function gatewayChild(sources: Record<string, unknown>[]): Promise<void> {
  const { parseConfig } = await import('../src/core/config.ts');
  const { createLogger } = await import('../src/core/logger.ts');
  const { startGateway } = await import('../src/server/app.ts');
  const { VENDORS } = await import('../src/vendors/registry.ts');
  const { Writable } = await import('node:stream');
  const v8 = await import('node:v8');
  const { PerformanceObserver, constants } = await import('node:perf_hooks');
  // The live heap is what a full collection leaves: garbage promoted to old space between two of
  // them (the production flags turn the memory reducer off) is not a leak.
  let majorGcs = 0;
  let afterMajorGc = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (((e as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcs++;
        afterMajorGc = process.memoryUsage().heapUsed;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  // Warnings are written (as in production) to a sink that counts them, not to the terminal.
  let warnings = 0;
  const sink = new Writable({
    write(_chunk, _enc, cb) {
      warnings++;
      cb();
    },
  });
  const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 }, sources }, VENDORS, {});
  const gateway = await startGateway({ config, vendors: VENDORS, logger: createLogger({ level: 'warn', destination: sink }) });
  process.on('message', (m: unknown) => {
    if (m === 'mem') {
      const u = process.memoryUsage();
      const space = (name: string) => v8.getHeapSpaceStatistics().find((x) => x.space_name === name)?.space_size ?? 0;
      process.send!({ rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, newSpace: space('new_space'), oldSpace: space('old_space'), majorGcs, afterMajorGc, warnings });
    } else if (m === 'stop') {
      void gateway.stop().then(() => process.exit(0));
    }
  });
  process.send!({ url: gateway.url });
}

/** Least-squares slope of ys over xs. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const minutes = num('SOAK_MINUTES', 30);
  const rate = num('SOAK_RATE', 10);
  const sampleS = num('SOAK_SAMPLE_S', 60);
  const { child: sims, info } = await startSimsChild(num('SOAK_SIZE', 100), num('SOAK_LATENCY_MS', 5), 1);
  const sources = sourcesWith(info);
  const gw: ChildProcess = fork(fileURLToPath(import.meta.url), ['gateway', JSON.stringify(sources)], {
    execArgv: ['--import', 'tsx', ...serveFlags()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    gw.once('message', (m) => resolve((m as { url: string }).url));
    gw.once('exit', (code) => reject(new Error(`gateway exited (${code})`)));
  });
  const mem = () =>
    new Promise<Mem & { warnings: number }>((resolve) => {
      gw.once('message', (m) => resolve(m as Mem & { warnings: number }));
      gw.send('mem');
    });

  const ids: SourceIds = {};
  for (const v of VENDOR_ORDER) {
    const first = info.vendors[v]?.sources[0];
    if (first) ids[v] = String(first['id']);
  }
  const body = JSON.stringify(pbxQ1c(ids));
  let sent = 0;
  let failed = 0;
  let answersWithErrors = 0;
  const errorCodes = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const one = async () => {
    sent++;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      if (res.status !== 200) failed++;
      if (answer.errors?.length) {
        answersWithErrors++;
        for (const e of answer.errors) errorCodes.set(String(e.extensions?.code), (errorCodes.get(String(e.extensions?.code)) ?? 0) + 1);
      }
    } catch {
      failed++;
    }
  };

  const MB = 1024 * 1024;
  const rows: (Mem & { minute: number })[] = [];
  const fmt = (x: number) => (x / MB).toFixed(1);
  console.log(`soak: ${minutes} min at ${rate} queries/s, a sample every ${sampleS} s (gateway pid ${gw.pid})`);
  console.log('| minute | RSS MB | heap used MB | heap total MB | new space MB | old space MB | full GCs | heap used after the last full GC MB | queries | failed | answers with errors | warnings logged |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const line = (minute: number, m: Mem & { warnings: number }) =>
    console.log(`| ${minute.toFixed(1)} | ${fmt(m.rss)} | ${fmt(m.heapUsed)} | ${fmt(m.heapTotal)} | ${fmt(m.newSpace)} | ${fmt(m.oldSpace)} | ${m.majorGcs} | ${m.majorGcs ? fmt(m.afterMajorGc) : '-'} | ${sent} | ${failed} | ${answersWithErrors} | ${m.warnings} |`);
  const started = performance.now();
  const end = started + minutes * 60_000;
  let nextSample = started;
  let nextSend = started;
  while (performance.now() < end) {
    const now = performance.now();
    if (now >= nextSample) {
      const m = await mem();
      const minute = (performance.now() - started) / 60_000;
      rows.push({ minute, ...m });
      line(minute, m);
      nextSample += sampleS * 1000;
    }
    if (now >= nextSend) {
      const p = one().finally(() => inFlight.delete(p));
      inFlight.add(p);
      nextSend += 1000 / rate;
    }
    await sleep(Math.max(0, Math.min(nextSend, nextSample, end) - performance.now()));
  }
  await Promise.all(inFlight);
  const last = await mem();
  const minute = (performance.now() - started) / 60_000;
  rows.push({ minute, ...last });
  line(minute, last);

  // The first sample is before any load: the slopes are taken over the loaded ones.
  const loaded = rows.slice(1);
  const xs = loaded.map((r) => r.minute);
  const s = (pick: (r: (typeof rows)[number]) => number) => (slope(xs, loaded.map(pick)) / MB).toFixed(2);
  console.log('');
  // The heap a full collection leaves is the live heap: its slope is the one that says "leak".
  const collected = loaded.filter((r) => r.majorGcs > 0);
  const live = collected.length >= 2 ? (slope(collected.map((r) => r.minute), collected.map((r) => r.afterMajorGc)) / MB).toFixed(2) : '-';
  console.log('| slope, MB/min | RSS | heap used | heap total | new space | old space | heap after full GC |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| over ${loaded.length} loaded samples | ${s((r) => r.rss)} | ${s((r) => r.heapUsed)} | ${s((r) => r.heapTotal)} | ${s((r) => r.newSpace)} | ${s((r) => r.oldSpace)} | ${live} |`);
  // A slope over the second half says whether the growth levels off.
  const late = loaded.slice(Math.floor(loaded.length / 2));
  if (late.length >= 2) {
    const lx = late.map((r) => r.minute);
    const ls = (pick: (r: (typeof rows)[number]) => number) => (slope(lx, late.map(pick)) / MB).toFixed(2);
    const lateLive = late.filter((r) => r.majorGcs > 0);
    const ll = lateLive.length >= 2 ? (slope(lateLive.map((r) => r.minute), lateLive.map((r) => r.afterMajorGc)) / MB).toFixed(2) : '-';
    console.log(`| over the last ${late.length} samples | ${ls((r) => r.rss)} | ${ls((r) => r.heapUsed)} | ${ls((r) => r.heapTotal)} | ${ls((r) => r.newSpace)} | ${ls((r) => r.oldSpace)} | ${ll} |`);
  }
  console.log('');
  console.log(`queries ${sent}, failed ${failed}, answers with errors ${answersWithErrors}${errorCodes.size ? ` (${[...errorCodes].map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`);
  gw.send('stop');
  await new Promise((r) => gw.once('exit', r));
  sims.kill();
  process.exitCode = failed > 0 || answersWithErrors > 0 ? 1 : 0;
}
