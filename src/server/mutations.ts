import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { SourceAdapter, SourceOperations } from '../core/adapter.ts';
import { badInput, notFound, PbxError, unsupported } from '../core/errors.ts';
import { decodeId } from '../core/ids.ts';
import type { ExtensionCreate, ExtensionFields, ForwardingRuleInput, GroupFields, OfficeHoursInput, SourceWrites } from '../core/writes.ts';
import type { Capability, Extension } from '../domain/types.ts';
import type { Resolvers } from '../generated/graphql.ts';
import type { GatewayContext } from './context.ts';
import { invalidate } from './invalidate.ts';
import { rowSelection } from './lookahead.ts';
import type { ExtensionPayloadModel } from './mutation-models.ts';
import { extensionRows } from './rows.ts';

/*
 * The mutations: validate everything before any vendor call, check the capability, run the vendor
 * write once (never retried), reconcile an unknown outcome where the vendor can be asked, forget what
 * the gateway remembered of the record, and answer the record as the vendor holds it afterwards.
 * Inputs are read field by field; a secret (password, PIN) is never put into a message, log or answer.
 */

// ---------------------------------------------------------------------------------------------
// Validation: BAD_USER_INPUT naming the field, before any vendor call.

const NUMBER = /^[0-9]{1,16}$/;
const EMAIL = /^[^\s@"<>()\\,;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PIN = /^[0-9]{4,12}$/;
const PASSWORD = /^[\x21-\x7e]{6,64}$/;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$/;
const DIAL = /^\+?[0-9*#]{1,32}$/;
const DIRECT = /^\+?[0-9]{3,20}$/;
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const VENDOR_REF = /^[A-Za-z0-9_-]{1,64}$/;
const WORD = /^[A-Z0-9_]{1,64}$/;
const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}\.(wav|mp3)$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;

const bad = (field: string, rule: string, pbx?: string) => badInput(`input.${field}: ${rule}`, pbx);

function text(field: string, v: string, max: number, pbx: string, min = 1): void {
  if (v.length < min || v.length > max || CONTROL.test(v)) throw bad(field, `must be ${min} to ${max} characters without control characters`, pbx);
}

function match(field: string, v: string, re: RegExp, rule: string, pbx: string): void {
  if (!re.test(v)) throw bad(field, rule, pbx);
}

/** The fields given (not undefined, not null): null means "leave unchanged", as a field left out. */
function given<T extends object>(input: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (input[k] !== undefined && input[k] !== null) out[k] = input[k];
  return out;
}

const FIELD_KEYS: readonly (keyof ExtensionFields)[] = [
  'name', 'firstName', 'lastName', 'email', 'password', 'webPassword', 'voicemailPin', 'voicemailEnabled', 'language', 'enabled', 'notes',
  'directNumber', 'forwarding', 'officeHours',
];

function checkForwarding(rules: readonly ForwardingRuleInput[], pbx: string): void {
  if (rules.length > 20) throw bad('forwarding', 'at most 20 rules', pbx);
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const f = `forwarding[${i}]`;
    const key = `${r.condition}/${r.hours ?? 'ANY'}`;
    if (seen.has(key)) throw bad(f, 'names a condition and hours another rule already names', pbx);
    seen.add(key);
    if (r.vendorAction !== undefined && r.vendorAction !== null) match(`${f}.vendorAction`, r.vendorAction, WORD, 'must be a vendor action word (A-Z, 0-9, _)', pbx);
    if (r.action === 'OTHER' && !r.vendorAction) throw bad(`${f}.vendorAction`, 'is required for action OTHER', pbx);
    if (r.number !== undefined && r.number !== null) match(`${f}.number`, r.number, DIAL, 'must be a dialable number', pbx);
    if (r.action === 'NUMBER' && !r.number) throw bad(`${f}.number`, 'is required for action NUMBER', pbx);
    if (r.timeoutSeconds !== undefined && r.timeoutSeconds !== null && (r.timeoutSeconds < 1 || r.timeoutSeconds > 600)) throw bad(`${f}.timeoutSeconds`, 'must be 1 to 600', pbx);
  });
}

function checkOfficeHours(o: OfficeHoursInput, pbx: string): void {
  if (o.mode !== undefined && o.mode !== null) match('officeHours.mode', o.mode, WORD, 'must be a vendor mode word (A-Z, 0-9, _)', pbx);
  const seen = new Set<string>();
  (o.days ?? []).forEach((d, i) => {
    if (seen.has(d.day)) throw bad(`officeHours.days[${i}].day`, 'names a weekday twice', pbx);
    seen.add(d.day);
    for (const k of ['from', 'to'] as const) {
      const v = d[k];
      if (v !== null && v !== undefined) match(`officeHours.days[${i}].${k}`, v, HHMM, 'must be HH:MM', pbx);
    }
  });
}

/** Checks the format of every field given and that the vendor keeps it. */
function checkFields(fields: Partial<ExtensionCreate>, allowed: ReadonlySet<string>, what: string, source: SourceAdapter): void {
  const pbx = source.id;
  for (const k of Object.keys(fields)) {
    if (!allowed.has(k)) throw bad(k, `${source.vendor} does not take this field in ${what}`, pbx);
  }
  const f = fields;
  if (f.name !== undefined) text('name', f.name, 100, pbx);
  if (f.firstName !== undefined) text('firstName', f.firstName, 64, pbx);
  if (f.lastName !== undefined) text('lastName', f.lastName, 64, pbx);
  if (f.email !== undefined && (f.email.length > 254 || !EMAIL.test(f.email))) throw bad('email', 'must be an e-mail address', pbx);
  if (f.password !== undefined) match('password', f.password, PASSWORD, 'must be 6 to 64 printable characters without spaces', pbx);
  if (f.webPassword !== undefined) match('webPassword', f.webPassword, PASSWORD, 'must be 6 to 64 printable characters without spaces', pbx);
  if (f.voicemailPin !== undefined) match('voicemailPin', f.voicemailPin, PIN, 'must be 4 to 12 digits', pbx);
  if (f.language !== undefined) match('language', f.language, LANGUAGE, 'must be a language tag such as en-us', pbx);
  if (f.notes !== undefined) text('notes', f.notes, 1000, pbx, 0);
  if (f.directNumber !== undefined) match('directNumber', f.directNumber, DIRECT, 'must be a phone number', pbx);
  if (f.forwarding !== undefined) checkForwarding(f.forwarding, pbx);
  if (f.officeHours !== undefined) checkOfficeHours(f.officeHours, pbx);
  if (f.hotlineId !== undefined) match('hotlineId', f.hotlineId, VENDOR_REF, 'must be a vendor id', pbx);
  if (f.userId !== undefined) match('userId', f.userId, VENDOR_REF, 'must be a vendor id', pbx);
}

// ---------------------------------------------------------------------------------------------
// Routing: the source by id, records by global id; another source's id is NOT_FOUND.

/** The visible source named by its configured id or its Pbx global id (the id rule); NOT_FOUND otherwise. */
function sourceNamed(ctx: GatewayContext, pbx: string): SourceAdapter {
  const gid = ctx.sources.get(pbx) ? undefined : decodeId(pbx);
  const source = ctx.sources.get(pbx) ?? (gid?.type === 'Pbx' ? ctx.sources.get(gid.sourceId) : undefined);
  if (!source) throw notFound(`pbx ${JSON.stringify(pbx).slice(0, 80)}`);
  return source;
}

function recordOf(ctx: GatewayContext, id: string, type: 'Extension' | 'Group', field: string): { source: SourceAdapter; vendorId: string } {
  const gid = decodeId(id);
  if (!gid || gid.type !== type) throw bad(field, `is not a pbx-graph ${type} id`);
  const source = ctx.sources.get(gid.sourceId);
  if (!source) throw notFound(type);
  if (type === 'Extension' && !source.isValidExtensionId(gid.localId)) throw bad(field, `does not name a ${source.vendor} extension`, source.id);
  return { source, vendorId: gid.localId };
}

/** Member ids: each an Extension id of `source` (one of another source is NOT_FOUND there). */
function membersOf(ctx: GatewayContext, ids: readonly string[], source: SourceAdapter): string[] {
  if (ids.length > 500) throw bad('extensionIds', 'at most 500 ids', source.id);
  return [
    ...new Set(
      ids.map((id, i) => {
        const r = recordOf(ctx, id, 'Extension', `extensionIds[${i}]`);
        if (r.source !== source) throw notFound('Extension');
        return r.vendorId;
      }),
    ),
  ];
}

/** The source's writes with the method `cap` needs; UNSUPPORTED_BY_VENDOR (no vendor call) without it. */
function writesFor<M extends keyof SourceWrites>(ctx: GatewayContext, source: SourceAdapter, cap: Capability, method: M, what: string): SourceWrites & Required<Pick<SourceWrites, M>> {
  const writes = source.capabilities.has(cap) ? source.writes?.(ctx.scope) : undefined;
  if (!writes || typeof writes[method] !== 'function') throw unsupported(what, source.vendor, source.id);
  return writes as SourceWrites & Required<Pick<SourceWrites, M>>;
}

// ---------------------------------------------------------------------------------------------
// Running a write: audit, outcome, read-back.

/** Runs one mutation and files its audit entry (key, source, operation, ids, outcome, vendor calls). */
async function audited<T>(ctx: GatewayContext, operation: string, targets: Record<string, string | readonly string[]>, run: (note: (source: SourceAdapter) => void) => Promise<T>): Promise<T> {
  let source: SourceAdapter | undefined;
  let before = 0;
  const note = (s: SourceAdapter) => {
    source = s;
    before = ctx.scope.vendorCalls.get(s.id) ?? 0;
  };
  const entry = () => ({ operation, source: source?.id ?? null, targets, vendorCalls: source ? (ctx.scope.vendorCalls.get(source.id) ?? 0) - before : 0 });
  try {
    const out = await run(note);
    (ctx.audit ??= []).push({ ...entry(), outcome: 'ok' });
    return out;
  } catch (err) {
    (ctx.audit ??= []).push({ ...entry(), outcome: err instanceof PbxError ? err.code : 'INTERNAL_SERVER_ERROR' });
    throw err;
  }
}

const isCode = (err: unknown, code: PbxError['code']) => err instanceof PbxError && err.code === code;

/** One extension as the vendor holds it now (a fresh get, not this request's earlier answer). */
async function readBack(ops: SourceOperations, vendorId: string): Promise<Extension> {
  const [ext] = await ops.loadExtensions([vendorId]);
  if (ext === undefined) throw notFound('Extension');
  if (ext instanceof Error) throw ext;
  return ext;
}

/** The extension with this number, or null: the vendor's lookup, else its search. */
async function findNumber(ops: SourceOperations, number: string): Promise<Extension | null> {
  if (ops.findExtension) return ops.findExtension({ number });
  const page = await ops.listExtensions({ search: number, first: 50 });
  return page.items.find((i) => i.node.number === number)?.node ?? null;
}

/** The payload of a write on an extension: the record read back, this request's loaders primed with it. */
async function extensionPayload(ctx: GatewayContext, source: SourceAdapter, vendorId: string): Promise<ExtensionPayloadModel> {
  invalidate(ctx, source, { extension: vendorId });
  const ext = await readBack(ctx.loaders.ops(source), vendorId);
  ctx.loaders.prime(source, ext);
  return { sourceId: source.id, vendorId, ext };
}

/** The `extension` field of a payload: read only when asked, then resolved like any extension. */
async function payloadExtension(p: ExtensionPayloadModel, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const source = ctx.sources.get(p.sourceId);
  if (!source) throw notFound('Extension');
  const ext = p.ext ?? (await readBack(ctx.loaders.ops(source), p.vendorId));
  const rows = await extensionRows(ctx, [ext], rowSelection(info, []), responsePathAsArray(info.path), false);
  return rows[0]!;
}

async function groupPayload(ctx: GatewayContext, source: SourceAdapter, writes: SourceWrites, groupId: string) {
  invalidate(ctx, source, { group: groupId });
  return { group: await writes.loadGroup!(groupId) };
}

async function greetingPayload(ctx: GatewayContext, source: SourceAdapter, writes: SourceWrites, vendorId: string) {
  invalidate(ctx, source, { extension: vendorId });
  return { sourceId: source.id, vendorId, greetings: await writes.loadGreetings!(vendorId) };
}

function groupFields(input: GroupFields & Record<string, unknown>, pbx: string): GroupFields {
  const f = given(input as GroupFields, ['name', 'description', 'intercom', 'externalCalls', 'consoleAccess']);
  if (f.name !== undefined) text('name', f.name, 100, pbx);
  if (f.description !== undefined) text('description', f.description, 500, pbx, 0);
  return f;
}

function greetingFile(filename: string, pbx: string): void {
  match('filename', filename, FILENAME, 'must be a .wav or .mp3 file name (letters, digits, . _ - and spaces)', pbx);
}

// ---------------------------------------------------------------------------------------------

/** The mutation resolvers and their payload types, merged into the resolver map (server/resolvers.ts). */
export const mutationResolvers: Resolvers = {
  Mutation: {
    createExtension: (_p, { input }, ctx) =>
      audited(ctx, 'createExtension', { pbx: input.pbx, number: input.number }, async (note) => {
        const source = sourceNamed(ctx, input.pbx);
        note(source);
        const writes = writesFor(ctx, source, 'EXTENSION_CREATE', 'createExtension', 'creating extensions');
        match('number', input.number, NUMBER, 'must be 1 to 16 digits', source.id);
        const fields = given(input as ExtensionCreate, [...FIELD_KEYS, 'hotlineId', 'userId']);
        checkFields(fields, writes.createFields, 'createExtension', source);
        for (const k of writes.requiredCreateFields) if (k !== 'number' && fields[k] === undefined) throw bad(k, `is required by ${source.vendor}`, source.id);
        const ops = ctx.loaders.ops(source);
        let created: { vendorId: string; generatedSecret?: string | undefined };
        try {
          created = await writes.createExtension({ ...fields, number: input.number });
        } catch (err) {
          if (!isCode(err, 'UPSTREAM_OUTCOME_UNKNOWN')) throw err;
          // The answer was lost: the number tells whether the create happened.
          const found = await findNumber(ops, input.number).catch(() => null);
          if (!found) throw err;
          created = { vendorId: found.vendorId };
        }
        const payload = await extensionPayload(ctx, source, created.vendorId);
        const secret = created.generatedSecret !== undefined && ctx.caller.scopes.has('secrets') ? created.generatedSecret : null;
        return { ...payload, generatedPassword: secret };
      }),
    updateExtension: (_p, { input }, ctx) =>
      audited(ctx, 'updateExtension', { id: input.id }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Extension', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'EXTENSION_UPDATE', 'updateExtension', 'updating extensions');
        const patch = given(input as ExtensionFields, FIELD_KEYS);
        if (Object.keys(patch).length === 0) throw bad('id', 'name at least one field to change', source.id);
        checkFields(patch, writes.updateFields, 'updateExtension', source);
        await writes.updateExtension(vendorId, patch);
        return extensionPayload(ctx, source, vendorId);
      }),
    deleteExtension: (_p, { input }, ctx) =>
      audited(ctx, 'deleteExtension', { id: input.id }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Extension', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'EXTENSION_DELETE', 'deleteExtension', 'deleting extensions');
        try {
          await writes.deleteExtension(vendorId);
        } catch (err) {
          if (!isCode(err, 'UPSTREAM_OUTCOME_UNKNOWN')) throw err;
          // The answer was lost: the delete happened exactly when the record is gone now.
          const gone = await readBack(ctx.loaders.ops(source), vendorId).then(() => false, (e: unknown) => isCode(e, 'NOT_FOUND'));
          if (!gone) throw err;
        }
        invalidate(ctx, source, { extension: vendorId });
        return { deletedId: input.id };
      }),
    assignExtensionUser: (_p, { input }, ctx) =>
      audited(ctx, 'assignExtensionUser', { id: input.id, userId: input.userId }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Extension', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'EXTENSION_USER_ASSIGN', 'assignUser', 'assigning users');
        match('userId', input.userId, VENDOR_REF, 'must be a vendor id', source.id);
        await writes.assignUser(vendorId, input.userId);
        return extensionPayload(ctx, source, vendorId);
      }),
    removeExtensionUser: (_p, { input }, ctx) =>
      audited(ctx, 'removeExtensionUser', { id: input.id, userId: input.userId }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Extension', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'EXTENSION_USER_ASSIGN', 'removeUser', 'removing users');
        match('userId', input.userId, VENDOR_REF, 'must be a vendor id', source.id);
        await writes.removeUser(vendorId, input.userId);
        return extensionPayload(ctx, source, vendorId);
      }),
    createGroup: (_p, { input }, ctx) =>
      audited(ctx, 'createGroup', { pbx: input.pbx, extensionIds: input.extensionIds ?? [] }, async (note) => {
        const source = sourceNamed(ctx, input.pbx);
        note(source);
        const writes = writesFor(ctx, source, 'GROUP_WRITE', 'createGroup', 'writing groups');
        const fields = groupFields(input as never, source.id);
        const members = membersOf(ctx, input.extensionIds ?? [], source);
        const { vendorId } = await writes.createGroup({ ...fields, name: input.name }, members);
        return groupPayload(ctx, source, writes, vendorId);
      }),
    updateGroup: (_p, { input }, ctx) =>
      audited(ctx, 'updateGroup', { id: input.id }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Group', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'GROUP_WRITE', 'updateGroup', 'writing groups');
        const fields = groupFields(input as never, source.id);
        if (Object.keys(fields).length === 0) throw bad('id', 'name at least one field to change', source.id);
        await writes.updateGroup(vendorId, fields);
        return groupPayload(ctx, source, writes, vendorId);
      }),
    addGroupMembers: (_p, { input }, ctx) =>
      audited(ctx, 'addGroupMembers', { id: input.id, extensionIds: input.extensionIds }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Group', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'GROUP_WRITE', 'addGroupMembers', 'writing groups');
        const members = membersOf(ctx, input.extensionIds, source);
        if (members.length === 0) throw bad('extensionIds', 'name at least one extension', source.id);
        await writes.addGroupMembers(vendorId, members);
        return groupPayload(ctx, source, writes, vendorId);
      }),
    removeGroupMembers: (_p, { input }, ctx) =>
      audited(ctx, 'removeGroupMembers', { id: input.id, extensionIds: input.extensionIds }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Group', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'GROUP_WRITE', 'removeGroupMembers', 'writing groups');
        const members = membersOf(ctx, input.extensionIds, source);
        if (members.length === 0) throw bad('extensionIds', 'name at least one extension', source.id);
        await writes.removeGroupMembers(vendorId, members);
        return groupPayload(ctx, source, writes, vendorId);
      }),
    deleteGroup: (_p, { input }, ctx) =>
      audited(ctx, 'deleteGroup', { id: input.id }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.id, 'Group', 'id');
        note(source);
        const writes = writesFor(ctx, source, 'GROUP_WRITE', 'deleteGroup', 'writing groups');
        await writes.deleteGroup(vendorId);
        invalidate(ctx, source, { group: vendorId });
        return { deletedId: input.id };
      }),
    addGreeting: (_p, { input }, ctx) =>
      audited(ctx, 'addGreeting', { extensionId: input.extensionId, filename: input.filename }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.extensionId, 'Extension', 'extensionId');
        note(source);
        const writes = writesFor(ctx, source, 'GREETING_WRITE', 'addGreeting', 'writing greetings');
        greetingFile(input.filename, source.id);
        let url: URL | undefined;
        try {
          url = new URL(input.url);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || input.url.length > 2000 || url.username || url.password) {
          throw bad('url', 'must be an http(s) URL without credentials, at most 2000 characters', source.id);
        }
        await writes.addGreeting(vendorId, input.filename, input.url);
        return greetingPayload(ctx, source, writes, vendorId);
      }),
    setDefaultGreeting: (_p, { input }, ctx) =>
      audited(ctx, 'setDefaultGreeting', { extensionId: input.extensionId, filename: input.filename }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.extensionId, 'Extension', 'extensionId');
        note(source);
        const writes = writesFor(ctx, source, 'GREETING_WRITE', 'setDefaultGreeting', 'writing greetings');
        greetingFile(input.filename, source.id);
        await writes.setDefaultGreeting(vendorId, input.filename);
        return greetingPayload(ctx, source, writes, vendorId);
      }),
    deleteGreeting: (_p, { input }, ctx) =>
      audited(ctx, 'deleteGreeting', { extensionId: input.extensionId, filename: input.filename }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.extensionId, 'Extension', 'extensionId');
        note(source);
        const writes = writesFor(ctx, source, 'GREETING_WRITE', 'deleteGreeting', 'writing greetings');
        greetingFile(input.filename, source.id);
        await writes.deleteGreeting(vendorId, input.filename);
        return greetingPayload(ctx, source, writes, vendorId);
      }),
    originateCall: (_p, { input }, ctx) =>
      audited(ctx, 'originateCall', { from: input.from }, async (note) => {
        const { source, vendorId } = recordOf(ctx, input.from, 'Extension', 'from');
        note(source);
        const writes = writesFor(ctx, source, 'CALL_ORIGINATE', 'originateCall', 'placing calls');
        match('to', input.to, DIAL, 'must be a dialable number', source.id);
        const { callId } = await writes.originateCall(vendorId, input.to);
        return { sourceId: source.id, vendorId, callId };
      }),
  },
  CreateExtensionPayload: {
    extension: (p, _a, ctx, info) => payloadExtension(p, ctx, info),
    generatedPassword: (p) => p.generatedPassword ?? null,
  },
  UpdateExtensionPayload: {
    extension: (p, _a, ctx, info) => payloadExtension(p, ctx, info),
  },
  ExtensionUserPayload: {
    extension: (p, _a, ctx, info) => payloadExtension(p, ctx, info),
  },
  GreetingPayload: {
    extension: (p, _a, ctx, info) => payloadExtension(p, ctx, info),
  },
  OriginateCallPayload: {
    from: (p, _a, ctx, info) => payloadExtension(p, ctx, info),
  },
};
