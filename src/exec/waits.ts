/**
 * Functions that wait (SLEEP) without holding the thread. Expression evaluation is synchronous,
 * so a waiting call throws Suspend after giving the pacer what to wait for; the operator that
 * evaluates the expression returns PAUSE and, pulled again, evaluates the same batch once more.
 * Calls are numbered in the order a batch evaluates them, and a call whose wait is over returns
 * its recorded result, so each wait happens once and the retry goes past it.
 */
import { SqlError } from '../common/errors.js';
import type { Value } from '../common/value.js';
import type { Pacer } from './pacer.js';

/** Thrown by a waiting call; an operator that cannot pause lets it reach the client as 1235. */
export class Suspend extends SqlError {
  constructor(what: string) {
    super('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support '${what} in this part of a statement'`);
  }
}

/** What one statement's waiting calls have finished with, for the batch being evaluated. */
export class WaitLedger {
  /** Number of the next call in this evaluation of the batch. */
  next = 0;
  /** The statement is one waiting call and nothing else (`SELECT SLEEP(5)`). */
  sole = false;
  readonly done: (Value | undefined)[] = [];
}

const ledgers = new WeakMap<Pacer, WaitLedger>();

export function waitLedger(pacer: Pacer): WaitLedger {
  let l = ledgers.get(pacer);
  if (l === undefined) {
    l = new WaitLedger();
    ledgers.set(pacer, l);
  }
  return l;
}

/** Before an operator evaluates a batch (again): calls are numbered from 0. */
export function startEvaluation(pacer: Pacer, sole = false): void {
  if (sole) waitLedger(pacer).sole = true;
  const l = ledgers.get(pacer);
  if (l !== undefined) l.next = 0;
}

/** After a batch evaluated to the end: its calls' results are not needed any more. */
export function finishEvaluation(pacer: Pacer): void {
  const l = ledgers.get(pacer);
  if (l !== undefined) l.done.length = 0;
}

/**
 * A waiting call: its result when its wait is over, else it starts `wait` (which must not
 * reject), has the pacer wait for it and throws Suspend.
 */
export function awaitCall(pacer: Pacer, what: string, wait: (sole: boolean) => Promise<Value>): Value {
  const l = waitLedger(pacer);
  const k = l.next++;
  const done = l.done[k];
  if (done !== undefined) return done;
  pacer.waitFor(wait(l.sole).then((v) => {
    l.done[k] = v;
  }));
  throw new Suspend(what);
}
