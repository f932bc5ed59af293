// The machine's speed, so that runs of `npm run bench` on different days (and virtual machines) can
// be told apart: the same code read 5.5 ms above Q1's critical path on one machine and 2.7 on
// another that answered 2.5 times the throughput (bench/NOTES.md). A fixed piece of the work a
// gateway does per query, JSON in and out of a dashboard-sized answer, timed on the core it is run
// on (bench/run.ts runs it pinned to core 0, the gateway's core, before and after the measurements).
// Usage: node calibrate.mjs   (prints {"ms": N, "bytes": N, "model": "..."}: ms, lower is faster)
import { cpus } from 'node:os';

// A deterministic answer shaped like Q1's: 250 extension rows with nested devices, about 64 KB.
const rows = Array.from({ length: 250 }, (_, i) => ({
  id: `RXh0ZW5zaW9uOnBvcnRzaXA6${i}`,
  number: String(100 + i),
  name: `Extension ${i}`,
  status: i % 3 ? 'AVAILABLE' : 'OFFLINE',
  devices: [{ id: `RGV2aWNlOiR7aX0${i}`, userAgent: 'Yealink SIP-T54W 96.86.0.70', registered: i % 2 === 0 }],
  queues: null,
  groups: [{ id: `R3JvdXA6${i % 6}`, name: `Group ${i % 6}` }],
}));
const text = JSON.stringify({ data: { extensions: { edges: rows.map((node) => ({ node })) } } });

function once(n) {
  const t0 = performance.now();
  let size = 0;
  for (let i = 0; i < n; i++) size += JSON.stringify(JSON.parse(text)).length;
  if (size !== n * text.length) throw new Error('calibration: round trip changed the answer');
  return performance.now() - t0;
}

once(50); // warm-up: the JSON paths optimised before timing
const times = Array.from({ length: 7 }, () => once(100)).sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ ms: Math.round(times[3] * 100) / 100, bytes: text.length, model: cpus()[0]?.model ?? 'unknown' })}\n`);
