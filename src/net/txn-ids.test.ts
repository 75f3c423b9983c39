// Transaction ids are unique across aggregators: each aggregator's ids carry its id in the high
// bits, so two aggregators counting from the same start never collide, and the id says who made it.
import { expect, it } from 'vitest';
import { MAX_AGGREGATOR_ID, TxnIds } from './txn-ids.js';

it('two aggregators never hand out the same id, and each id names its aggregator', () => {
  const a = new TxnIds(1);
  const b = new TxnIds(2);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const x = a.next();
    const y = b.next();
    expect(seen.has(x) || seen.has(y)).toBe(false);
    seen.add(x);
    seen.add(y);
    expect(TxnIds.aggregatorOf(x)).toBe(1);
    expect(TxnIds.aggregatorOf(y)).toBe(2);
  }
  expect(seen.size).toBe(2000);
});

it('ids stay safe integers up to the largest aggregator id, and out-of-range ids are refused', () => {
  const last = new TxnIds(MAX_AGGREGATOR_ID, 2 ** 32 - 1);
  const id = last.next();
  expect(Number.isSafeInteger(id)).toBe(true);
  expect(TxnIds.aggregatorOf(id)).toBe(MAX_AGGREGATOR_ID);
  expect(() => last.next()).toThrow('used up its transaction ids');
  expect(() => new TxnIds(0)).toThrow('out of range');
  expect(() => new TxnIds(MAX_AGGREGATOR_ID + 1)).toThrow('out of range');
});
