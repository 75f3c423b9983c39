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
  /** An operator that can evaluate a batch again is evaluating one now. */
  active = false;
  readonly done: (Value | undefined)[] = [];
  /** Waits still running, by call: pulled again before one ends, the batch waits for it again. */
  readonly running: (Promise<void> | undefined)[] = [];
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
  // A synchronous run inside another evaluation (a subquery) is part of that one's calls.
  if (pacer.inSynchronousRun) return;
  const l = waitLedger(pacer);
  if (sole) l.sole = true;
  l.active = true;
  l.next = 0;
}

/** After a batch evaluated to the end: its calls' results are not needed any more. */
export function finishEvaluation(pacer: Pacer): void {
  if (pacer.inSynchronousRun) return;
  const l = ledgers.get(pacer);
  if (l === undefined) return;
  l.active = false;
  if (l.done.length > 0) l.done.length = 0;
  if (l.running.length > 0) l.running.length = 0;
}

/**
 * A waiting call: its result when its wait is over, else it starts `wait`, which gives its
 * result at once or a promise of it (that must not reject); for a promise it has the pacer
 * wait and throws Suspend. A result given at once is recorded too, so a call with an effect
 * (GET_LOCK, RELEASE_LOCK) runs once however often its batch is evaluated again.
 */
export function awaitCall(pacer: Pacer, what: string, wait: (sole: boolean) => Value | Promise<Value>): Value {
  const l = waitLedger(pacer);
  if (!l.active) {
    // Evaluated where no operator can pause and evaluate again (a filter, a sort key, …).
    const r = wait(false);
    if (r instanceof Promise) throw new Suspend(what);
    return r;
  }
  const k = l.next++;
  const done = l.done[k];
  if (done !== undefined) return done;
  const running = l.running[k];
  if (running !== undefined) {
    pacer.waitFor(running);
    throw new Suspend(what);
  }
  const r = wait(l.sole);
  if (!(r instanceof Promise)) {
    l.done[k] = r;
    return r;
  }
  const settled = r.then((v) => {
    l.done[k] = v;
    l.running[k] = undefined;
  });
  l.running[k] = settled;
  pacer.waitFor(settled);
  throw new Suspend(what);
}
