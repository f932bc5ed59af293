import { NO_DETAILS, type CallStatistics, type Device, type Extension, type QueueMembership, type VoicemailMessage } from '../../domain/types.ts';
import type { VitalCdrSummary, VitalDevice, VitalExtension, VitalQueuesInfo, VitalVoicemailRecord, VitalVoicemailRecords } from './types.ts';

/** Pure mappers from VitalPBX JSON to the domain model. */

const toInt = (s: string | number | null | undefined): number | null => {
  if (s === null || s === undefined || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? Math.trunc(n) : null;
};

/** A device; `secret` is deliberately not read. */
export function mapDevice(sourceId: string, d: VitalDevice): Device {
  return {
    sourceId,
    vendorId: String(d.device_id),
    technology: d.technology ? d.technology.toUpperCase() : null,
    name: d.device_name ?? null,
    description: d.description ?? null,
    userAgent: null,
    macAddress: null,
    model: null,
    phoneNumber: null,
    online: null,
    dnd: null,
    ringsOnCall: d.ring_device === undefined ? null : d.ring_device === 'yes',
    notes: null,
  };
}

/** Queue memberships from either form of queue info (list: `queues`, endpoint: `queues_id`). */
export function mapQueues(sourceId: string, q: VitalQueuesInfo | null | undefined): QueueMembership[] {
  if (!q) return [];
  const ids = q.queues ?? q.queues_id ?? [];
  return ids.map((id, i) => ({
    queue: { sourceId, vendorId: String(id), name: q.queues_name?.[i] ?? null },
    penalty: toInt(q.queues_penalty?.[i]),
  }));
}

/** A full extension record; VitalPBX's list and get carry the same fields, so it is never partial. */
export function mapExtension(sourceId: string, x: VitalExtension): Extension {
  return {
    sourceId,
    vendorId: String(x.extension_id),
    number: String(x.extension),
    name: x.name ?? null,
    restricted: false,
    partial: false,
    ...NO_DETAILS,
    email: x.email ?? null,
    language: x.language ?? null,
    callerIds: {
      internal: x.internal_cid ?? null,
      external: x.external_cid ?? null,
      emergency: x.emergency_cid ?? null,
      outbound: null,
      outboundOffWork: null,
      nextCall: null,
    },
    tenant: x.tenant_id === undefined || x.tenant_id === null ? null : String(x.tenant_id),
    voicemail: {
      enabled: Boolean(x.mailbox),
      mailbox: x.mailbox ?? null,
      language: x.language ?? null,
      hasVoicemailPin: null,
      playCallerId: null,
      readOutDateTime: null,
    },
    devices: Array.isArray(x.devices) ? x.devices.map((d) => mapDevice(sourceId, d)) : undefined,
    queues: x.queues_info ? mapQueues(sourceId, x.queues_info) : undefined,
  };
}

/** CDR summary counts. */
export function mapCdrSummary(c: VitalCdrSummary): CallStatistics {
  return { local: toInt(c.local), incoming: toInt(c.incoming), outgoing: toInt(c.outgoing), transit: toInt(c.transit) };
}

function mapRecord(folder: string, r: VitalVoicemailRecord): VoicemailMessage {
  const epoch = toInt(r.date);
  return {
    id: `${folder}/${r.filename ?? r.recfile}`,
    folder,
    receivedAt: epoch === null ? null : new Date(epoch * 1000).toISOString(),
    callerId: r.clid ?? null,
    durationSeconds: toInt(r.duration),
    priority: toInt(r.priority),
    recordingPath: r.recfile ?? null,
  };
}

/** Voicemail messages, folder by folder, newest first. */
export function mapVoicemailRecords(recs: VitalVoicemailRecords | null | undefined): VoicemailMessage[] {
  if (!recs || typeof recs !== 'object') return [];
  const out: VoicemailMessage[] = [];
  for (const [folder, value] of Object.entries(recs)) {
    for (const r of Array.isArray(value) ? value : [value]) out.push(mapRecord(folder, r));
  }
  return out.sort((a, b) => (b.receivedAt ?? '').localeCompare(a.receivedAt ?? ''));
}
