import type { SourceAdapter } from '../core/adapter.ts';
import { createSourceHttp, type CallObserver } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import type { BaseSourceConfig, VendorModule } from '../core/vendor-module.ts';

/** What adapter creation needs. */
export interface AdapterDeps {
  /** The vendor registry. */
  vendors: ReadonlyMap<string, VendorModule>;
  /** Logger (each source gets a child). */
  logger: Logger;
  /** Vendor-call observer (metrics). */
  observer?: CallObserver | undefined;
}

/** Builds one adapter per configured source through its vendor's factory. */
export function createAdapters(sources: readonly BaseSourceConfig[], deps: AdapterDeps): SourceAdapter[] {
  return sources.map((cfg) => {
    const mod = deps.vendors.get(cfg.vendor);
    if (!mod) throw new Error(`no vendor module for ${cfg.vendor}`);
    const logger = deps.logger.child({ source: cfg.id, vendor: cfg.vendor });
    return mod.createAdapter(cfg, {
      logger,
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
  });
}
