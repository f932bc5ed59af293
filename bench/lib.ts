/** Helpers the benchmark (run.ts) and the tuning tools (quick.ts, ab.ts) share. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Median of the finite values (the mean of the middle two for an even count); NaN when none. */
export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile, nearest rank; NaN when empty. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process (all its threads), ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/**
 * Keeps this machine's idle CPUs polling instead of halting while the benchmark runs: a PM QoS
 * request of 0 µs on /dev/cpu_dma_latency, held as long as the file stays open (what cyclictest does
 * by default). This virtual machine's idle driver (cpuidle-haltpoll, halt polling off on its kernel
 * command line) otherwise halts an idle vCPU, and waking it is paid by whatever sent it something: a
 * round trip between the two cores with 20 ms between calls took 1.26 ms halted against 0.91 ms
 * polling (bench/NOTES.md). At a fixed 10 req/s every leg finds its receiver idle, for every system
 * alike, and the figures varied by milliseconds from run to run.
 * BENCH_IDLE=halt keeps the machine's own policy. Needs root; without it the bench runs as the
 * machine is and says so.
 */
export function holdIdlePoll(): { mode: string; release: () => void } {
  if (process.env['BENCH_IDLE'] === 'halt') return { mode: 'halt (BENCH_IDLE=halt: the machine\'s own idle policy)', release: () => {} };
  try {
    const fd = openSync('/dev/cpu_dma_latency', 'w');
    const zero = Buffer.alloc(4);
    zero.writeInt32LE(0);
    writeSync(fd, zero);
    return { mode: 'poll (PM QoS 0 µs on /dev/cpu_dma_latency held for the run)', release: () => closeSync(fd) };
  } catch (err) {
    return { mode: `halt (no PM QoS request: ${(err as NodeJS.ErrnoException).code ?? String(err)})`, release: () => {} };
  }
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The node flags `npm run serve` starts pbx-graph with (package.json), so the benchmark and the
 * tools run it as it ships.
 */
export function serveFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const m = /^node\s+(.*?)\s*dist\/main\.js/.exec(scripts['serve'] ?? '');
  return m && m[1] ? m[1].split(/\s+/) : [];
}

/** What bench/sims.ts prints when its simulators listen. */
export interface SimsReady {
  /** The control server (counters, faults, latency). */
  control: string;
  /** Per vendor: its URL and the demo source entries pointing at it. */
  vendors: Record<string, { url: string; sources: Record<string, unknown>[] }>;
}

/**
 * The simulators' demo source entries, each with its vendor's overrides merged in: an object or its
 * JSON mapping a vendor to config keys, e.g. '{"portsip":{"breaker":false}}' (quick.ts SOURCES, ab.ts A_/B_SOURCES).
 */
export function sourcesWith(info: SimsReady, overridesByVendor: string | Record<string, Record<string, unknown>> = '{}'): Record<string, unknown>[] {
  const overrides = typeof overridesByVendor === 'string' ? (JSON.parse(overridesByVendor) as Record<string, Record<string, unknown>>) : overridesByVendor;
  return Object.entries(info.vendors).flatMap(([v, x]) => x.sources.map((s) => ({ ...s, ...(overrides[v] ?? {}) })));
}

/** Starts every vendor simulator in one child on `core` (bench/sims.ts) and waits for its ready line. */
export function startSimsChild(size: number, latencyMs: number, core = 1): Promise<{ child: ChildProcess; info: SimsReady }> {
  const child = spawn('taskset', ['-c', String(core), process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'sims.ts'), String(size), String(latencyMs)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += String(d);
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(buf.slice(0, nl)) as SimsReady });
    });
    child.once('exit', (code) => reject(new Error(`simulators exited (${code}) before they were ready`)));
  });
}
