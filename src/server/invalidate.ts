import type { SourceAdapter } from '../core/adapter.ts';
import type { GatewayContext } from './context.ts';

/**
 * After a write, forgets what the gateway remembered of the changed records, so the next query shows
 * the change: the source's cached vendor answers (list caches, group index) and the page hints of the
 * source, plus this request's loaders for the changed extension or group.
 */
export function invalidate(ctx: GatewayContext, source: SourceAdapter, target?: { extension?: string; group?: string }): void {
  source.clearCache?.();
  ctx.pageHints.forgetSource(source.id);
  if (target?.extension !== undefined) {
    for (const kind of ['extension', 'extensionRef', 'greetings', 'extensionGroupIds', 'voicemailMessages'] as const) ctx.loaders.get(kind, source)?.clear(target.extension);
  }
  if (target?.group !== undefined) ctx.loaders.get('group', source)?.clear(target.group);
}
