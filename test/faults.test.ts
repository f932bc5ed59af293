import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { FAULT_CANARY } from '../src/core/sim-server.ts';
import type { SimulatorFault, SimulatorHandle } from '../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';

/**
 * The fault matrix: every vendor x every way a vendor or the network fails. For each case the
 * gateway stays up, the healthy sources answer in full, the failing source gets its documented code,
 * the answer arrives within the source's timeout plus a margin, no canary from the vendor's body or
 * headers reaches the answer or the logs, and an INTERNAL_SERVER_ERROR (there should be none) is logged.
 */

/** The short per-call timeout of the matrix's sources, ms. */
const TIMEOUT_MS = 400;
/** Sequential vendor rounds a source may need before it fails (login, then the list), plus scheduling. */
const DEADLINE_MS = 2 * TIMEOUT_MS + 1200;

/** Vendors whose sessions lapse (they log in again on a 401 after idle time). */
const SESSION_VENDORS = new Set(['portsip', 'telecomx']);

/** What the dashboard asks of each vendor: only fields its capabilities list, so a healthy answer has no error. */
const FIELDS: Record<string, string> = {
  vitalpbx: 'id number name devices { id technology online } queues { penalty queue { id name } }',
  portsip: 'id number name status groups { id name }',
  telecomx: 'id number name status devices { id technology online }',
  etelecom: 'id number name',
  portal: 'id number name status',
};

type Case = { fault: SimulatorFault | 'idle401'; code: string | null };

/** Each fault and the code the failing source gets; `idle401` is a lapsed session (none for session vendors). */
const FAULTS: Case[] = [
  { fault: 'timeout', code: 'VENDOR_TIMEOUT' },
  { fault: 'error500', code: 'VENDOR_UNAVAILABLE' },
  { fault: 'rateLimited', code: 'VENDOR_RATE_LIMITED' },
  { fault: 'truncated', code: 'VENDOR_UNAVAILABLE' },
  { fault: 'reset', code: 'VENDOR_UNAVAILABLE' },
  { fault: 'trickle', code: 'VENDOR_TIMEOUT' },
  { fault: 'wrongTypes', code: 'VENDOR_BAD_RESPONSE' },
  { fault: 'missingArrays', code: 'VENDOR_BAD_RESPONSE' },
  { fault: 'nullData', code: 'VENDOR_BAD_RESPONSE' },
  { fault: 'idle401', code: 'VENDOR_AUTH_FAILED' },
];

interface Answer {
  data?: Record<string, { id: string; extensions: { edges: unknown[] } } | null>;
  errors?: { message: string; path?: unknown[]; extensions?: { code?: string; pbx?: string; retryAfterSeconds?: number } }[];
}

describe('fault matrix: every vendor x every fault', () => {
  const sims = new Map<string, SimulatorHandle>();
  const sources: { id: string; vendor: string; alias: string; raw: Record<string, unknown> }[] = [];
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', destination: sink });
  let query = '';
  const baseline = new Map<string, number>();

  const gatewayOver = async (): Promise<Gateway> => {
    const raw = {
      server: { port: 0, host: '127.0.0.1' },
      rateLimit: { capacity: 100_000, refillPerSecond: 100_000 },
      sources: sources.map((s) => ({ ...s.raw, timeoutMs: TIMEOUT_MS, breaker: false })),
    };
    return startGateway({ config: parseConfig(raw, VENDORS, {}), vendors: VENDORS, logger });
  };
  const ask = async (g: Gateway, requestId: string): Promise<{ text: string; body: Answer; ms: number }> => {
    const started = performance.now();
    const res = await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ query }) });
    const text = await res.text();
    return { text, body: JSON.parse(text) as Answer, ms: performance.now() - started };
  };

  before(async () => {
    for (const [vendor, mod] of VENDORS) {
      const sim = await mod.startSimulator({ size: 20 });
      sims.set(vendor, sim);
      for (const s of mod.demoSources(sim)) sources.push({ id: String(s['id']), vendor, alias: `s${sources.length}`, raw: s });
    }
    query = `{ ${sources.map((s) => `${s.alias}: pbx(id: "${s.id}") { id extensions(first: 50) { edges { node { ${FIELDS[s.vendor]} } } } }`).join(' ')} }`;
    const g = await gatewayOver();
    try {
      const { body } = await ask(g, 'baseline');
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      for (const s of sources) baseline.set(s.alias, body.data![s.alias]!.extensions.edges.length);
    } finally {
      await g.stop();
    }
  });
  after(async () => {
    await Promise.all([...sims.values()].map((s) => s.close()));
  });

  for (const vendor of VENDORS.keys()) {
    for (const { fault, code: documented } of FAULTS) {
      const expected = fault === 'idle401' && SESSION_VENDORS.has(vendor) ? null : documented;
      test(`${vendor} x ${fault}: ${expected ?? 'a transparent re-login'}`, async () => {
        const sim = sims.get(vendor)!;
        const g = await gatewayOver();
        const requestId = `matrix-${vendor}-${fault}`;
        try {
          // A first healthy answer gives a session vendor its session, which the fault then meets (the
          // others are asked cold: a warm answer would sit in their whole-list cache).
          if (SESSION_VENDORS.has(vendor)) await ask(g, `${requestId}-warm`);
          if (fault === 'idle401') {
            if (sim.lapseTokens) sim.lapseTokens();
            else sim.setFault('unauthorized');
          } else {
            sim.setFault(fault);
          }
          const { text, body, ms } = await ask(g, requestId);
          sim.setFault('none');

          const bad = new Set(sources.filter((s) => s.vendor === vendor).map((s) => s.id));
          const errors = body.errors ?? [];
          // The healthy sources answer in full, with no error.
          for (const s of sources.filter((x) => x.vendor !== vendor)) {
            assert.equal(body.data?.[s.alias]?.extensions.edges.length, baseline.get(s.alias), `${s.id} kept its data`);
            assert.deepEqual(errors.filter((e) => e.extensions?.pbx === s.id), [], `${s.id} has no error`);
          }
          const own = errors.filter((e) => bad.has(String(e.extensions?.pbx)));
          assert.deepEqual(errors.filter((e) => !bad.has(String(e.extensions?.pbx))), [], 'every error names the failing source');
          if (expected === null) {
            assert.deepEqual(own, [], 'a lapsed session is renewed without an error');
            for (const s of sources.filter((x) => x.vendor === vendor)) assert.equal(body.data?.[s.alias]?.extensions.edges.length, baseline.get(s.alias));
          } else {
            assert.ok(own.length > 0, 'the failing source reports an error');
            assert.deepEqual([...new Set(own.map((e) => e.extensions?.code))], [expected], JSON.stringify(own));
            if (expected === 'VENDOR_RATE_LIMITED') for (const e of own) assert.ok(Number.isInteger(e.extensions?.retryAfterSeconds), 'retryAfterSeconds is given');
          }
          assert.ok(ms < DEADLINE_MS, `answered in ${Math.round(ms)} ms`);
          // No canary of the vendor's body or headers reaches the answer or the log.
          assert.ok(!text.includes(FAULT_CANARY) && !text.includes('sim-canary'), 'canary in the answer');
          const leaked = logLines.filter((l) => l.includes(FAULT_CANARY) || l.includes('sim-canary'));
          assert.deepEqual(leaked, [], 'canary in the log');
          // Every INTERNAL_SERVER_ERROR is logged with its cause (and none is expected).
          const internal = errors.filter((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR').length;
          const logged = logLines.filter((l) => l.includes('"internal error"') && l.includes(requestId)).length;
          assert.ok(logged >= internal, 'an INTERNAL_SERVER_ERROR was not logged');
          assert.equal(internal, 0);
          // The warn lines about the failing calls carry the request id and a cause, never a token.
          if (expected !== null && expected !== 'VENDOR_BAD_RESPONSE') {
            const lines = logLines.filter((l) => l.includes(`"requestId":"${requestId}"`) && l.includes('vendor call failed'));
            assert.ok(lines.length > 0, 'the failed call is logged with its request id');
            for (const l of lines) {
              const cause = JSON.parse(l).cause as Record<string, unknown>;
              assert.equal(typeof cause['host'], 'string');
              if (expected === 'VENDOR_TIMEOUT') assert.ok(['connect', 'response', 'read'].includes(String(cause['timeout'])), l);
              assert.ok(!/access_token=|token=/.test(l), 'a token in the log');
            }
          }
        } finally {
          sim.setFault('none');
          await g.stop();
        }
      });
    }
  }
});
