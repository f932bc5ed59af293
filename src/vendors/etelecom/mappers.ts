import { NO_DETAILS, type Extension, type Subscription, type SubscriptionState } from '../../domain/types.ts';
import type { EtelecomExtension, EtelecomExtensionInfo, EtelecomState } from './types.ts';

/** Pure mappers from eTelecom JSON to the domain model. `extension_password` is never read. */

/** A time already in Date#toISOString's own form (UTC, milliseconds); a day past its month's end is not. */
const CANONICAL = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** An RFC 3339 time as ISO UTC; null when absent or unreadable. */
export function toIso(s: string | null | undefined): string | null {
  if (!s) return null;
  // Already canonical (what the vendor mostly sends): itself, without a parse and format per field.
  const m = CANONICAL.exec(s);
  if (m && Number(m[3]) <= daysIn(Number(m[1]), Number(m[2]))) return s;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** An int64 id as eTelecom writes it; the API leaves unset ids empty or "0" (proto zero values). */
function optionalId(s: string | null | undefined): string | null {
  return s === undefined || s === null || s === '' || s === '0' ? null : String(s);
}

/** The subscription state code (CreateExtension doc: Z newly created, P valid, N expired). */
export function mapSubscriptionState(raw: string | null | undefined): SubscriptionState {
  const s = raw as EtelecomState;
  switch (s) {
    case 'Z':
      return 'NEW';
    case 'P':
      return 'VALID';
    case 'N':
      return 'EXPIRED';
    default: {
      // Compile time: every documented code is handled. Run time: an undocumented code is UNKNOWN.
      const undocumented: never = s;
      void undocumented;
      return 'UNKNOWN';
    }
  }
}

/** The subscription of a listed (or created) extension. */
export function mapSubscription(x: EtelecomExtension): Subscription {
  return {
    state: mapSubscriptionState(x.state),
    vendorState: x.state ?? null,
    hotlineId: optionalId(x.hotline_id),
    userId: optionalId(x.user_id),
    createdAt: toIso(x.created_at),
    updatedAt: toIso(x.updated_at),
    expiresAt: toIso(x.expires_at),
  };
}

/**
 * Profile fields eTelecom never has: its extension is a SIP account with a subscription, with no
 * name, e-mail, caller ids, voicemail or forwarding in any answer.
 */
const { tenant: _tenant, sipDomain: _sipDomain, lastUpdated: _lastUpdated, subscription: _subscription, ...NO_PROFILE } = NO_DETAILS;
const NOT_KEPT_BY_ETELECOM = { name: null, ...NO_PROFILE } as const satisfies Partial<Extension>;

/**
 * A full extension from GetExtensions (or CreateExtension): every field eTelecom has, so it is not
 * partial. The vendor id is the extension number, since GetExtensionInfo looks extensions up by
 * number and not by `id`.
 */
export function mapExtension(sourceId: string, x: EtelecomExtension): Extension {
  return {
    sourceId,
    vendorId: String(x.extension_number),
    number: String(x.extension_number),
    ...NOT_KEPT_BY_ETELECOM,
    restricted: false,
    partial: false,
    tenant: optionalId(x.tenant_id),
    sipDomain: x.tenant_domain || null,
    lastUpdated: toIso(x.updated_at),
    subscription: mapSubscription(x),
  };
}

/**
 * The GetExtensionInfo view: number, SIP domain and expiry only. It is `partial`: tenant, lastUpdated
 * and subscription (state, hotline, user, times) are left undefined, so asking for them loads the
 * full record from the list through loadExtensions.
 */
export function mapExtensionInfo(sourceId: string, x: EtelecomExtensionInfo): Extension {
  return {
    sourceId,
    vendorId: String(x.extension_number),
    number: String(x.extension_number),
    ...NOT_KEPT_BY_ETELECOM,
    restricted: false,
    partial: true,
    sipDomain: x.tenant_domain || null,
  };
}
