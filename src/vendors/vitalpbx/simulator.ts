import { byIdentity } from '../../core/shared-cache.ts';
import { fakeName, serialised, seededRandom, startSimServer, type SimResponse } from '../../core/sim-server.ts';
import type { SimulatorHandle, SimulatorOptions } from '../../core/vendor-module.ts';

// The simulator's own reading of vitalpbx.txt: it shares no type or constant with the adapter, so a
// misreading in one is caught by the other.

/** A device as the doc's examples show it (secret included). */
interface VitalDevice {
  /** Device id. */
  device_id: string;
  /** Every other documented field. */
  [field: string]: string | null;
}
/** An extension as the doc's example shows it. */
interface VitalExtension {
  /** Extension id. */
  extension_id: number;
  /** Number. */
  extension: string;
  /** Name. */
  name: string;
  /** Tenant. */
  tenant_id: number;
  /** Embedded devices. */
  devices: VitalDevice[];
  /** Embedded queues. */
  queues_info: { queues: number[]; queues_name: string[]; queues_penalty: string[] };
  /** Every other documented field. */
  [field: string]: unknown;
}
/** /cdr_summary: counts as strings. */
type VitalCdrSummary = Record<'local' | 'incoming' | 'outgoing' | 'transit', string>;
/** /voicemail_records: records by folder. */
type VitalVoicemailRecords = Record<string, Record<string, string>>;

/** The simulator's credentials (the demo config uses them). */
export const VITAL_SIM_APP_KEY = 'vital-demo-app-key';
/** Tenants the simulator serves. */
export const VITAL_SIM_TENANTS = ['1', '2'] as const;

interface TenantData {
  extensions: VitalExtension[];
  cdr: Map<string, VitalCdrSummary>;
  voicemail: Map<string, VitalVoicemailRecords>;
}

/** The doc's GET /extensions example record (tenant 1, extension 100). */
export function docExampleExtension(): VitalExtension {
  return {
    extension_id: 1, extension: '100', name: 'Jhone Doe', language: 'en', email: null, class_of_service_id: 1, dial_profile_id: 1,
    call_limit: 0, internal_cid: '"Jhone Doe" <100>', external_cid: '"Jhone Doe" <100>', emergency_cid: '"Jhone Doe" <100>', ringtime: 0,
    nospy: false, enabled_pa: false, answermode: 'disable', mailbox: '100@vitalpbx-voicemail', accountcode: null, features_password: '*56437',
    sendcid: false, generate_hints: false, hot_desking: false, secretary: null, music_group_id: 2, rec_on_demand: false, internal_rec: true,
    outgoing_rec: true, incoming_rec: true, dictate_enable: false, dictate_format: 'ogg', dictate_auto_send: false, fax_enabled: false,
    fax_auto_send: false, absent_secretary: false, lock: false, call_waiting: false, pinless: false, dynamic_routing: false, tenant_id: 1,
    context: 'cos-all', has_analog_devices: false,
    devices: [{ device_id: '3', extension_id: '3', profile_id: '1', user: '100', secret: '100', description: 'Jhone Doe', ring_device: 'yes', technology: 'sip', assigned_exten: '100', tenant_id: '1', device_name: '100' }],
    queues_info: { queues: [1], queues_name: ['Q500'], queues_penalty: ['0'] },
  };
}

/** The doc's /devices example (extension id 2). */
export const DOC_DEVICES_EXAMPLE: VitalDevice = {
  device_id: '2', extension_id: '2', profile_id: '1', user: 'dev-101', secret: 'QG4nKqN#BQnNzu', description: 'Agent 01', ring_device: 'yes', technology: 'sip', assigned_exten: null, tenant_id: '1', device_name: 'dev-101',
};
/** The doc's /cdr_summary example. */
export const DOC_CDR_EXAMPLE: VitalCdrSummary = { local: '45', incoming: '29', outgoing: '4', transit: '0' };
/** The doc's /voicemail_records example (mailbox 2000). */
export const DOC_VOICEMAIL_EXAMPLE: VitalVoicemailRecords = {
  INBOX: { date: '1565987730', clid: 'Demo<1519>', priority: '2', vmorig: '2000', duration: '9', recfile: '/static/43b4298b09648469/voicemail/2000/INBOX/msg0000.wav', filename: 'msg0000.txt' },
  Old: { date: '1513443087', clid: 'X-Lite<7502>', priority: '2', vmorig: '2000', duration: '8', recfile: '/static/43b4298b09648469/voicemail/2000/Old/msg0000.wav', filename: 'msg0000.txt' },
};

function makeExtension(tenant: number, id: number, number: string, name: string, email: string | null): VitalExtension {
  const base = docExampleExtension();
  return {
    ...base,
    extension_id: id,
    extension: number,
    name,
    email,
    internal_cid: `"${name}" <${number}>`,
    external_cid: `"${name}" <${number}>`,
    emergency_cid: `"${name}" <${number}>`,
    mailbox: `${number}@vitalpbx-voicemail`,
    features_password: `*${(id * 7919) % 100000}`,
    tenant_id: tenant,
    devices: [],
    queues_info: { queues: [], queues_name: [], queues_penalty: [] },
  };
}

/** Seed plus generated data of one tenant; deterministic for (tenant, size). */
function buildTenant(tenant: number, size: number): TenantData {
  const rand = seededRandom(1000 + tenant);
  const extensions: VitalExtension[] = [];
  const cdr = new Map<string, VitalCdrSummary>();
  const voicemail = new Map<string, VitalVoicemailRecords>();
  let nextId = 1;
  if (tenant === 1) {
    // The doc's examples, as seed records.
    extensions.push(docExampleExtension());
    const agent = makeExtension(1, 2, '101', 'Agent 01', 'agent01@example.com');
    agent.devices = [DOC_DEVICES_EXAMPLE];
    agent.queues_info = { queues: [1, 2], queues_name: ['Q500', 'Q501'], queues_penalty: ['0', '0'] };
    extensions.push(agent);
    extensions.push(makeExtension(1, 3, '2000', 'Demo Mailbox', null));
    cdr.set('1', DOC_CDR_EXAMPLE);
    voicemail.set('3', DOC_VOICEMAIL_EXAMPLE);
    nextId = 4;
  }
  const queueNames = ['Q500', 'Q501', 'Q502', 'Q503'];
  for (let i = 0; i < size; i++) {
    const id = nextId++;
    const { first, last } = fakeName(rand);
    const number = String(tenant * 10_000 + 3000 + i); // clear of the seed numbers (100, 101, 2000)
    const x = makeExtension(tenant, id, number, `${first} ${last}`, `${first}.${last}${i}@t${tenant}.example.com`.toLowerCase());
    x.devices = [{ device_id: String(10_000 + id), extension_id: String(id), profile_id: '1', user: number, secret: `s${Math.floor(rand() * 1e9)}`, description: x.name, ring_device: 'yes', technology: rand() < 0.8 ? 'pjsip' : 'sip', assigned_exten: number, tenant_id: String(tenant), device_name: number }];
    const q = queueNames.filter(() => rand() < 0.3);
    x.queues_info = { queues: q.map((n) => queueNames.indexOf(n) + 1), queues_name: q, queues_penalty: q.map(() => String(Math.floor(rand() * 3))) };
    extensions.push(x);
    cdr.set(String(id), { local: String(Math.floor(rand() * 50)), incoming: String(Math.floor(rand() * 50)), outgoing: String(Math.floor(rand() * 50)), transit: '0' });
    if (rand() < 0.3) {
      voicemail.set(String(id), { INBOX: { date: String(1_700_000_000 + Math.floor(rand() * 1e7)), clid: `Caller<${Math.floor(rand() * 9000) + 1000}>`, priority: '2', vmorig: number, duration: String(Math.floor(rand() * 60)), recfile: `/static/vm/${number}/INBOX/msg0000.wav`, filename: 'msg0000.txt' } });
    }
  }
  return { extensions, cdr, voicemail };
}

/**
 * VitalPBX REST API v2 simulator: `app-key` and `tenant` headers enforced, tenants 1 and 2, the doc's
 * examples as seed records plus `size` generated extensions per tenant.
 */
export async function startVitalSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const size = Math.min(Math.max(opts.size ?? 10, 0), 10_000);
  const tenants = new Map<string, TenantData>(VITAL_SIM_TENANTS.map((t) => [t, buildTenant(Number(t), size)]));
  const ok = (data: unknown): SimResponse => ({ status: 200, body: { status: 'success', message: null, data } });
  // The whole-tenant list, serialised once per tenant: this simulator's records never change.
  const listAnswer = byIdentity((tenant: TenantData) => serialised(ok(tenant.extensions)));
  const failure = (status: number, message: string): SimResponse => ({ status, body: { status: 'failure', message, data: null } });

  return startSimServer({
    port: opts.port,
    basePath: '/api/v2',
    latencyMs: opts.latencyMs,
    handler(req) {
      if (req.headers['app-key'] !== VITAL_SIM_APP_KEY) return failure(401, 'Invalid app-key');
      const tenant = tenants.get(String(req.headers['tenant'] ?? ''));
      if (!tenant) return failure(404, 'Tenant not found');
      if (req.method !== 'GET') return failure(405, 'Method not allowed');
      if (req.path === '/extensions') return listAnswer(tenant);
      const m = /^\/extensions\/([^/]+)(?:\/(devices|queues|cdr_summary|voicemail_records))?$/.exec(req.path);
      if (!m) return failure(404, 'Not found');
      const ext = tenant.extensions.find((x) => String(x.extension_id) === m[1]);
      if (!ext) return failure(404, 'Extension not found');
      switch (m[2]) {
        case undefined:
          return ok([ext]);
        case 'devices':
          return ok(ext.devices);
        case 'queues':
          return ok({ queues_id: ext.queues_info.queues ?? [], queues_name: ext.queues_info.queues_name, queues_penalty: ext.queues_info.queues_penalty });
        case 'cdr_summary':
          return ok(tenant.cdr.get(m[1]!) ?? { local: '0', incoming: '0', outgoing: '0', transit: '0' });
        case 'voicemail_records':
          return ok(tenant.voicemail.get(m[1]!) ?? {});
        default:
          return failure(404, 'Not found');
      }
    },
  });
}
