// A preload for tuning (bench/quick.ts TRACE=1): the median timeline of a GraphQL request, in ms
// since the request arrived: when each vendor request was written (W:path), when each vendor answer
// was taken up, its headers parsed (R:path; a busy gateway takes an answer up late), vendor answers
// parsed (P<KB>< and >), the answer serialised (S< and S>) and handed to the kernel (end). Requests
// that overlap another are left out, so run it at a low rate (sequential or RATE=10). Printed at
// exit.
import dc from 'node:diagnostics_channel';
import { writeSync } from 'node:fs';
import http from 'node:http';

const done = [];
let current = null;
let inflight = 0;
const now = () => performance.now();
const mark = (key) => {
  if (current && !current.overlap && current.marks[key] === undefined) current.marks[key] = now() - current.t0;
};
const short = (path) => path.split('?')[0].split('/').slice(-2).join('/');

dc.subscribe('http.server.request.start', ({ request }) => {
  if (!request.url.startsWith('/graphql')) return;
  // Only requests that no other request overlapped at any time: one arriving while another is in
  // flight spoils both (a counter, since a request can start after the traced one ended and before
  // an untraced one did).
  inflight++;
  if (current) current.overlap = true;
  current = inflight > 1 ? { overlap: true } : { t0: now(), marks: {} };
});
dc.subscribe('http.server.response.finish', ({ request }) => {
  if (!request.url.startsWith('/graphql')) return;
  inflight--;
  if (!current) return;
  if (!current.overlap) {
    mark('end');
    done.push(current.marks);
  }
  current = null;
});
dc.subscribe('http.client.response.finish', ({ request }) => mark(`R:${short(request.path)}`));
// The moment a vendor request's bytes are first written (the client diagnostics channel reports
// the request's creation, which got does well before it writes).
const writeRaw = http.OutgoingMessage.prototype._writeRaw;
http.OutgoingMessage.prototype._writeRaw = function (...args) {
  if (this instanceof http.ClientRequest && !this.traced) {
    this.traced = true;
    mark(`W:${short(this.path)}`);
  }
  return writeRaw.apply(this, args);
};

// JSON work of 10 KB and more: vendor answers parsed (P<KB>: start, end) and the answer serialised (S).
const parse = JSON.parse;
JSON.parse = function (text, ...rest) {
  if (typeof text !== 'string' || text.length < 10_000) return parse.call(this, text, ...rest);
  const k = Math.round(text.length / 1000);
  mark(`P${k}<`);
  const out = parse.call(this, text, ...rest);
  mark(`P${k}>`);
  return out;
};
const stringify = JSON.stringify;
JSON.stringify = function (...args) {
  const t = now();
  const out = stringify.apply(this, args);
  if (typeof out === 'string' && out.length >= 10_000 && current && !current.overlap && current.marks['S<'] === undefined) {
    current.marks['S<'] = t - current.t0;
    mark('S>');
  }
  return out;
};

process.on('exit', () => {
  const sample = done.slice(Math.min(30, Math.floor(done.length / 4)));
  const byKey = new Map();
  for (const marks of sample) for (const [k, t] of Object.entries(marks)) byKey.set(k, [...(byKey.get(k) ?? []), t]);
  const rows = [...byKey]
    .filter(([, ts]) => ts.length >= sample.length / 2) // phases most requests have
    .map(([k, ts]) => [k, ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]])
    .sort((a, b) => a[1] - b[1]);
  writeSync(1, `trace (${sample.length} requests, medians, ms): ${rows.map(([k, t]) => `${k} ${t.toFixed(2)}`).join(' | ')}\n`);
});
