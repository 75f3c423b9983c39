import { invariant } from '../common/assert.js';

/** Low bits of a transaction id that count an aggregator's transactions. */
const SEQUENCE_BITS = 32;
const SEQUENCE_SPAN = 2 ** SEQUENCE_BITS;
/** Aggregator ids fit the bits a safe integer has left (53 − 32 = 21). */
export const MAX_AGGREGATOR_ID = 2 ** (53 - SEQUENCE_BITS) - 1;

/**
 * Transaction ids that are unique across a cluster's aggregators: the aggregator's id in the high
 * bits, its own counter in the low 32, so two aggregators never hand a leaf the same id. Ids stay
 * plain numbers (safe integers), as every message carries them.
 */
export class TxnIds {
  private seq: number;

  constructor(
    readonly aggregatorId: number,
    firstSequence = 1,
  ) {
    invariant(Number.isInteger(aggregatorId) && aggregatorId >= 1 && aggregatorId <= MAX_AGGREGATOR_ID, `aggregator id ${aggregatorId} is out of range`);
    invariant(Number.isInteger(firstSequence) && firstSequence >= 1 && firstSequence < SEQUENCE_SPAN, `first sequence ${firstSequence} is out of range`);
    this.seq = firstSequence;
  }

  next(): number {
    invariant(this.seq < SEQUENCE_SPAN, `aggregator ${this.aggregatorId} has used up its transaction ids`);
    return this.aggregatorId * SEQUENCE_SPAN + this.seq++;
  }

  /** The aggregator that made `txnId`. */
  static aggregatorOf(txnId: number): number {
    return Math.floor(txnId / SEQUENCE_SPAN);
  }
}
