import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getNamedType, isLeafType, isObjectType } from 'graphql';
import { LOADED_FIELDS } from '../src/core/fields.ts';
import type { CallerIds, CallStatistics, DialplanTarget, E911Address, ForwardingRule, Greeting, OfficeHours, PresenceRule, StatusInfo, Subscription, VoicemailMessage } from '../src/domain/types.ts';
import { NO_DETAILS } from '../src/domain/types.ts';
import { EXTENSION_MODEL_PROPERTIES, type ConnectionModel, type DeviceModel, type EdgeModel, type GroupModel, type HealthModel, type PageInfoModel, type QueueMembershipModel, type QueueModel } from '../src/server/models.ts';
import type { CallPayloadModel, GreetingPayloadModel } from '../src/server/mutation-models.ts';
import { resolvers } from '../src/server/resolvers.ts';
import { buildSchema } from '../src/server/schema.ts';
import type { SourceAdapter } from '../src/core/adapter.ts';
import { startStack, type TestStack } from './helpers.ts';

/*
 * Every field of every object type of the schema must be answered by something: a resolver, or a
 * property of the object its parent resolves to (the model). A field with neither answers null
 * forever and silently; this walk names it.
 */

/** Every key of a model, checked against its type when this compiles (a missing or extra key is an error). */
const every = <T>(keys: Record<keyof T, true>): readonly string[] => Object.keys(keys);
/** Some keys of a model (its type has many more, methods included), each checked to be one of its keys. */
const some = <T>(keys: Partial<Record<keyof T, true>>): readonly string[] => Object.keys(keys);

/** The properties of the object each schema type's parent resolves to. */
const MODEL_PROPERTIES: Record<string, readonly string[]> = {
  // Root types: resolvers only.
  Query: [],
  Mutation: [],
  Subscription: [],
  // Live events (src/live/): every field has a resolver.
  ExtensionStatusEvent: [],
  PbxHealthEvent: [],
  // What server/rows.ts writes on every row: the plain properties and every loaded field.
  Extension: [...EXTENSION_MODEL_PROPERTIES, ...Object.keys(LOADED_FIELDS)],
  Pbx: some<SourceAdapter>({ id: true, vendor: true, name: true, capabilities: true }),
  PbxHealth: every<HealthModel>({ ok: true, latencyMs: true, errorCode: true }),
  ExtensionConnection: every<ConnectionModel>({ edges: true, pageInfo: true, totalCount: true }),
  ExtensionEdge: every<EdgeModel>({ node: true, adapterCursor: true, endOfSource: true }),
  PageInfo: every<PageInfoModel>({ hasNextPage: true, hasPreviousPage: true, first: true, last: true }),
  StatusDetail: every<StatusInfo>({ status: true, vendorStatus: true, userAgent: true, updatedAt: true }),
  CallerIds: every<CallerIds>({ internal: true, external: true, emergency: true, outbound: true, outboundOffWork: true, nextCall: true }),
  E911Address: every<E911Address>({ subscriber: true, address1: true, address2: true, city: true, state: true, zip: true, psapName: true }),
  ForwardingRule: every<ForwardingRule>({ condition: true, callers: true, hours: true, action: true, vendorAction: true, number: true, target: true, timeoutSeconds: true }),
  DialplanTarget: every<DialplanTarget>({ id: true, type: true, name: true, number: true }),
  PresenceRule: every<PresenceRule>({ presence: true, action: true }),
  OfficeHours: every<OfficeHours>({ mode: true, days: true }),
  OfficeHoursDay: every<OfficeHours['days'][number]>({ day: true, from: true, to: true }),
  CallStatistics: every<CallStatistics>({ local: true, incoming: true, outgoing: true, transit: true }),
  ExtensionSubscription: every<Subscription>({ state: true, vendorState: true, hotlineId: true, userId: true, createdAt: true, updatedAt: true, expiresAt: true }),
  Device: every<DeviceModel>({ sourceId: true, vendorId: true, technology: true, name: true, description: true, userAgent: true, macAddress: true, model: true, phoneNumber: true, online: true, dnd: true, ringsOnCall: true, notes: true }),
  Queue: every<QueueModel>({ sourceId: true, vendorId: true, name: true }),
  QueueMembership: every<QueueMembershipModel>({ queue: true, penalty: true }),
  Group: every<GroupModel>({ sourceId: true, vendorId: true, name: true, description: true, memberCount: true, memberIds: true, intercom: true, externalCalls: true, consoleAccess: true }),
  // Its settings are read through resolvers; the model holds the extension and the settings.
  Voicemail: [],
  VoicemailMessage: every<VoicemailMessage>({ id: true, folder: true, receivedAt: true, callerId: true, durationSeconds: true, priority: true, recordingPath: true }),
  Greeting: every<Greeting>({ name: true, enabled: true, isDefault: true }),
  // Mutation answers (server/mutation-models.ts): the extension is read back by a resolver.
  CreateExtensionPayload: [],
  UpdateExtensionPayload: [],
  ExtensionUserPayload: [],
  GreetingPayload: some<GreetingPayloadModel>({ greetings: true }),
  OriginateCallPayload: some<CallPayloadModel>({ callId: true }),
  GroupPayload: ['group'],
  DeleteExtensionPayload: ['deletedId'],
  DeleteGroupPayload: ['deletedId'],
  // @apollo/subgraph's own.
  _Service: ['sdl'],
};

test('every object field of the schema has a resolver or a model property', () => {
  const schema = buildSchema();
  const unanswered: string[] = [];
  const unknownTypes: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const properties = MODEL_PROPERTIES[type.name];
    if (!properties) {
      unknownTypes.push(type.name);
      continue;
    }
    for (const field of Object.values(type.getFields())) {
      if (!field.resolve && !properties.includes(field.name)) unanswered.push(`${type.name}.${field.name}`);
    }
  }
  assert.deepEqual(unknownTypes, [], 'object types whose model this test does not know: add them to MODEL_PROPERTIES');
  assert.deepEqual(unanswered, [], 'fields answered by nothing (a detail field of Extension also needs its line in domain/types.ts DETAILS)');
});

test('every detail field of the domain record that the schema names has a resolver, none of them written by hand', () => {
  const fields = buildSchema().getType('Extension');
  assert.ok(isObjectType(fields));
  const own = resolvers.Extension as Record<string, unknown>;
  for (const name of Object.keys(NO_DETAILS)) {
    const field = fields.getFields()[name];
    if (!field) continue;
    assert.ok(field.resolve, `Extension.${name} has no resolver`);
    // voicemail wraps its settings in a model of its own.
    if (name !== 'voicemail') assert.equal(own[name], undefined, `Extension.${name} is wired by hand in resolvers.ts`);
  }
});

describe('plain fields of the domain record reach the client through the generic path', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ size: 4 });
  });
  after(async () => stack.close());

  test('every vendor: each plain detail field answers what the adapter\'s record holds', async () => {
    const extension = buildSchema().getType('Extension');
    assert.ok(isObjectType(extension));
    // The leaf detail fields no capability gates: read from the record as they are.
    const plain = Object.keys(NO_DETAILS).filter((name) => {
      const field = extension.getFields()[name];
      return field !== undefined && isLeafType(getNamedType(field.type));
    });
    assert.ok(plain.length >= 10, plain.join());
    let compared = 0;
    for (const source of stack.gateway.sources) {
      const { items } = await source.listExtensions({ first: 2 });
      const vendorId = items[1]!.node.vendorId;
      const [record] = await source.loadExtensions([vendorId]);
      assert.ok(record && !(record instanceof Error), source.id);
      const listed = (await stack.gql(`{ extensions(pbx: "${source.id}", first: 2) { edges { node { vendorId ${plain.join(' ')} } } } }`)).data.extensions.edges[1].node;
      const one = await stack.gql(`{ findExtension(pbx: "${source.id}", number: ${JSON.stringify(items[1]!.node.number)}) { vendorId ${plain.join(' ')} } }`);
      for (const name of plain) {
        const want: unknown = (record as unknown as Record<string, unknown>)[name] ?? null;
        assert.deepEqual(listed[name], want, `${source.id}: Extension.${name} of a listed extension`);
        if (one.data?.findExtension) assert.deepEqual(one.data.findExtension[name], want, `${source.id}: Extension.${name} of one extension`);
        if (want !== null) compared++;
      }
    }
    assert.ok(compared >= 10, `only ${compared} non-null values compared`);
  });
});
