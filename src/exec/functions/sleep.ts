/**
 * SLEEP(n): waits n seconds without holding the thread (the operator pauses while the timer
 * runs, see waits.ts) and returns 0. KILL QUERY ends the wait: a query that is only the SLEEP
 * then returns 1 (MySQL), any other ends with 1317. max_execution_time ends it with 3024
 * (MySQL's lone SLEEP would return 1 there too).
 */
import { SqlError } from '../../common/errors.js';
import type { Value } from '../../common/value.js';
import type { Pacer } from '../pacer.js';
import { awaitCall } from '../waits.js';
import type { ScalarFunction } from './types.js';
import { INT, dbl, def } from './util.js';

/** setTimeout's limit (about 24.8 days); longer sleeps wait in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function sleepFor(ms: number, pacer: Pacer, sole: boolean): Promise<Value> {
  return new Promise<Value>((resolve) => {
    let t: ReturnType<typeof setTimeout> | undefined;
    const finish = (v: Value): void => {
      if (t !== undefined) clearTimeout(t);
      t = undefined;
      if (sole) pacer.absorbStops(null);
      resolve(v);
    };
    // The statement's deadline ends the wait too (the pacer then reports it).
    const end = Math.min(performance.now() + ms, pacer.deadlineAt);
    const step = (): void => {
      const left = end - performance.now();
      if (left <= 0) finish(0);
      else t = setTimeout(step, Math.min(left, MAX_TIMER_MS));
    };
    if (sole) {
      pacer.absorbStops((err) => {
        if (err.code !== 'ER_QUERY_INTERRUPTED') return false;
        finish(1);
        return true;
      });
    }
    pacer.whenStopped(() => finish(1));
    step();
  });
}

const sleep = def({
  name: 'SLEEP', min: 1, max: 1, nullIfAnyNull: false, deterministic: false, ret: INT,
  eval: ([v], [t], ctx) => {
    const secs = v === null ? NaN : dbl(v, t!);
    if (!(secs >= 0)) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to sleep.');
    const pacer = ctx.pacer;
    if (secs === 0 || pacer === undefined) return 0;
    return awaitCall(pacer, 'SLEEP()', (sole) => sleepFor(secs * 1000, pacer, sole));
  },
});

export const sleepFunctions: readonly ScalarFunction[] = [sleep];
