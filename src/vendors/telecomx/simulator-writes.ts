import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../core/sim-server.ts';

/*
 * The simulator's own reading of the write pages: it names the record fields it touches itself and
 * imports nothing of the adapter's (a key both read from one constant could be wrong in both).
 */

/** Access levels (api:auth:login `accessLevel`). */
type AccessLevel = 'ADMIN' | 'RESELLER' | 'OWNER' | 'MANAGER' | 'VIEWER' | 'PERSONAL';

/** The fields of a stored extension the write routes read or set. */
export interface TxSimRecord {
  /** Unique id (24 hex). */
  _id: string;
  /** Always EXTENSION. */
  type: string;
  /** Customer id. */
  customer: string;
  /** Name. */
  name: string | null;
  /** Number. */
  number: string;
  /** Employee, when linked. */
  employee?: string | null;
  /** Phones, each with its id. */
  phones?: { _id: string }[];
}

/** A dialplan item as the simulator keeps it. */
export interface TxSimDialplanItem {
  /** Id. */
  _id: string;
  /** Kind of item. */
  type: string;
  /** Name. */
  name?: string | null;
  /** Number. */
  number?: string | null;
}

/** Who asks, as the simulator's session knows them. */
export interface TxSimCaller {
  /** Access level. */
  level: AccessLevel;
  /** Customer of the user (null for ADMIN). */
  customer: string | null;
  /** Employee of the user. */
  employee: string | null;
}

/** The simulator's records the write routes change. */
export interface TxSimState<X extends TxSimRecord> {
  /** Every extension, in creation order. */
  extensions: X[];
  /** Extensions by lower-case id. */
  byId: Map<string, X>;
  /** Dialplan items by lower-case id (extensions are items too). */
  dialplan: Map<string, TxSimDialplanItem>;
  /** Which view of `x` a caller gets. */
  visibility(user: TxSimCaller, x: X): 'full' | 'reduced' | 'denied';
  /** Calls placed through pbx/app/action/call, oldest first. */
  calls: { _id: string; device: string; target: string }[];
}

const err = (status: number, message: string): SimResponse => ({ status, body: { code: status, message } });
const ok = (body: unknown): SimResponse => ({ status: 200, body });
const ID = /^[0-9a-fA-F]{24}$/;

/** Fields an update may carry (the get's fields); anything else is 422 naming it. */
const WRITABLE = new Set([
  'name', 'number', 'notes', 'direct', 'employee', 'primary', 'phonebook', 'callWaiting', 'blockSecret', 'autoMaster', 'mobileUseOwnNumber', 'redirect',
  'inboundGoto', 'mobileDelay', 'onPresenceOffWork', 'onPresenceHoliday', 'onPresenceBusy', 'noAnswer', 'busy', 'outbound',
]);
/** What a PERSONAL user may not change (api:pbx:extension:update). */
const NOT_PERSONAL = ['number', 'employee', 'direct', 'primary', 'phonebook', 'noAnswer', 'busy', 'notes', 'autoMaster', 'inboundGoto'];
const MANAGERS: ReadonlySet<AccessLevel> = new Set<AccessLevel>(['ADMIN', 'RESELLER', 'OWNER', 'MANAGER']);

/** The action words of each caller field of noAnswer and busy (telecomx.txt noAnswer.* and busy.*). */
const BLOCK_ACTIONS: Record<'noAnswer' | 'busy', Record<string, readonly string[]>> = {
  noAnswer: {
    extAction: ['NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO'],
    intAction: ['NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO'],
    mobileAction: ['EXTERNAL', 'NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO'],
  },
  busy: {
    extAction: ['BUSY', 'VOICEMAIL', 'NUMBER', 'GOTO', 'QUEUE'],
    intAction: ['BUSY', 'VOICEMAIL', 'NUMBER', 'GOTO', 'QUEUE', 'BARGE'],
    mobileAction: ['EXTERNAL', 'BUSY', 'VOICEMAIL', 'NUMBER', 'GOTO', 'QUEUE'],
  },
};
const BLOCK_NUMBERS: ReadonlySet<string> = new Set(['extNumber', 'intNumber', 'mobileNumber']);
const BLOCK_GOTOS: ReadonlySet<string> = new Set(['extGoto', 'intGoto', 'mobileGoto']);
const BLOCKS = ['noAnswer', 'busy'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first bad field of a noAnswer or busy block, named as the page names it (`noAnswer.timeout`). */
function invalidBlock<X extends TxSimRecord>(s: TxSimState<X>, kind: 'noAnswer' | 'busy', block: unknown): string | undefined {
  if (!isObject(block)) return kind;
  for (const [k, v] of Object.entries(block)) {
    const field = `${kind}.${k}`;
    // null clears a field, as the get shows unused numbers and gotos.
    if (v === null) continue;
    const actions = BLOCK_ACTIONS[kind][k];
    if (actions) {
      if (typeof v !== 'string' || !actions.includes(v)) return field;
    } else if (BLOCK_NUMBERS.has(k)) {
      if (typeof v !== 'string' || !/^\+?[0-9*#]{1,32}$/.test(v)) return field;
    } else if (BLOCK_GOTOS.has(k)) {
      if (typeof v !== 'string' || !s.dialplan.has(v.toLowerCase())) return field;
    } else if (k === 'timeout' && kind === 'noAnswer') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 5 || v > 60) return field;
    } else {
      return field;
    }
  }
  return undefined;
}

/** The first problem of a body's values, as Telecom X's 422 names it (the field), or undefined. */
function invalid<X extends TxSimRecord>(s: TxSimState<X>, b: Record<string, unknown>): string | undefined {
  for (const k of Object.keys(b)) if (!WRITABLE.has(k)) return k;
  for (const kind of BLOCKS) {
    const problem = b[kind] === undefined ? undefined : invalidBlock(s, kind, b[kind]);
    if (problem) return problem;
  }
  if (b['number'] !== undefined && (typeof b['number'] !== 'string' || !/^[0-9]{2,8}$/.test(b['number']))) return 'number';
  if (b['name'] !== undefined && (typeof b['name'] !== 'string' || b['name'].length === 0 || b['name'].length > 100)) return 'name';
  if (b['notes'] !== undefined && b['notes'] !== null && typeof b['notes'] !== 'string') return 'notes';
  if (b['direct'] !== undefined && b['direct'] !== null && (typeof b['direct'] !== 'string' || !/^\+?[0-9]{3,20}$/.test(b['direct']))) return 'direct';
  return undefined;
}

const numberTaken = <X extends TxSimRecord>(s: TxSimState<X>, customer: string, number: unknown, except?: X) =>
  s.extensions.some((x) => x !== except && x.number === number && x.customer.toLowerCase() === customer.toLowerCase());

/**
 * Telecom X's write endpoints (README facts): POST /pbx/extension (create, MANAGER or above),
 * POST /pbx/extension/ID (partial update, PERSONAL limited to its own extension and some fields),
 * DELETE /pbx/extension/ID and GET /pbx/app/action/call. Undefined: not a write route.
 */
export function telecomxWriteRoute<X extends TxSimRecord>(s: TxSimState<X>, user: TxSimCaller, req: SimRequest): SimResponse | undefined {
  const body = (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
  const one = /^\/pbx\/extension\/([^/]+)$/.exec(req.path);
  if (req.method === 'POST' && (req.path === '/pbx/extension' || req.path === '/pbx/extension/')) {
    if (!MANAGERS.has(user.level)) return err(403, 'access_denied');
    const { customer, ...fields } = body;
    if (typeof customer !== 'string' || !ID.test(customer)) return err(422, 'customer');
    if (user.level !== 'ADMIN' && user.level !== 'RESELLER' && customer.toLowerCase() !== user.customer?.toLowerCase()) return err(403, 'access_denied');
    if (fields['name'] === undefined && fields['employee'] === undefined) return err(422, 'name');
    if (fields['number'] === undefined) return err(422, 'number');
    const problem = invalid(s, fields);
    if (problem) return err(422, problem);
    if (numberTaken(s, customer, fields['number'])) return err(422, 'number');
    const x = { _id: randomBytes(12).toString('hex'), type: 'EXTENSION', customer, name: null, number: '', notes: null, employee: null, direct: null, phones: [], ...fields } as unknown as X;
    s.extensions.push(x);
    s.byId.set(x._id.toLowerCase(), x);
    s.dialplan.set(x._id.toLowerCase(), { _id: x._id, type: 'EXTENSION', name: x.name, number: x.number });
    const { phones: _p, ...answer } = x;
    return ok(answer);
  }
  if (one && (req.method === 'POST' || req.method === 'DELETE')) {
    const id = decodeURIComponent(one[1]!);
    if (!ID.test(id)) return err(400, 'bad_request');
    const x = s.byId.get(id.toLowerCase());
    if (!x) return err(404, 'not_found');
    const how = s.visibility(user, x);
    if (how !== 'full' || user.level === 'VIEWER') return err(403, 'access_denied');
    if (req.method === 'DELETE') {
      if (!MANAGERS.has(user.level)) return err(403, 'access_denied');
      s.extensions.splice(s.extensions.indexOf(x), 1);
      s.byId.delete(id.toLowerCase());
      s.dialplan.delete(id.toLowerCase());
      return ok({ success: true });
    }
    if (Object.keys(body).length === 0) return err(400, 'bad_request');
    if (user.level === 'PERSONAL') {
      if (NOT_PERSONAL.some((k) => body[k] !== undefined)) return err(403, 'access_denied');
      const out = body['outbound'] as Record<string, unknown> | undefined;
      if (out && (out['destinations'] !== undefined || out['goto'] !== undefined)) return err(403, 'access_denied');
    }
    const problem = invalid(s, body);
    if (problem) return err(422, problem);
    if (body['number'] !== undefined && numberTaken(s, x.customer, body['number'], x)) return err(422, 'number');
    // Partial: exactly the fields given change, and noAnswer.* and busy.* are fields of their own.
    const { noAnswer, busy, ...top } = body;
    Object.assign(x, top);
    const stored = x as unknown as Record<string, unknown>;
    for (const [kind, block] of [['noAnswer', noAnswer], ['busy', busy]] as const) {
      const old = stored[kind];
      if (isObject(block)) stored[kind] = { ...(isObject(old) ? old : {}), ...block };
    }
    s.dialplan.set(x._id.toLowerCase(), { _id: x._id, type: 'EXTENSION', name: x.name, number: x.number });
    const { phones: _p, ...answer } = x;
    return ok(answer);
  }
  if (req.method === 'GET' && req.path === '/pbx/app/action/call') {
    const device = req.query.get('device') ?? '';
    const target = req.query.get('target') ?? '';
    const owner = s.extensions.find((x) => (x.phones ?? []).some((p) => p._id.toLowerCase() === device.toLowerCase()));
    if (!owner || s.visibility(user, owner) !== 'full') return err(422, 'device');
    if (!/^\+?[0-9*#]{1,32}$/.test(target) && !s.byId.has(target.toLowerCase())) return err(422, 'target');
    const call = { _id: randomBytes(12).toString('hex'), device, target };
    s.calls.push(call);
    return ok({ success: true, _id: call._id });
  }
  return undefined;
}
