import { z } from 'zod';
import { assembleAdapter, type SourceAdapter, type SourceOperations } from '../../core/adapter.ts';
import type { RequestScope } from '../../core/request-scope.ts';
import { eachKey, inKeyOrder, scanPagesForKeys } from '../../core/batch.ts';
import { ConfigError } from '../../core/config.ts';
import { byIdentity } from '../../core/shared-cache.ts';
import { badInput, notFound, PbxError } from '../../core/errors.ts';
import { sharedEntry } from '../../core/shared-fill.ts';
import { absentFrom } from '../../core/validate.ts';
import { TokenCache, type IssuedToken, type TokenHolder } from '../../core/token.ts';
import type { AdapterDeps, BaseSourceConfig } from '../../core/vendor-module.ts';
import type { Capability, Device, StatusInfo } from '../../domain/types.ts';
import { classifyTelecomxAnswer, createTelecomxClient, MAX_LIMIT, TOKEN_REJECTED, type TelecomxClient } from './client.ts';
import { isReduced, mapExtension, mapPhone, statusFromPhones, TX_ID } from './mappers.ts';
import type { TxExtension, TxLoginAnswer } from './types.ts';
import { TELECOMX_WRITE_CAPABILITIES, telecomxWrites } from './writes.ts';

/**
 * Telecom X's own config keys. Exactly one of `token` or `username`+`password` is required; a zod
 * raw shape cannot say "one of" (core/config.ts merges it into a strict object with no object-level
 * refinement), so createTelecomxAdapter checks that and throws ConfigError.
 */
export const telecomxConfigShape = {
  /** E-mail of the user to log in as (POST /auth/login). */
  username: z.string().min(1).optional(),
  /** Password of that user (write it as `${ENV_VAR}`). */
  password: z.string().min(1).optional(),
  /** A long-lived machine-to-machine token instead of a login. */
  token: z.string().min(1).optional(),
  /** Customer to bind the source to (24-hex id); omitted: the credential's own customer(s). */
  customer: z.string().regex(TX_ID, 'must be a 24-hex-character Telecom X id').optional(),
  /** Per-extension calls in flight at once (the API has no batch get). */
  concurrency: z.number().int().min(1).max(64).default(8),
};

/** A validated Telecom X source. */
export type TelecomxSourceConfig = BaseSourceConfig & {
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  customer?: string | undefined;
  concurrency: number;
};

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['EXTENSION_LIST', 'EXTENSION_SEARCH', 'STATUS', 'DEVICES', 'FORWARDING']);

/** includePhones: every listed extension brings its phones, hence status and devices. */
const LIST_CARRIES: ReadonlySet<Capability> = new Set<Capability>(['STATUS', 'DEVICES']);

/** The doc's default token lifetime (README facts: `expiresInMinutes`, default 15). */
const DEFAULT_TOKEN_MINUTES = 15;

/** Renew this long before a login token lapses: a call must not start on a token about to die. */
const RENEW_MARGIN_MS = 30_000;

/**
 * A login answer's lifetime. A `persist` token carries no expiry (null: never lapses); a value that
 * is not a positive number is taken as the doc's default. Short lifetimes are floored at twice the
 * margin so renewal never degenerates into a login per call.
 */
export function tokenLifetime(a: TxLoginAnswer): IssuedToken {
  if (a.expiresInMinutes === null || a.expiresInMinutes === undefined || a.expiresInMinutes === -1) return { token: a.token, lifetimeMs: null };
  const minutes = typeof a.expiresInMinutes === 'number' && a.expiresInMinutes > 0 ? a.expiresInMinutes : DEFAULT_TOKEN_MINUTES;
  return { token: a.token, lifetimeMs: Math.max(minutes * 60_000, 2 * RENEW_MARGIN_MS) };
}

/** Exactly one credential: a token, or a username with its password. */
function checkCredentials(cfg: TelecomxSourceConfig): void {
  const has = (v: string | undefined) => (v === undefined ? 'missing' : 'set');
  const login = cfg.username !== undefined || cfg.password !== undefined;
  const ok = cfg.token !== undefined ? !login : cfg.username !== undefined && cfg.password !== undefined;
  if (!ok) {
    throw new ConfigError(
      `invalid configuration: sources[id=${JSON.stringify(cfg.id)}]: give exactly one of token or username+password ` +
        `(token: ${has(cfg.token)}, username: ${has(cfg.username)}, password: ${has(cfg.password)})`,
    );
  }
}

/** Creates the Telecom X adapter for one source (one credential, optionally one customer). */
export function createTelecomxAdapter(cfg: TelecomxSourceConfig, deps: AdapterDeps): SourceAdapter {
  checkCredentials(cfg);
  const http = deps.createHttp({ sourceId: cfg.id, baseUrl: cfg.baseUrl, timeoutMs: cfg.timeoutMs, classify: classifyTelecomxAnswer });
  const { username, password, token: machineToken } = cfg;
  // Rows mapped once per vendor answer: an unchanged answer is the same object (core/answer-memo.ts).
  const toDomain = byIdentity((x: TxExtension) => mapExtension(cfg.id, x));
  const loginWith = (client: TelecomxClient) => async () => tokenLifetime(await client.login(username!, password!));
  const tokens: TokenHolder | undefined = machineToken === undefined ? new TokenCache({ login: loginWith(createTelecomxClient(http, cfg.id)), marginMs: RENEW_MARGIN_MS, shared: sharedEntry(deps.shared, 'token') }) : undefined;
  const isRejected = (err: unknown) => err instanceof PbxError && err.reason === TOKEN_REJECTED;
  const customer = cfg.customer?.toLowerCase();
  const missing = (id: string) => notFound(`extension ${id}`, cfg.id);
  const UNKNOWN: StatusInfo = { status: 'UNKNOWN', vendorStatus: null, userAgent: null, updatedAt: null };

  /** The operations over a client whose calls count against `scope` (none: not tied to a request). */
  function operations(scope: RequestScope | undefined): SourceOperations {
    const client = createTelecomxClient(http.scoped(scope), cfg.id);
    const login = loginWith(client);
    /** Runs a call under the session token: a machine token as is, a login token renewed and retried once. */
    const withToken = <T>(call: (token: string) => Promise<T>): Promise<T> => (tokens ? tokens.use(call, isRejected, login) : call(machineToken!));

    /** One extension by id; an extension of another customer than the configured one is not this source's. */
    async function getOne(id: string): Promise<TxExtension> {
      const x = await withToken((t) => client.getExtension(t, id));
      if (customer !== undefined && String(x.customer).toLowerCase() !== customer) throw missing(id);
      return x;
  }

  /**
   * Status and devices come with every answer (includePhones), so these loaders only run for keys the
   * list or get did not prime; each then costs one get.
   */
  const fromGet = <V>(pick: (x: TxExtension) => V) => eachKey(cfg.concurrency, async (id) => pick(await getOne(id)));

  return {
    async listExtensions({ search, first, after }) {
      // The adapter cursor is the item's offset; the next page starts one past it.
      let offset = 0;
      if (after !== undefined) {
        const n = Number(after);
        if (!/^\d{1,9}$/.test(after) || !Number.isSafeInteger(n)) throw badInput('`after` is not a cursor of this connection', cfg.id);
        offset = n + 1;
      }
      const limit = Math.min(Math.max(first, 1), MAX_LIMIT);
      const page = await withToken((t) => client.listExtensions(t, { offset, limit, filter: search || undefined, customer: cfg.customer }));
      const items = page.extensions;
      const total = typeof page.total === 'number' ? page.total : null;
      return {
        items: items.map((x, i) => ({ node: toDomain(x), cursor: String(offset + i) })),
        hasNextPage: total !== null ? offset + items.length < total : items.length === limit,
        hasPreviousPage: offset > 0,
        totalCount: total,
      };
    },
    /**
     * One id: one get. Several (`_entities`, many `node`s): the list answers them in one call per
     * MAX_LIMIT extensions, since its items are the full record (expandGoto, includePhones).
     */
    async loadExtensions(ids) {
      if (ids.length === 1) return eachKey(1, async (id) => toDomain(await getOne(id)))(ids);
      // Ids are hex: compare them case-insensitively.
      const keys = ids.map((id) => id.toLowerCase());
      const pages: object[] = [];
      const found = await scanPagesForKeys(
        keys,
        async (i) => {
          const page = await withToken((t) => client.listExtensions(t, { offset: i * MAX_LIMIT, limit: MAX_LIMIT, customer: cfg.customer }));
          const items = page.extensions;
          pages.push(items);
          return { items, more: items.length === MAX_LIMIT };
        },
        (x) => String(x._id).toLowerCase(),
      );
      return inKeyOrder(keys, found, (x) => String(x._id).toLowerCase(), toDomain, absentFrom(pages, cfg.id, missing));
    },
    // A reduced answer carries no phones: its status is not known (the resolvers read a restricted
    // record's own null and never get here for it).
    loadStatus: fromGet<StatusInfo>((x) => (isReduced(x) ? UNKNOWN : statusFromPhones(x.phones ?? []))),
    // Same for devices: a reduced answer lists none it could show.
    loadDevices: fromGet<Device[]>((x) => (x.phones ?? []).map((p) => mapPhone(cfg.id, p))),
    async healthCheck() {
      await withToken((t) => client.listExtensions(t, { offset: 0, limit: 1, customer: cfg.customer }));
    },
  };
  }

  return assembleAdapter({
    cfg,
    vendor: 'telecomx',
    capabilities: new Set([...CAPABILITIES, ...TELECOMX_WRITE_CAPABILITIES]),
    listCarries: LIST_CARRIES,
    idPattern: TX_ID,
    operations,
    http,
    writes: (scope) => {
      const scoped = http.scoped(scope);
      const login = loginWith(createTelecomxClient(scoped, cfg.id));
      const withToken = <T>(call: (token: string) => Promise<T>): Promise<T> => (tokens ? tokens.use(call, isRejected, login) : call(machineToken!));
      return telecomxWrites({ sourceId: cfg.id, http: scoped, withToken, customer: cfg.customer });
    },
  });
}
