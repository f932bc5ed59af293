import { createHash, randomUUID } from 'node:crypto';
import type { ForgetTarget, SourceAdapter } from '../core/adapter.ts';
import { createSourceHttp, type CallObserver } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import type { SharedSpace } from '../core/shared-fill.ts';
import type { Stores } from '../core/stores.ts';
import type { BaseSourceConfig, VendorModule } from '../core/vendor-module.ts';

/** What adapter creation needs. */
export interface AdapterDeps {
  /** The vendor registry. */
  vendors: ReadonlyMap<string, VendorModule>;
  /** Logger (each source gets a child). */
  logger: Logger;
  /** Vendor-call observer (metrics). */
  observer?: CallObserver | undefined;
  /** The deployment's stores: when shared (Redis), sources keep sessions and whole-list answers there. */
  stores?: Stores | undefined;
}

/**
 * A source's keys in the shared store: its id plus a digest of its whole configuration, so replicas
 * share a session only when they talk to the same vendor with the same credentials.
 */
function sourceSpace(stores: Stores, cfg: BaseSourceConfig): SharedSpace {
  const digest = createHash('sha256').update(JSON.stringify(cfg)).digest('base64url').slice(0, 16);
  return { kv: stores.kv, prefix: `source:${cfg.id}:${digest}:` };
}

/**
 * The adapter, with `forget` told to every replica: a write on one replica drops the whole-list
 * answers the others keep in memory too (over the change feed), not only the shared copy.
 */
function forgetEverywhere(adapter: SourceAdapter, stores: Stores, space: SharedSpace, logger: Logger): SourceAdapter {
  const channel = `${space.prefix}forget`;
  const me = randomUUID();
  const unsubscribe = stores.pubsub
    .subscribe(channel, (from) => {
      if (from !== me) adapter.forget();
    })
    .catch((err: unknown) => {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot hear other replicas forget this source: their writes show here after the cache window');
      return async () => {};
    });
  return {
    ...adapter,
    forget(target?: ForgetTarget) {
      adapter.forget(target);
      void stores.pubsub.publish(channel, me).catch(() => {});
    },
    async close() {
      await (await unsubscribe)();
      await adapter.close();
    },
  };
}

/** Builds one adapter per configured source through its vendor's factory. */
export function createAdapters(sources: readonly BaseSourceConfig[], deps: AdapterDeps): SourceAdapter[] {
  return sources.map((cfg) => {
    const mod = deps.vendors.get(cfg.vendor);
    if (!mod) throw new Error(`no vendor module for ${cfg.vendor}`);
    const logger = deps.logger.child({ source: cfg.id, vendor: cfg.vendor });
    const space = deps.stores?.shared ? sourceSpace(deps.stores, cfg) : undefined;
    const adapter = mod.createAdapter(cfg, {
      logger,
      ...(space ? { shared: space } : {}),
      // The breaker and the answer memo are the source's config, not the vendor's: adapters never see them.
      createHttp: (opts) =>
        createSourceHttp({
          ...opts,
          logger,
          ...(cfg.breaker ? { breaker: cfg.breaker } : {}),
          ...(cfg.answerMemoBytes !== undefined ? { answerMemoBytes: cfg.answerMemoBytes } : {}),
          ...(deps.observer ? { observer: deps.observer } : {}),
        }),
    });
    return space && deps.stores ? forgetEverywhere(adapter, deps.stores, space, logger) : adapter;
  });
}
