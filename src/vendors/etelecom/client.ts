import { PbxError } from '../../core/errors.ts';
import type { Classification, SourceHttp } from '../../core/http.ts';
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
function malformed(sourceId: string): PbxError {
  return new PbxError('VENDOR_UNAVAILABLE', `${sourceId}: eTelecom answered with a malformed body`, sourceId);
}

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
export function createEtelecomClient(http: SourceHttp, sourceId: string): EtelecomClient {
  return {
    async getExtensions(paging) {
      const page = await http.post<EtelecomExtensionsPage>('GetExtensions', { paging }, { idempotent: true });
      if (!page || typeof page !== 'object' || !Array.isArray(page.extensions)) throw malformed(sourceId);
      return page;
    },
    async getExtensionInfo(by) {
      const info = await http.post<EtelecomExtensionInfo>('GetExtensionInfo', by, { idempotent: true });
      if (!info || typeof info !== 'object' || typeof info.extension_number !== 'string') throw malformed(sourceId);
      return info;
    },
    async createExtension(req) {
      const x = await http.post<EtelecomExtension>('CreateExtension', req);
      if (!x || typeof x !== 'object' || typeof x.extension_number !== 'string') throw malformed(sourceId);
      return x;
    },
  };
}
