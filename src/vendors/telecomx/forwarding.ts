import { badInput } from '../../core/errors.ts';
import type { ForwardingRuleInput } from '../../core/writes.ts';
import type { ForwardAction } from '../../domain/types.ts';
import { mapForwardAction, SCOPES } from './mappers.ts';
import { TxForwardActionSchema, type TxBusy, type TxForwardAction, type TxNoAnswer } from './types.ts';

/*
 * The inverse of mapForwarding, so that rules a client writes read back as the rules written; an input
 * rule names no callers, so it is written for every caller (external, local and direct-to-mobile).
 */

/** The blocks of an update body: only those a rule names. */
export interface TxForwardingBlocks {
  /** noAnswer fields, when a NO_ANSWER rule was given. */
  noAnswer?: TxNoAnswer;
  /** busy fields, when a BUSY rule was given. */
  busy?: TxBusy;
}

type Block = 'noAnswer' | 'busy';

/** The action words each caller field takes (telecomx.txt noAnswer.* and busy.*). */
const ACCEPTS: Record<Block, Record<'ext' | 'int' | 'mobile', readonly TxForwardAction[]>> = {
  noAnswer: {
    ext: ['NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO'],
    int: ['NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO'],
    mobile: ['EXTERNAL', 'NOTHING', 'VOICEMAIL', 'NUMBER', 'GOTO'],
  },
  busy: {
    ext: ['BUSY', 'VOICEMAIL', 'NUMBER', 'GOTO', 'QUEUE'],
    int: ['BUSY', 'VOICEMAIL', 'NUMBER', 'GOTO', 'QUEUE', 'BARGE'],
    mobile: ['EXTERNAL', 'BUSY', 'VOICEMAIL', 'NUMBER', 'GOTO', 'QUEUE'],
  },
};

/** The vendor word of each action, derived from the read mapping so the two cannot disagree. */
const WORD: ReadonlyMap<ForwardAction, TxForwardAction> = new Map(TxForwardActionSchema.options.map((w): [ForwardAction, TxForwardAction] => [mapForwardAction(w), w]));

/** The words a rule for every caller can use: GOTO is left out because an input rule carries no dialplan target. */
function expressible(block: Block): TxForwardAction[] {
  return TxForwardActionSchema.options.filter((w) => w !== 'GOTO' && SCOPES.every((s) => ACCEPTS[block][s.prefix].includes(w)));
}

/** The actions, by name, a rule of `block` may take (for the error message). */
const NAMED: Record<Block, string> = {
  noAnswer: expressible('noAnswer').map(mapForwardAction).join(', '),
  busy: expressible('busy').map(mapForwardAction).join(', '),
};

/**
 * The noAnswer/busy fields for `rules`, or BAD_USER_INPUT naming `input.forwarding[i].<field>` for the
 * first rule Telecom X cannot hold. Number and goto are written for every caller because a rule
 * replaces the vendor's one and a stale number or goto would read back as part of it.
 */
export function forwardingBlocks(rules: readonly ForwardingRuleInput[], sourceId?: string): TxForwardingBlocks {
  const out: TxForwardingBlocks = {};
  rules.forEach((rule, i) => {
    const fail = (field: string, why: string) => badInput(`input.forwarding[${i}].${field}: ${why}`, sourceId);
    const block: Block | undefined = rule.condition === 'NO_ANSWER' ? 'noAnswer' : rule.condition === 'BUSY' ? 'busy' : undefined;
    if (block === undefined) throw fail('condition', 'Telecom X forwards on NO_ANSWER and BUSY only (presence states are its onPresence settings)');
    if (out[block]) throw fail('condition', 'names a condition another rule already names');
    if ((rule.hours ?? 'ANY') !== 'ANY') throw fail('hours', 'Telecom X keeps one rule per condition for all hours (ANY)');
    const word = WORD.get(rule.action);
    if (word === undefined || !expressible(block).includes(word)) throw fail('action', `Telecom X's ${block} handling takes ${NAMED[block]} for every caller`);
    if (rule.vendorAction !== undefined && rule.vendorAction !== null && rule.vendorAction !== word) throw fail('vendorAction', `is ${word} for ${rule.action} at Telecom X (or left out)`);
    const number = rule.number ?? null;
    if (word === 'NUMBER' && number === null) throw fail('number', 'is required for action NUMBER');
    if (word !== 'NUMBER' && number !== null) throw fail('number', 'Telecom X keeps a number only for action NUMBER');
    const timeout = rule.timeoutSeconds ?? null;
    if (timeout !== null && block === 'busy') throw fail('timeoutSeconds', "Telecom X's busy handling has no timeout");
    if (timeout !== null && (!Number.isInteger(timeout) || timeout < 5 || timeout > 60)) throw fail('timeoutSeconds', 'must be 5 to 60 at Telecom X');
    const fields: TxNoAnswer = {};
    for (const s of SCOPES) {
      fields[s.action] = word;
      fields[s.number] = number;
      fields[s.goto] = null;
    }
    if (timeout !== null) fields.timeout = timeout;
    out[block] = fields;
  });
  return out;
}
