import { z } from 'zod';

/**
 * Raw Point VoIP portal API shapes, as in ../shared/vendor-docs/portal-pbx.txt and the Point VoIP
 * facts of ../shared/vendor-docs/README.md. These never leave this folder: mappers.ts turns them
 * into domain objects. Answers are zod schemas, checked at the edge (client.ts), and their TypeScript
 * types are inferred from them, so the two cannot drift.
 */

/** What every call sends: one JSON object, POSTed. */
export interface PortalRequest {
  /** Portal authentication id, 24 characters. */
  authId: string;
  /** Portal authentication key, 24 characters (a credential: never logged, never mapped). */
  authKey: string;
  /** API module; pbx-graph only uses the PBX module. */
  module: 'pbx';
  /** Portal PBX id (numeric). */
  pbxId: string;
  /** Extension number, for `get/extension` only. */
  extId?: string;
}

/** A registration flag: a boolean, or "1"/"0" (the list's example writes it so), read as true/false. */
const flag = z.union([z.boolean(), z.enum(['1', '0']).transform((v) => v === '1'), z.literal(1).transform(() => true), z.literal(0).transform(() => false)]);

/** The envelope every answer carries. */
export const PortalEnvelopeSchema = z.object({
  /** Human-readable outcome ("Extension data exported from cache."). */
  message: z.string().optional(),
  /**
   * Request success on an answer without extension data; on a `get/extension` answer that carries
   * extension data, the extension's registration (see client.ts).
   */
  status: flag,
  /** Serving node. */
  node: z.string().optional(),
  /** Seconds the request took. */
  executionTime: z.union([z.string(), z.number()]).optional(),
});
/** The envelope every answer carries. */
export type PortalEnvelope = z.infer<typeof PortalEnvelopeSchema>;

/**
 * Registration as the list writes it. The README's facts: `"1"`/`"0"` in the example and a boolean
 * in the parameter table; both are read, and a boolean is kept as "1"/"0" so one mapper reads both.
 */
export const PortalListStatusSchema = z.union([z.enum(['1', '0']), z.boolean().transform((b): '1' | '0' => (b ? '1' : '0')), z.union([z.literal(1), z.literal(0)]).transform((n): '1' | '0' => (n === 1 ? '1' : '0'))]);
/** Registration of a listed extension. */
export type PortalListStatus = z.infer<typeof PortalListStatusSchema>;

/** An extension number, written as a number or a string of digits. */
const extNumber = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]{1,32}$/)]);

/**
 * One extension of `get/extensions`: the number, the names and the registration. E-mail, caller id,
 * E911 and lastUpdate come from `get/extension` only.
 */
export const PortalListItemSchema = z.object({
  /** Extension number. */
  number: extNumber,
  /** First name. */
  firstName: z.string().nullable(),
  /** Last name. */
  lastName: z.string().nullable(),
  /** Registration. */
  status: PortalListStatusSchema,
});
/** One extension of `get/extensions`. */
export type PortalListItem = z.infer<typeof PortalListItemSchema>;

/** `get/extensions` envelope; `result` is checked record by record. */
export const PortalListEnvelope = PortalEnvelopeSchema.extend({
  /** Number of extensions. */
  count: z.number().optional(),
});
/** `get/extensions` answer. */
export type PortalListAnswer = z.infer<typeof PortalListEnvelope> & {
  /** The extensions. */
  result: PortalListItem[];
};

/** E911 data of an extension. */
export const PortalE911Schema = z.object({
  /** Subscriber name. */
  subscriber: z.string().nullable().optional(),
  /** Address line 1. */
  address1: z.string().nullable().optional(),
  /** Address line 2. */
  address2: z.string().nullable().optional(),
  /** City. */
  city: z.string().nullable().optional(),
  /** State. */
  state: z.string().nullable().optional(),
  /** ZIP code. */
  zip: z.string().nullable().optional(),
  /** PSAP name. */
  psapName: z.string().nullable().optional(),
});
/** E911 data of an extension. */
export type PortalE911 = z.infer<typeof PortalE911Schema>;

/**
 * `get/extension`: one extension, its fields at the top level beside the envelope. `e911` is an empty
 * array when none is set and an object when set. `status` here is the registration.
 */
export const PortalExtensionAnswerSchema = PortalEnvelopeSchema.extend({
  /** Extension number. */
  number: extNumber.optional(),
  /** First name. */
  firstName: z.string().nullable().optional(),
  /** Last name. */
  lastName: z.string().nullable().optional(),
  /** E-mail. */
  email: z.string().nullable().optional(),
  /** Caller id. */
  callerId: z.string().nullable().optional(),
  /** When the cached data was exported. */
  lastUpdate: z.string().nullable().optional(),
  /** E911 data: an object, or an empty array when none is set. */
  e911: z.union([PortalE911Schema, z.array(z.unknown())]).nullable().optional(),
});
/** `get/extension` answer. */
export type PortalExtensionAnswer = z.infer<typeof PortalExtensionAnswerSchema>;
