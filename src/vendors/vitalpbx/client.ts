import type { SourceHttp } from '../../core/http.ts';
import type { Classification } from '../../core/http.ts';
import { PbxError } from '../../core/errors.ts';
import type { VitalCdrSummary, VitalDevice, VitalEnvelope, VitalExtension, VitalQueuesInfo, VitalVoicemailRecords } from './types.ts';

/**
 * VitalPBX's error vocabulary. The doc publishes no error codes; the API answers `{status:
 * "failure", message}` with an HTTP status (401 for a bad app-key, 404 for an unknown record), which
 * is what the simulator does too.
 */
export function classifyVitalAnswer(status: number, body: unknown): Classification {
  const env = body as Partial<VitalEnvelope<unknown>> | undefined;
  if (status === 401 || status === 403) return { code: 'VENDOR_AUTH_FAILED', message: 'VitalPBX refused the app-key or tenant' };
  if (status === 404) return { code: 'NOT_FOUND', message: 'not found at VitalPBX' };
  if (status >= 200 && status < 300 && env && typeof env === 'object' && env.status !== undefined && env.status !== 'success') {
    return { code: 'VENDOR_UNAVAILABLE', message: 'VitalPBX answered with a failure' };
  }
  return undefined;
}

/** The data of a success envelope; a malformed envelope is the vendor's fault. */
function data<T>(env: VitalEnvelope<T> | undefined, sourceId: string): T {
  if (!env || typeof env !== 'object' || !('data' in env)) {
    throw new PbxError('VENDOR_UNAVAILABLE', `${sourceId}: VitalPBX answered with a malformed body`, sourceId);
  }
  return env.data;
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
export function createVitalClient(http: SourceHttp, sourceId: string): VitalClient {
  const get = async <T>(path: string): Promise<T> => data(await http.get<VitalEnvelope<T>>(path), sourceId);
  const seg = encodeURIComponent;
  return {
    listExtensions: () => get<VitalExtension[]>('extensions'),
    getExtension: async (id) => {
      const d = await get<VitalExtension[] | VitalExtension>(`extensions/${seg(id)}`);
      return Array.isArray(d) ? d[0] : d;
    },
    getDevices: (id) => get<VitalDevice[]>(`extensions/${seg(id)}/devices`),
    getQueues: (id) => get<VitalQueuesInfo>(`extensions/${seg(id)}/queues`),
    getCdrSummary: (id) => get<VitalCdrSummary>(`extensions/${seg(id)}/cdr_summary`),
    getVoicemailRecords: (id) => get<VitalVoicemailRecords>(`extensions/${seg(id)}/voicemail_records`),
  };
}
