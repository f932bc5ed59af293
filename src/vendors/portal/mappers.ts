import { NO_DETAILS, type E911Address, type Extension, type ExtensionDetailField, type StatusInfo } from '../../domain/types.ts';
import type { PortalE911, PortalExtensionAnswer, PortalListItem, PortalListStatus } from './types.ts';

/** Pure mappers from Point VoIP portal JSON to the domain model. */

const text = (s: string | null | undefined): string | null => (typeof s === 'string' && s.trim() !== '' ? s : null);

const fullName = (first: string | null | undefined, last: string | null | undefined): string | null =>
  text([text(first), text(last)].filter(Boolean).join(' '));

/**
 * `lastUpdate` ("2020-04-03 11:20:01") as ISO. The doc gives no time zone; pbx-graph reads it as UTC,
 * the one neutral choice (the example's node "VE-NY-04" hints at New York time, but nothing states
 * it). This is the only place that decides it. A zero or impossible date is null.
 */
export function portalDateTimeToIso(s: string | null | undefined): string | null {
  const m = typeof s === 'string' ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s.trim()) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  // Date.UTC rolls 2020-02-31 over to March; a date that does not round-trip is not a date.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return date.toISOString();
}

/**
 * Registration from the list ("1"/"0"). Registration is all the portal tells: a registered extension
 * is AVAILABLE (it may be on a call; the API cannot say), an unregistered one OFFLINE.
 */
export function mapListStatus(s: PortalListStatus): StatusInfo {
  const base = { vendorStatus: String(s), userAgent: null, updatedAt: null };
  switch (s) {
    case '1':
      return { status: 'AVAILABLE', ...base };
    case '0':
      return { status: 'OFFLINE', ...base };
    default: {
      const unexpected: never = s;
      return { status: 'UNKNOWN', ...base, vendorStatus: unexpected === undefined || unexpected === null ? null : String(unexpected) };
    }
  }
}

/**
 * Registration from the single get: there `status` is a boolean (see client.ts for why it is the
 * registration and not the request outcome). The portal serves extension data "exported from
 * cache", refreshed at `lastUpdate`, so the flag is as of `lastUpdate`: that is `updatedAt`, the only
 * timestamp the answer has, and it never overstates freshness.
 */
export function mapGetStatus(x: PortalExtensionAnswer): StatusInfo {
  const updatedAt = portalDateTimeToIso(x.lastUpdate);
  if (typeof x.status !== 'boolean') return { status: 'UNKNOWN', vendorStatus: x.status === undefined ? null : String(x.status), userAgent: null, updatedAt };
  return { status: x.status ? 'AVAILABLE' : 'OFFLINE', vendorStatus: String(x.status), userAgent: null, updatedAt };
}

/**
 * E911: an empty array (any array) means none is set (null); an object is the address. An object
 * whose every field is empty is also none: it names no place an emergency call could be sent to.
 */
export function mapE911(e: PortalE911 | unknown[] | null | undefined): E911Address | null {
  if (!e || Array.isArray(e) || typeof e !== 'object') return null;
  const address: E911Address = {
    subscriber: text(e.subscriber),
    address1: text(e.address1),
    address2: text(e.address2),
    city: text(e.city),
    state: text(e.state),
    zip: text(e.zip),
    psapName: text(e.psapName),
  };
  return Object.values(address).every((v) => v === null) ? null : address;
}

/** Detail fields only the single get carries; a list record leaves them out (not even `undefined`-valued). */
const GET_ONLY = ['email', 'callerIds', 'lastUpdated', 'e911'] as const satisfies readonly ExtensionDetailField[];
const isGetOnly = (k: string): boolean => (GET_ONLY as readonly string[]).includes(k);

/** NO_DETAILS without the get-only fields: what a list record says of the rest (the portal has none). */
const LIST_DETAILS = Object.fromEntries(Object.entries(NO_DETAILS).filter(([k]) => !isGetOnly(k))) as Omit<typeof NO_DETAILS, (typeof GET_ONLY)[number]>;

/** What both answers carry: identity and names; every other detail null unless set after. */
function common(sourceId: string, number: string, x: { firstName?: string | null; lastName?: string | null }, partial: boolean): Extension {
  return {
    sourceId,
    vendorId: number,
    number,
    name: fullName(x.firstName, x.lastName),
    restricted: false,
    partial,
    ...(partial ? LIST_DETAILS : NO_DETAILS),
    firstName: text(x.firstName),
    lastName: text(x.lastName),
  };
}

/**
 * A list record: number, names and registration. It is `partial`: e-mail, caller ids, lastUpdated
 * and E911 are absent, so the resolvers fetch them with the single get when a query asks for them;
 * the details the portal never has are null on both records, so they never cost a get.
 */
export function mapListItem(sourceId: string, x: PortalListItem): Extension {
  return { ...common(sourceId, String(x.number), x, true), status: mapListStatus(x.status) };
}

/**
 * A `get/extension` answer: the full record. `extId` is the number that was asked for, used when the
 * answer omits `number` (the doc's example does).
 */
export function mapExtension(sourceId: string, extId: string, x: PortalExtensionAnswer): Extension {
  const number = x.number === undefined || x.number === null || x.number === '' ? extId : String(x.number);
  return {
    ...common(sourceId, number, x, false),
    email: text(x.email),
    callerIds: { internal: null, external: null, emergency: null, outbound: text(x.callerId), outboundOffWork: null, nextCall: null },
    lastUpdated: portalDateTimeToIso(x.lastUpdate),
    e911: mapE911(x.e911),
    status: mapGetStatus(x),
  };
}
