import { randomBytes } from 'node:crypto';
import { fakeName, seededRandom, serialised, startSimServer, type SimRequest, type SimResponse } from '../../core/sim-server.ts';
import type { SimStatus, SimulatorHandle, SimulatorOptions } from '../../core/vendor-module.ts';

// The simulator's own reading of the Telecom X pages (README facts, telecomx.txt): it shares no type
// or constant with the adapter, so a misreading in one is caught by the other.

/** Largest `limit` the list takes (api:pbx:extension:list: 1..1000). */
const MAX_LIMIT = 1000;
/** The list answer names its page after the resource (api:pbx:extension:list). */
const LIST_KEY = 'extensions';
/** Object ids: 24 hex characters. */
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** Access levels, lowest first (telecomx.txt "Access level"). */
type TxAccessLevel = 'PERSONAL' | 'VIEWER' | 'MANAGER' | 'OWNER' | 'RESELLER' | 'ADMIN';
/** An expanded dialplan item. */
interface TxGotoObject {
  /** Id. */
  _id: string;
  /** Kind of item. */
  type: string;
  /** Name. */
  name: string | null;
  /** Number to dial. */
  number: string | null;
}
/** A goto: bare id, expanded object or null. */
type TxGoto = string | TxGotoObject | null;
/** A phone of an extension. */
interface TxPhone {
  /** Id. */
  _id: string;
  /** SIP, MVNO or EXTERNAL. */
  type: string;
  /** Model. */
  model?: string | null;
  /** MAC (SIP) or phone number. */
  identification?: string | null;
  /** Connected. */
  online?: boolean | null;
  /** DND. */
  dnd?: boolean | null;
  /** Notes. */
  notes?: string | null;
  /** Product id. */
  product?: string | null;
  /** Rate plan id. */
  ratePlan?: string | null;
  /** Next rate plan id. */
  newRatePlan?: string | null;
}
/** A noAnswer or busy block. */
interface TxBlock {
  /** Ring timeout, s (noAnswer). */
  timeout?: number | null;
  /** External callers' goto. */
  extGoto?: TxGoto;
  /** Local callers' goto. */
  intGoto?: TxGoto;
  /** Mobile callers' goto. */
  mobileGoto?: TxGoto;
  /** Actions and numbers. */
  [field: string]: unknown;
}
/** An extension record as GET /pbx/extension/ID answers it. */
interface TxExtension {
  /** Id. */
  _id: string;
  /** Always EXTENSION. */
  type: string;
  /** Customer id. */
  customer: string;
  /** Name. */
  name: string | null;
  /** Number. */
  number: string;
  /** Employee id. */
  employee?: string | null;
  /** Direct number. */
  direct?: string | null;
  /** Inbound goto. */
  inboundGoto?: TxGoto;
  /** No-answer block. */
  noAnswer?: TxBlock | null;
  /** Busy block. */
  busy?: TxBlock | null;
  /** Outbound block. */
  outbound?: { goto?: TxGoto; [field: string]: unknown } | null;
  /** Phones (includePhones). */
  phones?: TxPhone[];
  /** Every other documented field. */
  [field: string]: unknown;
}

import { telecomxWriteRoute, type TxSimState } from './simulator-writes.ts';

/** The simulator's fixed ids and credentials (the demo and the tests use them). */
export const TELECOMX_SIM = {
  /** The doc example's customer: every seed record and the generated ones belong to it. */
  customer: '12345678901234567890ADEF',
  /** A second customer, outside what the MANAGER and PERSONAL users may see. */
  otherCustomer: '22222222222222222222BBBB',
  /** The doc example's extension (Donald Duck, 592). */
  donaldId: '12345678901234567890ABCD',
  /** A seed extension of Dolly Duck (593) whose gotos point at a queue, Donald and a menu. */
  dollyId: '12345678901234567890ABCE',
  /** A seed function extension with no phones (500). */
  receptionId: '12345678901234567890ABCF',
  /** The other customer's extension (700). */
  otherId: '22222222222222222222CCCC',
  /** A non-expiring ADMIN machine-to-machine token. */
  adminToken: 'telecomx-sim-admin-machine-token',
  /** A MANAGER user of `customer`. */
  manager: { email: 'manager@telecomx.example', password: 'telecomx-demo-password' },
  /** A PERSONAL user: Donald Duck himself (employee of the doc example). */
  personal: { email: 'donald@telecomx.example', password: 'telecomx-personal-password' },
} as const;

/** Extra knobs of the Telecom X simulator. */
export interface TelecomxSimulatorOptions extends SimulatorOptions {
  /** `expiresInMinutes` of login tokens (the vendor's default is 15). */
  tokenMinutes?: number;
  /** A login token also lapses after this long without a call, ms (default: only `tokenMinutes`). */
  tokenIdleMs?: number;
}

/** The running Telecom X simulator. */
export interface TelecomxSimulatorHandle extends SimulatorHandle {
  /** Expires every login token now, as the vendor would after `expiresInMinutes` (machine tokens stay). */
  expireTokens(): void;
  /** Logins served so far (successful or not). */
  logins(): number;
  /** The stored record of an extension (a copy), as the vendor holds it; undefined when none. */
  record(id: string): TxExtension | undefined;
  /** Calls placed through pbx/app/action/call, oldest first. */
  calls(): readonly { _id: string; device: string; target: string }[];
}

interface SimUser {
  level: TxAccessLevel;
  customer: string | null;
  employee: string | null;
}

const DONALD_EMPLOYEE = '12345678901234567890AAAA';
const DOLLY_EMPLOYEE = '12345678901234567890AAAB';

/** The doc's GET /pbx/extension/ID example, verbatim (bare goto ids, no phones). */
export function docExampleExtension(): TxExtension {
  return {
    _id: '12345678901234567890ABCD',
    type: 'EXTENSION',
    customer: '12345678901234567890ADEF',
    name: 'Donald Duck',
    number: '592',
    startAudio: null,
    redirect: null,
    notes: 'The boss',
    employee: DONALD_EMPLOYEE,
    direct: '+4570305051',
    primary: true,
    phonebook: true,
    callWaiting: true,
    blockSecret: true,
    autoMaster: false,
    mobileUseOwnNumber: false,
    ringtone: '12345678901234567890BBBB',
    musicOnHold: '12345678901234567890CCCC',
    mobileDelay: 10,
    onPresenceOffWork: 'AVAILABLE',
    onPresenceHoliday: 'BUSY',
    onPresenceBusy: 'BUSY',
    noAnswer: {
      timeout: 30,
      extAction: 'VOICEMAIL',
      extNumber: null,
      extGoto: null,
      intAction: 'NUMBER',
      intNumber: '100',
      intGoto: null,
      mobileAction: 'EXTERNAL',
      mobileNumber: null,
      mobileGoto: null,
    },
    busy: {
      extAction: 'QUEUE',
      extNumber: null,
      extGoto: null,
      intAction: 'NUMBER',
      intNumber: '100',
      intGoto: null,
      mobileAction: 'EXTERNAL',
      mobileNumber: null,
      mobileGoto: null,
    },
    outbound: {
      destinations: 'NATIONAL',
      callerId: {
        onPresenceWork: '+4570305050',
        onPresenceWorkAsk: true,
        onPresenceOffWork: '+4571919998',
        onPresenceOffWorkAsk: true,
        onNextCall: null,
      },
      goto: '123456789012345678901234',
    },
  };
}

/** Dialplan items other than extensions that the seed gotos point at. */
const DIALPLAN: readonly TxGotoObject[] = [
  { _id: '123456789012345678901234', type: 'DIAL', name: 'Outbound guard', number: null },
  { _id: '12345678901234567890DDDD', type: 'QUEUE', name: 'Support', number: '600' },
  { _id: '12345678901234567890EEEE', type: 'MENU_ROUTER', name: 'Main menu', number: null },
];

/** Donald's phones in the simulator (the doc example shows none; its field table describes them). */
const DONALD_PHONES: TxPhone[] = [
  { _id: '5f00000000000000000000a1', type: 'SIP', model: 'Snom D785', identification: '000413A1B2C3', online: true, dnd: false, notes: 'Desk phone', product: '5f00000000000000000000f1' },
  { _id: '5f00000000000000000000a2', type: 'MVNO', model: null, identification: '+4520304050', online: true, dnd: false, notes: null, ratePlan: '5f00000000000000000000f2', newRatePlan: null },
];

function seedExtensions(): TxExtension[] {
  const donald: TxExtension = { ...docExampleExtension(), phones: DONALD_PHONES };
  const dolly: TxExtension = {
    ...docExampleExtension(),
    _id: TELECOMX_SIM.dollyId,
    name: 'Dolly Duck',
    number: '593',
    notes: null,
    employee: DOLLY_EMPLOYEE,
    direct: null,
    primary: true,
    mobileDelay: 0,
    onPresenceOffWork: 'WHITELIST_INT',
    onPresenceHoliday: 'BUSY_NOT_MOBILE',
    onPresenceBusy: 'AVAILABLE',
    noAnswer: { timeout: 20, extAction: 'GOTO', extNumber: null, extGoto: '12345678901234567890DDDD', intAction: 'GOTO', intNumber: null, intGoto: TELECOMX_SIM.donaldId, mobileAction: 'NOTHING', mobileNumber: null, mobileGoto: null },
    busy: { extAction: 'VOICEMAIL', extNumber: null, extGoto: null, intAction: 'BARGE', intNumber: null, intGoto: null, mobileAction: 'GOTO', mobileNumber: null, mobileGoto: '12345678901234567890EEEE' },
    outbound: { destinations: 'ANY', callerId: { onPresenceWork: '+4570305050', onPresenceWorkAsk: false, onPresenceOffWork: 'SECRET', onPresenceOffWorkAsk: false, onNextCall: '+4571919998' }, goto: null },
    phones: [
      // A SIP phone without a MAC: the vendor puts the notes in `identification`.
      { _id: '5f00000000000000000000b1', type: 'SIP', model: 'Yealink T54W', identification: 'Reception desk', online: false, dnd: false, notes: 'Reception desk', product: '5f00000000000000000000f1' },
      { _id: '5f00000000000000000000b2', type: 'EXTERNAL', model: null, identification: '+4533334444', online: true, dnd: true, notes: 'Home office' },
    ],
  };
  const reception: TxExtension = {
    ...docExampleExtension(),
    _id: TELECOMX_SIM.receptionId,
    name: 'Reception',
    number: '500',
    notes: 'Function extension',
    employee: null,
    direct: '+4570305000',
    primary: false,
    phones: [],
  };
  const other: TxExtension = {
    ...docExampleExtension(),
    _id: TELECOMX_SIM.otherId,
    customer: TELECOMX_SIM.otherCustomer,
    name: 'Mickey Mouse',
    number: '700',
    employee: '22222222222222222222AAAA',
    direct: null,
    phones: [],
  };
  return [donald, dolly, reception, other];
}

/** `size` generated extensions of the doc customer, deterministic for `size`. */
function generatedExtensions(size: number): TxExtension[] {
  const rand = seededRandom(4242);
  const hex = (prefix: string, n: number) => prefix + n.toString(16).padStart(24 - prefix.length, '0');
  const out: TxExtension[] = [];
  for (let i = 0; i < size; i++) {
    const { first, last } = fakeName(rand);
    const phones: TxPhone[] = [
      { _id: hex('6a', i), type: 'SIP', model: rand() < 0.5 ? 'Snom D735' : 'Yealink T46U', identification: hex('000413', i).slice(-12).toUpperCase(), online: rand() < 0.7, dnd: rand() < 0.1, notes: null, product: '5f00000000000000000000f1' },
    ];
    if (rand() < 0.4) phones.push({ _id: hex('6b', i), type: 'MVNO', model: null, identification: `+4540${String(100000 + i).padStart(6, '0')}`, online: rand() < 0.8, dnd: false, notes: null, ratePlan: '5f00000000000000000000f2', newRatePlan: null });
    out.push({
      ...docExampleExtension(),
      _id: hex('6e', i),
      name: `${first} ${last}`,
      number: String(1000 + i),
      notes: null,
      employee: hex('6f', i),
      direct: rand() < 0.5 ? `+457030${String(6000 + i).padStart(4, '0')}` : null,
      primary: true,
      mobileDelay: [0, 3, 5, 8, 10][Math.floor(rand() * 5)]!,
      phones,
    });
  }
  return out;
}

const err = (status: number, message: string): SimResponse => ({ status, body: { code: status, message } });

/** Which view of `x` a user gets: the full record, the reduced one, or none (403). */
function visibility(user: SimUser, x: TxExtension): 'full' | 'reduced' | 'denied' {
  switch (user.level) {
    case 'ADMIN':
    case 'RESELLER':
      // The simulator has no reseller tree: a reseller sees every customer.
      return 'full';
    case 'OWNER':
    case 'MANAGER':
    case 'VIEWER':
      return sameId(x.customer, user.customer) ? 'full' : 'denied';
    case 'PERSONAL':
      if (!sameId(x.customer, user.customer)) return 'denied';
      return x.employee && sameId(x.employee, user.employee) ? 'full' : 'reduced';
    default: {
      const never: never = user.level;
      throw new Error(`unknown level ${String(never)}`);
    }
  }
}

function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

const truthy = (v: string | null) => v === 'true' || v === '1';
// One collator each, made once, because `localeCompare` with a locale or options builds a collator
// per comparison and the simulators share one thread with every other vendor's answers.
const NUMERIC = new Intl.Collator('en', { numeric: true });
const ID_ORDER = new Intl.Collator();

/**
 * Telecom X simulator: POST /auth/login with token expiry, GET /pbx/extension (offset/limit/filter/
 * sort/customer/full/includePhones/expandGoto) and GET /pbx/extension/ID, access levels (PERSONAL sees
 * others reduced; other customers are 403), the doc's errors. Seeds: the doc's example plus a few
 * records exercising gotos and phone types, then `size` generated extensions.
 */
export async function startTelecomxSimulator(opts: TelecomxSimulatorOptions = {}): Promise<TelecomxSimulatorHandle> {
  const size = Math.min(Math.max(opts.size ?? 10, 0), 10_000);
  const tokenMinutes = opts.tokenMinutes ?? 15;
  const extensions = [...seedExtensions(), ...generatedExtensions(size)];
  const byId = new Map(extensions.map((x) => [x._id.toLowerCase(), x]));
  const dialplan = new Map<string, TxGotoObject>(DIALPLAN.map((d) => [d._id.toLowerCase(), d]));
  for (const x of extensions) dialplan.set(x._id.toLowerCase(), { _id: x._id, type: 'EXTENSION', name: x.name, number: x.number });

  const users = new Map<string, { password: string; user: SimUser }>([
    [TELECOMX_SIM.manager.email, { password: TELECOMX_SIM.manager.password, user: { level: 'MANAGER', customer: TELECOMX_SIM.customer, employee: null } }],
    [TELECOMX_SIM.personal.email, { password: TELECOMX_SIM.personal.password, user: { level: 'PERSONAL', customer: TELECOMX_SIM.customer, employee: DONALD_EMPLOYEE } }],
  ]);
  const sessions = new Map<string, { user: SimUser; expiresAt: number; lastUse: number; idles: boolean }>([
    [TELECOMX_SIM.adminToken, { user: { level: 'ADMIN', customer: null, employee: null }, expiresAt: Infinity, lastUse: Date.now(), idles: false }],
  ]);
  const idleMs = opts.tokenIdleMs ?? Infinity;
  let logins = 0;
  const writeState: TxSimState<TxExtension> = { extensions, byId, dialplan, visibility, calls: [] };

  const expand = (g: TxGoto | undefined): TxGoto => (typeof g === 'string' ? (dialplan.get(g.toLowerCase()) ?? g) : (g ?? null));

  /** The answer for one record: reduced, or full with phones and expanded gotos as asked. */
  function view(x: TxExtension, how: 'full' | 'reduced', q: URLSearchParams, list: boolean): TxExtension {
    if (how === 'reduced') return { _id: x._id, type: x.type, customer: x.customer, name: x.name, number: x.number };
    const { phones, ...rest } = x;
    const includePhones = truthy(q.get('includePhones'));
    if (list && !includePhones && !truthy(q.get('full'))) {
      return { _id: x._id, type: x.type, customer: x.customer, name: x.name, number: x.number, direct: x.direct ?? null, employee: x.employee ?? null };
    }
    // `rest` is already a copy; the goto holders below are copied before they change, and the
    // phones are shared (the answer is serialised as soon as the handler returns).
    const out: TxExtension = rest;
    if (truthy(q.get('expandGoto'))) {
      out.inboundGoto = expand(out.inboundGoto);
      if (out.noAnswer) {
        out.noAnswer = { ...out.noAnswer };
        for (const k of ['extGoto', 'intGoto', 'mobileGoto'] as const) out.noAnswer[k] = expand(out.noAnswer[k]);
      }
      if (out.busy) {
        out.busy = { ...out.busy };
        for (const k of ['extGoto', 'intGoto', 'mobileGoto'] as const) out.busy[k] = expand(out.busy[k]);
      }
      if (out.outbound) out.outbound = { ...out.outbound, goto: expand(out.outbound.goto) };
    }
    if (includePhones) out.phones = phones ?? [];
    return out;
  }

  function login(req: SimRequest): SimResponse {
    logins++;
    // api:auth:login: a JSON body {username, password} (username is the e-mail), or the same as query parameters.
    const fromQuery = req.method === 'GET';
    const b = (fromQuery ? Object.fromEntries(req.query) : (req.body ?? {})) as { username?: unknown; password?: unknown; persist?: unknown };
    if (typeof b.username !== 'string' || b.username === '') return err(422, 'username');
    if (typeof b.password !== 'string' || b.password === '') return err(422, 'password');
    const entry = users.get(b.username.toLowerCase());
    if (!entry || entry.password !== b.password) return err(401, 'unauthorized');
    const token = randomBytes(24).toString('hex');
    const persist = b.persist === true || b.persist === 'true';
    sessions.set(token, { user: entry.user, expiresAt: persist ? Infinity : Date.now() + tokenMinutes * 60_000, lastUse: Date.now(), idles: !persist });
    // `expiresInMinutes` is -1 for a persistent token (api:auth:login).
    return { status: 200, body: { token, expiresInMinutes: persist ? -1 : tokenMinutes, employee: entry.user.employee, customer: entry.user.customer, accessLevel: entry.user.level } };
  }

  // Pages served, serialised, per user and query (this simulator's records never change). The key
  // is who asks, not with which token: a new login reuses the pages.
  const pages = new Map<string, SimResponse>();
  function cachedList(user: SimUser, q: URLSearchParams): SimResponse {
    const params = new URLSearchParams(q);
    params.delete('token');
    const key = `${user.level} ${user.customer} ${user.employee} ${params.toString()}`;
    let answer = pages.get(key);
    if (!answer) {
      answer = serialised(list(user, q));
      if (pages.size >= 1000) pages.clear();
      pages.set(key, answer);
    }
    return answer;
  }

  function list(user: SimUser, q: URLSearchParams): SimResponse {
    const offset = Number(q.get('offset') ?? 0);
    const limit = Number(q.get('limit') ?? 50);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return err(400, 'bad_request');
    const customer = q.get('customer');
    if (customer !== null && !OBJECT_ID.test(customer)) return err(400, 'bad_request');
    if (customer !== null && user.level !== 'ADMIN' && user.level !== 'RESELLER' && !sameId(customer, user.customer)) return err(403, 'access_denied');
    const scope = customer ?? user.customer;
    const filter = (q.get('filter') ?? '').toLowerCase();
    const key = q.get('sort') ?? 'name';
    if (!['number', 'name', 'redirect', 'direct', 'employee'].includes(key)) return err(400, 'bad_request');
    const sortKey = (x: TxExtension) => String((x as unknown as Record<string, unknown>)[key] ?? '');
    const matches = extensions
      .filter((x) => scope === null || sameId(x.customer, scope))
      .filter((x) => !filter || [x.name, x.number, x.direct].some((v) => typeof v === 'string' && v.toLowerCase().includes(filter)))
      .sort((a, b) => NUMERIC.compare(sortKey(a), sortKey(b)) || ID_ORDER.compare(a._id, b._id));
    const items = matches.slice(offset, offset + limit).map((x) => {
      const how = visibility(user, x);
      return view(x, how === 'denied' ? 'reduced' : how, q, true);
    });
    return { status: 200, body: { offset, limit, total: matches.length, [LIST_KEY]: items } };
  }

  function getOne(user: SimUser, id: string, q: URLSearchParams): SimResponse {
    if (!OBJECT_ID.test(id)) return err(400, 'bad_request');
    const x = byId.get(id.toLowerCase());
    if (!x) return err(404, 'not_found');
    const how = visibility(user, x);
    if (how === 'denied') return err(403, 'access_denied');
    return { status: 200, body: view(x, how, q, false) };
  }

  const handle = await startSimServer({
    port: opts.port,
    basePath: '',
    latencyMs: opts.latencyMs,
    handler(req) {
      if (req.path === '/auth/login') return login(req);
      const token = req.query.get('token') ?? '';
      const session = sessions.get(token);
      const now = Date.now();
      if (!session || session.expiresAt <= now || (session.idles && now - session.lastUse >= idleMs)) {
        if (session) sessions.delete(token);
        return err(401, 'token');
      }
      session.lastUse = now;
      const written = telecomxWriteRoute(writeState, session.user, req);
      if (written) {
        // Records changed: pages served before are not the answer any more.
        if (written.status < 300) pages.clear();
        return written;
      }
      if (req.method !== 'GET') return err(404, 'not_found');
      if (req.path === '/pbx/extension' || req.path === '/pbx/extension/') return cachedList(session.user, req.query);
      const m = /^\/pbx\/extension\/([^/]*)$/.exec(req.path);
      if (m) return getOne(session.user, decodeURIComponent(m[1]!), req.query);
      return err(404, 'not_found');
    },
  });
  return {
    ...handle,
    // `requests` and `log` are live objects of the server: spread keeps the same references.
    expireTokens: () => {
      for (const s of sessions.values()) if (s.expiresAt !== Infinity) s.expiresAt = 0;
    },
    lapseTokens: () => {
      for (const s of sessions.values()) if (s.expiresAt !== Infinity) s.expiresAt = 0;
    },
    logins: () => logins,
    // Telecom X shows status as its phones' `online` and `dnd`: OFFLINE takes every phone offline,
    // DND puts them online on do-not-disturb, anything else online.
    setStatus(number: string, status: SimStatus) {
      const x = extensions.find((e) => e.number === number);
      if (!x) throw new Error(`no Telecom X extension ${number}`);
      const phones = (x.phones ??= []);
      if (phones.length === 0 && status !== 'OFFLINE') {
        phones.push({ _id: `5f0000000000${number.padStart(12, '0')}`.slice(-24), type: 'SIP', model: 'Snom D735', identification: `sim-${number}`, online: true, dnd: false, notes: null } as TxPhone);
      }
      for (const p of phones) {
        p.online = status !== 'OFFLINE';
        p.dnd = status === 'DND';
      }
      // The kept list pages hold the old phones.
      pages.clear();
    },
    record: (id) => {
      const x = byId.get(id.toLowerCase());
      return x ? structuredClone(x) : undefined;
    },
    calls: () => writeState.calls,
  };
}
