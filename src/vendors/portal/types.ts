/**
 * Raw Point VoIP portal API shapes, as in ../shared/vendor-docs/portal-pbx.txt and the Point VoIP
 * facts of ../shared/vendor-docs/README.md. These never leave this folder: mappers.ts turns them
 * into domain objects.
 */

/** What every call sends: one JSON object, POSTed. */
export interface PortalRequest {
  /** Portal authentication id, 24 characters. */
  authId: string;
  /** Portal authentication key, 24 characters (a credential: never logged, never mapped). */
  authKey: string;
  /** API module; pbx-graph only uses the PBX module. */
  module: 'pbx';
  /** Portal PBX id (numeric). */
  pbxId: string;
  /** Extension number, for `get/extension` only. */
  extId?: string;
}

/** Fields every answer carries, success or failure. */
export interface PortalEnvelope {
  /** General response message ("Extension data exported from cache.", an error text, ...). */
  message: string;
  /**
   * Request success on an answer without extension data; on a `get/extension` answer that carries
   * extension data, the extension's registration (see client.ts).
   */
  status: boolean;
  /** Cloud node that executed the call, e.g. "VE-NY-04". */
  node: string;
  /** Seconds the call took; the doc types it float, the example sends a string. */
  executionTime: string | number;
}

/** Registration as `get/extensions` gives it: "1" registered, "0" not. */
export type PortalListStatus = '1' | '0';

/**
 * One extension of `get/extensions`. The README says only that each item has a string `status`; the
 * list is the overview, so pbx-graph reads (and the simulator serves) exactly the number, the names
 * and that status. E-mail, caller id, E911 and lastUpdate come from `get/extension` only.
 */
export interface PortalListItem {
  /** Extension number (int, as in the single get's parameter table). */
  number: number | string;
  /** First name. */
  firstName: string | null;
  /** Last name. */
  lastName: string | null;
  /** Registration: "1" or "0". */
  status: PortalListStatus;
}

/** `get/extensions`: the whole PBX at once, no paging or filter. */
export interface PortalListAnswer extends PortalEnvelope {
  /** Number of extensions in `result`. */
  count: number;
  /** Every extension of the PBX. */
  result: PortalListItem[];
}

/** `e911` when set; every key of the doc's parameter table, any of which may be missing or "". */
export interface PortalE911 {
  /** Subscriber name. */
  subscriber?: string | null;
  /** Address line 1. */
  address1?: string | null;
  /** Address line 2. */
  address2?: string | null;
  /** City. */
  city?: string | null;
  /** State (the example spells it out: "NEW YORK"). */
  state?: string | null;
  /** ZIP code. */
  zip?: string | null;
  /** PSAP name. */
  psapName?: string | null;
}

/**
 * `get/extension`: one extension, its fields at the top level beside the envelope. `e911` is an empty
 * array when none is set and an object when set. `status` here is the registration (boolean).
 */
export interface PortalExtensionAnswer extends PortalEnvelope {
  /** Extension number; in the parameter table, absent from the doc's example. */
  number?: number | string;
  /** First name. */
  firstName?: string | null;
  /** Last name. */
  lastName?: string | null;
  /** E-mail. */
  email?: string | null;
  /** Outbound caller id. */
  callerId?: string | null;
  /** "YYYY-MM-DD HH:MM:SS", zone unstated: when the cached record was last refreshed. */
  lastUpdate?: string | null;
  /** E911 address: `[]` when none, an object when set. */
  e911?: PortalE911 | unknown[] | null;
}
