import { z } from 'zod';
import { numeric } from '../../core/validate.ts';

/**
 * Raw PortSIP PBX REST API shapes (the token-in-query generation), as in
 * ../shared/vendor-docs/portsip.txt plus the facts in its README. These never leave this folder:
 * mappers.ts turns them into domain objects. Answers are zod schemas, checked at the edge (client.ts),
 * and their TypeScript types are inferred from them, so the two cannot drift.
 */

/** POST account/credentials/verify answer. */
export const PortsipSessionSchema = z.object({
  /** The 32-character session token, passed as `access_token`. */
  access_token: z.string().min(1),
  /** Lifetime in seconds; the vendor's own example writes it as a string ("600"). */
  expires: z.union([z.number(), z.string()]).optional(),
  /** Role of the account (e.g. admin). */
  role: z.string().optional(),
  /** API version of the PBX. */
  api_version: z.string().optional(),
});
/** POST account/credentials/verify answer. */
export type PortsipSession = z.infer<typeof PortsipSessionSchema>;

/** The paging fields every list answer carries. */
export const PortsipPageSchema = z.object({
  /** 1-based page number that was served. */
  pagination: numeric.optional(),
  /** Page size that was served. */
  pagesize: numeric.optional(),
  /** Sort order (DEFAULT or Optional). */
  sort_by: z.string().optional(),
  /** Total number of pages. */
  page_count: numeric,
  /** "Current pagesize" per the doc; not relied on. */
  count: numeric.optional(),
});
/** The paging fields every list answer carries. */
export type PortsipPage = z.infer<typeof PortsipPageSchema>;

/**
 * Status words PortSIP is known to answer. ON_CALL and OFFLINE are in the doc's examples; AVAILABLE,
 * DND and AWAY are the presence states the PBX routes calls on (the `forward_rules` keys available,
 * dnd, away). Any other word is kept verbatim and mapped to UNKNOWN.
 */
export const PORTSIP_STATUS_WORDS = ['AVAILABLE', 'ON_CALL', 'OFFLINE', 'DND', 'AWAY'] as const;
/** A known PortSIP status word. */
export type PortsipStatusWord = (typeof PORTSIP_STATUS_WORDS)[number];

/** An extension number: a string of digits (a number written bare is read as its digits). */
const extensionNumber = z.union([z.string().regex(/^[0-9]{1,32}$/), z.number().int().nonnegative().transform(String)]);
/** A text field PortSIP writes as '' when empty (null read as empty). */
const text = z.string().nullable().optional();

/** One extension of extensions/list and extensions/search: summary fields only. */
export const PortsipExtensionSummarySchema = z.object({
  /** Extension number: the vendor id of the extension. */
  extension_number: extensionNumber,
  /** First name. */
  first_name: text,
  /** Last name. */
  last_name: text,
  /** E-mail ('' when none). */
  email: text,
  /** Status word (possibly a stale snapshot; pbx-graph reads status from extensions/status). */
  status: text,
  /** User agent of the registered phone ('' when none). */
  user_agent: text,
  /** MAC address of the phone ('' when none). */
  phone_mac_address: text,
  /** Phone model ('' when none). */
  phone_model: text,
});
/** One extension of extensions/list and extensions/search. */
export type PortsipExtensionSummary = z.infer<typeof PortsipExtensionSummarySchema>;

/** GET extensions/list answer. */
export type PortsipExtensionList = PortsipPage & {
  /** The page of extensions. */
  extensions: PortsipExtensionSummary[];
};

/** `profile` of an extension. */
export const PortsipProfileSchema = z.object({
  /** First name. */
  first_name: z.string().optional(),
  /** Last name. */
  last_name: z.string().optional(),
  /** MALE, FEMALE, ... */
  gender: z.string().optional(),
  /** E-mail. */
  email: z.string().optional(),
  /** Mobile phone. */
  mobile_phone: z.string().optional(),
  /** Work phone. */
  work_phone: z.string().optional(),
  /** Home phone. */
  home_phone: z.string().optional(),
  /** Twitter handle. */
  twitter: z.string().optional(),
  /** Facebook handle. */
  facebook: z.string().optional(),
  /** LinkedIn handle. */
  linkedin: z.string().optional(),
  /** Instagram handle. */
  instagram: z.string().optional(),
  /** Free text. */
  description: z.string().optional(),
});
/** `profile` of an extension. */
export type PortsipProfile = z.infer<typeof PortsipProfileSchema>;

/** `options` of an extension. */
export const PortsipOptionsSchema = z.object({
  /** Record audio calls. */
  enable_audio_record_calls: z.boolean().optional(),
  /** Record video calls. */
  enable_video_record_calls: z.boolean().optional(),
  /** The extension is enabled. */
  enable_extension: z.boolean().optional(),
});
/** `options` of an extension. */
export type PortsipOptions = z.infer<typeof PortsipOptionsSchema>;

/** `voice_mail` of an extension (the PIN is not read: write-only in pbx-graph, never mapped). */
export const PortsipVoiceMailSchema = z.object({
  /** Voicemail on. */
  enable_voicemail: z.boolean().optional(),
  /** Prompt language, e.g. en-us. */
  prompt_language: z.string().optional(),
  /** A PIN protects the mailbox. */
  enable_vm_pin_auth: z.boolean().optional(),
  /** Caller id is played. */
  enable_play_caller_id: z.boolean().optional(),
  /** How the message time is read out, e.g. DO_NOT_READ. */
  msg_read_out_datetime: z.string().optional(),
});
/** `voice_mail` of an extension, as read (and written, with the PIN). */
export type PortsipVoiceMail = z.infer<typeof PortsipVoiceMailSchema> & {
  /** The PIN: write-only in pbx-graph, never read from an answer. */
  voicemail_pin?: string;
};

/** `forward_rules.available`: no-answer and busy handling while available. */
export const PortsipAvailableRulesSchema = z.object({
  /** Seconds before the no-answer action fires. */
  no_answer_timeval: z.number().optional(),
  /** No-answer action word. */
  no_answer_action: z.string().optional(),
  /** Its value (number, extension), '' when none. */
  no_answer_action_value: z.string().optional(),
  /** Busy action word. */
  busy_action: z.string().optional(),
  /** Its value, '' when none. */
  busy_action_value: z.string().optional(),
});
/** `forward_rules.available`. */
export type PortsipAvailableRules = z.infer<typeof PortsipAvailableRulesSchema>;

/** `forward_rules.offline|dnd|away`: handling inside and outside office hours. */
export const PortsipPresenceRulesSchema = z.object({
  /** Action inside office hours. */
  office_hours_action: z.string().optional(),
  /** Its value. */
  office_hours_action_value: z.string().optional(),
  /** Action outside office hours. */
  outside_office_hours_action: z.string().optional(),
  /** Its value. */
  outside_office_hours_action_value: z.string().optional(),
});
/** `forward_rules.offline|dnd|away`. */
export type PortsipPresenceRules = z.infer<typeof PortsipPresenceRulesSchema>;

/** `forward_rules` of an extension. */
export const PortsipForwardRulesSchema = z.object({
  /** While available. */
  available: PortsipAvailableRulesSchema.optional(),
  /** While offline. */
  offline: PortsipPresenceRulesSchema.optional(),
  /** While in do-not-disturb. */
  dnd: PortsipPresenceRulesSchema.optional(),
  /** While away. */
  away: PortsipPresenceRulesSchema.optional(),
});
/** `forward_rules` of an extension. */
export type PortsipForwardRules = z.infer<typeof PortsipForwardRulesSchema>;

/** The weekdays of `office_hours`, in order. */
export const PORTSIP_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
/** A weekday key prefix of `office_hours`. */
export type PortsipWeekday = (typeof PORTSIP_WEEKDAYS)[number];

/** `office_hours` of an extension: a mode plus `<day>_from` / `<day>_to` as HH:MM. */
export const PortsipOfficeHoursSchema = z.object({
  /** GLOBAL or CUSTOM. */
  office_hours_mode: z.string().optional(),
  ...Object.fromEntries(PORTSIP_WEEKDAYS.flatMap((d) => [[`${d}_from`, z.string().optional()], [`${d}_to`, z.string().optional()]])),
});
/** `office_hours` of an extension. */
export type PortsipOfficeHours = {
  /** GLOBAL or CUSTOM. */
  office_hours_mode?: string | undefined;
} & { [K in `${PortsipWeekday}_${'from' | 'to'}`]?: string | undefined };

/**
 * One entry of `belong_groups`. The doc names the field but not its children: an object with
 * `group_id` (and a name), or a bare group id string.
 */
export const PortsipGroupRefSchema = z.union([z.string(), z.object({ group_id: z.string(), group_name: z.string().optional() })]);
/** One entry of `belong_groups`. */
export type PortsipGroupRef = z.infer<typeof PortsipGroupRefSchema>;

/** GET extensions/show answer. Passwords are not read (write-only in pbx-graph). */
export const PortsipExtensionShowSchema = z.object({
  /** Extension number. */
  extension_number: extensionNumber,
  /** Profile. */
  profile: PortsipProfileSchema.optional(),
  /** Voicemail settings. */
  voice_mail: PortsipVoiceMailSchema.optional(),
  /** Forwarding rules. */
  forward_rules: PortsipForwardRulesSchema.optional(),
  /** Options. */
  options: PortsipOptionsSchema.optional(),
  /** Office hours. */
  office_hours: z.custom<PortsipOfficeHours>((v) => PortsipOfficeHoursSchema.safeParse(v).success).optional(),
  /** Groups the extension belongs to (show only). */
  belong_groups: z.array(PortsipGroupRefSchema).optional(),
});
/** GET extensions/show answer as read. */
export type PortsipExtensionShow = z.infer<typeof PortsipExtensionShowSchema>;

/** The body of extensions/create: the show record plus its secrets. */
export type PortsipExtensionSettings = Omit<PortsipExtensionShow, 'voice_mail'> & {
  /** SIP password: write-only in pbx-graph, never mapped. */
  password?: string;
  /** Web access password: write-only in pbx-graph, never mapped. */
  web_access_password?: string;
  /** Voicemail settings, with the PIN. */
  voice_mail?: PortsipVoiceMail;
};

/** One entry of extensions/status. */
export const PortsipStatusEntrySchema = z.object({
  /** Extension number. */
  extension_number: extensionNumber,
  /** Status word. */
  status: z.string(),
  /** User agent of the registered phone ('' when none). */
  user_agent: text,
});
/** One entry of extensions/status. */
export type PortsipStatusEntry = z.infer<typeof PortsipStatusEntrySchema>;

/** POST extensions/status answer: one entry per known extension asked for. */
export const PortsipStatusEnvelope = z.object({});
/** POST extensions/status answer. */
export type PortsipStatusAnswer = { extension_status: PortsipStatusEntry[] };

/** One group of extensions/group/list. */
export const PortsipGroupSummarySchema = z.object({
  /** Group id (a UUID, a number, or __DEFAULT_EXTENSION_GROUP__). */
  group_id: z.union([z.string().min(1), z.number().transform(String)]),
  /** Name. */
  group_name: z.string().optional(),
  /** Number of members. */
  members_count: z.number().optional(),
});
/** One group of extensions/group/list. */
export type PortsipGroupSummary = z.infer<typeof PortsipGroupSummarySchema>;

/** GET extensions/group/list answer. */
export type PortsipGroupList = PortsipPage & {
  /** The page of groups. */
  groups: PortsipGroupSummary[];
};

/** GET extensions/group/show answer (the doc's example omits group_id). */
export const PortsipGroupDetailSchema = z.object({
  /** Group id, when answered. */
  group_id: z.string().optional(),
  /** Name. */
  group_name: z.string(),
  /** Description. */
  group_description: z.string().optional(),
  /** Members may use intercom. */
  enable_intercom: z.boolean().optional(),
  /** Members may call external numbers. */
  enable_external_call: z.boolean().optional(),
  /** Members may open the management console. */
  enable_management_console_access: z.boolean().optional(),
  /** Member extension numbers. */
  members: z.array(extensionNumber).optional(),
});
/** GET extensions/group/show answer. */
export type PortsipGroupDetail = z.infer<typeof PortsipGroupDetailSchema>;

/** One greeting file. */
export const PortsipGreetingFileSchema = z.object({
  /** File name. */
  filename: z.string(),
  /** Enabled. */
  enabled: z.boolean(),
});
/** One greeting file. */
export type PortsipGreetingFile = z.infer<typeof PortsipGreetingFileSchema>;

/** GET extensions/greeting_file/list answer's envelope (the doc names `greetings`; its example has these keys). */
export const PortsipGreetingListEnvelope = PortsipPageSchema.extend({
  /** The file in use ('' when none). */
  default_file: z.string().optional(),
});
/** GET extensions/greeting_file/list answer. */
export type PortsipGreetingList = z.infer<typeof PortsipGreetingListEnvelope> & {
  /** The page of files. */
  files: PortsipGreetingFile[];
};

/** POST extensions/group/create answer. */
export const PortsipGroupCreatedSchema = z.object({
  /** New group id. */
  group_id: z.union([z.string().min(1), z.number().transform(String)]),
  /** Its name. */
  group_name: z.string().optional(),
});
/** POST extensions/group/create answer. */
export type PortsipGroupCreated = z.infer<typeof PortsipGroupCreatedSchema>;

/** POST extensions/update body (every section is required by the doc). */
export interface PortsipExtensionUpdate {
  /** Extension number. */
  extension_number: string;
  /** Profile. */
  profile: PortsipProfile;
  /** Options. */
  options: PortsipOptions;
  /** Forwarding rules. */
  forward_rules: PortsipForwardRules;
  /** Office hours. */
  office_hours: PortsipOfficeHours;
  /** Voicemail settings (the PIN is write-only). */
  voice_mail: PortsipVoiceMail;
}

/** POST extensions/group/create and (with group_id) extensions/group/update body. */
export interface PortsipGroupInput {
  /** Group id (update only). */
  group_id?: string;
  /** Name. */
  group_name: string;
  /** Description. */
  group_description?: string;
  /** Members may use intercom. */
  enable_intercom: boolean;
  /** Members may call external numbers. */
  enable_external_call: boolean;
  /** Members may open the management console. */
  enable_management_console_access: boolean;
  /** Member extension numbers. */
  members?: string[];
}


/** POST extensions/greeting_file/add body. */
export interface PortsipGreetingAdd {
  /** Extension number. */
  extension_number: string;
  /** Original name of the uploaded file. */
  filename?: string;
  /** URL the PBX downloads the file from. */
  url?: string;
}

/** GET extensions/call query. */
export interface PortsipCallRequest {
  /** Extension that places the call. */
  extension: string;
  /** That extension's password (write-only). */
  auth: string;
  /** Number to call. */
  to: string;
  /** SIP domain. */
  domain: string;
  /** Source. */
  src: string;
}

/**
 * The error answer. The copied page publishes no error format; pbx-graph and its simulator use an
 * HTTP 4xx status with `{err_code, err_msg}` and the codes below, kept in this one place.
 */
export interface PortsipErrorBody {
  /** One of PORTSIP_ERR. */
  err_code: number;
  /** Vendor message (never shown to clients). */
  err_msg: string;
}

/** PortSIP error codes (see PortsipErrorBody). */
export const PORTSIP_ERR = {
  /** 400: a missing or malformed parameter. */
  INVALID_PARAMETER: 40001,
  /** 401: account/credentials/verify refused the username or password. */
  BAD_CREDENTIALS: 40101,
  /** 401: the access_token is unknown or lapsed (idle too long). */
  INVALID_TOKEN: 40102,
  /** 403: extensions/call refused the extension's password. */
  CALL_AUTH_FAILED: 40301,
  /** 404: no such extension. */
  EXTENSION_NOT_FOUND: 40401,
  /** 404: no such extension group. */
  GROUP_NOT_FOUND: 40402,
  /** 404: no such greeting file. */
  GREETING_NOT_FOUND: 40403,
  /** 409: the extension, group or file already exists. */
  ALREADY_EXISTS: 40901,
} as const;
/** A known PortSIP error code. */
export type PortsipErrCode = (typeof PORTSIP_ERR)[keyof typeof PORTSIP_ERR];
