/**
 * Benchmark child: every registered vendor's simulator in one process (pinned to its own core by
 * bench/run.ts), plus a small control server on loopback so the orchestrator can read the request
 * counters, clear them, inject faults and change the latency.
 *
 * Usage: node --import tsx bench/sims.ts SIZE LATENCY_MS
 * Prints one JSON line on stdout when ready: { control, vendors: { <vendor>: { url, sources } } }.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatorFault, SimulatorHandle, SimulatorOptions } from '../src/core/vendor-module.ts';
import { VENDORS } from '../src/vendors/registry.ts';

const size = Number(process.argv[2] ?? 100);
const latencyMs = Number(process.argv[3] ?? 20);

const sims = new Map<string, SimulatorHandle>();
const vendors: Record<string, { url: string; sources: Record<string, unknown>[] }> = {};
for (const mod of VENDORS.values()) {
  // tokenIdleMs: PortSIP sessions lapse after 30 s idle by default; the Mesh side gets one token at
  // start and may sit idle while another system is measured. Other simulators ignore the key.
  const opts: SimulatorOptions & { tokenIdleMs?: number } = { size, latencyMs, tokenIdleMs: 3_600_000 };
  const sim = await mod.startSimulator(opts);
  sims.set(mod.vendor, sim);
  vendors[mod.vendor] = { url: sim.url, sources: mod.demoSources(sim) };
}

function counters(): Record<string, { total: number; routes: Record<string, number>; maxInFlight: number }> {
  const out: Record<string, { total: number; routes: Record<string, number>; maxInFlight: number }> = {};
  for (const [v, s] of sims) out[v] = { total: s.totalRequests(), routes: Object.fromEntries(s.requests), maxInFlight: s.maxInFlight() };
  return out;
}

const control = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  try {
    switch (url.pathname) {
      case '/counters':
        return send(200, counters());
      case '/reset':
        for (const s of sims.values()) s.resetCounters();
        return send(200, { ok: true });
      case '/fault': {
        const vendor = url.searchParams.get('vendor') ?? '';
        const fault = (url.searchParams.get('fault') ?? 'none') as SimulatorFault;
        const targets = vendor === '*' ? [...sims.values()] : [sims.get(vendor)];
        if (targets.some((t) => !t)) return send(404, { error: `no simulator ${vendor}` });
        for (const t of targets) t!.setFault(fault);
        return send(200, { ok: true });
      }
      case '/latency': {
        const ms = Number(url.searchParams.get('ms'));
        for (const s of sims.values()) s.setLatency(ms);
        return send(200, { ok: true });
      }
      default:
        return send(404, { error: 'no such control' });
    }
  } catch (err) {
    return send(500, { error: String(err) });
  }
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const { port } = control.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ control: `http://127.0.0.1:${port}`, size, latencyMs, vendors })}\n`);

const stop = () => {
  control.close();
  void Promise.all([...sims.values()].map((s) => s.close())).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
