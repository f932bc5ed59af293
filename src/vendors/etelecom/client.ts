import type { Classification, SourceHttp } from '../../core/http.ts';
import { listAnswer, wholeAnswer } from '../../core/validate.ts';
import { EtelecomExtensionInfoSchema, EtelecomExtensionSchema, EtelecomExtensionsEnvelope } from './types.ts';
import type {
  EtelecomCreateExtensionRequest,
  EtelecomError,
  EtelecomExtension,
  EtelecomExtensionInfo,
  EtelecomExtensionInfoRequest,
  EtelecomExtensionsPage,
  EtelecomPagingRequest,
} from './types.ts';

/**
 * The RPC service root of a configured base URL. The doc writes every call as
 * `$BASE_URL.Etelecom/<Method>`: the service name is glued to the base URL with a dot, not a slash
 * (e.g. `https://host/v1/etelecom.vpbx.api` + `.Etelecom/GetExtensions`). core/http.ts joins paths
 * with a `/` (got's prefixUrl), so the HTTP client is created on `<baseUrl>.Etelecom` and methods are
 * called by bare name. A trailing `/` on the configured URL is dropped, since `…/.Etelecom` would
 * name a different path. This is the only place that knows the composition.
 */
export function rpcBaseUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}.Etelecom`;
}

const isErrorBody = (b: unknown): b is EtelecomError =>
  typeof b === 'object' && b !== null && typeof (b as EtelecomError).code === 'string';

/**
 * eTelecom's error vocabulary: `{code, msg}` with a 4xx/5xx status (README). Codes that depend on
 * whether the call was a read or a write (5xx, deadline) return undefined so core/http.ts decides
 * by idempotency; an unknown code does the same.
 */
export function classifyEtelecomAnswer(status: number, body: unknown): Classification {
  if (status < 400 || !isErrorBody(body)) return undefined;
  const code = body.code;
  switch (code) {
    case 'unauthenticated':
      return { code: 'VENDOR_AUTH_FAILED', message: 'eTelecom refused the API key' };
    case 'permission_denied':
      return { code: 'VENDOR_AUTH_FAILED', message: 'the eTelecom API key may not call this method' };
    case 'not_found':
      return { code: 'NOT_FOUND', message: 'not found at eTelecom' };
    case 'invalid_argument':
    case 'malformed':
    case 'out_of_range':
      return { code: 'BAD_USER_INPUT', message: 'eTelecom rejected the request arguments' };
    case 'already_exists':
      return { code: 'BAD_USER_INPUT', message: 'eTelecom says it already exists' };
    case 'failed_precondition':
    case 'aborted':
      return { code: 'BAD_USER_INPUT', message: 'eTelecom refused the request in the current state' };
    case 'resource_exhausted':
      return { code: 'VENDOR_RATE_LIMITED', message: 'eTelecom is rate limiting this source' };
    case 'bad_route':
    case 'unimplemented':
      // Our path or method is wrong for this server: a configuration (baseUrl) problem, not the client's.
      return { code: 'VENDOR_UNAVAILABLE', message: 'eTelecom does not serve this method (check baseUrl)' };
    case 'unavailable':
      return { code: 'VENDOR_UNAVAILABLE', message: 'eTelecom is unavailable' };
    case 'deadline_exceeded':
    case 'canceled':
    case 'internal':
    case 'unknown':
    case 'dataloss':
      return undefined;
    default: {
      // Compile time: every documented code is handled. Run time: an unknown code falls back to the status.
      const unknownCode: never = code;
      void unknownCode;
      return undefined;
    }
  }
}

/** A 2xx body that is not the documented shape is the vendor's fault. */
/** The answers this client reads, checked at the edge (core/validate.ts). */
const ANSWERS = {
  list: listAnswer('GetExtensions', EtelecomExtensionsEnvelope, 'extensions', EtelecomExtensionSchema),
  info: wholeAnswer('GetExtensionInfo', EtelecomExtensionInfoSchema),
  created: wholeAnswer('CreateExtension', EtelecomExtensionSchema),
};

/** One typed function per eTelecom method used (etelecom.txt, README facts). */
export interface EtelecomClient {
  /** POST .Etelecom/GetExtensions — one cursor page of the tenant's extensions (README). */
  getExtensions(paging: EtelecomPagingRequest): Promise<EtelecomExtensionsPage>;
  /** POST .Etelecom/GetExtensionInfo — one extension by number, e-mail or phone (etelecom.txt). */
  getExtensionInfo(by: EtelecomExtensionInfoRequest): Promise<EtelecomExtensionInfo>;
  /** POST .Etelecom/CreateExtension — creates an extension; answers the full record (not idempotent). */
  createExtension(req: EtelecomCreateExtensionRequest): Promise<EtelecomExtension>;
}

/** Creates the client over the source's HTTP instance (created on `rpcBaseUrl`, Bearer key set). */
/** `_sourceId` names the source; errors already carry it (core/http.ts). */
export function createEtelecomClient(http: SourceHttp, _sourceId?: string): EtelecomClient {
  return {
    getExtensions: (paging) => http.post<EtelecomExtensionsPage>('GetExtensions', { paging }, { idempotent: true, answer: ANSWERS.list }),
    getExtensionInfo: (by) => http.post<EtelecomExtensionInfo>('GetExtensionInfo', by, { idempotent: true, answer: ANSWERS.info }),
    createExtension: (req) => http.post<EtelecomExtension>('CreateExtension', req, { answer: ANSWERS.created }),
  };
}
