/**
 * Frames of one sorted partition. Rows are addressed by their position in the sorted order;
 * a frame is the half-open range [lo, hi) of positions, empty when lo >= hi. For every frame
 * MySQL allows, lo and hi never move backwards as the current row advances, so a cursor finds
 * each row's frame with pointers that only move forward: O(partition) for the whole partition.
 */
import { assertNever } from '../../common/assert.js';
import type { FrameBound, WindowFrame } from '../../common/ir/window.js';
import type { Value } from '../../common/value.js';

/** What the frame cursors and the functions know of the partition being computed. */
export interface PartitionView {
  /** Sorted positions [start, end). */
  readonly start: number;
  readonly end: number;
  /** Per position - start: the first position of its peer group and the one past its last. */
  readonly peerStart: Int32Array;
  readonly peerEnd: Int32Array;
  /** The single ORDER BY key at a position (RANGE frames with offsets only). */
  key(pos: number): Value;
  /** -1 when that key sorts descending. */
  readonly sign: 1 | -1;
  /** Positions whose key is not NULL: NULLs sort first ascending, last descending. */
  readonly nonNullStart: number;
  readonly nonNullEnd: number;
}

/** Compares a row's key with a bound's target (both non-NULL). */
export type TargetCmp = (key: Value, target: Value) => number;

/** A bound's target for the row at a position: the row's key moved by the offset. */
export type TargetAt = (pos: number) => Value;

export interface BoundEnv {
  readonly target?: TargetAt;
  readonly cmp?: TargetCmp;
}

export class FrameCursor {
  lo = 0;
  hi = 0;
  private startPtr = 0;
  private endPtr = 0;
  private part!: PartitionView;

  constructor(
    private readonly frame: WindowFrame,
    private readonly startEnv: BoundEnv,
    private readonly endEnv: BoundEnv,
  ) {}

  /** Starts on a partition (one cursor serves every partition of its call). */
  reset(part: PartitionView): this {
    this.part = part;
    this.startPtr = part.nonNullStart;
    this.endPtr = part.nonNullStart;
    return this;
  }

  /** Moves to the row at `pos` (positions are visited in increasing order). */
  at(pos: number): void {
    this.lo = this.bound(this.frame.start, pos, true);
    this.hi = this.bound(this.frame.end, pos, false);
  }

  private bound(b: FrameBound, pos: number, isStart: boolean): number {
    const p = this.part;
    switch (b.kind) {
      case 'unbounded':
        return isStart ? p.start : p.end;
      case 'rows': {
        const at = pos + b.offset + (isStart ? 0 : 1);
        return at < p.start ? p.start : at > p.end ? p.end : at;
      }
      case 'peers':
        return isStart ? p.peerStart[pos - p.start]! : p.peerEnd[pos - p.start]!;
      case 'range': {
        // A NULL key has no distance to anything: its frame is its peers, the other NULLs.
        if (p.key(pos) === null) return isStart ? p.peerStart[pos - p.start]! : p.peerEnd[pos - p.start]!;
        const env = isStart ? this.startEnv : this.endEnv;
        const target = env.target!(pos);
        const cmp = env.cmp!;
        const sign = p.sign;
        // Start: the first row whose key reaches the target; end: the first row past it.
        let j = isStart ? this.startPtr : this.endPtr;
        if (j < p.nonNullStart) j = p.nonNullStart;
        if (target === null) return isStart ? p.nonNullEnd : p.nonNullStart;
        while (j < p.nonNullEnd) {
          const c = sign * cmp(p.key(j), target);
          if (isStart ? c >= 0 : c > 0) break;
          j++;
        }
        if (isStart) this.startPtr = j;
        else this.endPtr = j;
        return j;
      }
      default:
        return assertNever(b, 'frame bound');
    }
  }
}

/**
 * Minimum or maximum over a frame that slides forward: a deque of positions whose values
 * only worsen from front to back, so each row enters and leaves once.
 */
export class SlidingExtreme {
  private readonly q: number[] = [];
  private head = 0;
  private hi = 0;

  /** better(a, b) < 0 when a should win over b (smaller for MIN, larger for MAX). */
  constructor(private readonly value: (pos: number) => Value, private readonly better: (a: Value, b: Value) => number, start: number) {
    this.hi = start;
  }

  /** The extreme of the non-NULL values of [lo, hi), or NULL. */
  move(lo: number, hi: number): Value {
    const q = this.q;
    if (lo > this.hi) this.hi = lo;
    for (; this.hi < hi; this.hi++) {
      const v = this.value(this.hi);
      if (v === null) continue;
      while (q.length > this.head && this.better(v, this.value(q[q.length - 1]!)) < 0) q.pop();
      q.push(this.hi);
    }
    while (this.head < q.length && q[this.head]! < lo) this.head++;
    // Keep the dead prefix from growing without bound.
    if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
    return this.head < q.length && q[this.head]! < hi ? this.value(q[this.head]!) : null;
  }
}
