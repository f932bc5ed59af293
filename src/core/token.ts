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
}

/**
 * What an adapter holds its vendor session through. TokenCache keeps it in process; a holder that
 * shares it between replicas (through a KeyValueStore) implements the same four methods.
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
  readonly #opts: Required<Omit<TokenCacheOptions, 'sliding'>> & { sliding: boolean };

  constructor(opts: TokenCacheOptions) {
    this.#opts = { sliding: false, marginMs: 1000, now: Date.now, ...opts };
  }

  /**
   * A token believed valid now. `login` replaces the configured one for this call (a request's own
   * client, so the login it triggers is counted against it); concurrent callers share one login.
   */
  token(login: () => Promise<IssuedToken> = this.#opts.login): Promise<string> {
    const cur = this.#current;
    if (cur && cur.expiresAt - this.#opts.marginMs > this.#opts.now()) return Promise.resolve(cur.token);
    if (!this.#pending) {
      this.#pending = login().then(
        (t) => {
          this.#current = { token: t.token, lifetimeMs: t.lifetimeMs, expiresAt: t.lifetimeMs === null ? Infinity : this.#opts.now() + t.lifetimeMs };
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

  /** Forgets `token` if it is still the current one (it was refused). */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  /** Records a successful call: a sliding token lives on from now. */
  touch(token: string): void {
    const cur = this.#current;
    if (this.#opts.sliding && cur && cur.token === token && cur.lifetimeMs !== null) cur.expiresAt = this.#opts.now() + cur.lifetimeMs;
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
