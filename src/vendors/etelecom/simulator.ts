import { fakeName, seededRandom, startSimServer, type SimResponse } from '../../core/sim-server.ts';
import type { SimulatorHandle, SimulatorOptions } from '../../core/vendor-module.ts';

// The simulator's own reading of etelecom.txt and the README's facts: it shares no type or constant
// with the adapter, so a misreading in one is caught by the other.

/** Subscription state: Z new, P valid, N expired. */
type EtelecomState = 'Z' | 'P' | 'N';
/** Twirp error codes the simulator answers. */
type EtelecomErrorCode = 'invalid_argument' | 'unauthenticated' | 'not_found' | 'bad_route' | 'malformed' | 'permission_denied' | 'already_exists';
/** A Twirp error body. */
interface EtelecomError {
  /** Code. */
  code: EtelecomErrorCode;
  /** Message. */
  msg: string;
}
/** One extension as GetExtensions lists it. */
interface EtelecomExtension {
  /** Id. */
  id: string;
  /** Number. */
  extension_number: string;
  /** SIP password. */
  extension_password?: string;
  /** Tenant. */
  tenant_id: string;
  /** Tenant domain. */
  tenant_domain: string;
  /** Hotline. */
  hotline_id?: string;
  /** User. */
  user_id?: string;
  /** Account. */
  account_id?: string;
  /** Subscription. */
  subscription_id?: string;
  /** State. */
  state: EtelecomState;
  /** Created. */
  created_at?: string;
  /** Updated. */
  updated_at?: string;
  /** Expires. */
  expires_at?: string;
}
/** GetExtensionInfo's answer. */
interface EtelecomExtensionInfo {
  /** Number. */
  extension_number: string;
  /** SIP password. */
  extension_password?: string;
  /** Tenant domain. */
  tenant_domain?: string;
  /** Expires. */
  expires_at?: string;
}

/** The simulator's API key (the demo config uses it). */
export const ETELECOM_SIM_API_KEY = 'etelecom-demo-api-key';
/** Path of the simulated API; a source's baseUrl is the simulator URL (the client appends `.Etelecom/<Method>`). */
const BASE_PATH = '/v1/etelecom.vpbx.api';
/** Request-counter key of each method (`POST <path below the base URL>`), for tests. */
export const ETELECOM_SIM_CALLS = {
  getExtensions: 'POST .Etelecom/GetExtensions',
  getExtensionInfo: 'POST .Etelecom/GetExtensionInfo',
  createExtension: 'POST .Etelecom/CreateExtension',
} as const;
/** The simulated tenant. */
export const ETELECOM_SIM_TENANT = { id: '1148412345678901234', domain: 'demo-shop.vpbx.etelecom.vn' } as const;
/** Hotlines of the simulated tenant (CreateExtension requires one of these). */
export const ETELECOM_SIM_HOTLINES = ['1150000000000000001', '1150000000000000002', '1150000000000000003'] as const;
/** Page size when a request gives none, and the largest one accepted. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** The user an extension is assigned to: GetExtensionInfo finds extensions by these. */
interface SimUser {
  email: string;
  phone: string;
}

interface SimRecord {
  ext: EtelecomExtension;
  user: SimUser | undefined;
}

/**
 * The doc's examples as seed records, with concrete values: 1001 is CreateExtension's curl example
 * number, and its expiry is the doc's example time ("2021-03-10T17:07:19+07:00"), long past, hence
 * state N. 1002 is newly created (Z) and not assigned to a user. Their SIP passwords carry the canary
 * string, so a leak shows in any test that looks for it.
 */
export function docSeedRecords(): { ext: EtelecomExtension; user: SimUser | undefined }[] {
  return [
    {
      ext: {
        id: '1160000000000001001', extension_number: '1001', extension_password: 'sim-canary-secret-1001',
        tenant_id: ETELECOM_SIM_TENANT.id, tenant_domain: ETELECOM_SIM_TENANT.domain, hotline_id: ETELECOM_SIM_HOTLINES[0],
        user_id: '1170000000000001001', account_id: '1140000000000000001', subscription_id: '1180000000000001001', state: 'N',
        created_at: '2020-03-10T17:07:19+07:00', updated_at: '2020-03-10T17:07:19+07:00', expires_at: '2021-03-10T17:07:19+07:00',
      },
      user: { email: 'agent1001@demo-shop.example.vn', phone: '0901001001' },
    },
    {
      ext: {
        id: '1160000000000001002', extension_number: '1002', extension_password: 'sim-canary-secret-1002',
        tenant_id: ETELECOM_SIM_TENANT.id, tenant_domain: ETELECOM_SIM_TENANT.domain, hotline_id: ETELECOM_SIM_HOTLINES[1],
        user_id: '0', account_id: '1140000000000000001', subscription_id: '1180000000000001002', state: 'Z',
        created_at: '2025-01-02T09:00:00+07:00', updated_at: '2025-01-02T09:00:00+07:00', expires_at: '2026-01-02T09:00:00+07:00',
      },
      user: undefined,
    },
  ];
}

/** Seed plus `size` generated extensions, in creation order; deterministic for `size`. */
function buildRecords(size: number): SimRecord[] {
  const rand = seededRandom(5005);
  const records: SimRecord[] = docSeedRecords();
  const start = Date.parse('2025-02-01T00:00:00Z'); // after the seed records: the list is in creation order
  for (let i = 0; i < size; i++) {
    const { first, last } = fakeName(rand);
    const created = new Date(start + i * 3_600_000);
    const r = rand();
    const state: EtelecomState = r < 0.75 ? 'P' : r < 0.85 ? 'Z' : 'N';
    const expires = new Date(created.getTime() + (state === 'N' ? 30 : 3650) * 86_400_000);
    const assigned = rand() < 0.85;
    const id = String(1_160_000_000_000_100_000n + BigInt(i));
    records.push({
      ext: {
        id, extension_number: String(2000 + i), extension_password: `sim-canary-secret-${Math.floor(rand() * 1e9)}`,
        tenant_id: ETELECOM_SIM_TENANT.id, tenant_domain: ETELECOM_SIM_TENANT.domain,
        hotline_id: ETELECOM_SIM_HOTLINES[i % ETELECOM_SIM_HOTLINES.length], user_id: assigned ? String(1_170_000_000_000_100_000n + BigInt(i)) : '0',
        account_id: '1140000000000000001', subscription_id: String(1_180_000_000_000_100_000n + BigInt(i)), state,
        created_at: created.toISOString(), updated_at: created.toISOString(), expires_at: expires.toISOString(),
      },
      user: assigned ? { email: `${first}.${last}${i}@demo-shop.example.vn`.toLowerCase(), phone: `09${String(10_000_000 + i).slice(-8)}` } : undefined,
    });
  }
  return records;
}

/**
 * The simulator's vendor cursor: opaque to clients, it names one extension by its id, and `after`
 * means "the extensions created after it" (keyset paging: stable when extensions are added). `next`
 * names the page's last extension and is empty on the last page; `prev` names the first and is empty
 * on the first page. This is the model pbx-graph assumes of eTelecom (the doc shows only the fields).
 */
const cursorOf = (id: string): string => Buffer.from(`ext:${id}`, 'utf8').toString('base64url');
function idOfCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return text.startsWith('ext:') && cursorOf(text.slice(4)) === cursor ? text.slice(4) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * eTelecom VPBX simulator: POST `<base>.Etelecom/<Method>` with `Authorization: Bearer <key>`,
 * GetExtensions (cursor paging), GetExtensionInfo (by number, e-mail or phone) and CreateExtension,
 * Twirp-style `{code, msg}` errors; the doc's examples as seed records plus `size` generated ones.
 */
export async function startEtelecomSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const size = Math.min(Math.max(opts.size ?? 10, 0), 10_000);
  const records = buildRecords(size);
  const indexById = new Map(records.map((r, i) => [r.ext.id, i]));
  let created = 0;

  const fail = (status: number, code: EtelecomErrorCode, msg: string): SimResponse => ({ status, body: { code, msg } satisfies EtelecomError });
  const ok = (body: unknown): SimResponse => ({ status: 200, body });
  // The info view carries exactly the documented four fields.
  const info = (x: EtelecomExtension): EtelecomExtensionInfo => ({
    expires_at: x.expires_at!, extension_number: x.extension_number, extension_password: x.extension_password!, tenant_domain: x.tenant_domain,
  });

  function getExtensions(body: Record<string, unknown>): SimResponse {
    const paging = (body['paging'] ?? {}) as Record<string, unknown>;
    if (typeof paging !== 'object' || paging === null) return fail(400, 'invalid_argument', 'paging must be an object');
    const limitRaw = paging['limit'] ?? 0;
    if (typeof limitRaw !== 'number' || !Number.isInteger(limitRaw) || limitRaw < 0 || limitRaw > MAX_LIMIT) {
      return fail(400, 'invalid_argument', `paging.limit must be an integer from 0 to ${MAX_LIMIT}`);
    }
    const limit = limitRaw === 0 ? DEFAULT_LIMIT : limitRaw;
    const after = str(paging['after']);
    const before = str(paging['before']);
    if (after && before) return fail(400, 'invalid_argument', 'paging.after and paging.before are exclusive');
    let from = 0;
    let to = records.length;
    for (const [cursor, edge] of [[after, 'after'], [before, 'before']] as const) {
      if (!cursor) continue;
      const id = idOfCursor(cursor);
      const index = id === undefined ? undefined : indexById.get(id);
      if (index === undefined) return fail(400, 'invalid_argument', `paging.${edge} is not a valid cursor`);
      if (edge === 'after') from = index + 1;
      else to = index;
    }
    if (before) from = Math.max(0, to - limit);
    else to = Math.min(records.length, from + limit);
    const page = records.slice(from, to).map((r) => r.ext);
    return ok({
      extensions: page,
      paging: {
        after: after ?? '', before: before ?? '', limit, sort: str(paging['sort']) ?? '',
        next: to < records.length && page.length > 0 ? cursorOf(page[page.length - 1]!.id) : '',
        prev: from > 0 && page.length > 0 ? cursorOf(page[0]!.id) : '',
      },
    });
  }

  function getExtensionInfo(body: Record<string, unknown>): SimResponse {
    const number = str(body['extension_number']);
    const email = str(body['email'])?.toLowerCase();
    const phone = str(body['phone']);
    if (!number && !email && !phone) return fail(400, 'invalid_argument', 'extension_number, email or phone is required');
    // The first key given decides, as the API's documented order lists them.
    const hit = number
      ? records.find((r) => r.ext.extension_number === number)
      : email
        ? records.find((r) => r.user?.email === email)
        : records.find((r) => r.user?.phone === phone);
    return hit ? ok(info(hit.ext)) : fail(404, 'not_found', 'extension not found');
  }

  function createExtension(body: Record<string, unknown>): SimResponse {
    const number = body['extension_number'];
    if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) return fail(400, 'invalid_argument', 'extension_number must be a positive integer');
    const hotline = str(body['hotline_id']);
    if (!hotline) return fail(400, 'invalid_argument', 'hotline_id is required');
    if (!(ETELECOM_SIM_HOTLINES as readonly string[]).includes(hotline)) return fail(404, 'not_found', 'hotline not found');
    const userId = body['user_id'] === undefined ? undefined : str(body['user_id']);
    if (body['user_id'] !== undefined && !userId) return fail(400, 'invalid_argument', 'user_id must be a non-empty string');
    if (records.some((r) => r.ext.extension_number === String(number))) return fail(409, 'already_exists', 'extension number already exists');
    const now = new Date();
    created++;
    const ext: EtelecomExtension = {
      id: String(1_169_000_000_000_000_000n + BigInt(created)), extension_number: String(number),
      extension_password: `sim-canary-secret-new-${created}`, tenant_id: ETELECOM_SIM_TENANT.id, tenant_domain: ETELECOM_SIM_TENANT.domain,
      hotline_id: hotline, user_id: userId ?? '0', account_id: '1140000000000000001', subscription_id: String(1_189_000_000_000_000_000n + BigInt(created)),
      state: 'Z', created_at: now.toISOString(), updated_at: now.toISOString(), expires_at: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
    };
    indexById.set(ext.id, records.length);
    records.push({ ext, user: undefined });
    return ok(ext);
  }

  /** AssignUserToExtension / RemoveUserOfExtension `{extension_id, user_id}`: `{updated: 0|1}`. */
  function userOfExtension(method: 'AssignUserToExtension' | 'RemoveUserOfExtension', body: Record<string, unknown>): SimResponse {
    const extensionId = str(body['extension_id']);
    const userId = str(body['user_id']);
    if (!extensionId || !/^[0-9]{1,19}$/.test(extensionId)) return fail(400, 'invalid_argument', 'extension_id must be an id');
    if (!userId || !/^[0-9]{1,19}$/.test(userId) || userId === '0') return fail(400, 'invalid_argument', 'user_id must be an id');
    const index = indexById.get(extensionId);
    if (index === undefined) return fail(404, 'not_found', 'extension not found');
    const r = records[index]!;
    const now = new Date().toISOString();
    if (method === 'AssignUserToExtension') {
      if (r.ext.user_id === userId) return ok({ updated: 0 });
      r.ext = { ...r.ext, user_id: userId, updated_at: now };
      return ok({ updated: 1 });
    }
    if (r.ext.user_id !== userId) return ok({ updated: 0 });
    r.ext = { ...r.ext, user_id: '0', updated_at: now };
    r.user = undefined;
    return ok({ updated: 1 });
  }

  return startSimServer({
    port: opts.port,
    basePath: BASE_PATH,
    latencyMs: opts.latencyMs,
    handler(req) {
      const auth = String(req.headers['authorization'] ?? '');
      if (auth !== `Bearer ${ETELECOM_SIM_API_KEY}`) return fail(401, 'unauthenticated', 'invalid api key');
      const m = /^\.Etelecom\/([A-Za-z]+)$/.exec(req.path);
      if (req.method !== 'POST' || !m) return fail(404, 'bad_route', `no handler for ${req.method} ${req.path}`);
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return fail(400, 'malformed', 'the body must be a JSON object');
      const body = req.body as Record<string, unknown>;
      switch (m[1]) {
        case 'GetExtensions':
          return getExtensions(body);
        case 'GetExtensionInfo':
          return getExtensionInfo(body);
        case 'CreateExtension':
          return createExtension(body);
        case 'AssignUserToExtension':
        case 'RemoveUserOfExtension':
          return userOfExtension(m[1], body);
        default:
          return fail(404, 'bad_route', `no method ${m[1]}`);
      }
    },
  });
}
