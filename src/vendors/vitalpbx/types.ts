/**
 * Raw VitalPBX REST API v2 shapes, as in ../shared/vendor-docs/vitalpbx.txt. These never leave this
 * folder: mappers.ts turns them into domain objects.
 */

/** Every answer's envelope: `{status, message, data}`. */
export interface VitalEnvelope<T> {
  /** "success" or "failure". */
  status: 'success' | 'failure' | string;
  /** Message, null on success. */
  message?: string | null;
  /** Payload. */
  data: T;
}

/** A device as embedded in the list and as served by /extensions/{id}/devices. */
export interface VitalDevice {
  device_id: string;
  extension_id: string;
  profile_id: string;
  user: string;
  /** SIP secret: write-only in pbx-graph, never mapped. */
  secret: string;
  description: string | null;
  ring_device: 'yes' | 'no' | string;
  technology: string;
  assigned_exten: string | null;
  tenant_id: string;
  device_name: string;
}

/** Queue info as embedded in the list (`queues`) and as served by /queues (`queues_id`). */
export interface VitalQueuesInfo {
  queues?: number[];
  queues_id?: number[];
  queues_name: string[];
  queues_penalty: string[];
}

/** One extension of GET /extensions and GET /extensions/{id}. */
export interface VitalExtension {
  extension_id: number;
  extension: string;
  name: string;
  language: string | null;
  email: string | null;
  class_of_service_id: number;
  dial_profile_id: number;
  call_limit: number;
  internal_cid: string | null;
  external_cid: string | null;
  emergency_cid: string | null;
  ringtime: number;
  nospy: boolean;
  enabled_pa: boolean;
  answermode: string;
  mailbox: string | null;
  accountcode: string | null;
  /** Feature-code password: write-only in pbx-graph, never mapped. */
  features_password: string | null;
  sendcid: boolean;
  generate_hints: boolean;
  hot_desking: boolean;
  secretary: string | null;
  music_group_id: number;
  rec_on_demand: boolean;
  internal_rec: boolean;
  outgoing_rec: boolean;
  incoming_rec: boolean;
  dictate_enable: boolean;
  dictate_format: string;
  dictate_auto_send: boolean;
  fax_enabled: boolean;
  fax_auto_send: boolean;
  absent_secretary: boolean;
  lock: boolean;
  call_waiting: boolean;
  pinless: boolean;
  dynamic_routing: boolean;
  tenant_id: number;
  context: string;
  has_analog_devices: boolean;
  devices: VitalDevice[];
  queues_info: VitalQueuesInfo;
}

/** GET /extensions/{id}/cdr_summary: counts as strings. */
export interface VitalCdrSummary {
  local: string;
  incoming: string;
  outgoing: string;
  transit: string;
}

/** One voicemail record. */
export interface VitalVoicemailRecord {
  /** Unix seconds, as a string. */
  date: string;
  clid: string;
  priority: string;
  vmorig: string;
  duration: string;
  recfile: string;
  filename: string;
}

/**
 * GET /extensions/{id}/voicemail_records: keyed by folder. The doc's example has one record per
 * folder; a real mailbox has several, so a folder may also hold an array.
 */
export type VitalVoicemailRecords = Record<string, VitalVoicemailRecord | VitalVoicemailRecord[]>;
