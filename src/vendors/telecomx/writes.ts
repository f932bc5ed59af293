import { badInput, PbxError } from '../../core/errors.ts';
import type { SourceHttp } from '../../core/http.ts';
import type { ExtensionCreateFieldName, ExtensionFieldName, ExtensionFields, SourceWrites } from '../../core/writes.ts';
import type { Capability } from '../../domain/types.ts';
import { forwardingBlocks } from './forwarding.ts';
import type { TxExtension } from './types.ts';

/** What Telecom X's API can write (README facts: extension create/update/delete, call origination). */
export const TELECOMX_WRITE_CAPABILITIES: readonly Capability[] = ['EXTENSION_CREATE', 'EXTENSION_UPDATE', 'EXTENSION_DELETE', 'CALL_ORIGINATE'];

/** Telecom X keeps one name; forwarding is its noAnswer/busy blocks; outbound settings have no input field. */
const UPDATE_FIELDS: ReadonlySet<ExtensionFieldName> = new Set<ExtensionFieldName>(['name', 'notes', 'directNumber', 'forwarding']);
const CREATE_FIELDS: ReadonlySet<ExtensionCreateFieldName> = new Set<ExtensionCreateFieldName>([...UPDATE_FIELDS, 'number']);
/** `name` is required unless an employee is linked, which pbx-graph does not do. */
const REQUIRED_CREATE: ReadonlySet<ExtensionCreateFieldName> = new Set<ExtensionCreateFieldName>(['number', 'name']);

/** Telecom X's field names for the client's, and back (its 422 messages name its own field). */
const VENDOR_FIELD: Record<string, string> = { name: 'name', notes: 'notes', direct: 'directNumber', number: 'number', device: 'from', target: 'to', noAnswer: 'forwarding', busy: 'forwarding' };

/** The body keys of a partial update: only the fields named, nothing else (BAD_USER_INPUT for a rule Telecom X cannot hold). */
function partial(p: ExtensionFields, sourceId: string): Partial<TxExtension> {
  const body: Partial<TxExtension> = {};
  if (p.name !== undefined) body.name = p.name;
  if (p.notes !== undefined) body.notes = p.notes;
  if (p.directNumber !== undefined) body.direct = p.directNumber;
  if (p.forwarding !== undefined) Object.assign(body, forwardingBlocks(p.forwarding, sourceId));
  return body;
}

/** A 400/422 that names a vendor field, as BAD_USER_INPUT naming the client's field. */
function rejected(err: unknown, sourceId: string): unknown {
  if (!(err instanceof PbxError) || err.code !== 'BAD_USER_INPUT' || !err.reason) return err;
  // A nested field (noAnswer.timeout) is named by its block.
  const field = VENDOR_FIELD[err.reason.split('.')[0]!];
  return field ? badInput(`input.${field}: Telecom X rejected the value${field === 'number' ? ' (the number may already be in use)' : ''}`, sourceId) : err;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Options of Telecom X's writes. */
export interface TelecomxWritesOptions {
  /** Source id. */
  sourceId: string;
  /** The source's HTTP client (scoped to the request). */
  http: SourceHttp;
  /** Runs a call under the session token. */
  withToken: <T>(call: (token: string) => Promise<T>) => Promise<T>;
  /** The configured customer: where extensions are created. */
  customer: string | undefined;
}

/**
 * Telecom X's writes. Its update is partial (any subset of fields, down to one), so only the fields
 * the client named are sent; there is nothing to read first.
 */
export function telecomxWrites(o: TelecomxWritesOptions): SourceWrites {
  const malformed = () => new PbxError('VENDOR_UNAVAILABLE', `${o.sourceId}: Telecom X answered with a malformed body`, o.sourceId);
  const path = (id: string) => `pbx/extension/${encodeURIComponent(id)}`;
  return {
    createFields: CREATE_FIELDS,
    updateFields: UPDATE_FIELDS,
    requiredCreateFields: REQUIRED_CREATE,
    async createExtension(input) {
      if (o.customer === undefined) throw badInput('input.pbx: this Telecom X source names no `customer` to create extensions in', o.sourceId);
      const body = { customer: o.customer, number: input.number, ...partial(input, o.sourceId) };
      try {
        const x = await o.withToken((token) => o.http.post<unknown>('pbx/extension', body, { searchParams: { token } }));
        if (!isObject(x) || typeof x['_id'] !== 'string') throw malformed();
        return { vendorId: x['_id'] };
      } catch (err) {
        throw rejected(err, o.sourceId);
      }
    },
    async updateExtension(vendorId, patch) {
      // Built before the token is fetched: a rule Telecom X cannot hold is refused with no vendor call.
      const body = partial(patch, o.sourceId);
      // An empty forwarding list names no rule, and Telecom X refuses an empty update.
      if (Object.keys(body).length === 0) return;
      try {
        await o.withToken((token) => o.http.post<unknown>(path(vendorId), body, { searchParams: { token } }));
      } catch (err) {
        throw rejected(err, o.sourceId);
      }
    },
    async deleteExtension(vendorId) {
      await o.withToken((token) => o.http.delete<unknown>(path(vendorId), { searchParams: { token } }));
    },
    async originateCall(vendorId, to) {
      // The call is placed from a phone (device) of the extension: its first phone.
      const x = await o.withToken((token) => o.http.get<TxExtension>(path(vendorId), { searchParams: { token, includePhones: true } }));
      const device = isObject(x) && Array.isArray(x.phones) ? x.phones[0]?._id : undefined;
      if (!device) throw badInput('input.from: this Telecom X extension has no phone to call from', o.sourceId);
      try {
        // A GET that places a call: not idempotent, so never retried or shared.
        const answer = await o.withToken((token) => o.http.get<unknown>('pbx/app/action/call', { searchParams: { token, device, target: to }, idempotent: false }));
        return { callId: isObject(answer) && typeof answer['_id'] === 'string' ? answer['_id'] : null };
      } catch (err) {
        throw rejected(err, o.sourceId);
      }
    },
  };
}
