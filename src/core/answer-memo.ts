/** Raw answer bytes a source keeps to recognise unchanged answers, unless configured (`answerMemoBytes`). */
export const DEFAULT_ANSWER_MEMO_BYTES = 8 * 1024 * 1024;

/**
 * The last parsed answer of each vendor read, kept per source so that an answer byte for byte the
 * same as the previous one to the same call is not parsed again. A dashboard polls the same pages,
 * and a PBX's extensions rarely change between two polls: the answer is then the same object as
 * last time, so the adapters' per-answer work (`byIdentity` in shared-cache.ts: rows mapped, an
 * index built) is not done again either. Comparing two buffers is far cheaper than parsing one.
 *
 * Parsed answers are deep-frozen, whether or not they are kept: they may be handed to several
 * requests, so nothing may write into them (in strict-mode modules a write throws instead of
 * leaking into another request's answer). Two callers only share an answer when the vendor sent
 * them the same bytes, so sharing one tells neither anything the vendor did not tell both.
 */
export class AnswerMemo {
  /** Insertion order is recency order (an entry used again is moved to the end). */
  readonly #entries = new Map<string, { raw: Buffer; value: unknown }>();
  #bytes = 0;

  constructor(
    /** Most raw bytes kept (their parsed form comes on top); the least recently used go first. */
    private readonly maxBytes: number,
  ) {}

  /**
   * The JSON answer `raw` to the call `key` (method, path, query, body), parsed and frozen: the
   * previous answer's object when `raw` is the same bytes. Throws SyntaxError on malformed JSON; an
   * empty body is ''.
   */
  parse(key: string, raw: Buffer): unknown {
    if (raw.length === 0) return '';
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      if (hit.raw.equals(raw)) {
        this.#entries.set(key, hit);
        return hit.value;
      }
      this.#bytes -= hit.raw.length;
    }
    const value = parseAnswer(raw);
    if (raw.length <= this.maxBytes) {
      this.#entries.set(key, { raw, value });
      this.#bytes += raw.length;
      for (const [k, e] of this.#entries) {
        if (this.#bytes <= this.maxBytes) break;
        this.#entries.delete(k);
        this.#bytes -= e.raw.length;
      }
    }
    return value;
  }

  /** Raw bytes kept now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}

/** A JSON answer parsed and deep-frozen ('' when empty); throws SyntaxError when malformed. */
export function parseAnswer(raw: Buffer): unknown {
  return raw.length === 0 ? '' : deepFreeze(JSON.parse(raw.toString('utf8')) as unknown);
}

/** Freezes a parsed JSON value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    } else {
      for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k]);
    }
  }
  return value;
}
