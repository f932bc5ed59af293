import { z } from 'zod';

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

/** The paging part of a list answer (cursor paging). */
export const EtelecomPagingAnswerSchema = z.object({
  /** Cursor the page was read after. */
  after: z.string().optional(),
  /** Cursor the page was read before. */
  before: z.string().optional(),
  /** Page size. */
  limit: z.number().optional(),
  /** Cursor of the next page ('' when none). */
  next: z.string().optional(),
  /** Cursor of the previous page ('' when none). */
  prev: z.string().optional(),
  /** Sort order. */
  sort: z.string().optional(),
});
/** The paging part of a list answer. */
export type EtelecomPagingAnswer = z.infer<typeof EtelecomPagingAnswerSchema>;

/**
 * Ids and numbers are JSON strings (int64 in protobuf's JSON, and the doc's examples write strings):
 * a bare number is not read as one, so a wrong-typed answer cannot collapse records onto one id.
 */
const rpcId = z.string().min(1);

/**
 * One extension of GetExtensions (and CreateExtension's answer). `extension_password` is never
 * mapped (CreateExtension hands it out once). `state` is kept as a word: an undocumented code maps to UNKNOWN.
 */
export const EtelecomExtensionSchema = z.object({
  /** Extension id. */
  id: rpcId,
  /** Extension number. */
  extension_number: rpcId,
  /** SIP password: never mapped. */
  extension_password: z.string().optional(),
  /** Tenant id. */
  tenant_id: rpcId,
  /** Tenant SIP domain. */
  tenant_domain: z.string(),
  /** Hotline id. */
  hotline_id: z.string().optional(),
  /** User id. */
  user_id: z.string().optional(),
  /** Account id. */
  account_id: z.string().optional(),
  /** Subscription id. */
  subscription_id: z.string().optional(),
  /** Subscription state code (EtelecomState, or an undocumented one). */
  state: z.string(),
  /** Creation time. */
  created_at: z.string().optional(),
  /** Update time. */
  updated_at: z.string().optional(),
  /** Expiry of the subscription. */
  expires_at: z.string().optional(),
});
/** One extension of GetExtensions. */
export type EtelecomExtension = z.infer<typeof EtelecomExtensionSchema>;

/** GetExtensions answer's envelope; `extensions` is checked record by record. */
export const EtelecomExtensionsEnvelope = z.object({
  /** Paging. */
  paging: EtelecomPagingAnswerSchema.optional(),
});
/** GetExtensions answer. */
export type EtelecomExtensionsPage = z.infer<typeof EtelecomExtensionsEnvelope> & {
  /** The page. */
  extensions: EtelecomExtension[];
};

/** GetExtensionInfo request: one of the three keys. */
export interface EtelecomExtensionInfoRequest {
  /** Extension number. */
  extension_number?: string;
  /** E-mail of the assigned user. */
  email?: string;
  /** Phone of the assigned user. */
  phone?: string;
}

/** GetExtensionInfo answer (the password is never mapped). */
export const EtelecomExtensionInfoSchema = z.object({
  /** Extension number. */
  extension_number: rpcId,
  /** SIP password: never mapped. */
  extension_password: z.string().optional(),
  /** Tenant SIP domain. */
  tenant_domain: z.string().optional(),
  /** Expiry of the subscription. */
  expires_at: z.string().optional(),
});
/** GetExtensionInfo answer. */
export type EtelecomExtensionInfo = z.infer<typeof EtelecomExtensionInfoSchema>;

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
