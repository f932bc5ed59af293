import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimRequestRecord, SimulatorFault, SimulatorHandle } from './vendor-module.ts';

/** A string every fault puts in its body or headers: it must never reach a client or a log line. */
export const FAULT_CANARY = 'fault-canary-7f3a';

/** A request as a simulator handler sees it. */
export interface SimRequest {
  /** HTTP method. */
  method: string;
  /** Path below the simulator's base path, starting with `/`. */
  path: string;
  /** Query string. */
  query: URLSearchParams;
  /** Lower-cased headers. */
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined when none or not JSON). */
  body: unknown;
}

/** A simulator handler's answer. */
export interface SimResponse {
  /** HTTP status. */
  status: number;
  /** JSON body. */
  body: unknown;
  /** The body already serialised (a simulator that keeps its answers sends this instead of `body`). */
  text?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/**
 * The answer with its body serialised now, for a simulator that keeps answers its data cannot change
 * (the simulators share one thread in the benchmark; serialising a big list per request there
 * delayed the other vendors' requests).
 */
export function serialised(answer: SimResponse): SimResponse {
  return { ...answer, text: JSON.stringify(answer.body) };
}

/** Options of the shared simulator HTTP server. */
export interface SimServerOptions {
  /** Port (0: any). */
  port?: number;
  /** Path prefix of the vendor API (e.g. `/api/v2`). */
  basePath: string;
  /** Added latency, ms. */
  latencyMs?: number;
  /** Vendor logic. */
  handler: (req: SimRequest) => SimResponse | Promise<SimResponse>;
}

/**
 * The plumbing all vendor simulators share: real HTTP on loopback, JSON bodies, request counters, a
 * bounded request log, in-flight tracking, latency and fault knobs. Vendor logic lives in each
 * vendor's simulator.ts.
 */
export async function startSimServer(opts: SimServerOptions): Promise<SimulatorHandle> {
  const requests = new Map<string, number>();
  const log: SimRequestRecord[] = [];
  let latency = opts.latencyMs ?? 0;
  let fault: SimulatorFault = 'none';
  let retryAfter = '1';
  let inFlight = 0;
  const stalls = new Map<string, { mode: 'hang' | 'drop'; left: number }>();
  let maxInFlight = 0;
  const base = opts.basePath.replace(/\/$/, '');

  const server = http.createServer(async (req, res) => {
    const arrived = performance.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const url = new URL(req.url ?? '/', 'http://sim');
      const method = req.method ?? 'GET';
      if (!url.pathname.startsWith(base)) {
        send(res, 404, { message: 'no such path' });
        return;
      }
      const path = url.pathname.slice(base.length) || '/';
      const key = `${method} ${path}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      log.push({ method, path, query: Object.fromEntries(url.searchParams), body });
      if (log.length > 10_000) log.shift();
      // Every answer, a fault's included, is ready `latency` ms after the request arrived, however long
      // the simulator took to read the body and compute and serialise the answer: the latency knob is
      // the vendor's whole response time, so a gateway's critical path is exactly rounds x latency (a
      // big list costs no extra, and neither does a request body that arrives after its headers).
      const untilReady = async () => {
        const wait = latency - (performance.now() - arrived);
        if (wait > 0) await sleep(wait);
      };
      if (fault === 'none' || RESHAPES.has(fault)) {
        const answer = await opts.handler({ method, path, query: url.searchParams, headers: req.headers, body });
        const stall = stalls.get(key);
        if (stall && stall.left > 0) {
          if (--stall.left === 0) stalls.delete(key);
          if (stall.mode === 'drop') res.destroy();
          // A hang answers nothing; the client's own timeout ends it.
          else await sleep(60_000);
          return;
        }
        let text = answer.text ?? JSON.stringify(answer.body);
        if (fault !== 'none') text = JSON.stringify(reshape(fault, answer.text !== undefined ? JSON.parse(answer.text) : answer.body));
        await untilReady();
        sendText(res, answer.status, text, answer.headers);
        return;
      }
      if (fault === 'truncated' || fault === 'reset' || fault === 'trickle') {
        const answer = await opts.handler({ method, path, query: url.searchParams, headers: req.headers, body });
        const text = Buffer.from(answer.text ?? JSON.stringify(answer.body));
        await untilReady();
        await broken(res, fault, text);
        return;
      }
      await untilReady();
      switch (fault) {
        case 'error500':
          // A vendor error body full of things that must never reach a client.
          send(res, 500, { message: 'internal error', detail: `db=postgres://admin:sim-canary-secret@10.0.0.1/pbx ${FAULT_CANARY}`, trace: 'at /opt/pbx/api.php:42' });
          return;
        case 'rateLimited':
          send(res, 429, { message: `too many requests ${FAULT_CANARY}` }, { 'retry-after': retryAfter, 'x-debug': FAULT_CANARY });
          return;
        case 'unauthorized':
          send(res, 401, { message: 'unauthorized', err_code: 401, err_msg: `session ${FAULT_CANARY} rejected` }, { 'www-authenticate': `Bearer realm="${FAULT_CANARY}"` });
          return;
        case 'timeout':
          await sleep(60_000);
          if (!res.destroyed) send(res, 504, { message: 'late' });
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`<html>502 Bad Gateway ${FAULT_CANARY}</html>`);
          return;
        case 'wrongTypes':
        case 'missingArrays':
        case 'nullData':
          throw new Error(`fault ${fault} is served above`);
        default: {
          const never: never = fault;
          throw new Error(`unknown fault ${String(never)}`);
        }
      }
    } catch (err) {
      send(res, 500, { message: 'simulator error', error: String(err) });
    } finally {
      inFlight--;
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${base}`,
    requests,
    log,
    totalRequests: () => [...requests.values()].reduce((a, b) => a + b, 0),
    maxInFlight: () => maxInFlight,
    resetCounters: () => {
      requests.clear();
      log.length = 0;
      maxInFlight = inFlight;
    },
    setFault: (f) => {
      fault = f;
    },
    setRetryAfter: (value) => {
      retryAfter = value;
    },
    setLatency: (ms) => {
      latency = ms;
    },
    stallAfterHandling: (route, mode, times = 1) => {
      stalls.set(route, { mode, left: times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The faults that serve the real answer, reshaped. */
const RESHAPES: ReadonlySet<SimulatorFault> = new Set(['wrongTypes', 'missingArrays', 'nullData']);

/** The real answer with its shape broken as `fault` says (a new value; the simulator's data is untouched). */
function reshape(fault: SimulatorFault, value: unknown, depth = 0): unknown {
  switch (fault) {
    case 'wrongTypes':
      // Every leaf changes type: strings become numbers, numbers and booleans strings.
      if (typeof value === 'string') return value.length;
      if (typeof value === 'number' || typeof value === 'boolean') return `${FAULT_CANARY}-${String(value)}`;
      if (Array.isArray(value)) return value.map((v) => reshape(fault, v, depth + 1));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reshape(fault, v, depth + 1)]));
      return value;
    case 'missingArrays':
      if (Array.isArray(value)) return depth === 0 ? {} : value.map((v) => reshape(fault, v, depth + 1));
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).filter(([, v]) => !Array.isArray(v)).map(([k, v]) => [k, reshape(fault, v, depth + 1)]));
      }
      return value;
    case 'nullData':
      if (Array.isArray(value)) return null;
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v !== null && typeof v === 'object' ? null : v]));
      return value;
    default:
      return value;
  }
}

/** Sends the start of `text` and then fails as `fault` says: cut short, connection reset, or a byte at a time. */
async function broken(res: http.ServerResponse, fault: 'truncated' | 'reset' | 'trickle', text: Buffer): Promise<void> {
  const half = text.subarray(0, Math.max(1, Math.floor(text.length / 2)));
  switch (fault) {
    case 'truncated':
      // A complete HTTP answer whose JSON stops halfway (a proxy's buffer limit).
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': half.length, 'x-debug': FAULT_CANARY });
      res.end(half);
      return;
    case 'reset':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length, 'x-debug': FAULT_CANARY });
      res.write(half, () => res.socket?.resetAndDestroy());
      return;
    case 'trickle':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length, 'x-debug': FAULT_CANARY });
      for (let i = 0; i < text.length && !res.destroyed && !res.socket?.destroyed; i++) {
        res.write(text.subarray(i, i + 1));
        await sleep(100);
      }
      if (!res.destroyed) res.end();
      return;
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** A deterministic pseudo-random generator (mulberry32), so generated data is the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ana', 'Ben', 'Chen', 'Dana', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jun', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya'];
const LAST = ['Andersen', 'Brown', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kim', 'Larsen', 'Moreau', 'Nguyen', 'Olsen', 'Petrov'];

/** A generated person's name, deterministic for (seed, index). */
export function fakeName(rand: () => number): { first: string; last: string } {
  return { first: FIRST[Math.floor(rand() * FIRST.length)]!, last: LAST[Math.floor(rand() * LAST.length)]! };
}
