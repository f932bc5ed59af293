/** Kinds of object with a global id. */
export type NodeType = 'Pbx' | 'Extension' | 'Group' | 'Device' | 'Queue';

const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['Pbx', 'Extension', 'Group', 'Device', 'Queue']);

/** A decoded global id. */
export interface GlobalId {
  /** Object kind. */
  type: NodeType;
  /** Configured source id. */
  sourceId: string;
  /** The vendor's id (empty for a Pbx). */
  localId: string;
}

/**
 * Global ids are base64url of `Type:sourceId:vendorId`: opaque to clients, stable across restarts
 * (no lookup table), and enough to route `node`, `extension` and `_entities` straight to a source.
 */
export function encodeId(type: NodeType, sourceId: string, localId = ''): string {
  return Buffer.from(`${type}:${sourceId}:${localId}`, 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,1024}$/;

/** Decodes a global id; null for anything malformed (ids are never trusted). */
export function decodeId(id: string): GlobalId | null {
  if (typeof id !== 'string' || !BASE64URL.test(id)) return null;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const first = text.indexOf(':');
  const second = first < 0 ? -1 : text.indexOf(':', first + 1);
  if (second < 0) return null;
  const type = text.slice(0, first);
  const sourceId = text.slice(first + 1, second);
  const localId = text.slice(second + 1);
  if (!NODE_TYPES.has(type) || sourceId === '') return null;
  if (type !== 'Pbx' && localId === '') return null;
  // Re-encoding must give the same id: rejects padding tricks and non-canonical encodings.
  if (encodeId(type as NodeType, sourceId, localId) !== id) return null;
  return { type: type as NodeType, sourceId, localId };
}

/**
 * Encoded ids remembered per type, source and vendor id. A dashboard polled every few seconds asks for
 * the same few hundred ids each time; encoding one costs a Buffer and two strings, a hit three map
 * reads of strings that already exist. One per gateway (no shared state between instances); at
 * `max` ids it starts over, so it never outgrows the PBXes' own size.
 */
export class GlobalIds {
  readonly #byType = new Map<NodeType, Map<string, Map<string, string>>>();
  #size = 0;

  constructor(private readonly max = 200_000) {}

  /** encodeId(type, sourceId, localId), remembered. */
  encode(type: NodeType, sourceId: string, localId = ''): string {
    let bySource = this.#byType.get(type);
    if (!bySource) {
      bySource = new Map();
      this.#byType.set(type, bySource);
    }
    let byLocal = bySource.get(sourceId);
    if (!byLocal) {
      byLocal = new Map();
      bySource.set(sourceId, byLocal);
    }
    let id = byLocal.get(localId);
    if (id === undefined) {
      if (this.#size >= this.max) {
        this.#byType.clear();
        this.#size = 0;
        return this.encode(type, sourceId, localId);
      }
      id = encodeId(type, sourceId, localId);
      byLocal.set(localId, id);
      this.#size++;
    }
    return id;
  }
}
