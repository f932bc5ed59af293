/**
 * Raw eTelecom VPBX API shapes, as in ../shared/vendor-docs/etelecom.txt and the eTelecom facts of
 * ../shared/vendor-docs/README.md. These never leave this folder: mappers.ts turns them into domain
 * objects. eTelecom is an RPC-style API (`$BASE_URL.Etelecom/<Method>`, POST JSON, `{code, msg}`
 * errors): Twirp's conventions, which is where the error vocabulary below comes from.
 */

/**
 * Subscription state of an extension (CreateExtension doc: Z newly created, P valid, N expired).
 * Undocumented codes may still arrive at run time; the mapper turns them into UNKNOWN.
 */
export type EtelecomState = 'Z' | 'P' | 'N';

/** Cursor paging request of list methods. */
export interface EtelecomPagingRequest {
  /** Opaque cursor: the items after the one it names (a previous answer's `next`). */
  after?: string;
  /** Opaque cursor: the items before the one it names (a previous answer's `prev`). */
  before?: string;
  /** Page size. */
  limit?: number;
  /** Sort key (the doc names it, lists no values; pbx-graph never sends it). */
  sort?: string;
}

/** Cursor paging state of a list answer. */
export interface EtelecomPagingAnswer {
  /** The `after` the request carried. */
  after?: string;
  /** The `before` the request carried. */
  before?: string;
  /** The page size used. */
  limit?: number;
  /** Cursor of the following page; empty or absent when this page is the last. */
  next?: string;
  /** Cursor of the preceding page; empty or absent when this page is the first. */
  prev?: string;
  /** The sort used. */
  sort?: string;
}

/** One extension as GetExtensions lists it and CreateExtension answers it. */
export interface EtelecomExtension {
  /** Extension id (an int64 as a string). */
  id: string;
  /** Extension number (a string here, an integer in CreateExtension's request). */
  extension_number: string;
  /** SIP password: write-only in pbx-graph, never mapped. */
  extension_password?: string;
  /** Tenant (switchboard) id. */
  tenant_id: string;
  /** Tenant (switchboard) SIP domain. */
  tenant_domain: string;
  /** Hotline (trunk number) id the extension is bound to. */
  hotline_id?: string;
  /** Assigned user id; empty, "0" or absent when unassigned. */
  user_id?: string;
  /** Account id. */
  account_id?: string;
  /** Subscription id. */
  subscription_id?: string;
  /** Subscription validity. */
  state: EtelecomState;
  /** Created (RFC 3339). */
  created_at?: string;
  /** Last changed (RFC 3339). */
  updated_at?: string;
  /** Subscription expiry (RFC 3339, e.g. "2021-03-10T17:07:19+07:00"). */
  expires_at?: string;
}

/** GetExtensions answer. */
export interface EtelecomExtensionsPage {
  /** The page of extensions. */
  extensions: EtelecomExtension[];
  /** Paging state. */
  paging?: EtelecomPagingAnswer;
}

/** GetExtensionInfo request: one of the three keys. */
export interface EtelecomExtensionInfoRequest {
  /** Extension number. */
  extension_number?: string;
  /** E-mail of the assigned user. */
  email?: string;
  /** Phone of the assigned user. */
  phone?: string;
}

/** GetExtensionInfo answer: the SIP registration view of one extension, nothing more. */
export interface EtelecomExtensionInfo {
  /** Extension number. */
  extension_number: string;
  /** SIP password: write-only in pbx-graph, never mapped. */
  extension_password?: string;
  /** Tenant SIP domain. */
  tenant_domain?: string;
  /** Subscription expiry (RFC 3339). */
  expires_at?: string;
}

/** CreateExtension request. */
export interface EtelecomCreateExtensionRequest {
  /** Extension number: an integer. */
  extension_number: number;
  /** Hotline id (required). */
  hotline_id: string;
  /** User to assign. */
  user_id?: string;
}

/** Error codes of the `{code, msg}` error answer (Twirp's set; the README names the first four). */
export type EtelecomErrorCode =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'not_found'
  | 'bad_route'
  | 'malformed'
  | 'permission_denied'
  | 'already_exists'
  | 'failed_precondition'
  | 'out_of_range'
  | 'aborted'
  | 'resource_exhausted'
  | 'deadline_exceeded'
  | 'canceled'
  | 'unimplemented'
  | 'unavailable'
  | 'internal'
  | 'unknown'
  | 'dataloss';

/** The error answer, with a 4xx/5xx status. */
export interface EtelecomError {
  /** Error code. */
  code: EtelecomErrorCode;
  /** Message (never shown to clients). */
  msg: string;
}
