import { z } from 'zod';

/**
 * Raw VitalPBX REST API v2 shapes, as in ../shared/vendor-docs/vitalpbx.txt. These never leave this
 * folder: mappers.ts turns them into domain objects. Answers are zod schemas, checked at the edge
 * (client.ts), and their TypeScript types are inferred from them, so the two cannot drift. Fields
 * pbx-graph maps are required as the doc types them; the rest are optional (an older release may
 * lack one, and a record must not be dropped for a field nobody reads).
 */

/** An id VitalPBX writes as a number or a numeric string. */
const vitalId = z.union([z.string().min(1), z.number().transform(String)]);
const optText = z.string().nullable().optional();
const optFlag = z.boolean().optional();
const optNumber = z.number().optional();

/** Every answer's envelope: `{status, message, data}`; `data` is checked by the endpoint's schema. */
export const VitalEnvelopeSchema = z.object({
  /** "success" or "failure". */
  status: z.string(),
  /** Message, null on success. */
  message: z.string().nullable().optional(),
});
/** Every answer's envelope. */
export type VitalEnvelope<T> = z.infer<typeof VitalEnvelopeSchema> & {
  /** Payload. */
  data: T;
};

/** A device as embedded in the list and as served by /extensions/{id}/devices (`secret` is not read). */
export const VitalDeviceSchema = z.object({
  /** Device id. */
  device_id: vitalId,
  /** Extension it belongs to. */
  extension_id: vitalId.optional(),
  /** Profile id. */
  profile_id: vitalId.optional(),
  /** SIP user. */
  user: optText,
  /** Description. */
  description: z.string().nullable(),
  /** Rings on calls: yes / no. */
  ring_device: z.string(),
  /** Technology (pjsip, sip, iax, ...). */
  technology: z.string(),
  /** Extension it is assigned to. */
  assigned_exten: optText,
  /** Tenant id. */
  tenant_id: vitalId.optional(),
  /** Device name. */
  device_name: z.string().nullable(),
});
/** A device. */
export type VitalDevice = z.infer<typeof VitalDeviceSchema>;

/** Queue info as embedded in the list (`queues`) and as served by /queues (`queues_id`). */
export const VitalQueuesInfoSchema = z.object({
  /** Queue ids (list form). */
  queues: z.array(z.number()).optional(),
  /** Queue ids (/queues form). */
  queues_id: z.array(z.number()).optional(),
  /** Queue names, in id order. */
  queues_name: z.array(z.string()),
  /** Penalties, in id order. */
  queues_penalty: z.array(z.string()),
});
/** Queue info. */
export type VitalQueuesInfo = z.infer<typeof VitalQueuesInfoSchema>;

/** One extension of GET /extensions and GET /extensions/{id} (`features_password` is not read). */
export const VitalExtensionSchema = z.object({
  /** Extension id. */
  extension_id: z.number(),
  /** Extension number. */
  extension: z.string(),
  /** Name. */
  name: z.string(),
  /** Language. */
  language: z.string().nullable(),
  /** E-mail. */
  email: z.string().nullable(),
  /** Class of service. */
  class_of_service_id: optNumber,
  /** Dial profile. */
  dial_profile_id: optNumber,
  /** Call limit. */
  call_limit: optNumber,
  /** Internal caller id. */
  internal_cid: z.string().nullable(),
  /** External caller id. */
  external_cid: z.string().nullable(),
  /** Emergency caller id. */
  emergency_cid: z.string().nullable(),
  /** Ring time, s. */
  ringtime: optNumber,
  /** No spying. */
  nospy: optFlag,
  /** PA enabled. */
  enabled_pa: optFlag,
  /** Answer mode. */
  answermode: optText,
  /** Voicemail box, null when none. */
  mailbox: z.string().nullable(),
  /** Account code. */
  accountcode: optText,
  /** Send caller id. */
  sendcid: optFlag,
  /** Generate hints. */
  generate_hints: optFlag,
  /** Hot desking. */
  hot_desking: optFlag,
  /** Secretary. */
  secretary: optText,
  /** Music group. */
  music_group_id: optNumber,
  /** Record on demand. */
  rec_on_demand: optFlag,
  /** Record internal calls. */
  internal_rec: optFlag,
  /** Record outgoing calls. */
  outgoing_rec: optFlag,
  /** Record incoming calls. */
  incoming_rec: optFlag,
  /** Dictation on. */
  dictate_enable: optFlag,
  /** Dictation format. */
  dictate_format: optText,
  /** Dictation auto send. */
  dictate_auto_send: optFlag,
  /** Fax on. */
  fax_enabled: optFlag,
  /** Fax auto send. */
  fax_auto_send: optFlag,
  /** Absent secretary. */
  absent_secretary: optFlag,
  /** Locked. */
  lock: optFlag,
  /** Call waiting. */
  call_waiting: optFlag,
  /** Pinless. */
  pinless: optFlag,
  /** Dynamic routing. */
  dynamic_routing: optFlag,
  /** Tenant id. */
  tenant_id: z.number(),
  /** Dialplan context. */
  context: optText,
  /** Has analog devices. */
  has_analog_devices: optFlag,
  /** Devices, embedded in the list. */
  devices: z.array(VitalDeviceSchema),
  /** Queues, embedded in the list. */
  queues_info: VitalQueuesInfoSchema,
});
/** One extension. */
export type VitalExtension = z.infer<typeof VitalExtensionSchema>;

/** A count VitalPBX writes as a string. */
const count = z.union([z.string(), z.number().transform(String)]);

/** GET /extensions/{id}/cdr_summary: counts as strings. */
export const VitalCdrSummarySchema = z.object({
  /** Local calls. */
  local: count,
  /** Incoming calls. */
  incoming: count,
  /** Outgoing calls. */
  outgoing: count,
  /** Transit calls. */
  transit: count,
});
/** GET /extensions/{id}/cdr_summary. */
export type VitalCdrSummary = z.infer<typeof VitalCdrSummarySchema>;

/** One voicemail record. */
export const VitalVoicemailRecordSchema = z.object({
  /** Unix seconds, as a string. */
  date: count,
  /** Caller id. */
  clid: z.string(),
  /** Priority. */
  priority: count,
  /** Original mailbox. */
  vmorig: z.string().optional(),
  /** Duration, s, as a string. */
  duration: count,
  /** Recording file. */
  recfile: z.string(),
  /** File name. */
  filename: z.string(),
});
/** One voicemail record. */
export type VitalVoicemailRecord = z.infer<typeof VitalVoicemailRecordSchema>;

/**
 * GET /extensions/{id}/voicemail_records: keyed by folder. The doc's example has one record per
 * folder; a real mailbox has several, so a folder may also hold an array.
 */
export const VitalVoicemailRecordsSchema = z.record(z.string(), z.union([VitalVoicemailRecordSchema, z.array(VitalVoicemailRecordSchema)]));
/** GET /extensions/{id}/voicemail_records. */
export type VitalVoicemailRecords = z.infer<typeof VitalVoicemailRecordsSchema>;
