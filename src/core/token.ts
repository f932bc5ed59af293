import { sharedFill, type SharedEntry } from './shared-fill.ts';

/** A vendor session token and how long it lives. */
export interface IssuedToken {
  /** The token. */
  token: string;
  /** Lifetime in ms from issue (or from last use, when sliding); null: never expires. */
  lifetimeMs: number | null;
}

/** Options of a token cache. */
export interface TokenCacheOptions {
  /** Logs in and returns a fresh token. */
  login: () => Promise<IssuedToken>;
  /** True when each successful call extends the token's life (PortSIP). */
  sliding?: boolean;
  /** Renew this long before the expiry, ms (clock skew, request time). */
  marginMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Where replicas share the token: one logs in, the others use its token (absent: this process only). */
  shared?: SharedEntry | undefined;
}

/** The shared form of a token: its expiry is absolute, so every replica renews at the same time. */
interface SharedToken {
  /** The token. */
  token: string;
  /** Lifetime in ms, null: never expires. */
  lifetimeMs: number | null;
  /** Expiry, ms since the epoch; null: never. */
  expiresAt: number | null;
}

/** How long a token that never expires is kept in the shared store before a replica logs in afresh. */
const NEVER_EXPIRING_SHARED_MS = 3_600_000;

/**
 * What an adapter holds its vendor session through. TokenCache keeps it in process, and with its
 * `shared` option also in a KeyValueStore, so the replicas of a deployment share one login.
 */
export interface TokenHolder {
  /** A token believed valid now; concurrent callers share one login (`login` replaces the configured one). */
  token(login?: () => Promise<IssuedToken>): Promise<string>;
  /** Forgets `token` if it is still the current one (the vendor refused it). */
  invalidate(token: string): void;
  /** Records a successful call made with `token` (a sliding token lives on). */
  touch(token: string): void;
  /** Runs `call` with a valid token; on a refusal `isRejected` recognises, logs in once more (shared) and retries once. */
  use<T>(call: (token: string) => Promise<T>, isRejected: (err: unknown) => boolean, login?: () => Promise<IssuedToken>): Promise<T>;
}

/**
 * One source's vendor session: logs in lazily, renews before expiry, and never runs more than one
 * login at a time however many requests wait on it (single-flight). When a call still meets an
 * expired token (the vendor's idea of time differs), `use` logs in again once and retries once.
 */
export class TokenCache implements TokenHolder {
  #current: { token: string; expiresAt: number; lifetimeMs: number | null } | undefined;
  #pending: Promise<string> | undefined;
  readonly #opts: Required<Omit<TokenCacheOptions, 'sliding' | 'shared'>> & { sliding: boolean; shared: SharedEntry | undefined };
  /** The last token a vendor refused: never taken back from the shared store. */
  #refused: string | undefined;
  /** When a sliding token's shared expiry was last moved on. */
  #sharedTouchAt = 0;

  constructor(opts: TokenCacheOptions) {
    this.#opts = { sliding: false, marginMs: 1000, now: Date.now, shared: undefined, ...opts };
  }

  /**
   * A token believed valid now. `login` replaces the configured one for this call (a request's own
   * client, so the login it triggers is counted against it); concurrent callers share one login.
   */
  token(login: () => Promise<IssuedToken> = this.#opts.login): Promise<string> {
    const cur = this.#current;
    if (cur && cur.expiresAt - this.#opts.marginMs > this.#opts.now()) return Promise.resolve(cur.token);
    if (!this.#pending) {
      this.#pending = this.#obtain(login).then(
        (t) => {
          this.#current = { token: t.token, lifetimeMs: t.lifetimeMs, expiresAt: t.expiresAt ?? Infinity };
          this.#pending = undefined;
          return t.token;
        },
        (err: unknown) => {
          this.#pending = undefined;
          throw err;
        },
      );
    }
    return this.#pending;
  }

  /** Forgets `token` if it is still the current one (it was refused), here and in the shared store. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
    this.#refused = token;
    const shared = this.#opts.shared;
    if (shared) {
      void shared.kv
        .get(shared.key)
        .then((v) => (v !== undefined && parseShared(v)?.token === token ? shared.kv.delete(shared.key) : undefined))
        .catch(() => {});
    }
  }

  /** Records a successful call: a sliding token lives on from now (in the shared store a few times per lifetime). */
  touch(token: string): void {
    const cur = this.#current;
    if (!(this.#opts.sliding && cur && cur.token === token && cur.lifetimeMs !== null)) return;
    const now = this.#opts.now();
    cur.expiresAt = now + cur.lifetimeMs;
    const shared = this.#opts.shared;
    if (shared && now - this.#sharedTouchAt > cur.lifetimeMs / 4) {
      this.#sharedTouchAt = now;
      const record: SharedToken = { token, lifetimeMs: cur.lifetimeMs, expiresAt: cur.expiresAt };
      void shared.kv.set(shared.key, JSON.stringify(record), cur.lifetimeMs).catch(() => {});
    }
  }

  /** A fresh token: the shared one when another replica holds a good one, else one login shared with them. */
  #obtain(login: () => Promise<IssuedToken>): Promise<SharedToken> {
    const { shared, now, marginMs } = this.#opts;
    const fresh = async (): Promise<SharedToken> => {
      const t = await login();
      return { token: t.token, lifetimeMs: t.lifetimeMs, expiresAt: t.lifetimeMs === null ? null : now() + t.lifetimeMs };
    };
    if (!shared) return fresh();
    const usable = (stored: string): SharedToken | undefined => {
      const t = parseShared(stored);
      return t && t.token !== this.#refused && (t.expiresAt === null || t.expiresAt - marginMs > now()) ? t : undefined;
    };
    return sharedFill(
      shared,
      async () => {
        const t = await fresh();
        this.#sharedTouchAt = now();
        return { result: t, stored: JSON.stringify(t), ttlMs: t.expiresAt === null ? NEVER_EXPIRING_SHARED_MS : Math.max(1, t.expiresAt - now()) };
      },
      usable,
    );
  }

  /**
   * Runs `call` with a valid token; when `isExpired(err)` says the vendor refused it as expired,
   * logs in again (shared with concurrent callers) and retries once. `login` as for token().
   */
  async use<T>(call: (token: string) => Promise<T>, isExpired: (err: unknown) => boolean, login?: () => Promise<IssuedToken>): Promise<T> {
    const token = await this.token(login);
    try {
      const result = await call(token);
      this.touch(token);
      return result;
    } catch (err) {
      if (!isExpired(err)) throw err;
      this.invalidate(token);
      const fresh = await this.token(login);
      const result = await call(fresh);
      this.touch(fresh);
      return result;
    }
  }
}

/** A shared token record, or undefined when it is not one (another version wrote it, or garbage). */
function parseShared(stored: string): SharedToken | undefined {
  try {
    const v = JSON.parse(stored) as Partial<SharedToken>;
    if (typeof v.token !== 'string' || !(v.lifetimeMs === null || typeof v.lifetimeMs === 'number') || !(v.expiresAt === null || typeof v.expiresAt === 'number')) return undefined;
    return { token: v.token, lifetimeMs: v.lifetimeMs, expiresAt: v.expiresAt };
  } catch {
    return undefined;
  }
}
