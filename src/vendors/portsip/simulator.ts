import { randomBytes } from 'node:crypto';
import { fakeName, seededRandom, startSimServer, type SimRequest, type SimResponse } from '../../core/sim-server.ts';
import type { SimStatus, SimulatorHandle, SimulatorOptions } from '../../core/vendor-module.ts';

// The simulator's own reading of portsip.txt and the README's PortSIP facts: it shares no type or
// constant with the adapter, so a misreading in one is caught by the other.

/** Endpoint paths below `/api/`: the copied page's GET URLs, and its titles for the POSTs. */
const PATHS = {
  verify: 'account/credentials/verify',
  list: 'extensions/list',
  search: 'extensions/search',
  show: 'extensions/show',
  status: 'extensions/status',
  call: 'extensions/call',
  create: 'extensions/create',
  update: 'extensions/update',
  // "Remove an extension", "Add greeting file", "Remove greeting file" (vendor-docs README facts).
  destroy: 'extensions/remove',
  groupList: 'extensions/group/list',
  groupShow: 'extensions/group/show',
  groupCreate: 'extensions/group/create',
  groupUpdate: 'extensions/group/update',
  groupDestroy: 'extensions/group/destroy',
  greetingList: 'extensions/greeting_file/list',
  greetingAdd: 'extensions/greeting_file/add',
  greetingSetup: 'extensions/greeting_file/setup',
  greetingDestroy: 'extensions/greeting_file/remove',
} as const;

/** The simulator's error codes (the page publishes none): HTTP status times 100 plus a number. */
const ERR = {
  INVALID_PARAMETER: 40001,
  BAD_CREDENTIALS: 40101,
  CALL_AUTH_FAILED: 40301,
  EXTENSION_NOT_FOUND: 40401,
  GROUP_NOT_FOUND: 40402,
  GREETING_NOT_FOUND: 40403,
  ALREADY_EXISTS: 40901,
} as const;
/** One of ERR, or a bare HTTP status (a lapsed token answers `err_code: 401`). */
type ErrCode = (typeof ERR)[keyof typeof ERR] | 401;

/** The weekdays of `office_hours`. */
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Status words the simulator answers. */
type StatusWord = 'AVAILABLE' | 'ON_CALL' | 'OFFLINE' | 'DND' | 'AWAY';

/** An extensions/show record as the page gives it (sections are free-form objects here). */
interface ExtensionSettings {
  /** Extension number. */
  extension_number: string;
  /** SIP password. */
  password?: string;
  /** Web password. */
  web_access_password?: string;
  /** Profile. */
  profile?: Record<string, string>;
  /** Voicemail. */
  voice_mail?: Record<string, unknown>;
  /** Forwarding. */
  forward_rules?: Record<string, Record<string, unknown>>;
  /** Options. */
  options?: Record<string, unknown>;
  /** Office hours. */
  office_hours?: Record<string, string>;
  /** Groups (show only). */
  belong_groups?: Array<string | { group_id: string; group_name?: string }>;
}
/** One listed extension. */
interface ExtensionSummary {
  /** Number. */
  extension_number: string;
  /** First name. */
  first_name: string;
  /** Last name. */
  last_name: string;
  /** E-mail. */
  email: string;
  /** Status word. */
  status: string;
  /** User agent. */
  user_agent: string;
  /** MAC. */
  phone_mac_address: string;
  /** Model. */
  phone_model: string;
}
/** A greeting file. */
interface GreetingFile {
  /** File name. */
  filename: string;
  /** Enabled. */
  enabled: boolean;
}
/** An extension group. */
interface GroupDetail {
  /** Id. */
  group_id?: string;
  /** Name. */
  group_name: string;
  /** Description. */
  group_description?: string;
  /** Intercom. */
  enable_intercom?: boolean;
  /** External calls. */
  enable_external_call?: boolean;
  /** Console. */
  enable_management_console_access?: boolean;
  /** Member numbers. */
  members?: string[];
}

/** The simulator's account (the demo config uses it). */
export const PORTSIP_SIM_USERNAME = 'admin';
/** The simulator account's password. */
export const PORTSIP_SIM_PASSWORD = 'portsip-demo-password';

/** PortSIP simulator knobs beyond the common ones. */
export interface PortsipSimulatorOptions extends SimulatorOptions {
  /** A token lapses after this long without a successful call, ms (default 30,000 as the page says; 0 refuses every token). */
  tokenIdleMs?: number;
  /** `expires` the login answers, seconds (default 600, the vendor's login example, longer than the idle limit). */
  tokenExpiresS?: number;
}

/** A running PortSIP simulator. */
export interface PortsipSimulatorHandle extends SimulatorHandle {
  /** Drops every session, as a PBX restart does. */
  revokeTokens(): void;
  /** The stored settings of an extension (a copy, secrets included), as the PBX holds them; undefined when none. */
  record(number: string): ExtensionSettings | undefined;
  /** The stored group (a copy); undefined when none. */
  group(id: string): GroupDetail | undefined;
}

/** One extension as the simulator keeps it: the settings (with secrets) plus live state. */
interface SimExtension {
  /** The extensions/show record, secrets included (belong_groups is computed on answer). */
  settings: ExtensionSettings;
  /** Live status word. */
  status: StatusWord;
  /** User agent of the registered phone ('' when offline). */
  userAgent: string;
  /** MAC address of the phone ('' when none). */
  mac: string;
  /** Phone model ('' when none). */
  model: string;
  /** Greeting files and the one in use. */
  greetings: { default_file: string; files: GreetingFile[] };
}

/** The doc's "Retrive settings for extension" example (extension 1000), secrets included. */
export function docExampleSettings(): ExtensionSettings {
  const presence = () => ({ office_hours_action: 'CONNECT_TO_VOICE', office_hours_action_value: '', outside_office_hours_action: 'CONNECT_TO_VOICE', outside_office_hours_action_value: '' });
  const hours = Object.fromEntries(WEEKDAYS.flatMap((d) => [[`${d}_from`, '09:00'], [`${d}_to`, '17:00']])) as Record<string, string>;
  return {
    extension_number: '1000',
    password: '123456',
    web_access_password: '123456',
    profile: {
      first_name: 'first name', last_name: 'last name', gender: 'MALE', email: 'example@example.com', mobile_phone: '123456', work_phone: '123456',
      home_phone: '123456', twitter: 'Placeholders', facebook: 'Placeholders', linkedin: 'Placeholders', instagram: 'Placeholders', description: 'Placeholders',
    },
    options: { enable_audio_record_calls: false, enable_video_record_calls: false, enable_extension: true },
    voice_mail: { enable_voicemail: true, prompt_language: 'en-us', enable_vm_pin_auth: true, voicemail_pin: '123456', enable_play_caller_id: false, msg_read_out_datetime: 'DO_NOT_READ' },
    forward_rules: {
      available: { no_answer_timeval: 20, no_answer_action: 'CONNECT_TO_VOICE_MAIL', no_answer_action_value: '', busy_action: 'CONNECT_TO_VOICE', busy_action_value: '' },
      offline: presence(),
      dnd: presence(),
      away: presence(),
    },
    office_hours: { office_hours_mode: 'CUSTOM', ...hours },
  };
}

/** The doc's "Retrive greeting files" example (filenames verbatim, the trailing comma included). */
export const DOC_GREETINGS_EXAMPLE = { default_file: 'abcdfeg.wav', files: [{ filename: 'default.wav,', enabled: true }, { filename: 'qweqwrer.wav', enabled: false }] };

/** The doc's group examples: the show example as group "12" (the create/update examples' id), and the list's two. */
function docGroups(): Map<string, GroupDetail> {
  return new Map<string, GroupDetail>([
    ['12', { group_id: '12', group_name: 'Sample extension group', group_description: 'Sample extension group', enable_intercom: true, enable_external_call: true, enable_management_console_access: true, members: ['105', '106', '107'] }],
    ['5E7B5E37-4008-429C-85D3-183DD4D4A9D9', { group_id: '5E7B5E37-4008-429C-85D3-183DD4D4A9D9', group_name: 'Example extension group', group_description: '', enable_intercom: false, enable_external_call: false, enable_management_console_access: false, members: [] }],
    [DEFAULT_GROUP, { group_id: DEFAULT_GROUP, group_name: DEFAULT_GROUP, group_description: '', enable_intercom: true, enable_external_call: true, enable_management_console_access: false, members: [] }],
  ]);
}

const DEFAULT_GROUP = '__DEFAULT_EXTENSION_GROUP__';

function makeExtension(number: string, first: string, last: string, email: string, secret: string): SimExtension {
  const settings = docExampleSettings();
  settings.extension_number = number;
  // Generated secrets carry a canary so tests can prove no secret reaches a client.
  settings.password = `${secret}-pw`;
  settings.web_access_password = `${secret}-web`;
  settings.profile = { ...settings.profile, first_name: first, last_name: last, email, description: '' };
  return { settings, status: 'OFFLINE', userAgent: '', mac: '', model: '', greetings: { default_file: '', files: [] } };
}

const PHONES = [
  { ua: 'Yealink SIP-T46U 108.86.0.45', model: 'SIP-T46U' },
  { ua: 'PortSIP UC 12.3', model: '' },
  { ua: 'Grandstream GXP2170 1.0.11.23', model: 'GXP2170' },
];

/** Seed plus generated data; deterministic for `size`. */
function buildData(size: number): { extensions: Map<string, SimExtension>; groups: Map<string, GroupDetail> } {
  const rand = seededRandom(7001);
  const extensions = new Map<string, SimExtension>();
  const groups = docGroups();
  const add = (x: SimExtension) => extensions.set(x.settings.extension_number, x);

  // The doc's examples as seed records.
  const e1000: SimExtension = { settings: docExampleSettings(), status: 'AVAILABLE', userAgent: 'PortSIP UC 12.3', mac: '', model: '', greetings: structuredClone(DOC_GREETINGS_EXAMPLE) };
  add(e1000);
  add(makeExtension('1001', 'Sample name', 'Sample name', 'sample@sample.com', 'sim-canary-secret-1001'));
  const e101 = makeExtension('101', 'Agent', 'One', 'agent101@example.com', 'sim-canary-secret-101');
  Object.assign(e101, { status: 'ON_CALL', userAgent: '' });
  add(e101);
  add(makeExtension('102', 'Agent', 'Two', 'agent102@example.com', 'sim-canary-secret-102'));
  for (const n of ['105', '106', '107']) add(makeExtension(n, 'Member', n, `member${n}@example.com`, `sim-canary-secret-${n}`));
  // Extensions outside every named group sit in the default group, seeds and generated alike.
  groups.get(DEFAULT_GROUP)!.members!.push('1000', '1001', '101', '102');

  const named = [
    { group_id: 'A1B2C3D4-0000-4000-8000-000000000001', group_name: 'Sales' },
    { group_id: 'A1B2C3D4-0000-4000-8000-000000000002', group_name: 'Support' },
    { group_id: 'A1B2C3D4-0000-4000-8000-000000000003', group_name: 'Engineering' },
  ];
  for (const g of named) {
    groups.set(g.group_id, { ...g, group_description: `${g.group_name} team`, enable_intercom: true, enable_external_call: g.group_name !== 'Engineering', enable_management_console_access: false, members: [] });
  }
  const weights: [StatusWord, number][] = [['AVAILABLE', 0.4], ['OFFLINE', 0.3], ['ON_CALL', 0.15], ['DND', 0.08], ['AWAY', 0.07]];
  for (let i = 0; i < size; i++) {
    const number = String(3000 + i); // clear of the seed numbers
    const { first, last } = fakeName(rand);
    const x = makeExtension(number, first, last, `${first}.${last}${i}@portsip.example.com`.toLowerCase(), `sim-canary-secret-${number}`);
    let r = rand();
    x.status = weights.find(([, w]) => (r -= w) < 0)?.[0] ?? 'OFFLINE';
    if (x.status !== 'OFFLINE') {
      const phone = PHONES[Math.floor(rand() * PHONES.length)]!;
      Object.assign(x, { userAgent: phone.ua, model: phone.model, mac: phone.model ? `80:5E:C0:${[i >> 8, i & 255, 7].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}` : '' });
    }
    x.settings.voice_mail = { ...x.settings.voice_mail, enable_vm_pin_auth: rand() < 0.7, voicemail_pin: String(100000 + Math.floor(rand() * 900000)) };
    x.settings.options = { ...x.settings.options, enable_extension: rand() < 0.95 };
    if (rand() < 0.3) x.greetings = { default_file: `greeting-${number}.wav`, files: [{ filename: `greeting-${number}.wav`, enabled: true }, { filename: `holiday-${number}.wav`, enabled: false }] };
    add(x);
    const joined = named.filter(() => rand() < 0.3);
    for (const g of joined) groups.get(g.group_id)!.members!.push(number);
    if (joined.length === 0) groups.get(DEFAULT_GROUP)!.members!.push(number);
  }
  return { extensions, groups };
}

// ---------------------------------------------------------------------------------------------
// Request validation: PortSIP answers a bad parameter with 400 INVALID_PARAMETER.

type FieldType = 'string' | 'boolean' | 'number' | 'object' | 'array';

const typeOf = (v: unknown): FieldType | 'other' =>
  Array.isArray(v) ? 'array' : v === null ? 'other' : (typeof v as FieldType);

/** The first problem of `obj` against `spec` (required keys listed in `required`), or undefined. */
function invalid(obj: unknown, spec: Record<string, FieldType>, required: readonly string[] = []): string | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'body must be an object';
  const o = obj as Record<string, unknown>;
  for (const k of required) if (o[k] === undefined || o[k] === '') return `${k} is required`;
  for (const [k, t] of Object.entries(spec)) if (o[k] !== undefined && typeOf(o[k]) !== t) return `${k} must be a ${t}`;
  return undefined;
}

const PROFILE_SPEC: Record<string, FieldType> = Object.fromEntries(
  ['first_name', 'last_name', 'gender', 'email', 'mobile_phone', 'work_phone', 'home_phone', 'twitter', 'facebook', 'linkedin', 'instagram', 'description'].map((k) => [k, 'string' as const]),
);
const OPTIONS_SPEC: Record<string, FieldType> = { enable_audio_record_calls: 'boolean', enable_video_record_calls: 'boolean', enable_extension: 'boolean' };
const VOICEMAIL_SPEC: Record<string, FieldType> = { enable_voicemail: 'boolean', prompt_language: 'string', enable_vm_pin_auth: 'boolean', voicemail_pin: 'string', enable_play_caller_id: 'boolean', msg_read_out_datetime: 'string' };
const AVAILABLE_SPEC: Record<string, FieldType> = { no_answer_timeval: 'number', no_answer_action: 'string', no_answer_action_value: 'string', busy_action: 'string', busy_action_value: 'string' };
const PRESENCE_SPEC: Record<string, FieldType> = { office_hours_action: 'string', office_hours_action_value: 'string', outside_office_hours_action: 'string', outside_office_hours_action_value: 'string' };
const HOURS_SPEC: Record<string, FieldType> = { office_hours_mode: 'string', ...Object.fromEntries(WEEKDAYS.flatMap((d) => [[`${d}_from`, 'string' as const], [`${d}_to`, 'string' as const]])) };
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const EXT_NUMBER = /^[0-9]{2,16}$/;

/** Validates the settings sections of a create or update body. */
function invalidSettings(b: Record<string, unknown>): string | undefined {
  const sections: [string, Record<string, FieldType>][] = [['profile', PROFILE_SPEC], ['options', OPTIONS_SPEC], ['voice_mail', VOICEMAIL_SPEC], ['office_hours', HOURS_SPEC]];
  for (const [key, spec] of sections) {
    if (b[key] === undefined) continue;
    const problem = invalid(b[key], spec);
    if (problem) return `${key}: ${problem}`;
  }
  const hours = b['office_hours'] as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(hours ?? {})) if (k !== 'office_hours_mode' && typeof v === 'string' && v !== '' && !HHMM.test(v)) return `office_hours.${k} must be HH:MM`;
  const pin = (b['voice_mail'] as Record<string, unknown> | undefined)?.['voicemail_pin'];
  if (typeof pin === 'string' && pin !== '' && !/^[0-9]{4,12}$/.test(pin)) return 'voice_mail.voicemail_pin must be 4 to 12 digits';
  if (b['forward_rules'] !== undefined) {
    const f = b['forward_rules'];
    const problem = invalid(f, { available: 'object', offline: 'object', dnd: 'object', away: 'object' });
    if (problem) return `forward_rules: ${problem}`;
    const rules = f as Record<string, unknown>;
    if (rules['available'] !== undefined) {
      const p = invalid(rules['available'], AVAILABLE_SPEC);
      if (p) return `forward_rules.available: ${p}`;
    }
    for (const k of ['offline', 'dnd', 'away']) {
      const p = rules[k] === undefined ? undefined : invalid(rules[k], PRESENCE_SPEC);
      if (p) return `forward_rules.${k}: ${p}`;
    }
  }
  return undefined;
}

const GROUP_SPEC: Record<string, FieldType> = { group_name: 'string', group_description: 'string', enable_intercom: 'boolean', enable_external_call: 'boolean', enable_management_console_access: 'boolean', members: 'array' };
const GROUP_REQUIRED = ['group_name', 'enable_intercom', 'enable_external_call', 'enable_management_console_access'] as const;

// ---------------------------------------------------------------------------------------------

/**
 * PortSIP PBX REST API simulator (token-in-query generation) under `/api`: login and sliding session
 * tokens that lapse after `tokenIdleMs` idle, the read endpoints with 1-based `pagination` and
 * `pagesize`, search by `condition`, the write endpoints with validation, and the vendor's error
 * answers. The doc's examples are seed records, plus `size` generated extensions.
 *
 * Error answers (the page publishes none; see PortsipErrorBody): HTTP 400/401/403/404/409 with
 * `{err_code, err_msg}`; an unknown or lapsed token (idle for `tokenIdleMs`) is 401 with err_code 401.
 */
export async function startPortsipSimulator(opts: PortsipSimulatorOptions = {}): Promise<PortsipSimulatorHandle> {
  const size = Math.min(Math.max(opts.size ?? 10, 0), 10_000);
  const idleMs = opts.tokenIdleMs ?? 30_000;
  const expiresS = opts.tokenExpiresS ?? 600;
  const { extensions, groups } = buildData(size);
  /** Session token -> last successful use (ms). */
  const sessions = new Map<string, number>();
  let nextGroupId = 100;

  const ok = (body: unknown = {}): SimResponse => ({ status: 200, body });
  const fail = (status: number, code: ErrCode, msg: string): SimResponse => ({ status, body: { err_code: code, err_msg: msg } });
  const badParam = (msg: string) => fail(400, ERR.INVALID_PARAMETER, msg);
  const noExtension = () => fail(404, ERR.EXTENSION_NOT_FOUND, 'Extension not found');

  const summary = (x: SimExtension): ExtensionSummary => ({
    extension_number: x.settings.extension_number,
    first_name: x.settings.profile?.first_name ?? '',
    last_name: x.settings.profile?.last_name ?? '',
    email: x.settings.profile?.email ?? '',
    status: x.status,
    user_agent: x.userAgent,
    phone_mac_address: x.mac,
    phone_model: x.model,
  });

  /** `pagination` (1-based, required) and `pagesize` (default 10, at most 1000), or the error answer. */
  function paging(q: URLSearchParams): { page: number; size: number } | SimResponse {
    const page = Number(q.get('pagination'));
    const size = q.has('pagesize') ? Number(q.get('pagesize')) : 10;
    if (!Number.isInteger(page) || page < 1) return badParam('pagination must be a positive integer');
    if (!Number.isInteger(size) || size < 1 || size > 1000) return badParam('pagesize must be 1 to 1000');
    const sortBy = q.get('sort_by');
    if (sortBy !== null && sortBy !== 'DEFAULT' && sortBy !== 'Optional') return badParam('sort_by must be DEFAULT or Optional');
    return { page, size };
  }
  function pageOf<T>(all: readonly T[], p: { page: number; size: number }, withSort = true) {
    return {
      pagination: p.page,
      pagesize: p.size,
      ...(withSort ? { sort_by: 'DEFAULT' } : {}),
      page_count: Math.ceil(all.length / p.size),
      items: all.slice((p.page - 1) * p.size, p.page * p.size),
    };
  }
  /** One page of `all`; `map` (a record's answer shape) runs on the page's items only. */
  const paged = <T>(all: readonly T[], p: { page: number; size: number }, key: string, extra: Record<string, unknown> = {}, withSort = true, map: (x: T) => unknown = (x) => x) => {
    const { items, ...rest } = pageOf(all, p, withSort);
    return ok({ ...rest, count: items.length, ...extra, [key]: items.map(map) });
  };

  const belongGroups = (number: string) =>
    [...groups.values()].filter((g) => g.members?.includes(number)).map((g) => ({ group_id: g.group_id!, group_name: g.group_name }));

  /** Validates a group body; member numbers must be known extensions. */
  function invalidGroup(b: unknown): string | undefined {
    const problem = invalid(b, GROUP_SPEC, GROUP_REQUIRED);
    if (problem) return problem;
    const members = (b as { members?: unknown[] }).members ?? [];
    for (const m of members) if (typeof m !== 'string' || !extensions.has(m)) return `members: unknown extension ${String(m)}`;
    return undefined;
  }
  const groupOf = (b: { group_name: string; group_description?: string; enable_intercom: boolean; enable_external_call: boolean; enable_management_console_access: boolean; members?: string[] }, id: string): GroupDetail => ({
    group_id: id,
    group_name: b.group_name,
    group_description: b.group_description ?? '',
    enable_intercom: b.enable_intercom,
    enable_external_call: b.enable_external_call,
    enable_management_console_access: b.enable_management_console_access,
    members: [...new Set(b.members ?? [])],
  });

  function handle(req: SimRequest, body: Record<string, unknown>, q: URLSearchParams): SimResponse {
    const route = `${req.method} ${req.path.replace(/^\//, '')}`;
    const ext = (number: unknown) => (typeof number === 'string' ? extensions.get(number) : undefined);
    switch (route) {
      case `GET ${PATHS.list}`: {
        const p = paging(q);
        if ('status' in p) return p;
        // Each summary is built for the page only, because the simulators share one thread and building
        // every extension's summary per list call would hold the other vendors' answers up.
        return paged([...extensions.values()], p, 'extensions', {}, true, summary);
      }
      case `GET ${PATHS.search}`: {
        const p = paging(q);
        if ('status' in p) return p;
        const condition = (q.get('condition') ?? '').toLowerCase();
        if (!condition) return badParam('condition is required');
        const hits = [...extensions.values()].map(summary).filter((s) =>
          [s.extension_number, s.first_name, s.last_name, s.email].some((v) => v.toLowerCase().includes(condition)));
        const answer = paged(hits, p, 'extensions', {}, false);
        // A single match comes back as a bare object, as in the doc's example.
        const b = answer.body as { extensions: unknown[] };
        if (b.extensions.length === 1) b.extensions = b.extensions[0] as never;
        return answer;
      }
      case `GET ${PATHS.show}`: {
        const x = ext(q.get('extension_number') ?? undefined);
        if (!x) return noExtension();
        return ok({ ...structuredClone(x.settings), belong_groups: belongGroups(x.settings.extension_number) });
      }
      case `POST ${PATHS.status}`: {
        const numbers = body['extensions'];
        if (!Array.isArray(numbers) || numbers.length === 0 || !numbers.every((n) => typeof n === 'string')) return badParam('extensions must be an array of extension numbers');
        // Unknown numbers are left out of the answer rather than failing the whole batch.
        const known = numbers.map((n) => extensions.get(n as string)).filter((x): x is SimExtension => x !== undefined);
        return ok({ extension_status: known.map((x) => ({ extension_number: x.settings.extension_number, status: x.status, user_agent: x.userAgent })) });
      }
      case `GET ${PATHS.call}`: {
        for (const k of ['extension', 'auth', 'to', 'domain', 'src']) if (!q.get(k)) return badParam(`${k} is required`);
        const x = ext(q.get('extension') ?? undefined);
        if (!x) return noExtension();
        if (q.get('auth') !== x.settings.password) return fail(403, ERR.CALL_AUTH_FAILED, 'Wrong extension password');
        if (!/^[0-9*#+]{1,32}$/.test(q.get('to')!)) return badParam('to must be a dialable number');
        return ok();
      }
      case `POST ${PATHS.create}`: {
        const problem = invalid(body, { extension_number: 'string', password: 'string', web_access_password: 'string', profile: 'object', voice_mail: 'object', forward_rules: 'object', options: 'object', office_hours: 'object' }, ['extension_number', 'password', 'web_access_password']) ?? invalidSettings(body);
        if (problem) return badParam(problem);
        const number = body['extension_number'] as string;
        if (!EXT_NUMBER.test(number)) return badParam('extension_number must be 2 to 16 digits');
        if (extensions.has(number)) return fail(409, ERR.ALREADY_EXISTS, 'Extension already exists');
        const base = makeExtension(number, '', '', '', '');
        const { access_token: _t, ...settings } = body as unknown as ExtensionSettings & { access_token?: string };
        base.settings = { ...base.settings, ...structuredClone(settings) };
        extensions.set(number, base);
        groups.get(DEFAULT_GROUP)?.members?.push(number);
        return ok();
      }
      case `POST ${PATHS.update}`: {
        const problem = invalid(body, { extension_number: 'string', profile: 'object', options: 'object', forward_rules: 'object', office_hours: 'object', voice_mail: 'object' }, ['extension_number', 'profile', 'options', 'forward_rules', 'office_hours', 'voice_mail']) ?? invalidSettings(body);
        if (problem) return badParam(problem);
        const x = ext(body['extension_number']);
        if (!x) return noExtension();
        // The update replaces the whole record: a key left out of a section is gone (portsip.txt).
        for (const k of ['profile', 'options', 'forward_rules', 'office_hours', 'voice_mail'] as const) {
          x.settings[k] = structuredClone(body[k]) as never;
        }
        return ok();
      }
      case `POST ${PATHS.destroy}`: {
        const number = body['extension_number'];
        if (typeof number !== 'string' || !number) return badParam('extension_number is required');
        if (!extensions.delete(number)) return noExtension();
        for (const g of groups.values()) g.members = g.members?.filter((m) => m !== number);
        return ok();
      }
      case `GET ${PATHS.groupList}`: {
        const p = paging(q);
        if ('status' in p) return p;
        const all = [...groups.values()].map((g) => ({ group_id: g.group_id!, group_name: g.group_name, members_count: g.members?.length ?? 0 }));
        return paged(all, p, 'groups');
      }
      case `GET ${PATHS.groupShow}`: {
        const g = groups.get(q.get('group_id') ?? '');
        if (!g) return fail(404, ERR.GROUP_NOT_FOUND, 'Extension group not found');
        return ok(structuredClone(g));
      }
      case `POST ${PATHS.groupCreate}`: {
        const problem = invalidGroup(body);
        if (problem) return badParam(problem);
        if ([...groups.values()].some((g) => g.group_name === body['group_name'])) return fail(409, ERR.ALREADY_EXISTS, 'Extension group already exists');
        const id = String(nextGroupId++);
        groups.set(id, groupOf(body as never, id));
        return ok({ group_id: id, group_name: body['group_name'] });
      }
      case `POST ${PATHS.groupUpdate}`: {
        const id = body['group_id'];
        if (typeof id !== 'string' || !id) return badParam('group_id is required');
        const problem = invalidGroup(body);
        if (problem) return badParam(problem);
        if (!groups.has(id)) return fail(404, ERR.GROUP_NOT_FOUND, 'Extension group not found');
        groups.set(id, groupOf(body as never, id));
        return ok();
      }
      case `POST ${PATHS.groupDestroy}`: {
        const ref = body['group_id'];
        if (typeof ref !== 'string' || !ref) return badParam('group_id is required');
        // The doc's example passes a group name as group_id, so a name is accepted too.
        const id = groups.has(ref) ? ref : [...groups.values()].find((g) => g.group_name === ref)?.group_id;
        if (id === undefined) return fail(404, ERR.GROUP_NOT_FOUND, 'Extension group not found');
        if (id === DEFAULT_GROUP) return badParam('the default extension group cannot be removed');
        groups.delete(id);
        return ok();
      }
      case `GET ${PATHS.greetingList}`: {
        const p = paging(q);
        if ('status' in p) return p;
        const x = ext(q.get('extension_number') ?? undefined);
        if (!x) return noExtension();
        return paged(x.greetings.files, p, 'files', { default_file: x.greetings.default_file });
      }
      case `POST ${PATHS.greetingAdd}`: {
        const problem = invalid(body, { extension_number: 'string', filename: 'string', url: 'string' }, ['extension_number']);
        if (problem) return badParam(problem);
        const x = ext(body['extension_number']);
        if (!x) return noExtension();
        const url = body['url'] as string | undefined;
        const filename = (body['filename'] as string | undefined) ?? url?.split('/').pop();
        if (!filename || !/\.(wav|mp3)$/i.test(filename)) return badParam('filename must name a .wav or .mp3 file');
        if (x.greetings.files.some((f) => f.filename === filename)) return fail(409, ERR.ALREADY_EXISTS, 'Greeting file already exists');
        x.greetings.files.push({ filename, enabled: false });
        return ok();
      }
      case `POST ${PATHS.greetingSetup}`:
      case `POST ${PATHS.greetingDestroy}`: {
        const problem = invalid(body, { extension_number: 'string', filename: 'string' }, ['extension_number', 'filename']);
        if (problem) return badParam(problem);
        const x = ext(body['extension_number']);
        if (!x) return noExtension();
        const filename = body['filename'] as string;
        const file = x.greetings.files.find((f) => f.filename === filename);
        if (!file) return fail(404, ERR.GREETING_NOT_FOUND, 'Greeting file not found');
        if (route === `POST ${PATHS.greetingSetup}`) {
          // Setting up a file makes it the one in use.
          x.greetings.default_file = filename;
          file.enabled = true;
        } else {
          x.greetings.files = x.greetings.files.filter((f) => f !== file);
          if (x.greetings.default_file === filename) x.greetings.default_file = '';
        }
        return ok();
      }
      default:
        return { status: 404, body: { err_msg: 'No such API' } };
    }
  }

  const server = await startSimServer({
    port: opts.port,
    basePath: '/api',
    latencyMs: opts.latencyMs,
    handler(req) {
      const body = (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
      if (req.method === 'POST' && req.path === `/${PATHS.verify}`) {
        if (body['username'] !== PORTSIP_SIM_USERNAME || body['password'] !== PORTSIP_SIM_PASSWORD) return fail(401, ERR.BAD_CREDENTIALS, 'Invalid username or password');
        const token = randomBytes(16).toString('hex').toUpperCase();
        sessions.set(token, Date.now());
        // `expires` as a string, as in the vendor's login example.
        return ok({ access_token: token, expires: String(expiresS), role: 'admin', api_version: '9.0.0' });
      }
      const token = req.method === 'GET' ? req.query.get('access_token') : body['access_token'];
      const lastUse = typeof token === 'string' ? sessions.get(token) : undefined;
      if (typeof token !== 'string' || lastUse === undefined || Date.now() - lastUse >= idleMs) {
        if (typeof token === 'string') sessions.delete(token);
        // A lapsed or unknown token: 401 with the status as its code, as a PortSIP PBX answers it.
        return fail(401, 401, 'Invalid or expired access token');
      }
      const answer = handle(req, body, req.query);
      // Each successful call extends the token's life.
      if (answer.status < 300) sessions.set(token, Date.now());
      return answer;
    },
  });
  /** PortSIP's status words have no ringing or busy: both are a call. */
  const WORD: { readonly [S in SimStatus]: StatusWord } = { AVAILABLE: 'AVAILABLE', ON_CALL: 'ON_CALL', RINGING: 'ON_CALL', BUSY: 'ON_CALL', DND: 'DND', AWAY: 'AWAY', OFFLINE: 'OFFLINE' };
  return {
    ...server,
    revokeTokens: () => sessions.clear(),
    lapseTokens: () => sessions.clear(),
    setStatus(number, status) {
      const x = extensions.get(number);
      if (!x) throw new Error(`no PortSIP extension ${number}`);
      x.status = WORD[status];
      // An unregistered extension has no phone to name.
      x.userAgent = status === 'OFFLINE' ? '' : x.userAgent || 'PortSIP UC 12.3';
    },
    record: (number) => {
      const x = extensions.get(number);
      return x ? structuredClone(x.settings) : undefined;
    },
    group: (id) => {
      const g = groups.get(id);
      return g ? structuredClone(g) : undefined;
    },
  };
}
