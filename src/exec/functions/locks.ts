/**
 * GET_LOCK, RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_FREE_LOCK, IS_USED_LOCK on the named-lock table
 * (named-locks.ts). The binder passes the connection id as a last, hidden argument. A wait
 * does not hold the thread (waits.ts) and ends with the statement (KILL: 1317).
 */
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { checkLockName, namedLocks } from '../named-locks.js';
import type { Pacer } from '../pacer.js';
import { awaitCall } from '../waits.js';
import type { ScalarFunction } from './types.js';
import { INT, dbl, def, str } from './util.js';

const UBIGINT_T: SqlType = { kind: 'int', bytes: 8, unsigned: true };

function owner(v: Value | undefined): number {
  return Number(v);
}

/** Runs a call with an effect once per row, however often its batch is evaluated (waits.ts). */
function once(pacer: Pacer | undefined, f: () => Value): Value {
  return pacer === undefined ? f() : awaitCall(pacer, 'RELEASE_LOCK()', f);
}

function nameArg(v: Value, t: SqlType): string {
  return checkLockName(v === null ? null : str(v, t));
}

const getLock = def({
  name: 'GET_LOCK', min: 3, max: 3, nullIfAnyNull: false, deterministic: false, ret: INT,
  eval: ([n, timeout, who], [nt, tt], ctx) => {
    const name = nameArg(n!, nt!);
    const secs = timeout === null ? 0 : dbl(timeout!, tt!);
    const ms = secs < 0 ? Infinity : secs * 1000;
    const pacer = ctx.pacer;
    if (pacer === undefined) return namedLocks.acquire(name, owner(who), 0, () => undefined) === 1 ? 1 : 0;
    return awaitCall(pacer, 'GET_LOCK()', () => namedLocks.acquire(name, owner(who), ms, (f) => pacer.whenStopped(f)));
  },
});

const releaseLock = def({
  name: 'RELEASE_LOCK', min: 2, max: 2, nullIfAnyNull: false, deterministic: false, ret: INT,
  eval: ([n, who], [nt], ctx) => once(ctx.pacer, () => namedLocks.release(nameArg(n!, nt!), owner(who))),
});

const releaseAllLocks = def({
  name: 'RELEASE_ALL_LOCKS', min: 1, max: 1, nullIfAnyNull: false, deterministic: false, ret: INT,
  eval: ([who], _t, ctx) => once(ctx.pacer, () => namedLocks.releaseAll(owner(who))),
});

const isFreeLock = def({
  name: 'IS_FREE_LOCK', min: 2, max: 2, nullIfAnyNull: false, deterministic: false, ret: INT,
  eval: ([n], [nt]) => (namedLocks.holder(nameArg(n!, nt!)) === null ? 1 : 0),
});

const isUsedLock = def({
  name: 'IS_USED_LOCK', min: 2, max: 2, nullIfAnyNull: false, deterministic: false, ret: UBIGINT_T,
  eval: ([n], [nt]) => namedLocks.holder(nameArg(n!, nt!)),
});

export const lockFunctions: readonly ScalarFunction[] = [getLock, releaseLock, releaseAllLocks, isFreeLock, isUsedLock];
