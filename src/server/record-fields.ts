import { responsePathAsArray, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { GATED_FIELDS, type GatedFieldDeclaration } from '../core/fields.ts';
import { NO_DETAILS, type Capability, type Extension, type ExtensionDetailField } from '../domain/types.ts';
import type { GatewayContext } from './context.ts';
import type { ExtensionModel } from './models.ts';
import type { UnsupportedField } from './request-errors.ts';

/** The source a parent object came from. */
export function sourceOf(ctx: GatewayContext, ext: { sourceId: string }): SourceAdapter {
  const s = ctx.sources.get(ext.sourceId);
  // A parent object can only come from a visible source; anything else is a bug, masked.
  if (!s) throw new Error(`source ${ext.sourceId} vanished`);
  return s;
}

/**
 * A field that needs a capability. For a source without it the field is null, with no vendor call,
 * and the request gets ONE UNSUPPORTED_BY_VENDOR error per source and field (ctx.errors).
 */
export function capable<P, R>(field: UnsupportedField, cap: Capability, extOf: (parent: P) => Extension, resolve: (parent: P, ctx: GatewayContext) => R) {
  return (parent: P, _args: unknown, ctx: GatewayContext, info: GraphQLResolveInfo): R | null => {
    const source = sourceOf(ctx, extOf(parent));
    if (source.capabilities.has(cap)) return resolve(parent, ctx);
    ctx.errors.unsupported(field, source, responsePathAsArray(info.path));
    return null;
  };
}

/** A field a partial (list) record may lack: read it, or load the full record once per request. */
export async function detail<F extends ExtensionDetailField>(ctx: GatewayContext, ext: Extension, field: F): Promise<NonNullable<Extension[F]> | null> {
  const own = ext[field];
  if (own !== undefined) return own ?? null;
  if (!ext.partial) return null;
  const full = await ctx.loaders.get('extension', sourceOf(ctx, ext))!.load(ext.vendorId);
  return full[field] ?? null;
}

/** The resolver of one detail field of the record, gated by its capability when core/fields.ts declares one. */
function recordField(name: ExtensionDetailField): GraphQLFieldResolver<ExtensionModel, GatewayContext> {
  const gate = (GATED_FIELDS as Record<string, GatedFieldDeclaration>)[name];
  if (gate) return capable({ name: `Extension.${name}`, what: gate.what }, gate.capability, (m: ExtensionModel) => m.ext, (m, ctx) => detail(ctx, m.ext, name));
  return (m, _a, ctx) => detail(ctx, m.ext, name);
}

const DETAIL_FIELDS: ReadonlySet<string> = new Set(Object.keys(NO_DETAILS));

/**
 * Gives every Extension field of the schema that is a detail field of the domain record
 * (domain/types.ts DETAILS) and has no resolver of its own a resolver that reads the record: a
 * field added to the schema and the domain type reaches the client with no wiring here. A schema
 * field that is neither a model property, a resolver nor a detail field is left alone, and the
 * schema-walk test names it.
 */
export function resolveRecordFields(schema: GraphQLSchema): void {
  const type = schema.getType('Extension');
  if (!type || !('getFields' in type)) return;
  for (const field of Object.values(type.getFields())) {
    if (field.resolve || !DETAIL_FIELDS.has(field.name)) continue;
    field.resolve = recordField(field.name as ExtensionDetailField) as GraphQLFieldResolver<unknown, unknown>;
  }
}
