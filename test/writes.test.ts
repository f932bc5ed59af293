import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../src/core/ids.ts';
import type { PortsipSimulatorHandle } from '../src/vendors/portsip/simulator.ts';
import { TELECOMX_SIM, type TelecomxSimulatorHandle } from '../src/vendors/telecomx/simulator.ts';
import { ETELECOM_SIM_HOTLINES } from '../src/vendors/etelecom/simulator.ts';
import { codes, startStack, vendorCalls, type TestStack } from './helpers.ts';

/*
 * The write contract, over every vendor with writes, against the simulators over real HTTP: what a
 * mutation answers is what the vendor holds afterwards, a field left out is unchanged at the vendor,
 * and every refusal happens before any vendor call.
 */

const WRITER = 'writer-key-0123456789abcdef';
const SECRETS = 'secrets-key-0123456789abcdef';
const READER = 'reader-key-0123456789abcdef';
const PORTSIP_ONLY = 'portsip-only-0123456789abcdef';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const PS = 'portsip-demo';
const TX = 'telecomx-demo';
const ET = 'etelecom-demo';
const extId = (source: string, vendorId: string) => encodeId('Extension', source, vendorId);
const groupId = (source: string, vendorId: string) => encodeId('Group', source, vendorId);

const CREATE = `mutation C($i: CreateExtensionInput!) { createExtension(input: $i) { extension { id vendorId number name firstName lastName email enabled notes directNumber } generatedPassword } }`;
const CREATE_PS = CREATE.replace('directNumber }', 'directNumber voicemail { enabled hasVoicemailPin } }');
const CREATE_ET = CREATE.replace('directNumber }', 'directNumber subscription { hotlineId userId } }');
const UPDATE = `mutation U($i: UpdateExtensionInput!) { updateExtension(input: $i) { extension { id number name firstName lastName email notes directNumber language enabled } } }`;
const UPDATE_PS = UPDATE.replace('enabled }', 'enabled voicemail { enabled hasVoicemailPin } forwarding { condition hours action vendorAction number timeoutSeconds } officeHours { mode days { day from to } } }');
const DELETE = `mutation D($i: DeleteExtensionInput!) { deleteExtension(input: $i) { deletedId } }`;
const FIND = `query F($pbx: ID!, $n: String!) { findExtension(pbx: $pbx, number: $n) { id number name subscription { userId } } }`;
const FORWARDING = 'forwarding { condition callers hours action vendorAction number target { id } timeoutSeconds }';
const UPDATE_TX = UPDATE.replace('enabled }', `enabled ${FORWARDING} }`);
const CREATE_TX = CREATE.replace('directNumber }', `directNumber ${FORWARDING} }`);
const GROUP_FIELDS = `group { id name description intercom externalCalls consoleAccess memberCount members { number } }`;

let stack: TestStack;
let portsip: PortsipSimulatorHandle;
let telecomx: TelecomxSimulatorHandle;

before(async () => {
  stack = await startStack({
    size: 5,
    extraConfig: {
      apiKeys: [
        { name: 'writer', key: WRITER, scopes: ['read', 'write'] },
        { name: 'secrets-writer', key: SECRETS, scopes: ['read', 'write', 'secrets'] },
        { name: 'reader', key: READER, scopes: ['read'] },
        { name: 'portsip-only', key: PORTSIP_ONLY, scopes: ['read', 'write'], sources: [PS] },
      ],
    },
  });
  portsip = stack.sims.get('portsip') as PortsipSimulatorHandle;
  telecomx = stack.sims.get('telecomx') as TelecomxSimulatorHandle;
});
after(() => stack.close());

const gql = (query: string, variables: Record<string, unknown>, key = WRITER, headers: Record<string, string> = {}) => stack.gql(query, variables, { ...auth(key), ...headers });

/** The requests the simulators served since the last reset. */
const served = () => [...stack.sims.values()].reduce((n, s) => n + s.totalRequests(), 0);

describe('capabilities', () => {
  test('each vendor lists the writes it can do; Point VoIP and VitalPBX none', async () => {
    const r = await gql(`{ pbxes { vendor capabilities } }`, {});
    const caps = Object.fromEntries(r.data.pbxes.map((p: { vendor: string; capabilities: string[] }) => [p.vendor, p.capabilities]));
    const writes = (id: string) => caps[id].filter((c: string) => /_(CREATE|UPDATE|DELETE|WRITE|ASSIGN)$|ORIGINATE/.test(c)).sort();
    assert.deepEqual(writes('portsip'), ['CALL_ORIGINATE', 'EXTENSION_CREATE', 'EXTENSION_DELETE', 'EXTENSION_UPDATE', 'GREETING_WRITE', 'GROUP_WRITE']);
    assert.deepEqual(writes('telecomx'), ['CALL_ORIGINATE', 'EXTENSION_CREATE', 'EXTENSION_DELETE', 'EXTENSION_UPDATE']);
    assert.deepEqual(writes('etelecom'), ['EXTENSION_CREATE', 'EXTENSION_USER_ASSIGN']);
    for (const vendor of ['portal', 'vitalpbx']) assert.deepEqual(writes(vendor), [], vendor);
  });

  test('a vendor without the write answers UNSUPPORTED_BY_VENDOR with no vendor call', async () => {
    const r0 = await gql(`{ pbxes { sourceId vendor } }`, {});
    const others = r0.data.pbxes.filter((p: { vendor: string }) => p.vendor === 'portal' || p.vendor === 'vitalpbx');
    assert.ok(others.length >= 2);
    stack.reset();
    for (const p of others) {
      const r = await gql(CREATE, { i: { pbx: p.sourceId, number: '880', name: 'No One' } });
      assert.deepEqual(codes(r), ['UNSUPPORTED_BY_VENDOR'], p.sourceId);
    }
    const r = await gql(UPDATE, { i: { id: extId(ET, '1001'), notes: 'x' } });
    assert.deepEqual(codes(r), ['UNSUPPORTED_BY_VENDOR']);
    const g = await gql(`mutation { createGroup(input: { pbx: "${TX}", name: "G" }) { group { id } } }`, {});
    assert.deepEqual(codes(g), ['UNSUPPORTED_BY_VENDOR']);
    assert.equal(served(), 0);
  });
});

describe('PortSIP writes', () => {
  test('create → the next list shows it; delete → gone', async () => {
    const c = await gql(CREATE_PS, { i: { pbx: PS, number: '4100', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', password: 'Initial-pass-1', voicemailPin: '2468' } });
    assert.equal(c.errors, undefined, JSON.stringify(c.errors));
    const ext = c.data.createExtension.extension;
    assert.deepEqual([ext.number, ext.firstName, ext.lastName, ext.email, ext.voicemail.hasVoicemailPin], ['4100', 'Ada', 'Lovelace', 'ada@example.com', true]);
    assert.equal(c.data.createExtension.generatedPassword, null);
    assert.equal(portsip.record('4100')?.password, 'Initial-pass-1');
    const list = await gql(`{ extensions(pbx: "${PS}", search: "4100") { edges { node { number name } } } }`, {});
    assert.deepEqual(list.data.extensions.edges.map((e: { node: { number: string } }) => e.node.number), ['4100']);

    const d = await gql(DELETE, { i: { id: ext.id } });
    assert.deepEqual(d.data.deleteExtension, { deletedId: ext.id });
    assert.equal(portsip.record('4100'), undefined);
    const gone = await gql(FIND, { pbx: PS, n: '4100' });
    assert.equal(gone.data.findExtension, null);
  });

  test('update of one field leaves every other field unchanged at the PBX (PIN, forwarding, office hours, passwords)', async () => {
    const before = portsip.record('1000')!;
    const r = await gql(UPDATE, { i: { id: extId(PS, '1000'), lastName: 'Renamed' } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.updateExtension.extension.lastName, 'Renamed');
    const afterwards = portsip.record('1000')!;
    const expected = structuredClone(before);
    expected.profile!.last_name = 'Renamed';
    assert.deepEqual(afterwards, expected);
  });

  test('PIN, forwarding rule and office hours: each changes alone', async () => {
    const before = portsip.record('1001')!;
    const r = await gql(UPDATE_PS, {
      i: {
        id: extId(PS, '1001'),
        voicemailPin: '97531',
        forwarding: [{ condition: 'NO_ANSWER', action: 'VOICEMAIL', timeoutSeconds: 35 }],
        officeHours: { days: [{ day: 'SATURDAY', from: null, to: null }] },
      },
    });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const noAnswer = r.data.updateExtension.extension.forwarding.find((f: { condition: string }) => f.condition === 'NO_ANSWER');
    assert.equal(noAnswer.timeoutSeconds, 35);
    const saturday = r.data.updateExtension.extension.officeHours.days.find((d: { day: string }) => d.day === 'SATURDAY');
    assert.deepEqual(saturday, { day: 'SATURDAY', from: null, to: null });
    const expected = structuredClone(before);
    expected.voice_mail = { ...expected.voice_mail, voicemail_pin: '97531', enable_vm_pin_auth: true };
    expected.forward_rules!.available = { ...expected.forward_rules!.available, no_answer_action: 'CONNECT_TO_VOICE_MAIL', no_answer_action_value: '', no_answer_timeval: 35 };
    expected.office_hours = { ...expected.office_hours, saturday_from: '', saturday_to: '' };
    assert.deepEqual(portsip.record('1001'), expected);
  });

  test('groups: create with members, add and remove members, update one field, delete', async () => {
    const c = await gql(`mutation($i: CreateGroupInput!) { createGroup(input: $i) { ${GROUP_FIELDS} } }`, { i: { pbx: PS, name: 'Night shift', intercom: true, extensionIds: [extId(PS, '101')] } });
    assert.equal(c.errors, undefined, JSON.stringify(c.errors));
    const g = c.data.createGroup.group;
    assert.deepEqual([g.name, g.intercom, g.externalCalls, g.members.map((m: { number: string }) => m.number)], ['Night shift', true, false, ['101']]);
    const vendorGroupId = Buffer.from(g.id, 'base64url').toString().split(':')[2]!;

    const add = await gql(`mutation($i: GroupMembersInput!) { addGroupMembers(input: $i) { ${GROUP_FIELDS} } }`, { i: { id: g.id, extensionIds: [extId(PS, '102'), extId(PS, '101')] } });
    assert.deepEqual(add.data.addGroupMembers.group.members.map((m: { number: string }) => m.number).sort(), ['101', '102']);

    const upd = await gql(`mutation($i: UpdateGroupInput!) { updateGroup(input: $i) { ${GROUP_FIELDS} } }`, { i: { id: g.id, description: 'after hours' } });
    const ug = upd.data.updateGroup.group;
    assert.deepEqual([ug.name, ug.description, ug.intercom, ug.memberCount], ['Night shift', 'after hours', true, 2]);

    const rm = await gql(`mutation($i: GroupMembersInput!) { removeGroupMembers(input: $i) { ${GROUP_FIELDS} } }`, { i: { id: g.id, extensionIds: [extId(PS, '101')] } });
    assert.deepEqual(rm.data.removeGroupMembers.group.members.map((m: { number: string }) => m.number), ['102']);
    assert.deepEqual(portsip.group(vendorGroupId)?.members, ['102']);

    // The next query sees the change (the group index was forgotten).
    const q = await gql(`{ extension(id: "${extId(PS, '102')}") { groups { name } } }`, {});
    assert.ok(q.data.extension.groups.some((x: { name: string }) => x.name === 'Night shift'));

    const d = await gql(`mutation($i: DeleteGroupInput!) { deleteGroup(input: $i) { deletedId } }`, { i: { id: g.id } });
    assert.equal(d.data.deleteGroup.deletedId, g.id);
    assert.equal(portsip.group(vendorGroupId), undefined);
  });

  test('greetings: add, make default, delete', async () => {
    const e = extId(PS, '102');
    const add = await gql(`mutation($i: AddGreetingInput!) { addGreeting(input: $i) { greetings { name isDefault } extension { number } } }`, { i: { extensionId: e, filename: 'welcome.wav', url: 'https://files.example.com/welcome.wav' } });
    assert.equal(add.errors, undefined, JSON.stringify(add.errors));
    assert.deepEqual(add.data.addGreeting.greetings, [{ name: 'welcome.wav', isDefault: false }]);
    assert.equal(add.data.addGreeting.extension.number, '102');
    const def = await gql(`mutation($i: GreetingFileInput!) { setDefaultGreeting(input: $i) { greetings { name isDefault } } }`, { i: { extensionId: e, filename: 'welcome.wav' } });
    assert.deepEqual(def.data.setDefaultGreeting.greetings, [{ name: 'welcome.wav', isDefault: true }]);
    const del = await gql(`mutation($i: GreetingFileInput!) { deleteGreeting(input: $i) { greetings { name } } }`, { i: { extensionId: e, filename: 'welcome.wav' } });
    assert.deepEqual(del.data.deleteGreeting.greetings, []);
  });

  test('originateCall reaches extensions/call with the extension, number and domain', async () => {
    stack.reset();
    const r = await gql(`mutation($i: OriginateCallInput!) { originateCall(input: $i) { callId from { number } } }`, { i: { from: extId(PS, '101'), to: '+4512345678' } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.originateCall.from.number, '101');
    const call = portsip.log.find((l) => l.path === '/extensions/call');
    assert.ok(call);
    assert.deepEqual([call.query['extension'], call.query['to'], call.query['domain']], ['101', '+4512345678', '127.0.0.1']);
    assert.equal(portsip.requests.get('GET /extensions/call'), 1);
  });

  test('a duplicate number is BAD_USER_INPUT naming the number', async () => {
    const r = await gql(CREATE, { i: { pbx: PS, number: '101', firstName: 'Dup', password: 'Another-pass-1' } });
    assert.deepEqual(codes(r), ['BAD_USER_INPUT']);
    assert.match(r.errors![0]!.message, /input\.number/);
  });
});

/** A forwarding rule as the schema answers it. */
interface RuleOut {
  condition: string;
  callers: string;
  hours: string;
  action: string;
  vendorAction: string | null;
  number: string | null;
  target: { id: string } | null;
  timeoutSeconds: number | null;
}

/** How a written rule reads back at Telecom X: the same rule for each of its caller scopes. */
const readBackTx = (condition: string, action: string, vendorAction: string, number: string | null, timeoutSeconds: number | null): RuleOut[] =>
  ['EXTERNAL', 'INTERNAL', 'MOBILE'].map((callers) => ({ condition, callers, hours: 'ANY', action, vendorAction, number, target: null, timeoutSeconds }));

/** The noAnswer/busy fields a rule for every caller sets. */
const txBlock = (action: string, number: string | null) => ({
  extAction: action, extNumber: number, extGoto: null,
  intAction: action, intNumber: number, intGoto: null,
  mobileAction: action, mobileNumber: number, mobileGoto: null,
});

const rulesOf = (rules: RuleOut[], condition: string) => rules.filter((r) => r.condition === condition);

describe('Telecom X writes', () => {
  test('create, partial update that sends only the field named, delete', async () => {
    const c = await gql(CREATE, { i: { pbx: TX, number: '4242', name: 'Scrooge McDuck', notes: 'money bin' } });
    assert.equal(c.errors, undefined, JSON.stringify(c.errors));
    const ext = c.data.createExtension.extension;
    assert.deepEqual([ext.number, ext.name, ext.notes], ['4242', 'Scrooge McDuck', 'money bin']);
    const list = await gql(`{ extensions(pbx: "${TX}", search: "4242") { edges { node { number name } } } }`, {});
    assert.deepEqual(list.data.extensions.edges.map((e: { node: { name: string } }) => e.node.name), ['Scrooge McDuck']);

    const before = telecomx.record(TELECOMX_SIM.dollyId)!;
    stack.reset();
    const u = await gql(UPDATE, { i: { id: extId(TX, TELECOMX_SIM.dollyId), notes: 'on holiday' } });
    assert.equal(u.errors, undefined, JSON.stringify(u.errors));
    assert.equal(u.data.updateExtension.extension.notes, 'on holiday');
    const sent = telecomx.log.find((l) => l.method === 'POST' && l.path.startsWith('/pbx/extension/'));
    assert.deepEqual(sent?.body, { notes: 'on holiday' });
    assert.deepEqual(telecomx.record(TELECOMX_SIM.dollyId), { ...before, notes: 'on holiday' });

    const d = await gql(DELETE, { i: { id: ext.id } });
    assert.equal(d.data.deleteExtension.deletedId, ext.id);
    assert.equal(telecomx.record(ext.vendorId), undefined);
    const again = await gql(`{ extensions(pbx: "${TX}", search: "4242") { edges { node { number } } } }`, {});
    assert.deepEqual(again.data.extensions.edges, []);
  });

  test('forwarding: a NO_ANSWER rule sends the noAnswer block alone and reads back as written', async () => {
    const id = extId(TX, TELECOMX_SIM.dollyId);
    const before = telecomx.record(TELECOMX_SIM.dollyId)!;
    const prior = await gql(`{ extension(id: "${id}") { ${FORWARDING} } }`, {});
    stack.reset();
    const u = await gql(UPDATE_TX, { i: { id, forwarding: [{ condition: 'NO_ANSWER', action: 'NUMBER', number: '+4512345678', timeoutSeconds: 25 }] } });
    assert.equal(u.errors, undefined, JSON.stringify(u.errors));
    const noAnswer = { ...txBlock('NUMBER', '+4512345678'), timeout: 25 };
    const sent = telecomx.log.find((l) => l.method === 'POST' && l.path.startsWith('/pbx/extension/'));
    assert.deepEqual(sent?.body, { noAnswer });
    assert.deepEqual(telecomx.record(TELECOMX_SIM.dollyId), { ...before, noAnswer: { ...before.noAnswer, ...noAnswer } });
    const written = readBackTx('NO_ANSWER', 'NUMBER', 'NUMBER', '+4512345678', 25);
    const payload: RuleOut[] = u.data.updateExtension.extension.forwarding;
    assert.deepEqual(rulesOf(payload, 'NO_ANSWER'), written);
    assert.deepEqual(rulesOf(payload, 'BUSY'), rulesOf(prior.data.extension.forwarding, 'BUSY'));
    const next = await gql(`{ extension(id: "${id}") { ${FORWARDING} } }`, {});
    assert.deepEqual(next.data.extension.forwarding, payload);
  });

  test('forwarding: a rule without a timeout keeps the vendor’s timeout; both blocks in one update', async () => {
    const before = telecomx.record(TELECOMX_SIM.receptionId)!;
    stack.reset();
    const u = await gql(UPDATE_TX, {
      i: { id: extId(TX, TELECOMX_SIM.receptionId), forwarding: [{ condition: 'NO_ANSWER', action: 'VOICEMAIL' }, { condition: 'BUSY', action: 'QUEUE', hours: 'ANY' }] },
    });
    assert.equal(u.errors, undefined, JSON.stringify(u.errors));
    const sent = telecomx.log.find((l) => l.method === 'POST' && l.path.startsWith('/pbx/extension/'));
    assert.deepEqual(sent?.body, { noAnswer: txBlock('VOICEMAIL', null), busy: txBlock('QUEUE', null) });
    const expected = { ...before, noAnswer: { ...before.noAnswer, ...txBlock('VOICEMAIL', null) }, busy: { ...before.busy, ...txBlock('QUEUE', null) } };
    assert.deepEqual(telecomx.record(TELECOMX_SIM.receptionId), expected);
    assert.equal(before.noAnswer?.timeout, 30);
    assert.deepEqual(u.data.updateExtension.extension.forwarding, [
      ...readBackTx('NO_ANSWER', 'VOICEMAIL', 'VOICEMAIL', null, 30),
      ...readBackTx('BUSY', 'QUEUE', 'QUEUE', null, null),
    ]);
  });

  test('forwarding on create: the busy block is sent and reads back as written', async () => {
    const c = await gql(CREATE_TX, { i: { pbx: TX, number: '4243', name: 'Gyro Gearloose', forwarding: [{ condition: 'BUSY', action: 'BUSY_SIGNAL' }] } });
    assert.equal(c.errors, undefined, JSON.stringify(c.errors));
    const ext = c.data.createExtension.extension;
    assert.deepEqual(ext.forwarding, readBackTx('BUSY', 'BUSY_SIGNAL', 'BUSY', null, null));
    assert.deepEqual(telecomx.record(ext.vendorId)?.busy, txBlock('BUSY', null));
    assert.equal(telecomx.record(ext.vendorId)?.noAnswer, undefined);
    await gql(DELETE, { i: { id: ext.id } });
  });

  test('a name part is BAD_USER_INPUT: Telecom X keeps one name', async () => {
    stack.reset();
    const r = await gql(UPDATE, { i: { id: extId(TX, TELECOMX_SIM.dollyId), firstName: 'Dolly' } });
    assert.deepEqual(codes(r), ['BAD_USER_INPUT']);
    assert.match(r.errors![0]!.message, /input\.firstName/);
    assert.equal(served(), 0);
  });

  test('a duplicate number is BAD_USER_INPUT naming the number', async () => {
    const r = await gql(CREATE, { i: { pbx: TX, number: '592', name: 'Second Donald' } });
    assert.deepEqual(codes(r), ['BAD_USER_INPUT']);
    assert.match(r.errors![0]!.message, /input\.number/);
  });

  test('originateCall calls from the extension’s phone to the target', async () => {
    const r = await gql(`mutation($i: OriginateCallInput!) { originateCall(input: $i) { callId } }`, { i: { from: extId(TX, TELECOMX_SIM.dollyId), to: '+4570000000' } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const last = telecomx.calls().at(-1)!;
    assert.deepEqual([last.device, last.target, last._id], ['5f00000000000000000000b1', '+4570000000', r.data.originateCall.callId]);
  });
});

describe('eTelecom writes', () => {
  test('create answers the generated SIP password once, only to a key with the secrets scope', async () => {
    const plain = await gql(CREATE_ET, { i: { pbx: ET, number: '7001', hotlineId: ETELECOM_SIM_HOTLINES[0] } });
    assert.equal(plain.errors, undefined, JSON.stringify(plain.errors));
    assert.equal(plain.data.createExtension.generatedPassword, null);
    assert.equal(plain.data.createExtension.extension.subscription.hotlineId, ETELECOM_SIM_HOTLINES[0]);
    const secret = await gql(CREATE_ET, { i: { pbx: ET, number: '7002', hotlineId: ETELECOM_SIM_HOTLINES[1] } }, SECRETS);
    assert.match(secret.data.createExtension.generatedPassword, /^sim-canary-secret-new-/);
    const found = await gql(FIND, { pbx: ET, n: '7002' });
    assert.equal(found.data.findExtension.number, '7002');
  });

  test('create without a hotline is BAD_USER_INPUT naming hotlineId, with no vendor call', async () => {
    stack.reset();
    const r = await gql(CREATE, { i: { pbx: ET, number: '7003' } });
    assert.deepEqual(codes(r), ['BAD_USER_INPUT']);
    assert.match(r.errors![0]!.message, /input\.hotlineId/);
    assert.equal(served(), 0);
  });

  test('assign and remove the user of an extension', async () => {
    const id = extId(ET, '1002');
    const q = `mutation($i: ExtensionUserInput!) { assignExtensionUser(input: $i) { extension { subscription { userId } } } }`;
    const a = await gql(q, { i: { id, userId: '1170000000000009999' } });
    assert.equal(a.errors, undefined, JSON.stringify(a.errors));
    assert.equal(a.data.assignExtensionUser.extension.subscription.userId, '1170000000000009999');
    const r = await gql(q.replace('assignExtensionUser', 'removeExtensionUser').replace('assignExtensionUser', 'removeExtensionUser'), { i: { id, userId: '1170000000000009999' } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.removeExtensionUser.extension.subscription.userId, null);
  });
});

describe('validation before any vendor call', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['number', CREATE, { pbx: PS, number: '12a', password: 'Valid-pass-1' }, 'input.number'],
    ['e-mail', CREATE, { pbx: PS, number: '4300', password: 'Valid-pass-1', email: 'not-an-email' }, 'input.email'],
    ['PIN', UPDATE, { id: extId(PS, '1000'), voicemailPin: '12' }, 'input.voicemailPin'],
    ['field the vendor does not keep', UPDATE, { id: extId(PS, '1000'), name: 'One Name' }, 'input.name'],
    ['password on update (PortSIP takes it on create only)', UPDATE, { id: extId(PS, '1000'), password: 'Valid-pass-1' }, 'input.password'],
    ['required field', CREATE, { pbx: PS, number: '4301', firstName: 'No', lastName: 'Password' }, 'input.password'],
    ['malformed id', UPDATE, { id: 'not-an-id', notes: 'x' }, 'input.id'],
    ['id of another type', UPDATE, { id: groupId(PS, '12'), notes: 'x' }, 'input.id'],
    ['id with a bad vendor id', UPDATE, { id: extId(TX, 'zz'), notes: 'x' }, 'input.id'],
    ['forwarding without a vendor word', UPDATE, { id: extId(PS, '1000'), forwarding: [{ condition: 'BUSY', action: 'OTHER' }] }, 'input.forwarding[0].vendorAction'],
    ['office hours', UPDATE, { id: extId(PS, '1000'), officeHours: { days: [{ day: 'MONDAY', from: '25:00', to: '17:00' }] } }, 'input.officeHours.days[0].from'],
    ['Telecom X: a presence condition', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'DND', action: 'VOICEMAIL' }] }, 'input.forwarding[0].condition'],
    ['Telecom X: office-hours scope', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'NO_ANSWER', hours: 'OFFICE_HOURS', action: 'VOICEMAIL' }] }, 'input.forwarding[0].hours'],
    ['Telecom X: BARGE (local callers only)', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'BUSY', action: 'BARGE' }] }, 'input.forwarding[0].action'],
    ['Telecom X: QUEUE on no answer', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'NO_ANSWER', action: 'QUEUE' }] }, 'input.forwarding[0].action'],
    ['Telecom X: GOTO (no target in the input)', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'BUSY', action: 'GOTO' }] }, 'input.forwarding[0].action'],
    ['Telecom X: OTHER', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'BUSY', action: 'OTHER', vendorAction: 'QUEUE' }] }, 'input.forwarding[0].action'],
    ['Telecom X: timeout out of 5-60', UPDATE, { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'NO_ANSWER', action: 'VOICEMAIL', timeoutSeconds: 90 }] }, 'input.forwarding[0].timeoutSeconds'],
    ['Telecom X: a timeout on busy', CREATE, { pbx: TX, number: '4244', name: 'X', forwarding: [{ condition: 'BUSY', action: 'VOICEMAIL', timeoutSeconds: 20 }] }, 'input.forwarding[0].timeoutSeconds'],
    [
      'Telecom X: a number without action NUMBER',
      UPDATE,
      { id: extId(TX, TELECOMX_SIM.dollyId), forwarding: [{ condition: 'NO_ANSWER', action: 'VOICEMAIL' }, { condition: 'BUSY', action: 'VOICEMAIL', number: '100' }] },
      'input.forwarding[1].number',
    ],
  ];
  for (const [name, query, input, field] of cases) {
    test(`${name}: BAD_USER_INPUT naming ${field}`, async () => {
      stack.reset();
      const r = await gql(query, { i: input });
      assert.deepEqual(codes(r), ['BAD_USER_INPUT'], JSON.stringify(r.errors));
      assert.ok(r.errors![0]!.message.startsWith(field), r.errors![0]!.message);
      assert.equal(served(), 0);
      assert.deepEqual(vendorCalls(r), {});
    });
  }

  test('a member of another source is NOT_FOUND with no vendor call', async () => {
    stack.reset();
    const r = await gql(`mutation($i: GroupMembersInput!) { addGroupMembers(input: $i) { group { id } } }`, { i: { id: groupId(PS, '12'), extensionIds: [extId(TX, TELECOMX_SIM.dollyId)] } });
    assert.deepEqual(codes(r), ['NOT_FOUND']);
    assert.equal(served(), 0);
  });
});

describe('scope and isolation', () => {
  test('a read key is FORBIDDEN with no vendor call', async () => {
    stack.reset();
    const r = await gql(UPDATE, { i: { id: extId(PS, '1000'), notes: 'x' } }, READER);
    assert.deepEqual(codes(r), ['FORBIDDEN']);
    assert.equal(served(), 0);
  });

  test('a key of another source gets NOT_FOUND with no vendor call', async () => {
    stack.reset();
    const r1 = await gql(UPDATE, { i: { id: extId(TX, TELECOMX_SIM.dollyId), notes: 'x' } }, PORTSIP_ONLY);
    const r2 = await gql(CREATE, { i: { pbx: TX, number: '4500', name: 'X' } }, PORTSIP_ONLY);
    assert.deepEqual([...codes(r1), ...codes(r2)], ['NOT_FOUND', 'NOT_FOUND']);
    assert.equal(served(), 0);
  });

  test('each mutation writes one audit line: key, source, operation, targets, outcome, vendor calls', async () => {
    const from = stack.logLines.length;
    await gql(UPDATE, { i: { id: extId(PS, '1000'), notes: 'audited' } });
    await gql(UPDATE, { i: { id: extId(PS, '1000'), voicemailPin: 'x' } });
    const lines = stack.logLines.slice(from).map((l) => JSON.parse(l)).filter((l) => l.audit === true);
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => [l.key, l.source, l.operation, l.targets.id, l.outcome]),
      [
        ['writer', PS, 'updateExtension', extId(PS, '1000'), 'ok'],
        ['writer', PS, 'updateExtension', extId(PS, '1000'), 'BAD_USER_INPUT'],
      ],
    );
    assert.ok(lines[0].vendorCalls >= 2);
    assert.equal(lines[1].vendorCalls, 0);
  });
});

describe('secrets are write-only (canary)', () => {
  test('no input password or PIN appears in any answer or log line', async () => {
    const pw = 'Canary-Pw-7f3k9q';
    const web = 'Canary-Web-2m8x4z';
    const pin = '73915284';
    const badPin = 'Canary-Pin-55x';
    const answers: string[] = [];
    const from = stack.logLines.length;
    const run = async (q: string, i: Record<string, unknown>) => answers.push(JSON.stringify(await gql(q, { i })));
    await run(CREATE, { pbx: PS, number: '4600', firstName: 'Canary', lastName: 'Bird', password: pw, webPassword: web, voicemailPin: pin });
    await run(UPDATE, { id: extId(PS, '4600'), voicemailPin: pin });
    await run(UPDATE, { id: extId(PS, '4600'), voicemailPin: badPin });
    await run(CREATE, { pbx: PS, number: '4600', firstName: 'Again', password: pw, voicemailPin: pin });
    await run(CREATE, { pbx: PS, number: '4601', password: 'x' + pw + ' with space' });
    // Values of the wrong type: graphql-js would quote them in its error.
    await run(UPDATE, { id: extId(PS, '4600'), voicemailPin: Number(pin) });
    await run(CREATE, { pbx: PS, number: '4602', password: { secret: pw } });
    answers.push(JSON.stringify(await stack.gql(`mutation { updateExtension(input: { id: "${extId(PS, '4600')}", voicemailPin: ${pin} }) { extension { id } } }`, {}, auth(WRITER))));
    answers.push(JSON.stringify(await gql(`{ extension(id: "${extId(PS, '4600')}") { id firstName voicemail { hasVoicemailPin } } }`, {})));
    const text = answers.join('\n') + '\n' + stack.logLines.slice(from).join('\n');
    for (const secret of [pw, web, pin, badPin]) assert.ok(!text.includes(secret), `secret ${secret} leaked`);
    assert.equal(portsip.record('4600')?.voice_mail?.voicemail_pin, pin);
  });
});

describe('Telecom X access levels', () => {
  let personal: TestStack;
  before(async () => {
    personal = await startStack({ vendors: ['telecomx'], size: 2, sourceOverrides: { telecomx: { username: TELECOMX_SIM.personal.email, password: TELECOMX_SIM.personal.password } } });
  });
  after(() => personal.close());

  test('a PERSONAL credential may rename its own extension, not change its notes or another extension', async () => {
    const q = `mutation U($i: UpdateExtensionInput!) { updateExtension(input: $i) { extension { id name } } }`;
    const own = await personal.gql(q, { i: { id: extId(TX, TELECOMX_SIM.donaldId), name: 'Donald F. Duck' } });
    assert.equal(own.errors, undefined, JSON.stringify(own.errors));
    assert.equal(own.data.updateExtension.extension.name, 'Donald F. Duck');
    const notes = await personal.gql(q, { i: { id: extId(TX, TELECOMX_SIM.donaldId), notes: 'not mine to change' } });
    assert.deepEqual(codes(notes), ['FORBIDDEN']);
    const other = await personal.gql(q, { i: { id: extId(TX, TELECOMX_SIM.dollyId), name: 'Not Dolly' } });
    assert.deepEqual(codes(other), ['FORBIDDEN']);
    const sim = personal.sims.get('telecomx') as TelecomxSimulatorHandle;
    assert.equal(sim.record(TELECOMX_SIM.dollyId)?.name, 'Dolly Duck');
  });

  test('a PERSONAL credential may not change forwarding, even its own: FORBIDDEN, nothing stored', async () => {
    const sim = personal.sims.get('telecomx') as TelecomxSimulatorHandle;
    const before = sim.record(TELECOMX_SIM.donaldId);
    const q = `mutation U($i: UpdateExtensionInput!) { updateExtension(input: $i) { extension { id } } }`;
    const r = await personal.gql(q, { i: { id: extId(TX, TELECOMX_SIM.donaldId), forwarding: [{ condition: 'BUSY', action: 'VOICEMAIL' }] } });
    assert.deepEqual(codes(r), ['FORBIDDEN']);
    assert.deepEqual(sim.record(TELECOMX_SIM.donaldId), before);
  });
});
