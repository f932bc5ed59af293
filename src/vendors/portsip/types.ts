/**
 * Raw PortSIP PBX REST API shapes (the token-in-query generation), as in
 * ../shared/vendor-docs/portsip.txt plus the facts in its README. These never leave this folder:
 * mappers.ts turns them into domain objects.
 */

/** POST account/credentials/verify answer. */
export interface PortsipSession {
  /** The 32-character session token, passed as `access_token`. */
  access_token: string;
  /** Lifetime in seconds; the vendor's own example writes it as a string ("600"). */
  expires: number | string;
  /** Role of the account (e.g. admin). */
  role?: string;
  /** API version of the PBX. */
  api_version?: string;
}

/** The paging fields every list answer carries. */
export interface PortsipPage {
  /** 1-based page number that was served. */
  pagination: number;
  /** Page size that was served. */
  pagesize?: number;
  /** Sort order (DEFAULT or Optional). */
  sort_by?: string;
  /** Total number of pages. */
  page_count: number;
  /** "Current pagesize" per the doc; the simulator answers the items on this page. Not relied on. */
  count: number;
}

/**
 * Status words PortSIP is known to answer. ON_CALL and OFFLINE are in the doc's examples; AVAILABLE,
 * DND and AWAY are the presence states the PBX routes calls on (the `forward_rules` keys available,
 * dnd, away). Any other word is kept verbatim and mapped to UNKNOWN.
 */
export const PORTSIP_STATUS_WORDS = ['AVAILABLE', 'ON_CALL', 'OFFLINE', 'DND', 'AWAY'] as const;
/** A known PortSIP status word. */
export type PortsipStatusWord = (typeof PORTSIP_STATUS_WORDS)[number];

/** One extension of extensions/list and extensions/search: summary fields only. */
export interface PortsipExtensionSummary {
  /** Extension number: the vendor id of the extension. */
  extension_number: string;
  /** First name. */
  first_name: string;
  /** Last name. */
  last_name: string;
  /** E-mail ('' when none). */
  email: string;
  /** Status word (possibly a stale snapshot; pbx-graph reads status from extensions/status). */
  status: string;
  /** User agent of the registered phone ('' when none). */
  user_agent: string;
  /** MAC address of the phone ('' when none). */
  phone_mac_address: string;
  /** Phone model ('' when none). */
  phone_model: string;
}

/** GET extensions/list answer. */
export interface PortsipExtensionList extends PortsipPage {
  /** The page of extensions. */
  extensions: PortsipExtensionSummary[];
}

/** GET extensions/search answer: the doc's example shows a single object where the list has an array. */
export interface PortsipExtensionSearch extends PortsipPage {
  /** The page of matches (array, or one object as in the doc's example). */
  extensions: PortsipExtensionSummary[] | PortsipExtensionSummary;
}

/** `profile` of an extension. */
export interface PortsipProfile {
  /** First name. */
  first_name?: string;
  /** Last name. */
  last_name?: string;
  /** MALE, FEMALE, ... */
  gender?: string;
  /** E-mail. */
  email?: string;
  /** Mobile phone. */
  mobile_phone?: string;
  /** Work phone. */
  work_phone?: string;
  /** Home phone. */
  home_phone?: string;
  /** Twitter handle. */
  twitter?: string;
  /** Facebook handle. */
  facebook?: string;
  /** LinkedIn handle. */
  linkedin?: string;
  /** Instagram handle. */
  instagram?: string;
  /** Free text. */
  description?: string;
}

/** `options` of an extension. */
export interface PortsipOptions {
  /** Record audio calls. */
  enable_audio_record_calls?: boolean;
  /** Record video calls. */
  enable_video_record_calls?: boolean;
  /** The extension is enabled. */
  enable_extension?: boolean;
}

/** `voice_mail` of an extension. */
export interface PortsipVoiceMail {
  /** Voicemail on. */
  enable_voicemail?: boolean;
  /** Prompt language, e.g. en-us. */
  prompt_language?: string;
  /** A PIN protects the mailbox. */
  enable_vm_pin_auth?: boolean;
  /** The PIN: write-only in pbx-graph, never mapped. */
  voicemail_pin?: string;
  /** Caller id is played. */
  enable_play_caller_id?: boolean;
  /** How the message time is read out, e.g. DO_NOT_READ. */
  msg_read_out_datetime?: string;
}

/** `forward_rules.available`: no-answer and busy handling while available. */
export interface PortsipAvailableRules {
  /** Seconds before the no-answer action fires. */
  no_answer_timeval?: number;
  /** No-answer action word. */
  no_answer_action?: string;
  /** Its value (number, extension), '' when none. */
  no_answer_action_value?: string;
  /** Busy action word. */
  busy_action?: string;
  /** Its value, '' when none. */
  busy_action_value?: string;
}

/** `forward_rules.offline|dnd|away`: handling inside and outside office hours. */
export interface PortsipPresenceRules {
  /** Action inside office hours. */
  office_hours_action?: string;
  /** Its value. */
  office_hours_action_value?: string;
  /** Action outside office hours. */
  outside_office_hours_action?: string;
  /** Its value. */
  outside_office_hours_action_value?: string;
}

/** `forward_rules` of an extension. */
export interface PortsipForwardRules {
  /** While available. */
  available?: PortsipAvailableRules;
  /** While offline. */
  offline?: PortsipPresenceRules;
  /** While in do-not-disturb. */
  dnd?: PortsipPresenceRules;
  /** While away. */
  away?: PortsipPresenceRules;
}

/** The weekdays of `office_hours`, in order. */
export const PORTSIP_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
/** A weekday key prefix of `office_hours`. */
export type PortsipWeekday = (typeof PORTSIP_WEEKDAYS)[number];

/** `office_hours` of an extension: a mode plus `<day>_from` / `<day>_to` as HH:MM. */
export type PortsipOfficeHours = {
  /** GLOBAL or CUSTOM. */
  office_hours_mode?: string;
} & { [K in `${PortsipWeekday}_${'from' | 'to'}`]?: string };

/**
 * One entry of `belong_groups`. The doc names the field but not its children; the simulator answers
 * `{group_id, group_name}` and the mapper also accepts a bare group id string.
 */
export type PortsipGroupRef = string | { group_id: string; group_name?: string };

/** GET extensions/show answer (and the body of extensions/create). */
export interface PortsipExtensionSettings {
  /** Extension number. */
  extension_number: string;
  /** SIP password: write-only in pbx-graph, never mapped. */
  password?: string;
  /** Web access password: write-only in pbx-graph, never mapped. */
  web_access_password?: string;
  /** Profile. */
  profile?: PortsipProfile;
  /** Voicemail settings. */
  voice_mail?: PortsipVoiceMail;
  /** Forwarding rules. */
  forward_rules?: PortsipForwardRules;
  /** Options. */
  options?: PortsipOptions;
  /** Office hours. */
  office_hours?: PortsipOfficeHours;
  /** Groups the extension belongs to (show only). */
  belong_groups?: PortsipGroupRef[];
}

/** One entry of extensions/status. */
export interface PortsipStatusEntry {
  /** Extension number. */
  extension_number: string;
  /** Status word. */
  status: string;
  /** User agent of the registered phone ('' when none). */
  user_agent: string;
}

/** POST extensions/status answer. */
export interface PortsipStatusAnswer {
  /** One entry per known extension asked for. */
  extension_status: PortsipStatusEntry[];
}

/** One group of extensions/group/list. */
export interface PortsipGroupSummary {
  /** Group id (a UUID, a number, or __DEFAULT_EXTENSION_GROUP__). */
  group_id: string;
  /** Name. */
  group_name?: string;
  /** Number of members. */
  members_count?: number;
}

/** GET extensions/group/list answer. */
export interface PortsipGroupList extends PortsipPage {
  /** The page of groups. */
  groups: PortsipGroupSummary[];
}

/** GET extensions/group/show answer (the doc's example omits group_id). */
export interface PortsipGroupDetail {
  /** Group id, when answered. */
  group_id?: string;
  /** Name. */
  group_name: string;
  /** Description. */
  group_description?: string;
  /** Members may use intercom. */
  enable_intercom?: boolean;
  /** Members may call external numbers. */
  enable_external_call?: boolean;
  /** Members may open the management console. */
  enable_management_console_access?: boolean;
  /** Member extension numbers. */
  members?: string[];
}

/** One greeting file. */
export interface PortsipGreetingFile {
  /** File name. */
  filename: string;
  /** Enabled. */
  enabled: boolean;
}

/** GET extensions/greeting_file/list answer (the doc names `greetings`; its example has these keys). */
export interface PortsipGreetingList extends PortsipPage {
  /** The file in use ('' when none). */
  default_file: string;
  /** The page of files. */
  files: PortsipGreetingFile[];
}

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

/** POST extensions/group/create answer. */
export interface PortsipGroupCreated {
  /** New group id. */
  group_id: string;
  /** Its name. */
  group_name: string;
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
