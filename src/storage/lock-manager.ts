/**
 * Exclusive locks with FIFO waiters, per-owner lock wait timeouts and deadlock detection at
 * request time. One LockManager per leaf so the wait-for graph spans every partition and table.
 *
 * A waiting owner waits on exactly one lock, and every waiter of a lock ultimately waits for its
 * holder, so the wait-for graph is a set of chains owner → lock → holder → … . Following the chain
 * from the holder back to the requester is therefore enough to find any cycle the request closes.
 */
import { invariant } from '../common/assert.js';
import { TxnConflictError } from '../common/errors.js';
import type { MaybePromise } from './schema.js';

export interface LockOwner {
  readonly id: number;
  lockWaitTimeoutMs: number;
  /** Locks held, released together at commit/rollback. */
  readonly heldLocks: LockState[];
  /** The lock this owner is queued on, if any. */
  waitingFor: LockState | null;
}

interface Waiter {
  readonly owner: LockOwner;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

/** The lock keys of one table (slots by number, unique keys by encoded string). */
export class LockSpace {
  readonly locks = new Map<number | string, LockState>();
  constructor(
    readonly partitionId: number,
    readonly tableId: number,
  ) {}
}

export class LockState {
  holder: LockOwner | null = null;
  readonly waiters: Waiter[] = [];
  constructor(
    readonly space: LockSpace,
    readonly key: number | string,
  ) {}
}

export class LockManager {
  /** Requests that had to wait, deadlocks and timeouts: cheap counters for SHOW STATUS later. */
  readonly stats = { waits: 0, deadlocks: 0, timeouts: 0 };

  space(partitionId: number, tableId: number): LockSpace {
    return new LockSpace(partitionId, tableId);
  }

  /** Grants at once (undefined) or returns a promise that settles when granted, timed out or a deadlock victim. Re-entrant. */
  acquire(owner: LockOwner, space: LockSpace, key: number | string): MaybePromise<void> {
    const l = space.locks.get(key);
    if (l === undefined) {
      const nl = new LockState(space, key);
      nl.holder = owner;
      space.locks.set(key, nl);
      owner.heldLocks.push(nl);
      return undefined;
    }
    if (l.holder === owner) return undefined;
    invariant(owner.waitingFor === null, 'an owner can wait on one lock at a time');
    let h = l.holder;
    for (let steps = 0; h !== null; steps++) {
      if (h === owner) {
        this.stats.deadlocks++;
        return Promise.reject(new TxnConflictError('ER_LOCK_DEADLOCK'));
      }
      invariant(steps < 1_000_000, 'lock wait chain too long');
      const w: LockState | null = h.waitingFor;
      if (w === null) break;
      h = w.holder;
    }
    this.stats.waits++;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { owner, resolve, reject, timer: null };
      waiter.timer = setTimeout(() => {
        this.stats.timeouts++;
        this.dequeue(l, waiter);
        reject(new TxnConflictError('ER_LOCK_WAIT_TIMEOUT'));
      }, owner.lockWaitTimeoutMs);
      l.waiters.push(waiter);
      owner.waitingFor = l;
    });
  }

  /**
   * Turns an implicit lock into a real one: a row written by an uncommitted owner is locked by it
   * without a lock entry (as in InnoDB) until someone else asks for it.
   */
  grantTo(owner: LockOwner, space: LockSpace, key: number | string): void {
    if (space.locks.has(key)) return;
    const l = new LockState(space, key);
    l.holder = owner;
    space.locks.set(key, l);
    owner.heldLocks.push(l);
  }

  holds(owner: LockOwner, space: LockSpace, key: number | string): boolean {
    return space.locks.get(key)?.holder === owner;
  }

  /** No holder and no waiter. */
  isFree(space: LockSpace, key: number | string): boolean {
    return !space.locks.has(key);
  }

  /** Releases one lock early (used when a duplicate-key wait found no conflict). */
  release(owner: LockOwner, space: LockSpace, key: number | string): void {
    const l = space.locks.get(key);
    if (l === undefined || l.holder !== owner) return;
    const i = owner.heldLocks.indexOf(l);
    if (i >= 0) owner.heldLocks.splice(i, 1);
    this.grantNext(l);
  }

  /** Releases every lock of the owner, waking the next waiter of each. */
  releaseAll(owner: LockOwner): void {
    const held = owner.heldLocks;
    for (let i = 0; i < held.length; i++) this.grantNext(held[i]!);
    held.length = 0;
  }

  /** Releases up to `max` of the owner's locks (newest first); true when it holds none any more. */
  releaseSome(owner: LockOwner, max: number): boolean {
    const held = owner.heldLocks;
    const stop = Math.max(0, held.length - max);
    for (let i = held.length - 1; i >= stop; i--) this.grantNext(held[i]!);
    held.length = stop;
    return stop === 0;
  }

  /** Fails the owner's pending wait, if any (the owner is being rolled back). */
  cancelWait(owner: LockOwner, err: Error): void {
    const l = owner.waitingFor;
    if (l === null) return;
    const w = l.waiters.find((x) => x.owner === owner);
    invariant(w !== undefined, 'waiting owner missing from the queue');
    this.dequeue(l, w);
    w.reject(err);
  }

  private dequeue(l: LockState, w: Waiter): void {
    const i = l.waiters.indexOf(w);
    if (i >= 0) l.waiters.splice(i, 1);
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    w.owner.waitingFor = null;
  }

  private grantNext(l: LockState): void {
    const w = l.waiters.shift();
    if (w === undefined) {
      l.holder = null;
      if (l.space.locks.get(l.key) === l) l.space.locks.delete(l.key);
      return;
    }
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    w.owner.waitingFor = null;
    l.holder = w.owner;
    w.owner.heldLocks.push(l);
    w.resolve();
  }
}
