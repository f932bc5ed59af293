import type { SourceHttp } from '../../core/http.ts';
import type { Classification } from '../../core/http.ts';
import { listAnswer, wholeAnswer, type AnswerSchema } from '../../core/validate.ts';
import { z } from 'zod';
import {
  VitalCdrSummarySchema, VitalDeviceSchema, VitalEnvelopeSchema, VitalExtensionSchema, VitalQueuesInfoSchema, VitalVoicemailRecordsSchema,
  type VitalCdrSummary, type VitalDevice, type VitalEnvelope, type VitalExtension, type VitalQueuesInfo, type VitalVoicemailRecords,
} from './types.ts';

/** A success envelope whose `data` is `data`. */
const enveloped = <S extends z.ZodType>(endpoint: string, data: S) => wholeAnswer(endpoint, VitalEnvelopeSchema.extend({ data }));

/** The answers this client reads, checked at the edge (core/validate.ts); list records are checked one by one. */
const ANSWERS = {
  list: listAnswer('extensions', VitalEnvelopeSchema, 'data', VitalExtensionSchema),
  // The doc shows one extension wrapped in an array; a bad one fails the call (never NOT_FOUND).
  get: enveloped('extensions/{id}', z.union([z.array(VitalExtensionSchema), VitalExtensionSchema])),
  devices: listAnswer('extensions/{id}/devices', VitalEnvelopeSchema, 'data', VitalDeviceSchema),
  queues: enveloped('extensions/{id}/queues', VitalQueuesInfoSchema),
  cdr: enveloped('extensions/{id}/cdr_summary', VitalCdrSummarySchema),
  voicemail: enveloped('extensions/{id}/voicemail_records', VitalVoicemailRecordsSchema),
};

/**
 * VitalPBX's error vocabulary. The doc publishes no error codes; the API answers `{status:
 * "failure", message}` with an HTTP status (401 for a bad app-key, 404 for an unknown record), which
 * is what the simulator does too.
 */
export function classifyVitalAnswer(status: number, body: unknown): Classification {
  const env = body as Partial<VitalEnvelope<unknown>> | undefined;
  if (status === 401 || status === 403) return { code: 'VENDOR_AUTH_FAILED', message: 'VitalPBX refused the app-key or tenant' };
  if (status === 404) return { code: 'NOT_FOUND', message: 'not found at VitalPBX' };
  // Only a status word that is not "success" is a failure; a status of the wrong type is a bad answer (schemas).
  if (status >= 200 && status < 300 && env && typeof env === 'object' && typeof env.status === 'string' && env.status !== 'success') {
    return { code: 'VENDOR_UNAVAILABLE', message: 'VitalPBX answered with a failure' };
  }
  return undefined;
}


/** One typed function per VitalPBX endpoint (vitalpbx.txt). */
export interface VitalClient {
  /** GET /extensions — all extensions of the tenant with devices and queues_info embedded. */
  listExtensions(): Promise<VitalExtension[]>;
  /** GET /extensions/{id} — one extension (the doc shows it wrapped in an array). */
  getExtension(id: string): Promise<VitalExtension | undefined>;
  /** GET /extensions/{id}/devices */
  getDevices(id: string): Promise<VitalDevice[]>;
  /** GET /extensions/{id}/queues */
  getQueues(id: string): Promise<VitalQueuesInfo>;
  /** GET /extensions/{id}/cdr_summary */
  getCdrSummary(id: string): Promise<VitalCdrSummary>;
  /** GET /extensions/{id}/voicemail_records */
  getVoicemailRecords(id: string): Promise<VitalVoicemailRecords>;
}

/** Creates the client over the source's HTTP instance (app-key and tenant headers already set). */
/** `_sourceId` names the source; errors already carry it (core/http.ts). */
export function createVitalClient(http: SourceHttp, _sourceId?: string): VitalClient {
  const get = async <T>(path: string, answer: AnswerSchema<VitalEnvelope<T>>): Promise<T> => (await http.get(path, { answer })).data;
  const seg = encodeURIComponent;
  return {
    listExtensions: () => get<VitalExtension[]>('extensions', ANSWERS.list),
    getExtension: async (id) => {
      const d = await get<VitalExtension[] | VitalExtension>(`extensions/${seg(id)}`, ANSWERS.get);
      return Array.isArray(d) ? d[0] : d;
    },
    getDevices: (id) => get<VitalDevice[]>(`extensions/${seg(id)}/devices`, ANSWERS.devices),
    getQueues: (id) => get<VitalQueuesInfo>(`extensions/${seg(id)}/queues`, ANSWERS.queues),
    getCdrSummary: (id) => get<VitalCdrSummary>(`extensions/${seg(id)}/cdr_summary`, ANSWERS.cdr),
    getVoicemailRecords: (id) => get<VitalVoicemailRecords>(`extensions/${seg(id)}/voicemail_records`, ANSWERS.voicemail),
  };
}
