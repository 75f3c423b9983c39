import { describe, expect, it } from 'vitest';
import { Decimal } from '../common/decimal.js';
import { integerAtLeast, integerAtMost, integersEqualTo, isExactInteger } from './integer-keys.js';

describe('integer keys from DOUBLE / DECIMAL / string values', () => {
  it('equality names the one integer, none for a fraction, a small range past 2^53', () => {
    expect(integersEqualTo(2)).toEqual({ lo: 2n, hi: 2n });
    expect(integersEqualTo(2.5)).toBeNull();
    expect(integersEqualTo(new Decimal(300n, 2))).toEqual({ lo: 3n, hi: 3n });
    expect(integersEqualTo(new Decimal(305n, 2))).toBeNull();
    expect(integersEqualTo('7')).toEqual({ lo: 7n, hi: 7n });
    expect(integersEqualTo('7.5')).toBeNull();
    const big = integersEqualTo(2 ** 60)!;
    expect(big.lo < 2n ** 60n && big.hi > 2n ** 60n).toBe(true);
    expect(big.hi - big.lo).toBeLessThanOrEqual(2n ** 10n);
  });

  it('bounds round inward to the nearest integer inside', () => {
    expect(integerAtLeast(2.5)).toBe(3n);
    expect(integerAtLeast(-2.5)).toBe(-2n);
    expect(integerAtMost(2.5)).toBe(2n);
    expect(integerAtMost(-2.5)).toBe(-3n);
    expect(integerAtLeast(new Decimal(-25n, 1))).toBe(-2n);
    expect(integerAtMost(new Decimal(-25n, 1))).toBe(-3n);
    expect(integerAtLeast(3)).toBe(3n);
    expect(integerAtLeast(-Infinity)).toBeNull();
    expect(integerAtMost(Infinity)).toBeNull();
  });

  it('leaves exact integers alone', () => {
    expect(isExactInteger(5)).toBe(true);
    expect(isExactInteger(5n)).toBe(true);
    expect(isExactInteger(5.5)).toBe(false);
    expect(isExactInteger(2 ** 60)).toBe(false);
    expect(isExactInteger('5')).toBe(false);
  });
});
