/**
 * Raw Telecom X platform API shapes, as in ../shared/vendor-docs/telecomx.txt (GET /pbx/extension/ID)
 * and the Telecom X facts of ../shared/vendor-docs/README.md. These never leave this folder:
 * mappers.ts turns them into domain objects.
 */

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
export interface TxGotoObject {
  /** Id of the dialplan item. */
  _id: TxId;
  /** Kind of item. */
  type: TxDialplanType | string;
  /** Item name. */
  name: string | null;
  /** Number to dial to reach it, null when not dial-able. */
  number: string | null;
}

/** A `*Goto` field: a bare id, or an object with `expandGoto=true`; null when unused. */
export type TxGoto = TxId | TxGotoObject | null;

/** Phone types (telecomx.txt `phones.type`). */
export type TxPhoneType = 'SIP' | 'MVNO' | 'EXTERNAL';

/** One phone of an extension (present with `includePhones=true`). */
export interface TxPhone {
  /** Id of the phone (/pbx/sipphones id, /mvno id or external phone id). */
  _id: TxId;
  /** SIP, MVNO or EXTERNAL. */
  type: TxPhoneType;
  /** Phone model, if available. */
  model?: string | null;
  /** SIP: the MAC address if available, else the notes; MVNO and EXTERNAL: the phone number. */
  identification?: string | null;
  /** Connected / not blocked. */
  online?: boolean | null;
  /** Current DND state. */
  dnd?: boolean | null;
  /** Notes field of the phone. */
  notes?: string | null;
  /** Product id (SIP only). */
  product?: TxId | null;
  /** Rate plan id (MVNO only). */
  ratePlan?: TxId | null;
  /** New rate plan id (MVNO only). */
  newRatePlan?: TxId | null;
}

/** What to do in a presence state (onPresenceOffWork / Holiday / Busy). */
export type TxPresenceAction = 'AVAILABLE' | 'BUSY' | 'BUSY_NOT_MOBILE' | 'BUSY_NOT_MOBILE_DIRECT' | 'WHITELIST' | 'WHITELIST_INT';

/** Every action word the noAnswer and busy blocks use (union over all six fields). */
export type TxForwardAction = 'NOTHING' | 'VOICEMAIL' | 'NUMBER' | 'GOTO' | 'EXTERNAL' | 'BUSY' | 'QUEUE' | 'BARGE';

/**
 * The per-caller fields both the noAnswer and the busy block carry: an action, with the number for
 * NUMBER and the dialplan item for GOTO, for external, local (int) and direct-to-mobile callers.
 */
export interface TxCallerActions {
  /** External callers' action. */
  extAction?: TxForwardAction | null;
  /** Number for extAction NUMBER. */
  extNumber?: string | null;
  /** Dialplan item for extAction GOTO. */
  extGoto?: TxGoto;
  /** Local callers' action. */
  intAction?: TxForwardAction | null;
  /** Number for intAction NUMBER. */
  intNumber?: string | null;
  /** Dialplan item for intAction GOTO. */
  intGoto?: TxGoto;
  /** Direct-to-mobile callers' action. */
  mobileAction?: TxForwardAction | null;
  /** Number for mobileAction NUMBER. */
  mobileNumber?: string | null;
  /** Dialplan item for mobileAction GOTO. */
  mobileGoto?: TxGoto;
}

/**
 * noAnswer handling. Actions: ext and int NOTHING (default), VOICEMAIL, NUMBER, GOTO; mobile also
 * EXTERNAL (use the ext settings).
 */
export interface TxNoAnswer extends TxCallerActions {
  /** Seconds to ring before timeout, 5-60. */
  timeout?: number | null;
}

/**
 * busy handling. Actions: ext BUSY (default), VOICEMAIL, NUMBER, GOTO, QUEUE; int also BARGE;
 * mobile EXTERNAL, BUSY, VOICEMAIL, NUMBER, GOTO, QUEUE.
 */
export type TxBusy = TxCallerActions;

/** Outbound call handling. */
export interface TxOutbound {
  /** ANY, NONE, LOCAL or NATIONAL. */
  destinations?: string | null;
  /** Presented numbers. */
  callerId?: {
    /** Presented at work. */
    onPresenceWork?: string | null;
    /** Offer to switch to the off-work number on each call. */
    onPresenceWorkAsk?: boolean | null;
    /** Presented off work. */
    onPresenceOffWork?: string | null;
    /** Offer to switch to the at-work number on each call. */
    onPresenceOffWorkAsk?: boolean | null;
    /** Presented on the next call only. */
    onNextCall?: string | null;
  } | null;
  /** Dialplan item run when dialing out. */
  goto?: TxGoto;
}

/**
 * One extension of GET /pbx/extension/ID (and of the list with `full`/`includePhones`). At PERSONAL
 * level another person's extension carries only `_id`, `type`, `customer`, `name` and `number`,
 * hence every other key is optional.
 */
export interface TxExtension {
  /** Unique id. */
  _id: TxId;
  /** Always 'EXTENSION'. */
  type: 'EXTENSION' | string;
  /** Customer the extension belongs to. */
  customer: TxId;
  /** Employee name, or usage/function. */
  name: string | null;
  /** Number to dial. */
  number: string;
  /** Sound played when the extension is entered. */
  startAudio?: TxId | null;
  /** Number to redirect to at once. */
  redirect?: string | null;
  /** Notes. */
  notes?: string | null;
  /** Employee who uses the extension. */
  employee?: TxId | null;
  /** Direct number, null when none. */
  direct?: string | null;
  /** Primary extension of the employee. */
  primary?: boolean | null;
  /** Listed in the local phone book. */
  phonebook?: boolean | null;
  /** Call waiting. */
  callWaiting?: boolean | null;
  /** Reject or challenge secret numbers. */
  blockSecret?: boolean | null;
  /** No master pincode needed. */
  autoMaster?: boolean | null;
  /** Mobile calls present the mobile's own number. */
  mobileUseOwnNumber?: boolean | null;
  /** Alternate billing customer. */
  billingCustomer?: TxId | null;
  /** Deletion date, with the employee's. */
  employeeDeleteDate?: string | null;
  /** Dialplan item for inbound calls. */
  inboundGoto?: TxGoto;
  /** Ringtone music category. */
  ringtone?: TxId | null;
  /** Music on hold category. */
  musicOnHold?: TxId | null;
  /** Seconds SIP phones ring before mobiles too. */
  mobileDelay?: number | null;
  /** Handling in presence OFF_WORK. */
  onPresenceOffWork?: TxPresenceAction | null;
  /** Handling in presence HOLIDAY. */
  onPresenceHoliday?: TxPresenceAction | null;
  /** Handling in presence BUSY. */
  onPresenceBusy?: TxPresenceAction | null;
  /** No-answer handling. */
  noAnswer?: TxNoAnswer | null;
  /** Busy handling. */
  busy?: TxBusy | null;
  /** Outbound handling. */
  outbound?: TxOutbound | null;
  /** Phones, with `includePhones=true`. */
  phones?: TxPhone[];
}

/**
 * GET /pbx/extension: the README's facts give `offset`, `limit` and `total` beside the page; the
 * page's own key is read in one place only (client.ts `PAGE_KEY`).
 */
export interface TxExtensionList {
  /** Offset of the first item. */
  offset: number;
  /** Page size asked for. */
  limit: number;
  /** Items matching the query. */
  total: number;
  /** The page (see client.ts PAGE_KEY). */
  items: TxExtension[];
}

/**
 * POST /auth/login answer (README facts: a token valid `expiresInMinutes`, with the employee,
 * customer and access level; the field names of those three are ours, the doc is silent).
 */
export interface TxLoginAnswer {
  /** The session token. */
  token: string;
  /** Lifetime in minutes; absent or null for a `persist` (non-expiring) token. */
  expiresInMinutes?: number | null;
  /** Employee of the user. */
  employee?: TxId | null;
  /** Customer of the user. */
  customer?: TxId | null;
  /** Access level of the user. */
  accessLevel?: TxAccessLevel | string;
}

/** Error body: `{code, message}` with the HTTP status as code and a message key (README facts). */
export interface TxErrorBody {
  /** HTTP status, repeated. */
  code?: number | string;
  /** Message key: bad_request, access_denied, not_found, id, internal_error. */
  message?: string;
}
