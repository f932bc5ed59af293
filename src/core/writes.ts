import type { Capability, ForwardAction, ForwardCondition, Greeting, Group, HoursScope, Weekday } from '../domain/types.ts';
import type { RequestScope } from './request-scope.ts';

/**
 * The write seam: what a source can change at its vendor. Every method is optional and present
 * exactly when the adapter claims the matching write capability; the server validates input, checks
 * the capability, reads the record back and forgets cached answers, so a vendor folder only turns a
 * vendor-neutral change into its vendor's calls. A write method is never retried: a lost answer is
 * UPSTREAM_OUTCOME_UNKNOWN (core/http.ts), which the server reconciles where it can.
 */

/** One forwarding rule as a client writes it (mirrors the output ForwardingRule). */
export interface ForwardingRuleInput {
  /** When it applies. */
  condition: ForwardCondition;
  /** When, relative to office hours, it applies (ANY when left out). */
  hours?: HoursScope | undefined;
  /** What it does. */
  action: ForwardAction;
  /** The vendor's own action word, for an action pbx-graph does not name (OTHER). */
  vendorAction?: string | undefined;
  /** Number diverted to, for NUMBER. */
  number?: string | undefined;
  /** Seconds before a no-answer rule fires. */
  timeoutSeconds?: number | undefined;
}

/** Office hours as a client writes them (mirrors the output OfficeHours). */
export interface OfficeHoursInput {
  /** Vendor mode (e.g. GLOBAL, CUSTOM). */
  mode?: string | undefined;
  /** Hours of the weekdays named; weekdays left out keep their hours. */
  days?: { day: Weekday; from: string | null; to: string | null }[] | undefined;
}

/** The extension fields a client may write; each mirrors an output field of Extension. */
export interface ExtensionFields {
  /** Display name (vendors that keep one name). */
  name?: string | undefined;
  /** First name (vendors that keep two). */
  firstName?: string | undefined;
  /** Last name (vendors that keep two). */
  lastName?: string | undefined;
  /** E-mail. */
  email?: string | undefined;
  /** SIP password: write-only. */
  password?: string | undefined;
  /** Web portal password: write-only. */
  webPassword?: string | undefined;
  /** Voicemail PIN: write-only. */
  voicemailPin?: string | undefined;
  /** Voicemail on or off. */
  voicemailEnabled?: boolean | undefined;
  /** Prompt language. */
  language?: string | undefined;
  /** Extension enabled. */
  enabled?: boolean | undefined;
  /** Free-text notes. */
  notes?: string | undefined;
  /** Direct (DID) number. */
  directNumber?: string | undefined;
  /** Forwarding rules: each named condition and hours replaces the vendor's rule for it. */
  forwarding?: ForwardingRuleInput[] | undefined;
  /** Office hours. */
  officeHours?: OfficeHoursInput | undefined;
}

/** The name of a writable extension field. */
export type ExtensionFieldName = keyof ExtensionFields;

/** What createExtension is given. */
export interface ExtensionCreate extends ExtensionFields {
  /** The extension number. */
  number: string;
  /** Hotline (trunk) the extension is bound to, where the vendor sells extensions. */
  hotlineId?: string | undefined;
  /** User the new extension is assigned to, where the vendor assigns users. */
  userId?: string | undefined;
}

/** The name of a field createExtension takes. */
export type ExtensionCreateFieldName = keyof ExtensionCreate;

/** Group fields a client may write. */
export interface GroupFields {
  /** Name. */
  name?: string | undefined;
  /** Description. */
  description?: string | undefined;
  /** Members may use intercom. */
  intercom?: boolean | undefined;
  /** Members may call external numbers. */
  externalCalls?: boolean | undefined;
  /** Members may open the management console. */
  consoleAccess?: boolean | undefined;
}

/** What a create answers: the vendor id, and a secret the vendor generated (returned once). */
export interface Created {
  /** Vendor id of the new record. */
  vendorId: string;
  /** A secret the vendor generated (eTelecom's SIP password); never stored, logged or cached. */
  generatedSecret?: string | undefined;
}

/** The writes of one source; each present exactly when its capability is claimed. */
export interface SourceWrites {
  /** Fields createExtension takes at this vendor; any other given field is BAD_USER_INPUT. */
  readonly createFields: ReadonlySet<ExtensionCreateFieldName>;
  /** Fields updateExtension changes at this vendor; any other given field is BAD_USER_INPUT. */
  readonly updateFields: ReadonlySet<ExtensionFieldName>;
  /** Fields createExtension cannot do without at this vendor. */
  readonly requiredCreateFields: ReadonlySet<ExtensionCreateFieldName>;
  /** EXTENSION_CREATE: creates one extension. */
  createExtension?(input: ExtensionCreate): Promise<Created>;
  /** EXTENSION_UPDATE: changes exactly the fields given, nothing else at the vendor. */
  updateExtension?(vendorId: string, patch: ExtensionFields): Promise<void>;
  /** EXTENSION_DELETE: deletes one extension. */
  deleteExtension?(vendorId: string): Promise<void>;
  /** EXTENSION_USER_ASSIGN: assigns a vendor user to an extension. */
  assignUser?(vendorId: string, userId: string): Promise<void>;
  /** EXTENSION_USER_ASSIGN: removes a vendor user from an extension. */
  removeUser?(vendorId: string, userId: string): Promise<void>;
  /** GROUP_WRITE: creates a group with these members (extension vendor ids). */
  createGroup?(fields: GroupFields & { name: string }, memberIds: readonly string[]): Promise<Created>;
  /** GROUP_WRITE: changes the fields given; members and every other field keep their values. */
  updateGroup?(groupId: string, fields: GroupFields): Promise<void>;
  /** GROUP_WRITE: adds members, keeping the others. */
  addGroupMembers?(groupId: string, memberIds: readonly string[]): Promise<void>;
  /** GROUP_WRITE: removes members, keeping the others. */
  removeGroupMembers?(groupId: string, memberIds: readonly string[]): Promise<void>;
  /** GROUP_WRITE: deletes a group. */
  deleteGroup?(groupId: string): Promise<void>;
  /** GREETING_WRITE: adds a greeting file the vendor downloads from `url`. */
  addGreeting?(vendorId: string, filename: string, url: string): Promise<void>;
  /** GREETING_WRITE: makes a file the default greeting. */
  setDefaultGreeting?(vendorId: string, filename: string): Promise<void>;
  /** GREETING_WRITE: deletes a greeting file. */
  deleteGreeting?(vendorId: string, filename: string): Promise<void>;
  /** CALL_ORIGINATE: makes `vendorId` call `to`; the vendor's call id when it gives one. */
  originateCall?(vendorId: string, to: string): Promise<{ callId: string | null }>;
  /** Reads one group back after a write (GROUP_WRITE). */
  loadGroup?(groupId: string): Promise<Group>;
  /** Reads an extension's greetings back after a write (GREETING_WRITE). */
  loadGreetings?(vendorId: string): Promise<Greeting[]>;
}

/** A vendor's writes for one request (counted in its scope), or not tied to one. */
export type WritesFactory = (scope: RequestScope | undefined) => SourceWrites;

/** The write capabilities and the SourceWrites methods each one requires. */
export const WRITE_METHODS: Readonly<Record<Extract<Capability, `EXTENSION_${'CREATE' | 'UPDATE' | 'DELETE' | 'USER_ASSIGN'}` | 'GROUP_WRITE' | 'GREETING_WRITE' | 'CALL_ORIGINATE'>, readonly (keyof SourceWrites)[]>> = {
  EXTENSION_CREATE: ['createExtension'],
  EXTENSION_UPDATE: ['updateExtension'],
  EXTENSION_DELETE: ['deleteExtension'],
  EXTENSION_USER_ASSIGN: ['assignUser', 'removeUser'],
  GROUP_WRITE: ['createGroup', 'updateGroup', 'addGroupMembers', 'removeGroupMembers', 'deleteGroup', 'loadGroup'],
  GREETING_WRITE: ['addGreeting', 'setDefaultGreeting', 'deleteGreeting', 'loadGreetings'],
  CALL_ORIGINATE: ['originateCall'],
};
