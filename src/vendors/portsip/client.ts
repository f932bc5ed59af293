import { PbxError } from '../../core/errors.ts';
import type { Classification, SourceHttp } from '../../core/http.ts';
import {
  PORTSIP_ERR,
  type PortsipCallRequest, type PortsipErrCode, type PortsipErrorBody, type PortsipExtensionList, type PortsipExtensionSearch,
  type PortsipExtensionSettings, type PortsipExtensionUpdate, type PortsipGreetingAdd, type PortsipGreetingList, type PortsipGroupCreated,
  type PortsipGroupDetail, type PortsipGroupInput, type PortsipGroupList, type PortsipPage, type PortsipSession, type PortsipStatusAnswer,
  type PortsipStatusEntry,
} from './types.ts';

/** The PbxError reason of a refused session token: TokenCache.use logs in again once on it. */
export const TOKEN_EXPIRED = 'token_expired';

/** True when `err` says the vendor refused the session token as unknown or lapsed. */
export const isTokenExpired = (err: unknown): boolean => err instanceof PbxError && err.reason === TOKEN_EXPIRED;

/**
 * Endpoint paths below the base URL. The copied page gives URLs for its GET examples only; the POST
 * paths are the README facts' names (`extensions/remove`, `greeting_file/add`, `greeting_file/remove`,
 * `group/destroy`). Kept in one place so a real PBX that differs is a one-line change.
 */
export const PORTSIP_PATHS = {
  verify: 'account/credentials/verify',
  list: 'extensions/list',
  search: 'extensions/search',
  show: 'extensions/show',
  status: 'extensions/status',
  call: 'extensions/call',
  create: 'extensions/create',
  update: 'extensions/update',
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

function isKnownErrCode(code: unknown): code is PortsipErrCode {
  return (Object.values(PORTSIP_ERR) as unknown[]).includes(code);
}

/**
 * PortSIP's error vocabulary (see PortsipErrorBody): success answers have no envelope, so only
 * non-2xx answers with a known `err_code` are read here; anything else falls back to the HTTP status.
 */
export function classifyPortsipAnswer(status: number, body: unknown): Classification {
  if (status >= 200 && status < 300) return undefined;
  const code = (body as Partial<PortsipErrorBody> | undefined)?.err_code;
  if (!isKnownErrCode(code)) return undefined;
  switch (code) {
    case PORTSIP_ERR.INVALID_PARAMETER: {
      // The vendor's message names its field: kept as the internal reason, never shown.
      const said = (body as Partial<PortsipErrorBody>).err_msg;
      return { code: 'BAD_USER_INPUT', message: 'PortSIP rejected the request parameters', ...(typeof said === 'string' ? { reason: said.slice(0, 200) } : {}) };
    }
    case PORTSIP_ERR.BAD_CREDENTIALS:
      return { code: 'VENDOR_AUTH_FAILED', message: 'PortSIP refused the configured username or password' };
    case PORTSIP_ERR.INVALID_TOKEN:
      // Still VENDOR_AUTH_FAILED if it persists after the one re-login TokenCache.use makes.
      return { code: 'VENDOR_AUTH_FAILED', message: 'PortSIP refused the session token', reason: TOKEN_EXPIRED };
    case PORTSIP_ERR.CALL_AUTH_FAILED:
      return { code: 'BAD_USER_INPUT', message: 'PortSIP refused the extension password for the call' };
    case PORTSIP_ERR.EXTENSION_NOT_FOUND:
      return { code: 'NOT_FOUND', message: 'extension not found at PortSIP' };
    case PORTSIP_ERR.GROUP_NOT_FOUND:
      return { code: 'NOT_FOUND', message: 'extension group not found at PortSIP' };
    case PORTSIP_ERR.GREETING_NOT_FOUND:
      return { code: 'NOT_FOUND', message: 'greeting file not found at PortSIP' };
    case PORTSIP_ERR.ALREADY_EXISTS:
      return { code: 'BAD_USER_INPUT', message: 'it already exists at PortSIP', reason: 'already_exists' };
    default: {
      const never: never = code;
      throw new Error(`unknown PortSIP error code ${String(never)}`);
    }
  }
}

/** Runs a call with a valid session token (TokenCache.use: single-flight login, one retry). */
export type WithToken = <T>(call: (token: string) => Promise<T>) => Promise<T>;

/** One typed function per PortSIP endpoint (portsip.txt). */
export interface PortsipClient {
  /** POST account/credentials/verify — a new session token (no token needed). */
  verify(username: string, password: string): Promise<PortsipSession>;
  /** GET extensions/list — one page of summary records (page is 1-based). */
  listExtensions(page: number, pageSize: number): Promise<PortsipExtensionList>;
  /** GET extensions/search — one page of matches for `condition`, as an array. */
  searchExtensions(condition: string, page: number, pageSize: number): Promise<PortsipExtensionList>;
  /** GET extensions/show — every setting of one extension, with belong_groups. */
  showExtension(number: string): Promise<PortsipExtensionSettings>;
  /** POST extensions/status — status of many extensions at once (a read). */
  extensionStatus(numbers: readonly string[]): Promise<PortsipStatusEntry[]>;
  /** GET extensions/group/list — one page of groups. */
  listGroups(page: number, pageSize: number): Promise<PortsipGroupList>;
  /** GET extensions/group/show — one group with its member numbers. */
  showGroup(groupId: string): Promise<PortsipGroupDetail>;
  /** GET extensions/greeting_file/list — one page of an extension's greeting files. */
  listGreetings(number: string, page: number, pageSize: number): Promise<PortsipGreetingList>;
  /** POST extensions/create. */
  createExtension(body: PortsipExtensionSettings): Promise<void>;
  /** POST extensions/update. */
  updateExtension(body: PortsipExtensionUpdate): Promise<void>;
  /** POST extensions/remove ("Remove an extension"). */
  destroyExtension(number: string): Promise<void>;
  /** GET extensions/call — places a call: never retried. */
  call(req: PortsipCallRequest): Promise<void>;
  /** POST extensions/group/create. */
  createGroup(body: PortsipGroupInput): Promise<PortsipGroupCreated>;
  /** POST extensions/group/update (group_id required). */
  updateGroup(body: PortsipGroupInput & { group_id: string }): Promise<void>;
  /** POST extensions/group/destroy ("Remove an extension group"). */
  destroyGroup(groupId: string): Promise<void>;
  /** POST extensions/greeting_file/add ("Add greeting file for voicemail"). */
  addGreeting(body: PortsipGreetingAdd): Promise<void>;
  /** POST extensions/greeting_file/setup ("Setup greeting file for extension"): makes it the default. */
  setupGreeting(number: string, filename: string): Promise<void>;
  /** POST extensions/greeting_file/remove ("Remove greeting file"). */
  destroyGreeting(number: string, filename: string): Promise<void>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Creates the client over the source's HTTP instance; `withToken` supplies the session token. */
export function createPortsipClient(http: SourceHttp, sourceId: string, withToken: WithToken): PortsipClient {
  const malformed = () => new PbxError('VENDOR_UNAVAILABLE', `${sourceId}: PortSIP answered with a malformed body`, sourceId);
  /** A 2xx answer lacking the fields every caller needs is the vendor's fault, not ours. */
  const check = <T>(body: unknown, ok: (b: Record<string, unknown>) => boolean): T => {
    if (!isObject(body) || !ok(body)) throw malformed();
    return body as T;
  };
  const paged = (b: Record<string, unknown>, key: string) => typeof b['page_count'] === 'number' && key in b;
  // GETs carry the token in the query, POSTs in the body, as the doc's examples do. The token comes
  // first: on Node 20 a spread followed by a field costs hidden classes per call (core/http.ts).
  const get = <T>(path: string, query: Record<string, string | number>, idempotent = true) =>
    withToken((token) => http.get<T>(path, { searchParams: { access_token: token, ...query }, idempotent }));
  const read = <T>(path: string, body: Record<string, unknown>) =>
    withToken((token) => http.post<T>(path, { access_token: token, ...body }, { idempotent: true }));
  const write = async (path: string, body: object) => {
    await withToken((token) => http.post<unknown>(path, { access_token: token, ...body }));
  };
  const page = (pageNo: number, pageSize: number) => ({ pagination: pageNo, pagesize: pageSize, sort_by: 'DEFAULT' });

  return {
    async verify(username, password) {
      // Logging in twice is harmless (a second token), so a lost answer may be retried.
      const body = await http.post<unknown>(PORTSIP_PATHS.verify, { username, password }, { idempotent: true });
      return check<PortsipSession>(body, (b) => typeof b['access_token'] === 'string' && b['access_token'] !== '');
    },
    async listExtensions(pageNo, pageSize) {
      const body = await get<unknown>(PORTSIP_PATHS.list, page(pageNo, pageSize));
      return check<PortsipExtensionList>(body, (b) => paged(b, 'extensions') && Array.isArray(b['extensions']));
    },
    async searchExtensions(condition, pageNo, pageSize) {
      const { sort_by: _unused, ...q } = page(pageNo, pageSize);
      const body = await get<unknown>(PORTSIP_PATHS.search, { ...q, condition });
      const s = check<PortsipExtensionSearch>(body, (b) => paged(b, 'extensions') && (Array.isArray(b['extensions']) || isObject(b['extensions'])));
      // The doc's example answers one object where the list answers an array.
      return { ...s, extensions: Array.isArray(s.extensions) ? s.extensions : [s.extensions] };
    },
    async showExtension(number) {
      const body = await get<unknown>(PORTSIP_PATHS.show, { extension_number: number });
      return check<PortsipExtensionSettings>(body, (b) => typeof b['extension_number'] === 'string');
    },
    async extensionStatus(numbers) {
      const body = await read<unknown>(PORTSIP_PATHS.status, { extensions: numbers });
      return check<PortsipStatusAnswer>(body, (b) => Array.isArray(b['extension_status'])).extension_status;
    },
    async listGroups(pageNo, pageSize) {
      const body = await get<unknown>(PORTSIP_PATHS.groupList, page(pageNo, pageSize));
      return check<PortsipGroupList>(body, (b) => paged(b, 'groups') && Array.isArray(b['groups']));
    },
    async showGroup(groupId) {
      const body = await get<unknown>(PORTSIP_PATHS.groupShow, { group_id: groupId });
      return check<PortsipGroupDetail>(body, (b) => b['members'] === undefined || Array.isArray(b['members']));
    },
    async listGreetings(number, pageNo, pageSize) {
      const body = await get<unknown>(PORTSIP_PATHS.greetingList, { ...page(pageNo, pageSize), extension_number: number });
      return check<PortsipGreetingList>(body, (b) => paged(b, 'files') && Array.isArray(b['files']));
    },
    createExtension: (body) => write(PORTSIP_PATHS.create, body),
    updateExtension: (body) => write(PORTSIP_PATHS.update, body),
    destroyExtension: (number) => write(PORTSIP_PATHS.destroy, { extension_number: number }),
    async call(req) {
      await get<unknown>(PORTSIP_PATHS.call, { ...req }, false);
    },
    async createGroup(input) {
      const body = await withToken((token) => http.post<unknown>(PORTSIP_PATHS.groupCreate, { ...input, access_token: token }));
      return check<PortsipGroupCreated>(body, (b) => typeof b['group_id'] === 'string');
    },
    updateGroup: (body) => write(PORTSIP_PATHS.groupUpdate, body),
    destroyGroup: (groupId) => write(PORTSIP_PATHS.groupDestroy, { group_id: groupId }),
    addGreeting: (body) => write(PORTSIP_PATHS.greetingAdd, body),
    setupGreeting: (number, filename) => write(PORTSIP_PATHS.greetingSetup, { extension_number: number, filename }),
    destroyGreeting: (number, filename) => write(PORTSIP_PATHS.greetingDestroy, { extension_number: number, filename }),
  };
}

/**
 * Every page of a paged list, fetched in order. Stops at `page_count` or at a short page: the doc's
 * examples show a `page_count` unrelated to the data, so a short page is trusted over it.
 */
export async function allPages<P extends PortsipPage, T>(fetch: (page: number) => Promise<P>, items: (p: P) => T[], pageSize: number, maxPages = 1000): Promise<{ first: P; items: T[] }> {
  const out: T[] = [];
  let first: P | undefined;
  for (let n = 1; n <= maxPages; n++) {
    const p = await fetch(n);
    first ??= p;
    const got = items(p);
    out.push(...got);
    if (n >= p.page_count || got.length < pageSize) break;
  }
  return { first: first!, items: out };
}
