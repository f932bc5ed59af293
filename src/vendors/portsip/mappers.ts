import {
  NO_DETAILS,
  type Extension, type ExtensionStatus, type ForwardAction, type ForwardCondition, type ForwardingRule, type Greeting, type Group, type HoursScope, type OfficeHours,
  type StatusInfo, type VoicemailSettings, type Weekday,
} from '../../domain/types.ts';
import {
  PORTSIP_STATUS_WORDS, PORTSIP_WEEKDAYS,
  type PortsipExtensionSettings, type PortsipExtensionSummary, type PortsipForwardRules, type PortsipGreetingFile, type PortsipGroupDetail,
  type PortsipGroupRef, type PortsipGroupSummary, type PortsipOfficeHours, type PortsipPresenceRules, type PortsipStatusWord, type PortsipVoiceMail,
  type PortsipWeekday,
} from './types.ts';

/** Pure mappers from PortSIP JSON to the domain model. Secrets (passwords, PIN) are never read. */

/** PortSIP writes "none" as an empty string. */
const text = (s: string | null | undefined): string | null => (s === undefined || s === null || s === '' ? null : s);

const fullName = (first: string | null | undefined, last: string | null | undefined): string | null =>
  text([first, last].filter((s) => typeof s === 'string' && s !== '').join(' '));

/** Validity the copied page gives a token ("30 seconds"), used when `expires` is unreadable. */
export const DOC_TOKEN_VALIDITY_MS = 30_000;

/**
 * How long pbx-graph trusts a token, from the login answer's `expires` (seconds, number or string):
 * the vendor's word, less a margin for request time (a fifth of it, at most one second), so even a
 * very short lifetime is renewed before the vendor drops it rather than on every call.
 */
export function tokenLifetimeMs(expires: number | string | undefined): number {
  const s = Number(expires);
  const ms = Number.isFinite(s) && s > 0 ? s * 1000 : DOC_TOKEN_VALIDITY_MS;
  return ms - Math.min(1000, ms / 5);
}

const isStatusWord = (w: string): w is PortsipStatusWord => (PORTSIP_STATUS_WORDS as readonly string[]).includes(w);

/** A PortSIP status word as the schema's status; unknown words are UNKNOWN (the word is kept apart). */
export function mapStatusWord(word: string | null | undefined): ExtensionStatus {
  if (typeof word !== 'string' || !isStatusWord(word)) return 'UNKNOWN';
  switch (word) {
    case 'AVAILABLE':
      return 'AVAILABLE';
    case 'ON_CALL':
      return 'ON_CALL';
    case 'OFFLINE':
      return 'OFFLINE';
    case 'DND':
      return 'DND';
    case 'AWAY':
      return 'AWAY';
    default: {
      const never: never = word;
      throw new Error(`unknown PortSIP status ${String(never)}`);
    }
  }
}

/** One entry of extensions/status. PortSIP gives no freshness time. */
export function mapStatus(x: { status: string; user_agent?: string | null | undefined }): StatusInfo {
  return { status: mapStatusWord(x.status), vendorStatus: text(x.status), userAgent: text(x.user_agent), updatedAt: null };
}

/**
 * A list or search record: summary fields only, so `partial` (the detail fields come from
 * extensions/show). The list's `status` is deliberately not used: live status always comes from
 * the batched extensions/status endpoint, so one extension's status has one source whether it was
 * reached through a list, a get or a group, and the list's snapshot (a coarse, possibly stale copy)
 * never disagrees with it in one answer. Phone fields (user agent, MAC, model) are not mapped:
 * pbx-graph does not claim DEVICES for PortSIP.
 */
export function mapExtensionSummary(sourceId: string, x: PortsipExtensionSummary): Extension {
  return {
    sourceId,
    vendorId: x.extension_number,
    number: x.extension_number,
    name: fullName(x.first_name, x.last_name),
    restricted: false,
    partial: true,
    firstName: text(x.first_name),
    lastName: text(x.last_name),
    email: text(x.email),
  };
}

/** Group ids of `belong_groups` (objects with group_id, or bare ids). */
export function groupIdsOf(refs: readonly PortsipGroupRef[]): string[] {
  return refs.map((r) => (typeof r === 'string' ? r : r.group_id)).filter((id) => typeof id === 'string' && id !== '');
}

/**
 * Action words known from the doc's examples. CONNECT_TO_VOICE is read as the voicemail action: the
 * doc uses it as the default busy/offline/DND/away action next to CONNECT_TO_VOICE_MAIL. Other words
 * are OTHER, with the word kept in vendorAction and the value in number.
 */
const FORWARD_ACTIONS = ['CONNECT_TO_VOICE_MAIL', 'CONNECT_TO_VOICE'] as const;
type PortsipForwardAction = (typeof FORWARD_ACTIONS)[number];

function mapForwardAction(word: string | undefined): ForwardAction {
  if (word === undefined || !(FORWARD_ACTIONS as readonly string[]).includes(word)) return 'OTHER';
  const known = word as PortsipForwardAction;
  switch (known) {
    case 'CONNECT_TO_VOICE_MAIL':
    case 'CONNECT_TO_VOICE':
      return 'VOICEMAIL';
    default: {
      const never: never = known;
      throw new Error(`unknown PortSIP forward action ${String(never)}`);
    }
  }
}

function rule(condition: ForwardCondition, hours: HoursScope, action: string | undefined, value: string | undefined, timeoutSeconds: number | null): ForwardingRule {
  return { condition, callers: 'ANY', hours, action: mapForwardAction(action), vendorAction: text(action), number: text(value), target: null, timeoutSeconds };
}

function presenceRules(condition: ForwardCondition, r: PortsipPresenceRules | undefined): ForwardingRule[] {
  if (!r) return [];
  return [
    rule(condition, 'OFFICE_HOURS', r.office_hours_action, r.office_hours_action_value, null),
    rule(condition, 'OUTSIDE_OFFICE_HOURS', r.outside_office_hours_action, r.outside_office_hours_action_value, null),
  ];
}

/** `forward_rules`: no-answer and busy while available, then offline, DND and away by office hours. */
export function mapForwardRules(f: PortsipForwardRules): ForwardingRule[] {
  const out: ForwardingRule[] = [];
  const a = f.available;
  if (a) {
    out.push(rule('NO_ANSWER', 'ANY', a.no_answer_action, a.no_answer_action_value, typeof a.no_answer_timeval === 'number' ? a.no_answer_timeval : null));
    out.push(rule('BUSY', 'ANY', a.busy_action, a.busy_action_value, null));
  }
  out.push(...presenceRules('OFFLINE', f.offline), ...presenceRules('DND', f.dnd), ...presenceRules('AWAY', f.away));
  return out;
}

const WEEKDAY: Record<PortsipWeekday, Weekday> = {
  monday: 'MONDAY', tuesday: 'TUESDAY', wednesday: 'WEDNESDAY', thursday: 'THURSDAY', friday: 'FRIDAY', saturday: 'SATURDAY', sunday: 'SUNDAY',
};

/** `office_hours`: the mode and each weekday's from/to. */
export function mapOfficeHours(o: PortsipOfficeHours): OfficeHours {
  return {
    mode: text(o.office_hours_mode),
    days: PORTSIP_WEEKDAYS.map((d) => ({ day: WEEKDAY[d], from: text(o[`${d}_from`]), to: text(o[`${d}_to`]) })),
  };
}

/** `voice_mail`: whether a PIN is set, never the PIN. PortSIP names no mailbox apart from the number. */
export function mapVoicemail(v: PortsipVoiceMail): VoicemailSettings {
  return {
    enabled: v.enable_voicemail ?? null,
    mailbox: null,
    language: text(v.prompt_language),
    hasVoicemailPin: v.enable_vm_pin_auth ?? null,
    playCallerId: v.enable_play_caller_id ?? null,
    readOutDateTime: text(v.msg_read_out_datetime),
  };
}

/**
 * The extensions/show answer: a full record. `password`, `web_access_password` and
 * `voice_mail.voicemail_pin` are not read. The only language PortSIP keeps is the voicemail prompt
 * language, which is what the schema's `language` means.
 */
export function mapExtensionSettings(sourceId: string, x: PortsipExtensionSettings): Extension {
  const p = x.profile;
  return {
    sourceId,
    vendorId: x.extension_number,
    number: x.extension_number,
    name: fullName(p?.first_name, p?.last_name),
    restricted: false,
    partial: false,
    // PortSIP has no caller ids, DID, tenant, SIP domain, E911, presence rules or subscription.
    ...NO_DETAILS,
    firstName: text(p?.first_name),
    lastName: text(p?.last_name),
    email: text(p?.email),
    language: text(x.voice_mail?.prompt_language),
    enabled: x.options?.enable_extension ?? null,
    notes: text(p?.description),
    forwarding: x.forward_rules ? mapForwardRules(x.forward_rules) : null,
    officeHours: x.office_hours ? mapOfficeHours(x.office_hours) : null,
    voicemail: x.voice_mail ? mapVoicemail(x.voice_mail) : null,
    // Absent belong_groups (an older PBX) leaves groups to the group loader.
    groupIds: Array.isArray(x.belong_groups) ? groupIdsOf(x.belong_groups) : undefined,
  };
}

/**
 * A group from its list entry and, when fetched, its extensions/group/show answer (which carries no
 * group_id in the doc's example, so the id comes from the list or the request). Without the detail,
 * members and flags are unknown.
 */
export function mapGroup(sourceId: string, summary: PortsipGroupSummary, detail?: PortsipGroupDetail): Group {
  const members = detail?.members?.map(String);
  return {
    sourceId,
    vendorId: summary.group_id,
    name: text(detail?.group_name ?? summary.group_name),
    description: text(detail?.group_description),
    memberCount: members ? members.length : (summary.members_count ?? null),
    memberIds: members,
    intercom: detail?.enable_intercom ?? null,
    externalCalls: detail?.enable_external_call ?? null,
    consoleAccess: detail?.enable_management_console_access ?? null,
  };
}

/**
 * Greeting files. `default_file` is the file in use; when it is not among `files` (as in the doc's
 * example, where it may be a system file), it is still listed, first, as the enabled default, so a
 * client always sees which greeting plays.
 */
export function mapGreetings(g: { default_file?: string; files?: PortsipGreetingFile[] }): Greeting[] {
  const out = (g.files ?? []).map((f) => ({ name: f.filename, enabled: f.enabled === true, isDefault: f.filename === g.default_file }));
  if (g.default_file && !out.some((f) => f.isDefault)) out.unshift({ name: g.default_file, enabled: true, isDefault: true });
  return out;
}
