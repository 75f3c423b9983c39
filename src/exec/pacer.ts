import { getHeapStatistics } from 'node:v8';
import { SqlError } from '../common/errors.js';

/**
 * Statement pacing. Operators are synchronous pull iterators, and a statement shares the one
 * thread with every other: it runs in time slices of a few ms. When a slice is used up, or an
 * input is not ready yet, the operator that notices returns PAUSE from next(); every operator
 * above passes it up unchanged, keeping its own state, and the host's driver waits
 * (`resume()`: lets the event loop serve others, or waits for the input) and pulls again.
 *
 * The same points stop the statement: KILL, a deadline (max_execution_time), server shutdown
 * and the statement's working-memory budget all make `check()` throw.
 */
export const PAUSE: unique symbol = Symbol('exec.pause');
export type Pause = typeof PAUSE;

/** How long a statement runs before it lets others have the thread. */
export const SLICE_MS = 5;

export interface PacerOptions {
  /** Slice length in ms (default SLICE_MS). */
  readonly sliceMs?: number;
  /** performance.now() time at which the statement is stopped, and the error it then ends with. */
  readonly deadline?: { readonly at: number; readonly error: () => SqlError };
  /** Working-memory limit of the statement in bytes (default: none). */
  readonly memoryLimit?: number;
  /** The error for a statement whose working memory passed its limit. */
  readonly memoryError?: (limit: number) => SqlError;
}

export class Pacer {
  private readonly sliceMs: number;
  private sliceEnd: number;
  private suppressed = 0;
  private stopError: SqlError | null = null;
  /** Made on first need: most statements never wait for anything. */
  private stoppedSignal: Promise<void> | null = null;
  private signalStop: (() => void) | null = null;
  /** memoryUsed at which the heap is looked at next (see reserve). */
  private nextHeapCheck = HEAP_CHECK_BYTES;
  private pending: Promise<unknown> | null = null;
  private readonly onStop: ((err: SqlError) => void)[] = [];
  private absorber: ((err: SqlError) => boolean) | null = null;
  private readonly deadline: PacerOptions['deadline'];
  private readonly memoryError: (limit: number) => SqlError;
  /** Bytes of working memory the statement's operators hold now, and at most. */
  memoryUsed = 0;
  memoryPeak = 0;
  readonly memoryLimit: number;

  constructor(opts: PacerOptions = {}) {
    this.sliceMs = opts.sliceMs ?? SLICE_MS;
    this.sliceEnd = performance.now() + this.sliceMs;
    this.deadline = opts.deadline;
    this.memoryLimit = opts.memoryLimit ?? Infinity;
    this.memoryError = opts.memoryError ?? queryMemoryLimitError;
  }

  /** Why the statement was stopped, or null while it may go on. */
  get stopped(): SqlError | null {
    return this.stopError;
  }

  /** Stops the statement: the next check anywhere throws `err` (the first reason wins). */
  stop(err: SqlError): void {
    if (this.stopError !== null) return;
    if (this.absorber !== null && this.absorber(err)) {
      this.absorber = null;
      return;
    }
    this.stopError = err;
    this.signalStop?.();
    for (const f of this.onStop.splice(0)) f(err);
  }

  /**
   * While set, a stop that `f` takes (returns true for) ends a wait instead of the statement:
   * SLEEP alone in a query returns 1 on KILL QUERY, as MySQL's does. Taken once.
   */
  absorbStops(f: ((err: SqlError) => boolean) | null): void {
    this.absorber = f;
  }

  /** Inside synchronously(): nothing may pause (a subquery evaluated inside an expression). */
  get inSynchronousRun(): boolean {
    return this.suppressed > 0;
  }

  /** performance.now() time of the statement's deadline, or Infinity. */
  get deadlineAt(): number {
    return this.deadline?.at ?? Infinity;
  }

  /** Runs `f` when the statement is stopped (cancel work on other nodes, wake waiters). */
  whenStopped(f: (err: SqlError) => void): void {
    if (this.stopError !== null) f(this.stopError);
    else this.onStop.push(f);
  }

  /** Throws if the statement was stopped or its deadline passed. Cheap: call it per batch. */
  check(): void {
    if (this.stopError !== null) throw this.stopError;
    if (this.deadline !== undefined && performance.now() >= this.deadline.at) this.expire();
  }

  /**
   * Checks, then says whether the slice is used up and the caller should return PAUSE. Never
   * true inside `synchronously()`. Cheap: one clock read; call it per batch or per chunk of work.
   */
  shouldPause(): boolean {
    if (this.stopError !== null) throw this.stopError;
    const now = performance.now();
    if (now < this.sliceEnd) return false;
    if (this.deadline !== undefined && now >= this.deadline.at) this.expire();
    return this.suppressed === 0;
  }

  /** An input is not ready: the driver waits for `p` (which must not reject) before pulling again. */
  waitFor(p: Promise<unknown>): void {
    this.pending = p;
  }

  /**
   * The driver, after a PAUSE: waits for the input it awaits, or else lets the event loop run and
   * starts a new slice. Waiting for input keeps the slice going: that input may have been made
   * in the same turn of the event loop (an in-process leaf), and the thread has not been let go.
   */
  async resume(): Promise<void> {
    const wait = this.pending;
    this.pending = null;
    if (wait !== null) {
      this.check();
      this.stoppedSignal ??= new Promise<void>((resolve) => (this.signalStop = resolve));
      await Promise.race([wait, this.stoppedSignal]);
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.sliceEnd = performance.now() + this.sliceMs;
    }
    this.check();
  }

  /** Starts a fresh slice (a driver that waited on something else, e.g. a client socket). */
  newSlice(): void {
    this.sliceEnd = performance.now() + this.sliceMs;
  }

  /**
   * Runs `f` with pauses off: a synchronous evaluation (a subquery inside an expression) cannot
   * be suspended, so only the stop checks fire inside it.
   */
  synchronously<T>(f: () => T): T {
    this.suppressed++;
    try {
      return f();
    } finally {
      this.suppressed--;
    }
  }

  /**
   * Counts `bytes` more working memory; throws (and stops the statement) past its limit. Every
   * HEAP_CHECK_BYTES it also looks at the whole heap: however the statements' estimates err, the
   * one that keeps growing while the heap is nearly full is stopped, not the server.
   */
  reserve(bytes: number): void {
    const used = (this.memoryUsed += bytes);
    if (used <= this.memoryPeak) return;
    this.memoryPeak = used;
    if (used > this.memoryLimit) {
      this.stop(this.memoryError(this.memoryLimit));
      throw this.stopError!;
    }
    if (used >= this.nextHeapCheck) {
      this.nextHeapCheck = used + HEAP_CHECK_BYTES;
      const heap = getHeapStatistics();
      if (heap.used_heap_size > heap.heap_size_limit * HEAP_FULL) {
        this.stop(serverLowOnMemoryError(heap.used_heap_size, heap.heap_size_limit));
        throw this.stopError!;
      }
    }
  }

  /** Gives back working memory counted by reserve(). */
  release(bytes: number): void {
    this.memoryUsed -= bytes;
  }

  private expire(): never {
    this.stop(this.deadline!.error());
    throw this.stopError!;
  }
}

/** Working memory a statement takes on between looks at the heap. */
const HEAP_CHECK_BYTES = 16 * 1024 * 1024;
/** The share of the heap limit past which a growing statement is stopped. */
const HEAP_FULL = 0.85;

function serverLowOnMemoryError(used: number, limit: number): SqlError {
  const mb = (n: number): number => Math.round(n / (1024 * 1024));
  return new SqlError(
    'ER_QUERY_MEMORY_LIMIT',
    `This statement was stopped because the server is low on memory (${mb(used)} MB of its ${mb(limit)} MB heap in use); ` +
      'the server and other statements are unaffected. Add a filter or LIMIT, or lower tessera_query_memory_limit so statements stop sooner.',
  );
}

/** The error of a statement whose working memory passed tessera_query_memory_limit. */
export function queryMemoryLimitError(limit: number): SqlError {
  const mb = limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MB` : `${limit} bytes`;
  return new SqlError(
    'ER_QUERY_MEMORY_LIMIT',
    `This statement needed more than ${mb} of working memory (tessera_query_memory_limit) and was stopped; ` +
      'the server and other statements are unaffected. Add a filter or LIMIT, or raise the limit.',
  );
}
