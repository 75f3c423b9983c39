import { describe, it, expect } from 'vitest';
import { Decimal } from './decimal.js';
import type { SqlType } from './types.js';
import { compareValues, groupKey, valuesEqualForGrouping } from './compare.js';

const VC: SqlType = { kind: 'string', family: 'varchar', length: 255, binary: false };
const VB: SqlType = { kind: 'string', family: 'varchar', length: 255, binary: true };
const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };
const DEC: SqlType = { kind: 'decimal', precision: 10, scale: 1 };
const DOUBLE: SqlType = { kind: 'double' };
const DATE: SqlType = { kind: 'date' };
const DT: SqlType = { kind: 'datetime', fsp: 0 };

describe('compareValues', () => {
  it('is NULL when either side is NULL', () => {
    expect(compareValues(null, BIGINT, 1, BIGINT)).toBeNull();
  });

  it('compares ints exactly beyond 2^53 and across signedness', () => {
    expect(compareValues(9007199254740993n, BIGINT, 9007199254740992, BIGINT)).toBe(1);
    expect(compareValues(18446744073709551615n, UBIGINT, -1, BIGINT)).toBe(1);
    expect(compareValues(1, BIGINT, new Decimal(10n, 1), DEC)).toBe(0);
    expect(compareValues(9007199254740993n, BIGINT, Decimal.parse('9007199254740992.9')!, DEC)).toBe(1);
  });

  it('uses doubles when either side is approximate or string vs number', () => {
    expect(compareValues('1e3', VC, 1000, BIGINT)).toBe(0);
    expect(compareValues('abc', VC, 0, BIGINT)).toBe(0);
    expect(compareValues('10', VC, 9, BIGINT)).toBe(1);
    expect(compareValues(0.1, DOUBLE, new Decimal(1n, 1), DEC)).toBe(0);
  });

  it('compares strings under the collation, binary bytewise', () => {
    expect(compareValues('a', VC, 'A ', VC)).toBe(0);
    expect(compareValues('a', VB, 'A', VC)).toBe(1);
    expect(compareValues(new Uint8Array([0x61]), VB, new Uint8Array([0x61]), VB)).toBe(0);
  });

  it('reads strings as temporals and temporals as numbers', () => {
    expect(compareValues('2024-01-02', DATE, '2024-1-2', VC)).toBe(0);
    expect(compareValues('2024-01-02', DATE, '2024-01-02 00:00:00', DT)).toBe(0);
    expect(compareValues('2024-01-02 00:00:01', DT, '2024-01-02', DATE)).toBe(1);
    expect(compareValues('2024-01-02', DATE, 20240102, BIGINT)).toBe(0);
    expect(compareValues('10:00:00', { kind: 'time', fsp: 0 }, '9:00', VC)).toBe(1);
    expect(compareValues('100:00:00', { kind: 'time', fsp: 0 }, '99:00:00', { kind: 'time', fsp: 0 })).toBe(1);
  });
});

describe('groupKey', () => {
  it('groups NULLs together and strings by collation', () => {
    const m = new Map<string | number, number>();
    for (const v of ['a', 'A', 'a ', null, null, 'b']) {
      const k = groupKey(v, VC);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    expect([...m.values()]).toEqual([3, 2, 1]);
  });

  it('normalizes decimal scale and bigints', () => {
    expect(groupKey(new Decimal(10n, 1), DEC)).toBe(groupKey(new Decimal(1n, 0), DEC));
    expect(groupKey(new Decimal(15n, 1), DEC)).toBe(groupKey(new Decimal(150n, 2), DEC));
    expect(groupKey(2n ** 60n, BIGINT)).not.toBe(groupKey(2n ** 60n + 1n, BIGINT));
    expect(valuesEqualForGrouping(null, null, BIGINT)).toBe(true);
    expect(valuesEqualForGrouping(-0, 0, DOUBLE)).toBe(true);
  });
});
