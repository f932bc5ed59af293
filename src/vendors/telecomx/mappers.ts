import {
  NO_DETAILS,
  type ExtensionDetailField,
  type CallerIds, type CallerScope, type Device, type DialplanTarget, type Extension, type ForwardAction, type ForwardCondition, type ForwardingRule, type PresenceRule, type StatusInfo,
} from '../../domain/types.ts';
import type { TxCallerActions, TxExtension, TxForwardAction, TxGoto, TxPhone } from './types.ts';

/** Pure mappers from Telecom X JSON to the domain model. */

/** Telecom X ids: 24 hex characters (telecomx.txt "EXTENSION_ID"). */
export const TX_ID = /^[0-9a-fA-F]{24}$/;

/** The keys a reduced (PERSONAL, someone else's) extension carries (telecomx.txt "Access level"). */
const REDUCED_KEYS: ReadonlySet<string> = new Set(['_id', 'type', 'customer', 'name', 'number']);

/** True when the answer is the reduced view: nothing beyond _id, type, customer, name and number. */
export function isReduced(x: TxExtension): boolean {
  // A loop over the keys rather than Object.keys(): no array per row of a 50-row page.
  for (const k in x) if (Object.hasOwn(x, k) && !REDUCED_KEYS.has(k)) return false;
  return true;
}

/** A MAC address, with or without separators. */
const MAC = /^(?:[0-9a-fA-F]{2}[:-]?){5}[0-9a-fA-F]{2}$/;

/** A MAC as 12 upper-case hex digits in colon pairs. */
function normaliseMac(s: string): string {
  return s.replace(/[:-]/g, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * A phone. `identification` means different things per type: for SIP it is the MAC address "if
 * available else the notes", so it becomes `macAddress` only when it looks like one.
 */
export function mapPhone(sourceId: string, p: TxPhone): Device {
  const ident = p.identification ?? null;
  let macAddress: string | null = null;
  let phoneNumber: string | null = null;
  switch (p.type) {
    case 'SIP':
      macAddress = ident !== null && MAC.test(ident) ? normaliseMac(ident) : null;
      break;
    case 'MVNO':
    case 'EXTERNAL':
      phoneNumber = ident;
      break;
    default: {
      // A type newer than the doc: keep the phone, claim nothing about its identification.
      const _unknown: never = p.type;
      void _unknown;
    }
  }
  return {
    sourceId,
    vendorId: String(p._id),
    technology: p.type ? String(p.type).toUpperCase() : null,
    name: null,
    description: null,
    userAgent: null,
    macAddress,
    model: p.model ?? null,
    phoneNumber,
    online: p.online ?? null,
    dnd: p.dnd ?? null,
    // Every phone of a Telecom X extension is called (mobiles after `mobileDelay`); the API has no
    // per-phone switch to report.
    ringsOnCall: null,
    notes: p.notes ?? null,
  };
}

/**
 * Live status from the phones (Telecom X has no status endpoint; `phones[].online` is the live
 * registration): no phone online, or no phones at all (nothing can ring) -> OFFLINE; every online
 * phone in DND -> DND; otherwise AVAILABLE. Telecom X has no status word of its own, so
 * `vendorStatus` is null.
 */
export function statusFromPhones(phones: readonly TxPhone[]): StatusInfo {
  const online = phones.filter((p) => p.online === true);
  const status = online.length === 0 ? 'OFFLINE' : online.every((p) => p.dnd === true) ? 'DND' : 'AVAILABLE';
  return { status, vendorStatus: null, userAgent: null, updatedAt: null };
}

/** A goto field: an expanded `{_id, type, name, number}` object, or a bare id. */
export function mapGoto(g: TxGoto | undefined): DialplanTarget | null {
  if (g === null || g === undefined || g === '') return null;
  if (typeof g === 'string') return { id: g, type: null, name: null, number: null };
  return { id: String(g._id), type: g.type ?? null, name: g.name ?? null, number: g.number ?? null };
}

/** The vendor's action word as the schema's action. */
export function mapForwardAction(a: TxForwardAction): ForwardAction {
  switch (a) {
    case 'NOTHING':
      return 'NOTHING';
    case 'VOICEMAIL':
      return 'VOICEMAIL';
    case 'NUMBER':
      return 'NUMBER';
    case 'GOTO':
      return 'GOTO';
    case 'EXTERNAL':
      return 'USE_EXTERNAL';
    case 'BUSY':
      return 'BUSY_SIGNAL';
    case 'QUEUE':
      return 'QUEUE';
    case 'BARGE':
      return 'BARGE';
    default: {
      // A word newer than the doc: OTHER, with the word itself in `vendorAction`.
      const _unknown: never = a;
      void _unknown;
      return 'OTHER';
    }
  }
}

/**
 * Caller scopes of the noAnswer/busy blocks and their fields (the field names spelled out, because a name
 * built per lookup costs a string and a slow keyed read on every row). forwarding.ts writes through the
 * same table, so a written rule lands in the fields this side reads.
 */
export const SCOPES: readonly {
  prefix: 'ext' | 'int' | 'mobile';
  callers: CallerScope;
  action: 'extAction' | 'intAction' | 'mobileAction';
  number: 'extNumber' | 'intNumber' | 'mobileNumber';
  goto: 'extGoto' | 'intGoto' | 'mobileGoto';
}[] = [
  { prefix: 'ext', callers: 'EXTERNAL', action: 'extAction', number: 'extNumber', goto: 'extGoto' },
  { prefix: 'int', callers: 'INTERNAL', action: 'intAction', number: 'intNumber', goto: 'intGoto' },
  { prefix: 'mobile', callers: 'MOBILE', action: 'mobileAction', number: 'mobileNumber', goto: 'mobileGoto' },
];

/**
 * The action when the vendor leaves a field out: the doc's defaults (noAnswer: NOTHING; busy ext/int:
 * BUSY). busy.mobileAction names no default; EXTERNAL (use the external rule) is what the doc's
 * example holds, so pbx-graph assumes it.
 */
const DEFAULT_ACTION: Record<'noAnswer' | 'busy', Record<'ext' | 'int' | 'mobile', TxForwardAction>> = {
  noAnswer: { ext: 'NOTHING', int: 'NOTHING', mobile: 'NOTHING' },
  busy: { ext: 'BUSY', int: 'BUSY', mobile: 'EXTERNAL' },
};

function pushBlockRules(rules: ForwardingRule[], kind: 'noAnswer' | 'busy', block: TxCallerActions, condition: ForwardCondition, timeoutSeconds: number | null): void {
  for (const scope of SCOPES) {
    const vendorAction = block[scope.action] ?? null;
    rules.push({
      condition,
      callers: scope.callers,
      hours: 'ANY',
      action: mapForwardAction(vendorAction ?? DEFAULT_ACTION[kind][scope.prefix]),
      vendorAction,
      // As the vendor holds them: the number and goto are only used by NUMBER and GOTO actions.
      number: block[scope.number] ?? null,
      target: mapGoto(block[scope.goto]),
      timeoutSeconds,
    });
  }
}

/** noAnswer and busy as forwarding rules: external, internal and mobile callers for each. */
export function mapForwarding(x: Pick<TxExtension, 'noAnswer' | 'busy'>): ForwardingRule[] | null {
  if (!x.noAnswer && !x.busy) return null;
  const rules: ForwardingRule[] = [];
  if (x.noAnswer) pushBlockRules(rules, 'noAnswer', x.noAnswer, 'NO_ANSWER', x.noAnswer.timeout ?? null);
  if (x.busy) pushBlockRules(rules, 'busy', x.busy, 'BUSY', null);
  return rules;
}

/** onPresence* settings, by the presence state they name. */
export function mapPresenceRules(x: Pick<TxExtension, 'onPresenceOffWork' | 'onPresenceHoliday' | 'onPresenceBusy'>): PresenceRule[] {
  const rules: PresenceRule[] = [];
  const add = (presence: string, action: string | null | undefined) => {
    if (action) rules.push({ presence, action });
  };
  add('OFF_WORK', x.onPresenceOffWork);
  add('HOLIDAY', x.onPresenceHoliday);
  add('BUSY', x.onPresenceBusy);
  return rules;
}

/** Outbound caller ids per presence; Telecom X has no internal/external/emergency split. */
export function mapCallerIds(x: Pick<TxExtension, 'outbound'>): CallerIds | null {
  const c = x.outbound?.callerId;
  if (!c) return null;
  return {
    internal: null,
    external: null,
    emergency: null,
    outbound: c.onPresenceWork ?? null,
    outboundOffWork: c.onPresenceOffWork ?? null,
    nextCall: c.onNextCall ?? null,
  };
}

/**
 * An extension of the get (or of the list, which the adapter asks with the same expandGoto and
 * includePhones, so it is never partial). Status and devices come from `phones` when present.
 *
 * The reduced view a PERSONAL credential gets of someone else's extension keeps what it carried and
 * says null for everything else, status and devices included: the vendor withholds them, asking
 * again gives the same, so it is neither partial nor worth a load.
 */
export function mapExtension(sourceId: string, x: TxExtension): Extension {
  const restricted = isReduced(x);
  const phones = !restricted && Array.isArray(x.phones) ? x.phones : undefined;
  // One literal in one key order for both views (spreads of NO_DETAILS and a head cost a copy per
  // row); the fields Telecom X never has are NO_DETAILS's nulls, written out, and `satisfies` keeps
  // the literal naming every detail field when the domain gains one.
  return {
    sourceId,
    vendorId: String(x._id),
    number: String(x.number ?? ''),
    name: x.name ?? null,
    restricted,
    partial: false,
    firstName: NO_DETAILS.firstName,
    lastName: NO_DETAILS.lastName,
    email: NO_DETAILS.email,
    language: NO_DETAILS.language,
    enabled: NO_DETAILS.enabled,
    callerIds: restricted ? null : mapCallerIds(x),
    directNumber: restricted ? null : (x.direct ?? null),
    notes: restricted ? null : (x.notes ?? null),
    // The customer is Telecom X's tenant.
    tenant: x.customer ?? null,
    sipDomain: NO_DETAILS.sipDomain,
    lastUpdated: NO_DETAILS.lastUpdated,
    e911: NO_DETAILS.e911,
    forwarding: restricted ? null : mapForwarding(x),
    presenceRules: restricted ? null : mapPresenceRules(x),
    officeHours: NO_DETAILS.officeHours,
    voicemail: NO_DETAILS.voicemail,
    outboundDestinations: restricted ? null : (x.outbound?.destinations ?? null),
    mobileDelaySeconds: restricted ? null : (x.mobileDelay ?? null),
    subscription: NO_DETAILS.subscription,
    // A reduced view withholds status and devices (null); a full one without phones leaves them to a load.
    status: restricted ? null : phones ? statusFromPhones(phones) : undefined,
    devices: restricted ? null : phones ? phones.map((p) => mapPhone(sourceId, p)) : undefined,
  } satisfies Extension & Record<ExtensionDetailField, unknown>;
}
