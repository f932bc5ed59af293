import type { ForgetTarget, SourceAdapter } from '../core/adapter.ts';
import type { GatewayContext } from './context.ts';

/**
 * The one way to make the gateway forget what it remembers of a record after a write: the adapter's
 * caches and remembered answers (SourceAdapter.forget), this request's loaded values of the source,
 * and the gateway's page hints of the source (a page's membership may have changed). `target` names
 * the record in vendor ids; without one, everything of the source is forgotten.
 */
export function invalidate(ctx: GatewayContext, source: SourceAdapter, target?: ForgetTarget): void {
  source.forget(target);
  ctx.loaders.forget(source);
  ctx.pageHints.forgetSource(source.id);
}
