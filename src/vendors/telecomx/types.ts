import { z } from 'zod';

/**
 * Raw Telecom X platform API shapes, as in ../shared/vendor-docs/telecomx.txt (GET /pbx/extension/ID)
 * and the Telecom X facts of ../shared/vendor-docs/README.md. These never leave this folder:
 * mappers.ts turns them into domain objects. Each answer is a zod schema (checked at the edge, in
 * client.ts) and its TypeScript type is inferred from it, so the two cannot drift.
 */

/** A 24-hex-character Telecom X object id (not checked here: a malformed id is NOT_FOUND at lookup). */
const txId = z.string();
/** A 24-hex-character Telecom X object id. */
export type TxId = string;

/** Access levels of a Telecom X user or token, lowest first (telecomx.txt "Access level"). */
export type TxAccessLevel = 'PERSONAL' | 'VIEWER' | 'MANAGER' | 'OWNER' | 'RESELLER' | 'ADMIN';

/** Kinds of dialplan item a `*Goto` may point at (telecomx.txt "If expandGoto=true"). */
export type TxDialplanType =
  | 'EXTENSION'
  | 'TRUNK'
  | 'CONFERENCE'
  | 'DIAL'
  | 'DISA'
  | 'PLAYBACK'
  | 'QUEUE'
  | 'SET_VALUE'
  | 'MENU_ROUTER'
  | 'TIME_ROUTER'
  | 'URL_ROUTER'
  | 'VALUE_ROUTER'
  | 'GROUP';

/** A `*Goto` expanded by `expandGoto=true`. */
export const TxGotoObjectSchema = z.object({
  /** Id of the dialplan item. */
  _id: txId,
  /** Kind of item (TxDialplanType, or a newer kind). */
  type: z.string(),
  /** Item name. */
  name: z.string().nullable(),
  /** Number to dial to reach it, null when not dial-able. */
  number: z.string().nullable(),
});
/** A `*Goto` expanded by `expandGoto=true`. */
export type TxGotoObject = z.infer<typeof TxGotoObjectSchema>;

/** A `*Goto` field: a bare id, or an object with `expandGoto=true`; null when unused. */
const gotoSchema = z.union([txId, TxGotoObjectSchema]).nullable().optional();
/** A `*Goto` field: a bare id, or an object with `expandGoto=true`; null when unused. */
export type TxGoto = TxId | TxGotoObject | null;

/** Phone types (telecomx.txt `phones.type`). */
export const TxPhoneTypeSchema = z.enum(['SIP', 'MVNO', 'EXTERNAL']);
/** Phone types (telecomx.txt `phones.type`). */
export type TxPhoneType = z.infer<typeof TxPhoneTypeSchema>;

const optText = z.string().nullable().optional();
const optFlag = z.boolean().nullable().optional();

/** One phone of an extension (present with `includePhones=true`). */
export const TxPhoneSchema = z.object({
  /** Id of the phone (/pbx/sipphones id, /mvno id or external phone id). */
  _id: txId,
  /** SIP, MVNO or EXTERNAL. */
  type: TxPhoneTypeSchema,
  /** Phone model, if available. */
  model: optText,
  /** SIP: the MAC address if available, else the notes; MVNO and EXTERNAL: the phone number. */
  identification: optText,
  /** Connected / not blocked. */
  online: optFlag,
  /** Current DND state. */
  dnd: optFlag,
  /** Notes field of the phone. */
  notes: optText,
  /** Product id (SIP only). */
  product: optText,
  /** Rate plan id (MVNO only). */
  ratePlan: optText,
  /** New rate plan id (MVNO only). */
  newRatePlan: optText,
});
/** One phone of an extension. */
export type TxPhone = z.infer<typeof TxPhoneSchema>;

/** What to do in a presence state (onPresenceOffWork / Holiday / Busy). */
export const TxPresenceActionSchema = z.enum(['AVAILABLE', 'BUSY', 'BUSY_NOT_MOBILE', 'BUSY_NOT_MOBILE_DIRECT', 'WHITELIST', 'WHITELIST_INT']);
/** What to do in a presence state. */
export type TxPresenceAction = z.infer<typeof TxPresenceActionSchema>;

/** Every action word the noAnswer and busy blocks use (union over all six fields). */
export const TxForwardActionSchema = z.enum(['NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO', 'EXTERNAL', 'BUSY', 'QUEUE', 'BARGE']);
/** Every action word the noAnswer and busy blocks use. */
export type TxForwardAction = z.infer<typeof TxForwardActionSchema>;

/**
 * The per-caller fields both the noAnswer and the busy block carry: an action, with the number for
 * NUMBER and the dialplan item for GOTO, for external, local (int) and direct-to-mobile callers.
 */
const callerActionsShape = {
  /** External callers' action. */
  extAction: TxForwardActionSchema.nullable().optional(),
  /** Number for extAction NUMBER. */
  extNumber: optText,
  /** Dialplan item for extAction GOTO. */
  extGoto: gotoSchema,
  /** Local callers' action. */
  intAction: TxForwardActionSchema.nullable().optional(),
  /** Number for intAction NUMBER. */
  intNumber: optText,
  /** Dialplan item for intAction GOTO. */
  intGoto: gotoSchema,
  /** Direct-to-mobile callers' action. */
  mobileAction: TxForwardActionSchema.nullable().optional(),
  /** Number for mobileAction NUMBER. */
  mobileNumber: optText,
  /** Dialplan item for mobileAction GOTO. */
  mobileGoto: gotoSchema,
};
/** The per-caller action fields of noAnswer and busy. */
export type TxCallerActions = z.infer<z.ZodObject<typeof callerActionsShape>>;

/**
 * noAnswer handling. Actions: ext and int NOTHING (default), VOICEMAIL, NUMBER, GOTO; mobile also
 * EXTERNAL (use the ext settings).
 */
export const TxNoAnswerSchema = z.object({
  ...callerActionsShape,
  /** Seconds to ring before timeout, 5-60. */
  timeout: z.number().nullable().optional(),
});
/** noAnswer handling. */
export type TxNoAnswer = z.infer<typeof TxNoAnswerSchema>;

/**
 * busy handling. Actions: ext BUSY (default), VOICEMAIL, NUMBER, GOTO, QUEUE; int also BARGE;
 * mobile EXTERNAL, BUSY, VOICEMAIL, NUMBER, GOTO, QUEUE.
 */
export const TxBusySchema = z.object(callerActionsShape);
/** busy handling. */
export type TxBusy = z.infer<typeof TxBusySchema>;

/** Outbound call handling. */
export const TxOutboundSchema = z.object({
  /** ANY, NONE, LOCAL or NATIONAL. */
  destinations: optText,
  /** Presented numbers. */
  callerId: z
    .object({
      /** Presented at work. */
      onPresenceWork: optText,
      /** Offer to switch to the off-work number on each call. */
      onPresenceWorkAsk: optFlag,
      /** Presented off work. */
      onPresenceOffWork: optText,
      /** Offer to switch to the at-work number on each call. */
      onPresenceOffWorkAsk: optFlag,
      /** Presented on the next call only. */
      onNextCall: optText,
    })
    .nullable()
    .optional(),
  /** Dialplan item run when dialing out. */
  goto: gotoSchema,
});
/** Outbound call handling. */
export type TxOutbound = z.infer<typeof TxOutboundSchema>;

/**
 * One extension of GET /pbx/extension/ID (and of the list with `full`/`includePhones`). At PERSONAL
 * level another person's extension carries only `_id`, `type`, `customer`, `name` and `number`,
 * hence every other key is optional.
 */
export const TxExtensionSchema = z.object({
  /** Unique id. */
  _id: txId,
  /** Always 'EXTENSION'. */
  type: z.string(),
  /** Customer the extension belongs to. */
  customer: txId,
  /** Employee name, or usage/function. */
  name: z.string().nullable(),
  /** Number to dial. */
  number: z.string(),
  /** Sound played when the extension is entered. */
  startAudio: optText,
  /** Number to redirect to at once. */
  redirect: optText,
  /** Notes. */
  notes: optText,
  /** Employee who uses the extension. */
  employee: optText,
  /** Direct number, null when none. */
  direct: optText,
  /** Primary extension of the employee. */
  primary: optFlag,
  /** Listed in the local phone book. */
  phonebook: optFlag,
  /** Call waiting. */
  callWaiting: optFlag,
  /** Reject or challenge secret numbers. */
  blockSecret: optFlag,
  /** No master pincode needed. */
  autoMaster: optFlag,
  /** Mobile calls present the mobile's own number. */
  mobileUseOwnNumber: optFlag,
  /** Alternate billing customer. */
  billingCustomer: optText,
  /** Deletion date, with the employee's. */
  employeeDeleteDate: optText,
  /** Dialplan item for inbound calls. */
  inboundGoto: gotoSchema,
  /** Ringtone music category. */
  ringtone: optText,
  /** Music on hold category. */
  musicOnHold: optText,
  /** Seconds SIP phones ring before mobiles too. */
  mobileDelay: z.number().nullable().optional(),
  /** Handling in presence OFF_WORK. */
  onPresenceOffWork: TxPresenceActionSchema.nullable().optional(),
  /** Handling in presence HOLIDAY. */
  onPresenceHoliday: TxPresenceActionSchema.nullable().optional(),
  /** Handling in presence BUSY. */
  onPresenceBusy: TxPresenceActionSchema.nullable().optional(),
  /** No-answer handling. */
  noAnswer: TxNoAnswerSchema.nullable().optional(),
  /** Busy handling. */
  busy: TxBusySchema.nullable().optional(),
  /** Outbound handling. */
  outbound: TxOutboundSchema.nullable().optional(),
  /** Phones, with `includePhones=true`. */
  phones: z.array(TxPhoneSchema).optional(),
});
/** One extension of GET /pbx/extension/ID and of the list. */
export type TxExtension = z.infer<typeof TxExtensionSchema>;

/**
 * GET /pbx/extension (api:pbx:extension:list): `offset`, `limit` and `total` beside the page, which
 * is named `extensions` (the README's facts: every sibling list page names its array after the
 * resource). The page itself is checked record by record (core/validate.ts listAnswer).
 */
export const TxExtensionListEnvelope = z.object({
  /** Offset of the first item. */
  offset: z.number(),
  /** Page size asked for. */
  limit: z.number(),
  /** Items matching the query. */
  total: z.number(),
});
/** The key of the list's page (api:pbx:extension:list). */
export const TX_LIST_KEY = 'extensions';
/** GET /pbx/extension answer. */
export type TxExtensionList = z.infer<typeof TxExtensionListEnvelope> & { extensions: TxExtension[] };

/**
 * POST /auth/login answer (api:auth:login: `token`, `expiresInMinutes` (default 15, -1 with
 * `persist`), `employee`, `customer`, `accessLevel`).
 */
export const TxLoginAnswerSchema = z.object({
  /** The session token. */
  token: z.string().min(1),
  /** Lifetime in minutes; -1, absent or null for a `persist` (non-expiring) token. */
  expiresInMinutes: z.number().nullable().optional(),
  /** Employee of the user (an id, or the employee object). */
  employee: z.unknown().optional(),
  /** Customer of the user (an id, or the customer object). */
  customer: z.unknown().optional(),
  /** Access level of the user. */
  accessLevel: z.string().optional(),
});
/** POST /auth/login answer. */
export type TxLoginAnswer = z.infer<typeof TxLoginAnswerSchema>;

/** Error body: the HTTP status with a message word, often a field name (README facts). */
export interface TxErrorBody {
  /** HTTP status, repeated. */
  code?: number | string;
  /** Message word: bad_request, access_denied, not_found, token, a field name, internal_error. */
  message?: string;
}
