import { PbxError } from '../../core/errors.ts';
import type { Classification, SourceHttp } from '../../core/http.ts';
import type { AnswerSchema } from '../../core/validate.ts';
import { z } from 'zod';
import { listAnswer, verbatimAnswer, wholeAnswer } from '../../core/validate.ts';
import {
  PORTSIP_ERR, PortsipExtensionShowSchema, PortsipExtensionSummarySchema, PortsipGreetingFileSchema, PortsipGreetingListEnvelope,
  PortsipGroupCreatedSchema, PortsipGroupDetailSchema, PortsipGroupSummarySchema, PortsipPageSchema, PortsipSessionSchema, PortsipStatusEntrySchema,
  PortsipStatusEnvelope,
  type PortsipCallRequest, type PortsipErrCode, type PortsipErrorBody, type PortsipExtensionList, type PortsipExtensionSettings,
  type PortsipExtensionShow, type PortsipExtensionUpdate, type PortsipGreetingAdd, type PortsipGreetingList, type PortsipGroupCreated,
  type PortsipGroupDetail, type PortsipGroupInput, type PortsipGroupList, type PortsipPage, type PortsipSession, type PortsipStatusEntry,
} from './types.ts';

/** The PbxError reason of a refused session token: TokenCache.use logs in again, once per token, on it. */
export const TOKEN_EXPIRED = 'token_expired';

/** The answers this client reads, checked at the edge (core/validate.ts). */
const ANSWERS = {
  verify: wholeAnswer('account/credentials/verify', PortsipSessionSchema),
  list: listAnswer('extensions/list', PortsipPageSchema, 'extensions', PortsipExtensionSummarySchema),
  // The doc's search example answers one object where the list answers an array.
  search: listAnswer('extensions/search', PortsipPageSchema, 'extensions', PortsipExtensionSummarySchema, { single: true }),
  show: wholeAnswer('extensions/show', PortsipExtensionShowSchema),
  // Read before a whole-record update: checked like any show, but every field the vendor sent is kept.
  record: verbatimAnswer<PortsipExtensionSettings>('extensions/show', PortsipExtensionShowSchema),
  // A batch by key: an unreadable entry fails the batch (VENDOR_BAD_RESPONSE), never reads as a missing extension.
  status: wholeAnswer('extensions/status', PortsipStatusEnvelope.extend({ extension_status: z.array(PortsipStatusEntrySchema) })),
  groupList: listAnswer('extensions/group/list', PortsipPageSchema, 'groups', PortsipGroupSummarySchema),
  groupShow: wholeAnswer('extensions/group/show', PortsipGroupDetailSchema),
  greetingList: listAnswer('extensions/greeting_file/list', PortsipGreetingListEnvelope, 'files', PortsipGreetingFileSchema),
  groupCreated: wholeAnswer('extensions/group/create', PortsipGroupCreatedSchema),
};

/** Words of a PortSIP error message that say the session token is the problem (its documented 400 with a message). */
const TOKEN_WORDS = /access[_ ]?token|token/i;

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
 * PortSIP's error vocabulary: success answers have no envelope. A refused session token is
 * recognised by what the vendor can send: HTTP 401 or 403 (whatever the body), or its documented
 * error format, HTTP 400 with a message naming the token. Other non-2xx answers with a known
 * `err_code` (PortsipErrorBody) are read below; anything else falls back to the HTTP status.
 * account/credentials/verify turns a refusal of its own into BAD_CREDENTIALS (client.ts verify).
 */
export function classifyPortsipAnswer(status: number, body: unknown): Classification {
  if (status >= 200 && status < 300) return undefined;
  const b = (body && typeof body === 'object' ? body : {}) as Partial<PortsipErrorBody> & { message?: unknown; error?: unknown };
  const code = b.err_code;
  const refused = { code: 'VENDOR_AUTH_FAILED', message: 'PortSIP refused the session token', reason: TOKEN_EXPIRED } as const;
  if (code === PORTSIP_ERR.CALL_AUTH_FAILED) return { code: 'BAD_USER_INPUT', message: 'PortSIP refused the extension password for the call' };
  if (status === 401 || status === 403) return refused;
  if (status === 400) {
    const words = [b.err_msg, b.message, b.error, typeof body === 'string' ? body : undefined].filter((w): w is string => typeof w === 'string');
    if (words.some((w) => TOKEN_WORDS.test(w))) return refused;
  }
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
  showExtension(number: string): Promise<PortsipExtensionShow>;
  /** GET extensions/show as the vendor sent it, every field kept (passwords too): the record a whole-record update writes back. */
  showExtensionRecord(number: string): Promise<PortsipExtensionSettings>;
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

/** Creates the client over the source's HTTP instance; `withToken` supplies the session token. */
export function createPortsipClient(http: SourceHttp, sourceId: string, withToken: WithToken): PortsipClient {
  // GETs carry the token in the query, POSTs in the body, as the doc's examples do. The token comes
  // first: on Node 20 a spread followed by a field costs hidden classes per call (core/http.ts).
  const get = <T>(path: string, query: Record<string, string | number>, answer?: AnswerSchema<T>) =>
    withToken((token) => http.get<T>(path, answer ? { searchParams: { access_token: token, ...query }, answer } : { searchParams: { access_token: token, ...query }, idempotent: false }));
  const read = <T>(path: string, body: Record<string, unknown>, answer: AnswerSchema<T>) =>
    withToken((token) => http.post<T>(path, { access_token: token, ...body }, { idempotent: true, answer }));
  const write = async (path: string, body: object) => {
    await withToken((token) => http.post<unknown>(path, { access_token: token, ...body }));
  };
  const page = (pageNo: number, pageSize: number) => ({ pagination: pageNo, pagesize: pageSize, sort_by: 'DEFAULT' });

  return {
    async verify(username, password) {
      try {
        // Logging in twice is harmless (a second token), so a lost answer may be retried.
        return await http.post<PortsipSession>(PORTSIP_PATHS.verify, { username, password }, { idempotent: true, answer: ANSWERS.verify });
      } catch (err) {
        // A refusal of the login itself is the configured credentials, not a lapsed session.
        if (err instanceof PbxError && err.reason === TOKEN_EXPIRED) {
          throw new PbxError('VENDOR_AUTH_FAILED', `${sourceId}: PortSIP refused the configured username or password`, sourceId, { cause: err });
        }
        throw err;
      }
    },
    listExtensions: (pageNo, pageSize) => get<PortsipExtensionList>(PORTSIP_PATHS.list, page(pageNo, pageSize), ANSWERS.list),
    searchExtensions(condition, pageNo, pageSize) {
      const { sort_by: _unused, ...q } = page(pageNo, pageSize);
      return get<PortsipExtensionList>(PORTSIP_PATHS.search, { ...q, condition }, ANSWERS.search);
    },
    showExtension: (number) => get<PortsipExtensionShow>(PORTSIP_PATHS.show, { extension_number: number }, ANSWERS.show),
    showExtensionRecord: (number) => get<PortsipExtensionSettings>(PORTSIP_PATHS.show, { extension_number: number }, ANSWERS.record),
    async extensionStatus(numbers) {
      return (await read(PORTSIP_PATHS.status, { extensions: numbers }, ANSWERS.status)).extension_status;
    },
    listGroups: (pageNo, pageSize) => get<PortsipGroupList>(PORTSIP_PATHS.groupList, page(pageNo, pageSize), ANSWERS.groupList),
    showGroup: (groupId) => get<PortsipGroupDetail>(PORTSIP_PATHS.groupShow, { group_id: groupId }, ANSWERS.groupShow),
    listGreetings: (number, pageNo, pageSize) =>
      get<PortsipGreetingList>(PORTSIP_PATHS.greetingList, { ...page(pageNo, pageSize), extension_number: number }, ANSWERS.greetingList),
    createExtension: (body) => write(PORTSIP_PATHS.create, body),
    updateExtension: (body) => write(PORTSIP_PATHS.update, body),
    destroyExtension: (number) => write(PORTSIP_PATHS.destroy, { extension_number: number }),
    async call(req) {
      await get<unknown>(PORTSIP_PATHS.call, { ...req });
    },
    createGroup: (input) =>
      withToken((token) => http.post<PortsipGroupCreated>(PORTSIP_PATHS.groupCreate, { ...input, access_token: token }, { answer: ANSWERS.groupCreated })),
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
