/**
 * The vendor-neutral domain model. Vendor adapters map their raw JSON into these shapes with pure
 * functions; resolvers receive only these (codegen `mappers`). Nothing here knows a vendor's field
 * names.
 *
 * Convention for optional data: `undefined` means "this answer did not carry it" (the loader layer
 * may fetch it), `null` means "the vendor says there is none".
 */

/** Something a vendor's API can supply; mirrors the schema's `Capability` enum. */
export type Capability =
  | 'EXTENSION_LIST'
  | 'EXTENSION_SEARCH'
  | 'LOOKUP_BY_EMAIL'
  | 'LOOKUP_BY_PHONE'
  | 'STATUS'
  | 'DEVICES'
  | 'QUEUES'
  | 'GROUPS'
  | 'VOICEMAIL'
  | 'VOICEMAIL_MESSAGES'
  | 'GREETINGS'
  | 'E911'
  | 'FORWARDING'
  | 'OFFICE_HOURS'
  | 'CALL_STATISTICS'
  | 'SUBSCRIPTION'
  | 'EXTENSION_CREATE'
  | 'EXTENSION_UPDATE'
  | 'EXTENSION_DELETE'
  | 'EXTENSION_USER_ASSIGN'
  | 'GROUP_WRITE'
  | 'GREETING_WRITE'
  | 'CALL_ORIGINATE';

/** Vendor-neutral live status; mirrors the schema's `ExtensionStatus` enum. */
export type ExtensionStatus =
  | 'AVAILABLE'
  | 'ON_CALL'
  | 'RINGING'
  | 'BUSY'
  | 'DND'
  | 'AWAY'
  | 'OFFLINE'
  | 'UNKNOWN';

/** Live status of one extension. */
export interface StatusInfo {
  /** The vendor-neutral status. */
  status: ExtensionStatus;
  /** The vendor's own word or value, unchanged. */
  vendorStatus: string | null;
  /** User agent of the registered endpoint. */
  userAgent: string | null;
  /** When the vendor last refreshed it (ISO), null when it says nothing. */
  updatedAt: string | null;
}

/** Caller ids of an extension. */
export interface CallerIds {
  /** Shown to internal callees. */
  internal: string | null;
  /** Shown on external calls. */
  external: string | null;
  /** Sent on emergency calls. */
  emergency: string | null;
  /** Presented on outbound calls at work. */
  outbound: string | null;
  /** Presented on outbound calls off work. */
  outboundOffWork: string | null;
  /** For the next call only. */
  nextCall: string | null;
}

/** A phone or SIP endpoint. */
export interface Device {
  /** The source it belongs to (with vendorId, its global id). */
  sourceId: string;
  /** The vendor's id of the device. */
  vendorId: string;
  /** SIP, PJSIP, MVNO, EXTERNAL, ... upper case. */
  technology: string | null;
  /** Device or account name. */
  name: string | null;
  /** Description. */
  description: string | null;
  /** User agent. */
  userAgent: string | null;
  /** MAC address. */
  macAddress: string | null;
  /** Model. */
  model: string | null;
  /** Phone number of a mobile or external device. */
  phoneNumber: string | null;
  /** Connected. */
  online: boolean | null;
  /** Do not disturb. */
  dnd: boolean | null;
  /** Rings on calls to the extension. */
  ringsOnCall: boolean | null;
  /** Notes. */
  notes: string | null;
}

/** A call queue. */
export interface Queue {
  /** The source it belongs to (with vendorId, its global id). */
  sourceId: string;
  /** The vendor's id of the queue. */
  vendorId: string;
  /** Name. */
  name: string | null;
}

/** An extension's membership of a queue. */
export interface QueueMembership {
  /** The queue. */
  queue: Queue;
  /** Member penalty. */
  penalty: number | null;
}

/** An extension group. */
export interface Group {
  /** The source it belongs to (with vendorId, its global id). */
  sourceId: string;
  /** The vendor's id of the group. */
  vendorId: string;
  /** Name. */
  name: string | null;
  /** Description. */
  description: string | null;
  /** Number of members. */
  memberCount: number | null;
  /** Member extension local ids, undefined when the answer did not list them. */
  memberIds?: string[] | undefined;
  /** Intercom allowed. */
  intercom: boolean | null;
  /** External calls allowed. */
  externalCalls: boolean | null;
  /** Management console access. */
  consoleAccess: boolean | null;
}

/** Voicemail settings. */
export interface VoicemailSettings {
  /** Voicemail on. */
  enabled: boolean | null;
  /** Mailbox address. */
  mailbox: string | null;
  /** Prompt language. */
  language: string | null;
  /** A PIN protects the mailbox (never the PIN itself). */
  hasVoicemailPin: boolean | null;
  /** Caller id read out. */
  playCallerId: boolean | null;
  /** How the time is read out. */
  readOutDateTime: string | null;
}

/** One voicemail message. */
export interface VoicemailMessage {
  /** Id within the mailbox. */
  id: string;
  /** Folder. */
  folder: string;
  /** When it was left (ISO). */
  receivedAt: string | null;
  /** Caller id. */
  callerId: string | null;
  /** Seconds. */
  durationSeconds: number | null;
  /** Priority. */
  priority: number | null;
  /** Recording path on the PBX. */
  recordingPath: string | null;
}

/** A greeting file. */
export interface Greeting {
  /** File name. */
  name: string;
  /** Enabled. */
  enabled: boolean;
  /** The default greeting. */
  isDefault: boolean;
}

/** An E911 address. */
export interface E911Address {
  /** Subscriber. */
  subscriber: string | null;
  /** Line 1. */
  address1: string | null;
  /** Line 2. */
  address2: string | null;
  /** City. */
  city: string | null;
  /** State. */
  state: string | null;
  /** ZIP. */
  zip: string | null;
  /** PSAP name. */
  psapName: string | null;
}

/** Forwarding condition; mirrors the schema enum. */
export type ForwardCondition = 'NO_ANSWER' | 'BUSY' | 'OFFLINE' | 'DND' | 'AWAY';
/** Caller scope; mirrors the schema enum. */
export type CallerScope = 'ANY' | 'EXTERNAL' | 'INTERNAL' | 'MOBILE';
/** Hours scope; mirrors the schema enum. */
export type HoursScope = 'ANY' | 'OFFICE_HOURS' | 'OUTSIDE_OFFICE_HOURS';
/** Forward action; mirrors the schema enum. */
export type ForwardAction =
  | 'NOTHING'
  | 'BUSY_SIGNAL'
  | 'VOICEMAIL'
  | 'NUMBER'
  | 'GOTO'
  | 'QUEUE'
  | 'BARGE'
  | 'USE_EXTERNAL'
  | 'EXTENSION'
  | 'OTHER';

/** A dialplan item a rule jumps to. */
export interface DialplanTarget {
  /** Vendor id. */
  id: string;
  /** Kind of item. */
  type: string | null;
  /** Name. */
  name: string | null;
  /** Number. */
  number: string | null;
}

/** One forwarding rule. */
export interface ForwardingRule {
  /** When it applies. */
  condition: ForwardCondition;
  /** Which callers. */
  callers: CallerScope;
  /** Which hours. */
  hours: HoursScope;
  /** What it does. */
  action: ForwardAction;
  /** The vendor's action word. */
  vendorAction: string | null;
  /** Number diverted to. */
  number: string | null;
  /** Dialplan target. */
  target: DialplanTarget | null;
  /** Seconds before it fires. */
  timeoutSeconds: number | null;
}

/** How calls are handled in a presence state. */
export interface PresenceRule {
  /** Presence state (vendor word). */
  presence: string;
  /** Action (vendor word). */
  action: string;
}

/** A weekday; mirrors the schema enum. */
export type Weekday = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** Office hours. */
export interface OfficeHours {
  /** Vendor mode. */
  mode: string | null;
  /** Per weekday. */
  days: { day: Weekday; from: string | null; to: string | null }[];
}

/** Call counts. */
export interface CallStatistics {
  /** Local. */
  local: number | null;
  /** Incoming. */
  incoming: number | null;
  /** Outgoing. */
  outgoing: number | null;
  /** Transit. */
  transit: number | null;
}

/** Subscription state; mirrors the schema enum. */
export type SubscriptionState = 'NEW' | 'VALID' | 'EXPIRED' | 'UNKNOWN';

/** Subscription of an extension. */
export interface Subscription {
  /** State. */
  state: SubscriptionState;
  /** Vendor code. */
  vendorState: string | null;
  /** Hotline. */
  hotlineId: string | null;
  /** Assigned user. */
  userId: string | null;
  /** Created (ISO). */
  createdAt: string | null;
  /** Updated (ISO). */
  updatedAt: string | null;
  /** Expires (ISO). */
  expiresAt: string | null;
}

/** A field's "the vendor has none", typed as the field (a detail field is declared by one such line). */
const none = <T>(): T | null => null;

/**
 * The detail fields of an extension, each declared once with its type and its "the vendor has none"
 * value: the Extension type below and NO_DETAILS both derive from this, and every field here reaches
 * the client with no further wiring (server/record-fields.ts) once the schema names it. A field the
 * schema names but this does not fails the schema-walk test.
 */
const DETAILS = {
  /** First name. */
  firstName: none<string>(),
  /** Last name. */
  lastName: none<string>(),
  /** E-mail. */
  email: none<string>(),
  /** Language. */
  language: none<string>(),
  /** Enabled. */
  enabled: none<boolean>(),
  /** Caller ids. */
  callerIds: none<CallerIds>(),
  /** Direct number. */
  directNumber: none<string>(),
  /** Notes. */
  notes: none<string>(),
  /** Tenant. */
  tenant: none<string>(),
  /** SIP domain. */
  sipDomain: none<string>(),
  /** Last updated (ISO). */
  lastUpdated: none<string>(),
  /** E911 address. */
  e911: none<E911Address>(),
  /** Forwarding rules. */
  forwarding: none<ForwardingRule[]>(),
  /** Presence rules. */
  presenceRules: none<PresenceRule[]>(),
  /** Office hours. */
  officeHours: none<OfficeHours>(),
  /** Voicemail settings. */
  voicemail: none<VoicemailSettings>(),
  /** Outbound destinations. */
  outboundDestinations: none<string>(),
  /** Mobile delay. */
  mobileDelaySeconds: none<number>(),
  /** Subscription. */
  subscription: none<Subscription>(),
};

/** The detail fields of an extension with their types (see DETAILS). */
export type ExtensionDetails = typeof DETAILS;

/** Fields of Extension that a `partial` record may lack and the single get supplies. */
export type ExtensionDetailField = keyof ExtensionDetails;

/**
 * Every detail field as "the vendor has none": mappers spread it and then set what their vendor
 * does have, so a vendor never leaves a field undefined by accident (undefined would send the
 * resolver to the single-get loader for it).
 */
export const NO_DETAILS: Readonly<ExtensionDetails> = Object.freeze(DETAILS);

/**
 * An extension as an adapter returns it. Scalar profile fields are always present (null when the
 * vendor has none). The optional fields are data some answers carry and others do not: when
 * `undefined`, the resolver asks the matching per-request DataLoader (or, for detail fields, the
 * extension-by-id loader).
 */
export interface Extension extends Partial<ExtensionDetails> {
  /** Configured source id. */
  sourceId: string;
  /** The vendor's id, the local part of the global id. */
  vendorId: string;
  /** Dialable number. */
  number: string;
  /** Display name. */
  name: string | null;
  /** True when the vendor returned a reduced view. */
  restricted: boolean;
  /** Fields that are undefined here but present on the vendor's single-get answer. */
  partial: boolean;
  /** Group vendor ids, when the answer lists them. */
  groupIds?: string[] | null;
  /** Live status carried by this answer (primes the status loader). */
  status?: StatusInfo | null;
  /** Devices carried by this answer (primes the devices loader). */
  devices?: Device[] | null;
  /** Queue memberships carried by this answer (primes the queues loader). */
  queues?: QueueMembership[] | null;
}
