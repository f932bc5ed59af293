/**
 * What validating vendor answers at the edge costs (core/validate.ts). For the list answer each
 * vendor gives the demo's dashboard (a 50-extension page from its simulator), per answer:
 *   parse+map           JSON.parse, deep-freeze and map every record (what the gateway did before);
 *   parse+validate+map  the same with the endpoint's zod schema in between (a new answer);
 *   memo hit            an unchanged answer: the answer memo hands back the same object, so the
 *                       validation is a WeakMap hit and the mapped rows are the same (byIdentity).
 * Prints a markdown table and writes it to bench/validation.md.
 *
 * Usage: node --import tsx bench/validation.ts [ITERATIONS]   (default 300; 30 for a quick check)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnswer } from '../src/core/answer-memo.ts';
import { byIdentity } from '../src/core/shared-cache.ts';
import { listAnswer, type AnswerSchema } from '../src/core/validate.ts';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { mapExtension as mapEtelecom } from '../src/vendors/etelecom/mappers.ts';
import { EtelecomExtensionSchema, EtelecomExtensionsEnvelope } from '../src/vendors/etelecom/types.ts';
import { ETELECOM_SIM_API_KEY } from '../src/vendors/etelecom/simulator.ts';
import { mapListItem } from '../src/vendors/portal/mappers.ts';
import { PortalListEnvelope, PortalListItemSchema } from '../src/vendors/portal/types.ts';
import { PORTAL_SIM_AUTH_ID, PORTAL_SIM_AUTH_KEY, PORTAL_SIM_PBX_ID } from '../src/vendors/portal/simulator.ts';
import { mapExtensionSummary } from '../src/vendors/portsip/mappers.ts';
import { PortsipExtensionSummarySchema, PortsipPageSchema } from '../src/vendors/portsip/types.ts';
import { PORTSIP_SIM_PASSWORD, PORTSIP_SIM_USERNAME } from '../src/vendors/portsip/simulator.ts';
import { mapExtension as mapTelecomx } from '../src/vendors/telecomx/mappers.ts';
import { TX_LIST_KEY, TxExtensionListEnvelope, TxExtensionSchema } from '../src/vendors/telecomx/types.ts';
import { TELECOMX_SIM } from '../src/vendors/telecomx/simulator.ts';
import { mapExtension as mapVital } from '../src/vendors/vitalpbx/mappers.ts';
import { VitalEnvelopeSchema, VitalExtensionSchema } from '../src/vendors/vitalpbx/types.ts';
import { VITAL_SIM_APP_KEY } from '../src/vendors/vitalpbx/simulator.ts';
import { ROOT } from './lib.ts';

const ITERATIONS = Math.max(1, Number(process.argv[2] ?? 300));
const PAGE = 50;

/** One vendor's dashboard list answer: how to fetch its bytes, its schema, its list key and mapper. */
interface Case {
  vendor: string;
  endpoint: string;
  fetch: (sim: SimulatorHandle) => Promise<Buffer>;
  schema: AnswerSchema<Record<string, unknown>>;
  key: string;
  map: (x: never) => unknown;
}

const bytes = async (res: Response): Promise<Buffer> => {
  if (!res.ok) throw new Error(`simulator answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
};
const json = { 'content-type': 'application/json' };

const CASES: Case[] = [
  {
    vendor: 'vitalpbx', endpoint: 'GET extensions', key: 'data', map: ((x) => mapVital('s', x)) as Case['map'],
    schema: listAnswer('extensions', VitalEnvelopeSchema, 'data', VitalExtensionSchema) as AnswerSchema<Record<string, unknown>>,
    fetch: async (sim) => bytes(await fetch(`${sim.url}/extensions`, { headers: { 'app-key': VITAL_SIM_APP_KEY, tenant: '1' } })),
  },
  {
    vendor: 'portsip', endpoint: 'GET extensions/list', key: 'extensions', map: ((x) => mapExtensionSummary('s', x)) as Case['map'],
    schema: listAnswer('extensions/list', PortsipPageSchema, 'extensions', PortsipExtensionSummarySchema) as AnswerSchema<Record<string, unknown>>,
    fetch: async (sim) => {
      const login = (await (await fetch(`${sim.url}/account/credentials/verify`, { method: 'POST', headers: json, body: JSON.stringify({ username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD }) })).json()) as { access_token: string };
      return bytes(await fetch(`${sim.url}/extensions/list?access_token=${login.access_token}&pagination=1&pagesize=${PAGE}`));
    },
  },
  {
    vendor: 'telecomx', endpoint: 'GET pbx/extension', key: TX_LIST_KEY, map: ((x) => mapTelecomx('s', x)) as Case['map'],
    schema: listAnswer('pbx/extension', TxExtensionListEnvelope, TX_LIST_KEY, TxExtensionSchema) as AnswerSchema<Record<string, unknown>>,
    fetch: async (sim) => {
      const login = (await (await fetch(`${sim.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: TELECOMX_SIM.manager.email, password: TELECOMX_SIM.manager.password }) })).json()) as { token: string };
      return bytes(await fetch(`${sim.url}/pbx/extension?token=${login.token}&limit=${PAGE}&includePhones=true&expandGoto=true&sort=number`));
    },
  },
  {
    vendor: 'etelecom', endpoint: 'POST GetExtensions', key: 'extensions', map: ((x) => mapEtelecom('s', x)) as Case['map'],
    schema: listAnswer('GetExtensions', EtelecomExtensionsEnvelope, 'extensions', EtelecomExtensionSchema) as AnswerSchema<Record<string, unknown>>,
    fetch: async (sim) => bytes(await fetch(`${sim.url}.Etelecom/GetExtensions`, { method: 'POST', headers: { ...json, authorization: `Bearer ${ETELECOM_SIM_API_KEY}` }, body: JSON.stringify({ paging: { limit: PAGE } }) })),
  },
  {
    vendor: 'portal', endpoint: 'POST get/extensions', key: 'result', map: ((x) => mapListItem('s', x)) as Case['map'],
    schema: listAnswer('get/extensions', PortalListEnvelope, 'result', PortalListItemSchema) as AnswerSchema<Record<string, unknown>>,
    fetch: async (sim) => bytes(await fetch(`${sim.url}/get/extensions`, { method: 'POST', headers: json, body: JSON.stringify({ authId: PORTAL_SIM_AUTH_ID, authKey: PORTAL_SIM_AUTH_KEY, module: 'pbx', pbxId: PORTAL_SIM_PBX_ID }) })),
  },
];

/** Median microseconds per call of `fn` over ITERATIONS runs (after a warm-up of a tenth). */
function time(fn: () => void): number {
  for (let i = 0; i < Math.ceil(ITERATIONS / 10); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    fn();
    samples.push((performance.now() - t) * 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const rows: string[] = [];
for (const c of CASES) {
  const sim = await VENDORS.get(c.vendor)!.startSimulator({ size: PAGE });
  try {
    const raw = await c.fetch(sim);
    const records = (x: unknown) => (x as Record<string, unknown[]>)[c.key] ?? [];
    const count = records(parseAnswer(raw)).length;
    const plain = time(() => {
      for (const r of records(parseAnswer(raw))) c.map(r as never);
    });
    const validated = time(() => {
      // A new parse is a new object: the schema's per-answer memo misses, as for a changed answer.
      for (const r of records(c.schema.decode(parseAnswer(raw)).value)) c.map(r as never);
    });
    const same = parseAnswer(raw);
    const mapOnce = byIdentity((r: object) => c.map(r as never));
    const hit = time(() => {
      for (const r of records(c.schema.decode(same).value)) mapOnce(r as object);
    });
    rows.push(`| ${c.vendor} | ${c.endpoint} | ${(raw.length / 1024).toFixed(1)} | ${count} | ${plain.toFixed(0)} | ${validated.toFixed(0)} | +${(((validated - plain) / plain) * 100).toFixed(0)} % | ${hit.toFixed(1)} |`);
  } finally {
    await sim.close();
  }
}

const table = [
  `Validation cost per vendor list answer (median of ${ITERATIONS} runs, µs; ${PAGE}-extension simulator pages; Node ${process.version}).`,
  '',
  '| vendor | endpoint | KiB | records | parse+map µs | parse+validate+map µs | validation adds | memo hit µs |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
  ...rows,
  '',
  'A changed answer pays parse+validate+map once; an unchanged one (the dashboard polling the same',
  'page) is the memo hit: the same frozen answer, its validation and its mapped rows remembered.',
  '',
].join('\n');
console.log(table);
writeFileSync(join(ROOT, 'bench', 'validation.md'), `# Answer validation at the edge\n\nWritten by \`node --import tsx bench/validation.ts\`.\n\n${table}`);
