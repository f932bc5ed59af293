// Tuning tool (not part of `npm run bench`): a vendor call's time at both ends, on one clock
// (performance.timeOrigin + now). As a preload of every process of a bench/quick.ts run
// (NODE_OPTIONS="--import ./bench/ends.mjs"), the simulators' process records when each request
// reached its handler and when its answer was sent, and the gateway when it wrote each vendor
// request and took up its answer; both write /tmp/ends-*.json at exit. Then `node bench/ends.mjs`
// joins them: per vendor route, medians of write → handler (transport, and any wait behind other
// work in the simulators' one thread), handler → send (the injected latency) and send → taken up
// (transport, and any wait behind other work in the gateway). Found the simulators holding each
// other up (bench/NOTES.md, the harness, 8).
import dc from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const abs = () => performance.timeOrigin + performance.now();
const route = (path) => path.split('?')[0].split('/').slice(-1)[0];
const isMain = import.meta.url === `file://${process.argv[1]}`;
const isSims = process.argv.some((a) => a.endsWith('sims.ts'));
const isGateway = process.argv.some((a) => a.endsWith('main.js'));
const rows = [];

if (isSims) {
  dc.subscribe('http.server.request.start', ({ request, response }) => {
    const row = { p: route(request.url), a: abs() };
    rows.push(row);
    const end = response.end;
    response.end = function (...args) {
      row.s = abs();
      return end.apply(this, args);
    };
  });
}
if (isGateway) {
  dc.subscribe('http.client.response.finish', ({ request }) => {
    if (request.ends) request.ends.r = abs();
  });
  const writeRaw = http.OutgoingMessage.prototype._writeRaw;
  http.OutgoingMessage.prototype._writeRaw = function (...args) {
    if (this instanceof http.ClientRequest && !this.ends) {
      this.ends = { p: route(this.path), w: abs() };
      rows.push(this.ends);
    }
    return writeRaw.apply(this, args);
  };
}
if (isSims || isGateway) {
  const save = () => writeFileSync(`/tmp/ends-${isSims ? 'sims' : 'gateway'}.json`, JSON.stringify(rows));
  process.on('exit', save);
  process.prependListener('SIGTERM', save);
}

if (isMain) {
  // The last 15 % of the gateway's calls: quick.ts's sequential and fixed-rate phases, not its warm-up.
  const sims = JSON.parse(readFileSync('/tmp/ends-sims.json', 'utf8'));
  const gw = JSON.parse(readFileSync('/tmp/ends-gateway.json', 'utf8'));
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const by = new Map();
  for (const g of gw.slice(Math.floor(gw.length * 0.85))) {
    const match = sims.filter((s) => s.p === g.p && s.a >= g.w - 0.5 && s.a < g.w + 5);
    if (!g.r || match.length !== 1) continue;
    const [s] = match;
    if (!by.has(g.p)) by.set(g.p, { up: [], hold: [], down: [] });
    const b = by.get(g.p);
    b.up.push(s.a - g.w);
    b.hold.push(s.s - s.a);
    b.down.push(g.r - s.s);
  }
  for (const [p, b] of by) {
    console.log(`${p.padEnd(16)} n ${String(b.up.length).padStart(4)}  write → handler ${median(b.up).toFixed(2)}  handler → send ${median(b.hold).toFixed(2)}  send → taken up ${median(b.down).toFixed(2)} ms`);
  }
}
