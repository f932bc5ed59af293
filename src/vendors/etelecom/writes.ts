import { badInput, notFound, PbxError } from '../../core/errors.ts';
import type { SourceHttp } from '../../core/http.ts';
import type { ExtensionCreateFieldName, SourceWrites } from '../../core/writes.ts';
import type { Capability } from '../../domain/types.ts';
import { createEtelecomClient } from './client.ts';
import type { EtelecomExtensionsPage } from './types.ts';

/**
 * What eTelecom's API can write (README facts): CreateExtension, AssignUserToExtension and
 * RemoveUserOfExtension. It has no update and no delete of an extension.
 */
export const ETELECOM_WRITE_CAPABILITIES: readonly Capability[] = ['EXTENSION_CREATE', 'EXTENSION_USER_ASSIGN'];

const CREATE_FIELDS: ReadonlySet<ExtensionCreateFieldName> = new Set<ExtensionCreateFieldName>(['number', 'hotlineId', 'userId']);
const REQUIRED_CREATE: ReadonlySet<ExtensionCreateFieldName> = new Set<ExtensionCreateFieldName>(['number', 'hotlineId']);

/** Largest page asked for while looking an extension's own id up. */
const SCAN_LIMIT = 1000;

/** An `already_exists` or `invalid_argument` answer to a create, naming the client's field. */
function rejected(err: unknown, sourceId: string): unknown {
  if (!(err instanceof PbxError)) return err;
  if (err.code === 'BAD_USER_INPUT') return badInput('input.number: eTelecom rejected the number (it may already exist)', sourceId);
  // CreateExtension answers not_found for an unknown hotline.
  if (err.code === 'NOT_FOUND') return badInput('input.hotlineId: eTelecom knows no such hotline', sourceId);
  return err;
}

/**
 * eTelecom's writes over the source's HTTP client. AssignUserToExtension and RemoveUserOfExtension
 * take the extension's own `id`, which pbx-graph does not use as the vendor id (the number is): it
 * is looked up in the list first.
 */
export function etelecomWrites(http: SourceHttp, sourceId: string): SourceWrites {
  const client = createEtelecomClient(http, sourceId);
  async function idOf(number: string): Promise<string> {
    let after: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const page: EtelecomExtensionsPage = await client.getExtensions({ limit: SCAN_LIMIT, ...(after ? { after } : {}) });
      const hit = page.extensions.find((x) => String(x.extension_number) === number);
      if (hit) return String(hit.id);
      after = page.paging?.next || undefined;
      if (!after) break;
    }
    throw notFound(`extension ${number}`, sourceId);
  }
  const userCall = async (method: 'AssignUserToExtension' | 'RemoveUserOfExtension', number: string, userId: string): Promise<number> => {
    const extensionId = await idOf(number);
    const answer = await http.post<{ updated?: unknown }>(method, { extension_id: extensionId, user_id: userId });
    return typeof answer?.updated === 'number' ? answer.updated : 0;
  };
  return {
    createFields: CREATE_FIELDS,
    updateFields: new Set(),
    requiredCreateFields: REQUIRED_CREATE,
    async createExtension(input) {
      // CreateExtension takes the number as an integer: more digits than a double holds exactly would change it.
      if (!/^[1-9][0-9]{0,14}$/.test(input.number)) throw badInput('input.number: eTelecom takes 1 to 15 digits, not starting with 0', sourceId);
      try {
        const x = await client.createExtension({ extension_number: Number(input.number), hotline_id: input.hotlineId!, ...(input.userId ? { user_id: input.userId } : {}) });
        // The SIP password eTelecom generates is handed out once; it is never mapped into a record.
        return { vendorId: String(x.extension_number), ...(typeof x.extension_password === 'string' ? { generatedSecret: x.extension_password } : {}) };
      } catch (err) {
        throw rejected(err, sourceId);
      }
    },
    async assignUser(number, userId) {
      await userCall('AssignUserToExtension', number, userId);
    },
    async removeUser(number, userId) {
      const updated = await userCall('RemoveUserOfExtension', number, userId);
      if (updated === 0) throw badInput('input.userId: is not the user of this extension', sourceId);
    },
  };
}
