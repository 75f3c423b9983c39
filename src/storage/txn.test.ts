import { describe, expect, it } from 'vitest';
import { TxnManager } from './txn.js';

describe('TxnManager views', () => {
  it('keeps the view list bounded under read-only traffic (no commit ever trims it)', () => {
    const txns = new TxnManager();
    for (let i = 0; i < 100_000; i++) txns.release(txns.view(null));
    expect(txns.trackedViewCount()).toBeLessThan(10_000);
  });

  it('keeps an unreleased view as the GC horizon while later views come and go', () => {
    const txns = new TxnManager();
    const w = txns.begin();
    w.commit(); // a commit without writes leaves the clock alone
    const held = txns.view(null);
    for (let i = 0; i < 20_000; i++) txns.release(txns.view(null));
    expect(txns.horizon()).toBe(held.ts);
    txns.release(held);
    expect(txns.horizon()).toBe(txns.now());
  });
});
