import { badInput, PbxError } from '../../core/errors.ts';
import type { ExtensionCreateFieldName, ExtensionFieldName, ExtensionFields, ForwardingRuleInput, OfficeHoursInput, SourceWrites } from '../../core/writes.ts';
import type { Capability, ForwardAction } from '../../domain/types.ts';
import { allPages, type PortsipClient } from './client.ts';
import { mapGreetings, mapGroup } from './mappers.ts';
import type { PortsipExtensionSettings, PortsipExtensionUpdate, PortsipGroupDetail, PortsipGroupInput, PortsipPresenceRules, PortsipWeekday } from './types.ts';

/** What PortSIP's token-in-query API can write (portsip.txt: extensions, groups, greetings, call). */
export const PORTSIP_WRITE_CAPABILITIES: readonly Capability[] = ['EXTENSION_CREATE', 'EXTENSION_UPDATE', 'EXTENSION_DELETE', 'GROUP_WRITE', 'GREETING_WRITE', 'CALL_ORIGINATE'];

/** PortSIP keeps two names; extensions/update has no password fields (create only). */
const UPDATE_FIELDS: ReadonlySet<ExtensionFieldName> = new Set<ExtensionFieldName>([
  'firstName', 'lastName', 'email', 'voicemailPin', 'voicemailEnabled', 'language', 'enabled', 'notes', 'forwarding', 'officeHours',
]);
const CREATE_FIELDS: ReadonlySet<ExtensionCreateFieldName> = new Set<ExtensionCreateFieldName>([...UPDATE_FIELDS, 'number', 'password', 'webPassword']);
/** extensions/create requires the SIP password (the web password defaults to it). */
const REQUIRED_CREATE: ReadonlySet<ExtensionCreateFieldName> = new Set<ExtensionCreateFieldName>(['number', 'password']);

/**
 * Action words PortSIP is known to take (portsip.txt examples). Only voicemail has a word in the
 * docs; any other action is written with the client's `vendorAction`, never with a guessed word.
 */
function actionWord(rule: ForwardingRuleInput, field: string): string {
  if (rule.vendorAction) return rule.vendorAction;
  const action: ForwardAction = rule.action;
  switch (action) {
    case 'VOICEMAIL':
      return 'CONNECT_TO_VOICE_MAIL';
    case 'NOTHING':
    case 'BUSY_SIGNAL':
    case 'NUMBER':
    case 'GOTO':
    case 'QUEUE':
    case 'BARGE':
    case 'USE_EXTERNAL':
    case 'EXTENSION':
    case 'OTHER':
      throw badInput(`input.${field}.vendorAction: PortSIP publishes no action word for ${action}; give the vendor's word`);
    default: {
      const never: never = action;
      throw new Error(`unknown action ${String(never)}`);
    }
  }
}

const WEEKDAY_KEY: Record<string, PortsipWeekday> = {
  MONDAY: 'monday', TUESDAY: 'tuesday', WEDNESDAY: 'wednesday', THURSDAY: 'thursday', FRIDAY: 'friday', SATURDAY: 'saturday', SUNDAY: 'sunday',
};

/** The whole record PortSIP's update wants, as the vendor holds it now (secrets included: written back unchanged). */
function currentRecord(x: PortsipExtensionSettings): PortsipExtensionUpdate {
  const copy = structuredClone(x);
  return {
    extension_number: copy.extension_number,
    profile: copy.profile ?? {},
    options: copy.options ?? {},
    forward_rules: copy.forward_rules ?? {},
    office_hours: copy.office_hours ?? {},
    voice_mail: copy.voice_mail ?? {},
  };
}

/** Changes exactly the named fields of `r`; everything else keeps the value it has. */
function applyPatch(r: PortsipExtensionUpdate, p: ExtensionFields): void {
  if (p.firstName !== undefined) r.profile.first_name = p.firstName;
  if (p.lastName !== undefined) r.profile.last_name = p.lastName;
  if (p.email !== undefined) r.profile.email = p.email;
  if (p.notes !== undefined) r.profile.description = p.notes;
  if (p.enabled !== undefined) r.options.enable_extension = p.enabled;
  if (p.voicemailEnabled !== undefined) r.voice_mail.enable_voicemail = p.voicemailEnabled;
  if (p.language !== undefined) r.voice_mail.prompt_language = p.language;
  if (p.voicemailPin !== undefined) {
    r.voice_mail.voicemail_pin = p.voicemailPin;
    r.voice_mail.enable_vm_pin_auth = true;
  }
  if (p.officeHours !== undefined) applyHours(r, p.officeHours);
  p.forwarding?.forEach((rule, i) => applyRule(r, rule, `forwarding[${i}]`));
}

function applyHours(r: PortsipExtensionUpdate, o: OfficeHoursInput): void {
  if (o.mode !== undefined && o.mode !== null) r.office_hours.office_hours_mode = o.mode;
  for (const d of o.days ?? []) {
    const k = WEEKDAY_KEY[d.day]!;
    r.office_hours[`${k}_from`] = d.from ?? '';
    r.office_hours[`${k}_to`] = d.to ?? '';
  }
}

function applyRule(r: PortsipExtensionUpdate, rule: ForwardingRuleInput, field: string): void {
  const word = actionWord(rule, field);
  const value = rule.number ?? '';
  const hours = rule.hours ?? 'ANY';
  const f = r.forward_rules;
  switch (rule.condition) {
    case 'NO_ANSWER':
    case 'BUSY': {
      if (hours !== 'ANY') throw badInput(`input.${field}.hours: PortSIP keeps one ${rule.condition} rule for all hours (ANY)`);
      const a = (f.available ??= {});
      if (rule.condition === 'NO_ANSWER') {
        a.no_answer_action = word;
        a.no_answer_action_value = value;
        if (rule.timeoutSeconds !== undefined && rule.timeoutSeconds !== null) a.no_answer_timeval = rule.timeoutSeconds;
      } else {
        a.busy_action = word;
        a.busy_action_value = value;
      }
      return;
    }
    case 'OFFLINE':
    case 'DND':
    case 'AWAY': {
      const key = rule.condition === 'OFFLINE' ? 'offline' : rule.condition === 'DND' ? 'dnd' : 'away';
      const p: PortsipPresenceRules = (f[key] ??= {});
      if (hours !== 'OUTSIDE_OFFICE_HOURS') {
        p.office_hours_action = word;
        p.office_hours_action_value = value;
      }
      if (hours !== 'OFFICE_HOURS') {
        p.outside_office_hours_action = word;
        p.outside_office_hours_action_value = value;
      }
      return;
    }
    default: {
      const never: never = rule.condition;
      throw new Error(`unknown condition ${String(never)}`);
    }
  }
}

/** A PortSIP rejection that names a field, as BAD_USER_INPUT naming the client's field. */
function rejected(err: unknown, sourceId: string, what: 'number' | 'group' | 'greeting'): unknown {
  if (!(err instanceof PbxError) || err.code !== 'BAD_USER_INPUT') return err;
  if (err.reason === 'already_exists') {
    const field = what === 'number' ? 'number' : what === 'group' ? 'name' : 'filename';
    return badInput(`input.${field}: already exists at PortSIP`, sourceId);
  }
  // PortSIP's message names its own field; the client's name for it is what we say.
  const said = err.reason ?? '';
  const byVendorField: [string, string][] = [['voicemail_pin', 'voicemailPin'], ['office_hours', 'officeHours'], ['forward_rules', 'forwarding'], ['email', 'email'], ['extension_number', 'number'], ['password', 'password'], ['filename', 'filename'], ['url', 'url'], ['members', 'extensionIds']];
  const hit = byVendorField.find(([v]) => said.includes(v));
  return hit ? badInput(`input.${hit[1]}: PortSIP rejected the value`, sourceId) : err;
}

/** Options of PortSIP's writes. */
export interface PortsipWritesOptions {
  /** Source id (errors). */
  sourceId: string;
  /** SIP domain extensions/call is given. */
  callDomain: string;
  /** Page size of greeting lists. */
  pageSize: number;
}

/**
 * PortSIP's writes over one client. Its extension update and group update replace the whole record
 * and the whole member list, so each reads the record first and writes it back with only the named
 * fields changed: nothing the client did not name changes at the vendor.
 */
export function portsipWrites(client: PortsipClient, o: PortsipWritesOptions): SourceWrites {
  const groupInput = (id: string, g: PortsipGroupDetail): PortsipGroupInput & { group_id: string } => ({
    group_id: id,
    group_name: g.group_name,
    group_description: g.group_description ?? '',
    enable_intercom: g.enable_intercom ?? false,
    enable_external_call: g.enable_external_call ?? false,
    enable_management_console_access: g.enable_management_console_access ?? false,
    members: (g.members ?? []).map(String),
  });
  const rewriteGroup = async (id: string, change: (g: PortsipGroupInput & { group_id: string }) => void) => {
    const g = groupInput(id, await client.showGroup(id));
    change(g);
    try {
      await client.updateGroup(g);
    } catch (err) {
      throw rejected(err, o.sourceId, 'group');
    }
  };
  return {
    createFields: CREATE_FIELDS,
    updateFields: UPDATE_FIELDS,
    requiredCreateFields: REQUIRED_CREATE,
    async createExtension(input) {
      const r: PortsipExtensionUpdate = { extension_number: input.number, profile: {}, options: { enable_extension: true }, forward_rules: {}, office_hours: {}, voice_mail: { enable_voicemail: true, enable_vm_pin_auth: false } };
      applyPatch(r, input);
      const body: PortsipExtensionSettings = {
        extension_number: input.number,
        password: input.password!,
        web_access_password: input.webPassword ?? input.password!,
        profile: r.profile,
        options: r.options,
        voice_mail: r.voice_mail,
        // Sections the client did not give are left to the PBX's defaults.
        ...(input.forwarding ? { forward_rules: r.forward_rules } : {}),
        ...(input.officeHours ? { office_hours: r.office_hours } : {}),
      };
      try {
        await client.createExtension(body);
      } catch (err) {
        throw rejected(err, o.sourceId, 'number');
      }
      return { vendorId: input.number };
    },
    async updateExtension(vendorId, patch) {
      const r = currentRecord(await client.showExtensionRecord(vendorId));
      applyPatch(r, patch);
      try {
        await client.updateExtension(r);
      } catch (err) {
        throw rejected(err, o.sourceId, 'number');
      }
    },
    deleteExtension: (vendorId) => client.destroyExtension(vendorId),
    async createGroup(fields, memberIds) {
      try {
        const created = await client.createGroup({
          group_name: fields.name,
          group_description: fields.description ?? '',
          enable_intercom: fields.intercom ?? false,
          enable_external_call: fields.externalCalls ?? false,
          enable_management_console_access: fields.consoleAccess ?? false,
          members: [...memberIds],
        });
        return { vendorId: created.group_id };
      } catch (err) {
        throw rejected(err, o.sourceId, 'group');
      }
    },
    updateGroup: (id, f) =>
      rewriteGroup(id, (g) => {
        if (f.name !== undefined) g.group_name = f.name;
        if (f.description !== undefined) g.group_description = f.description;
        if (f.intercom !== undefined) g.enable_intercom = f.intercom;
        if (f.externalCalls !== undefined) g.enable_external_call = f.externalCalls;
        if (f.consoleAccess !== undefined) g.enable_management_console_access = f.consoleAccess;
      }),
    addGroupMembers: (id, ids) =>
      rewriteGroup(id, (g) => {
        g.members = [...new Set([...(g.members ?? []), ...ids])];
      }),
    removeGroupMembers: (id, ids) =>
      rewriteGroup(id, (g) => {
        const drop = new Set(ids);
        g.members = (g.members ?? []).filter((m) => !drop.has(m));
      }),
    deleteGroup: (id) => client.destroyGroup(id),
    async loadGroup(id) {
      return mapGroup(o.sourceId, { group_id: id }, await client.showGroup(id));
    },
    async addGreeting(vendorId, filename, url) {
      try {
        await client.addGreeting({ extension_number: vendorId, filename, url });
      } catch (err) {
        throw rejected(err, o.sourceId, 'greeting');
      }
    },
    setDefaultGreeting: (vendorId, filename) => client.setupGreeting(vendorId, filename),
    deleteGreeting: (vendorId, filename) => client.destroyGreeting(vendorId, filename),
    async loadGreetings(vendorId) {
      const { first, items } = await allPages((n) => client.listGreetings(vendorId, n, o.pageSize), (p) => p.files, o.pageSize);
      return mapGreetings({ default_file: first.default_file, files: items });
    },
    async originateCall(vendorId, to) {
      // extensions/call authenticates with the extension's own password: read from the PBX for this
      // call only, never kept, logged or answered.
      const x = await client.showExtensionRecord(vendorId);
      await client.call({ extension: vendorId, auth: x.password ?? '', to, domain: o.callDomain, src: vendorId });
      return { callId: null };
    },
  };
}
