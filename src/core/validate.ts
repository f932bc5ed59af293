import { z } from 'zod';
import { deepFreeze } from './answer-memo.ts';
import { PbxError } from './errors.ts';

/** One part of a vendor answer that did not parse: where, and what was wrong (no value is kept). */
export interface AnswerIssue {
  /** Path of the bad field from the answer's root, e.g. `extensions.3.extension_number`. */
  path: string;
  /** What zod found wrong (its message, which names types, never the value). */
  problem: string;
}

/** A decoded answer: the parsed value, and the records left out of it because they did not parse. */
export interface Decoded<T> {
  /** The answer as the schema reads it, deep-frozen (it may be shared by many requests). */
  value: T;
  /** Records dropped from a list (one issue per record: its first bad field). */
  dropped: readonly AnswerIssue[];
}

/** An answer that does not parse at all (its envelope, or a single record): the vendor's fault. */
export class BadAnswer extends Error {
  /** The first bad field. */
  readonly issue: AnswerIssue;

  constructor(issue: AnswerIssue) {
    super(`answer does not parse at ${issue.path || '(root)'}: ${issue.problem}`);
    this.issue = issue;
    this.name = 'BadAnswer';
  }
}

/**
 * The schema of one endpoint's answer. `decode` is remembered per answer object: the answer memo
 * (answer-memo.ts) hands back the same frozen object for the same bytes, so an unchanged answer is
 * validated once, and its decoded records, being the same objects too, are mapped once (byIdentity).
 */
export interface AnswerSchema<T> {
  /** The endpoint the answer comes from, named in logs. */
  readonly endpoint: string;
  /** Validates `answer`; throws BadAnswer when it cannot be used at all. */
  decode(answer: unknown): Decoded<T>;
}

const pathOf = (prefix: ReadonlyArray<PropertyKey>, issue: z.core.$ZodIssue): string => [...prefix, ...issue.path].map(String).join('.');

function firstIssue(err: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): AnswerIssue {
  const issue = err.issues[0];
  return issue ? { path: pathOf(prefix, issue), problem: issue.message } : { path: prefix.map(String).join('.'), problem: 'invalid' };
}

/** Remembers `decode` per answer object (primitives are decoded every time: they are cheap). */
function remembered<T>(endpoint: string, decode: (answer: unknown) => Decoded<T>): AnswerSchema<T> {
  const memo = new WeakMap<object, Decoded<T>>();
  return {
    endpoint,
    decode(answer) {
      if (typeof answer !== 'object' || answer === null) return decode(answer);
      let hit = memo.get(answer);
      if (!hit) {
        hit = decode(answer);
        memo.set(answer, hit);
      }
      return hit;
    },
  };
}

/** An answer that must parse whole (one record, a login, a status map). */
export function wholeAnswer<S extends z.ZodType>(endpoint: string, schema: S): AnswerSchema<z.output<S>> {
  return remembered(endpoint, (answer) => {
    const r = schema.safeParse(answer);
    if (!r.success) throw new BadAnswer(firstIssue(r.error));
    return { value: deepFreeze(r.data), dropped: [] };
  });
}

/**
 * A record that must parse whole, handed on as the vendor sent it, every field kept: a record read
 * to be written back (a vendor update that replaces the whole record must not lose what the schema
 * does not name).
 */
export function verbatimAnswer<T>(endpoint: string, schema: z.ZodType): AnswerSchema<T> {
  return remembered(endpoint, (answer) => {
    const r = schema.safeParse(answer);
    if (!r.success) throw new BadAnswer(firstIssue(r.error));
    return { value: deepFreeze(answer) as T, dropped: [] };
  });
}

/**
 * A list answer: an envelope that must parse, holding the records under `key`; a record that does
 * not parse is dropped (and reported), never passed on half-read. With `single`, a lone record where
 * the array should be is read as a list of one (a vendor's own example answers so).
 */
export function listAnswer<E extends z.ZodObject, K extends string, R extends z.ZodType>(
  endpoint: string,
  envelope: E,
  key: K,
  record: R,
  opts: { single?: boolean } = {},
): AnswerSchema<Omit<z.output<E>, K> & { [P in K]: z.output<R>[] }> {
  const shell = envelope.extend({ [key]: opts.single ? z.union([z.array(z.unknown()), z.object({}).loose()]) : z.array(z.unknown()) });
  return remembered(endpoint, (answer) => {
    const r = shell.safeParse(answer);
    if (!r.success) throw new BadAnswer(firstIssue(r.error));
    const raw = (r.data as Record<string, unknown>)[key];
    const items = Array.isArray(raw) ? raw : [raw];
    const kept: unknown[] = [];
    const dropped: AnswerIssue[] = [];
    for (let i = 0; i < items.length; i++) {
      const one = record.safeParse(items[i]);
      if (one.success) kept.push(one.data);
      else dropped.push(firstIssue(one.error, [key, i]));
    }
    const value = { ...(r.data as Record<string, unknown>), [key]: kept };
    if (dropped.length > 0) withDrops.add(kept);
    return { value: deepFreeze(value) as Omit<z.output<E>, K> & { [P in K]: z.output<R>[] }, dropped };
  });
}

/** The record arrays of decoded list answers that lost records which did not parse. */
const withDrops = new WeakSet<object>();

/** True when `records`, the array of a list answer decoded by listAnswer, lost records that did not parse. */
export function hadDrops(records: object): boolean {
  return withDrops.has(records);
}

/**
 * For a lookup by key through list answers: a key not found is NOT_FOUND (`notFound`) only when every
 * list read was whole; when one dropped unreadable records, the key may have been among them, so its
 * absence is the vendor's fault (VENDOR_BAD_RESPONSE).
 */
export function absentFrom(lists: readonly object[], sourceId: string, notFound: (key: string) => Error): (key: string) => Error {
  return (key) =>
    lists.some(hadDrops)
      ? new PbxError('VENDOR_BAD_RESPONSE', `${sourceId}: ${key} is not in the vendor's answer, which held records that do not parse`, sourceId)
      : notFound(key);
}

/** Reads a JSON number that a vendor may also write as a numeric string ("600"). */
export const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
