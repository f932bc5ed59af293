import { PbxError } from '../../core/errors.ts';
import type { Classification, SourceHttp } from '../../core/http.ts';
import { listAnswer, wholeAnswer } from '../../core/validate.ts';
import {
  PortalExtensionAnswerSchema, PortalListEnvelope, PortalListItemSchema,
  type PortalExtensionAnswer, type PortalListAnswer, type PortalListItem, type PortalRequest,
} from './types.ts';

/** The answers this client reads, checked at the edge (core/validate.ts). */
const ANSWERS = {
  list: listAnswer('get/extensions', PortalListEnvelope, 'result', PortalListItemSchema),
  get: wholeAnswer('get/extension', PortalExtensionAnswerSchema),
};

/** Keys only an answer that carries an extension has (portal-pbx.txt, "JSON Response Parameters"). */
const EXTENSION_KEYS = ['number', 'firstName', 'lastName', 'email', 'callerId', 'lastUpdate', 'e911'] as const;

/**
 * True when a `get/extension` answer carries extension data. This is how pbx-graph splits the
 * overloaded `status`: the doc defines it both as "the request was successful" and as "the extension
 * is registered". An answer that carries extension fields can only come from a successful request
 * (HTTP 2xx), so there `status` is the registration, and `false` means "not registered", not
 * "failed". An answer with no extension fields is a bare envelope, and there `status: false` is a
 * failed request.
 */
export function hasExtensionData(body: unknown): boolean {
  return Boolean(body) && typeof body === 'object' && !Array.isArray(body) && EXTENSION_KEYS.some((k) => k in (body as object));
}

/**
 * Point VoIP's error vocabulary. The doc publishes none (README: no error codes), so this reads what
 * the API plainly does and what the simulator serves: an HTTP 401/403 envelope for bad credentials,
 * and a 2xx envelope `{message, status: false}` with no data for a failed request, whose message
 * names the cause. The message is only read to pick the code; it never reaches a client.
 */
export function classifyPortalAnswer(status: number, body: unknown): Classification {
  if (status === 401 || status === 403) return { code: 'VENDOR_AUTH_FAILED', message: 'Point VoIP refused the authId/authKey or the PBX id' };
  if (status === 404) return { code: 'NOT_FOUND', message: 'not found at Point VoIP' };
  if (status < 200 || status >= 300) return undefined; // core's HTTP status rules
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { code: 'VENDOR_UNAVAILABLE', message: 'Point VoIP answered with a malformed body' };
  }
  const env = body as { status?: unknown; message?: unknown; result?: unknown };
  // A list answer (`result`) or an extension answer: `status` is not a failure flag there.
  if (Array.isArray(env.result) || hasExtensionData(body)) return undefined;
  if (env.status === false) {
    const message = typeof env.message === 'string' ? env.message : '';
    if (/not found|does not exist|no such/i.test(message)) return { code: 'NOT_FOUND', message: 'not found at Point VoIP', reason: 'not_found' };
    if (/auth|denied|permission/i.test(message)) return { code: 'VENDOR_AUTH_FAILED', message: 'Point VoIP refused the authId/authKey or the PBX id' };
    return { code: 'VENDOR_UNAVAILABLE', message: 'Point VoIP answered with a failure' };
  }
  return undefined;
}

function malformed(sourceId: string): PbxError {
  return new PbxError('VENDOR_UNAVAILABLE', `${sourceId}: Point VoIP answered with a malformed body`, sourceId);
}

/** The credentials and PBX every call carries. */
export interface PortalCredentials {
  /** Portal authentication id. */
  authId: string;
  /** Portal authentication key. */
  authKey: string;
  /** Portal PBX id. */
  pbxId: string;
}

/** One typed function per portal endpoint used (paths from the README's Point VoIP facts). */
export interface PortalClient {
  /** POST get/extensions {authId, authKey, module, pbxId}: every extension of the PBX (README). */
  listExtensions(): Promise<PortalListItem[]>;
  /** POST get/extension {…, extId}: one extension (portal-pbx.txt, "Get PBX Extension"). */
  getExtension(extId: string): Promise<PortalExtensionAnswer>;
}

/** Creates the client over the source's HTTP instance. */
export function createPortalClient(http: SourceHttp, creds: PortalCredentials, sourceId: string): PortalClient {
  const request = (extra: Pick<PortalRequest, 'extId'> = {}): PortalRequest => ({
    authId: creds.authId,
    authKey: creds.authKey,
    module: 'pbx',
    pbxId: creds.pbxId,
    ...extra,
  });
  return {
    async listExtensions() {
      // A POST that only reads: safe to retry.
      const answer = await http.post<PortalListAnswer>('get/extensions', request(), { idempotent: true, answer: ANSWERS.list });
      return answer.result;
    },
    async getExtension(extId) {
      const answer = await http.post<PortalExtensionAnswer>('get/extension', request({ extId }), { idempotent: true, answer: ANSWERS.get });
      // A success envelope without the extension is no answer to use (classify let it through).
      if (!hasExtensionData(answer)) throw malformed(sourceId);
      return answer;
    },
  };
}
