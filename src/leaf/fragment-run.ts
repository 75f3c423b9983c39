import type { WireBatch } from '../common/ir/batch.js';
import type { FragmentChunk, FragmentCursor } from '../net/leaf-api.js';
import { PAUSE, type Operator, type Pacer } from '../exec/index.js';

/** Rows per chunk handed to the aggregator: enough to amortize a call, few enough to stream. */
const CHUNK_ROWS = 8192;

/**
 * A fragment running on a leaf: one instantiation of its operators, run a chunk at a time as the
 * aggregator asks. Inside a chunk it pauses whenever its slice is used up (the event loop serves
 * others, then it carries on where it stopped); a chunk that has rows when the slice ends goes
 * back at once and the next one starts by letting the event loop run.
 */
export class FragmentRun implements FragmentCursor {
  private owesYield = false;
  private done = false;

  constructor(
    private readonly op: Operator,
    private readonly pacer: Pacer,
    /** Releases the read view and unregisters the run; called once, at the end, on error or on close. */
    private readonly onEnd: () => void,
    /** Throws when the run may not go on (its transaction ended); called whenever it resumes. */
    private readonly alive: () => void = () => {},
  ) {}

  async next(): Promise<FragmentChunk> {
    if (this.done) return { batches: [], rest: null };
    try {
      if (this.owesYield) {
        this.owesYield = false;
        await this.pacer.resume();
      } else {
        this.pacer.newSlice();
        this.pacer.check();
      }
      this.alive();
      const out: WireBatch[] = [];
      let rows = 0;
      for (;;) {
        const b = this.op.next();
        if (b === null) {
          this.end();
          return { batches: out, rest: null };
        }
        if (b === PAUSE) {
          if (out.length > 0) {
            this.owesYield = true;
            return { batches: out, rest: this };
          }
          await this.pacer.resume();
          this.alive();
          continue;
        }
        if (b.length === 0) continue;
        out.push(b);
        rows += b.length;
        if (rows >= CHUNK_ROWS) return { batches: out, rest: this };
      }
    } catch (e) {
      this.end();
      throw e;
    }
  }

  close(): void {
    this.end();
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd();
  }
}

/** Reads a fragment to its end (small internal reads). */
export async function readAll(first: FragmentChunk): Promise<WireBatch[]> {
  const out = [...first.batches];
  let rest = first.rest;
  while (rest !== null) {
    const c = await rest.next();
    out.push(...c.batches);
    rest = c.rest;
  }
  return out;
}
