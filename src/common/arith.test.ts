import { describe, it, expect } from 'vitest';
import { Decimal } from './decimal.js';
import { SqlError } from './errors.js';
import type { SqlType } from './types.js';
import type { Value } from './value.js';
import { arith, arithResultType, negate, type ArithOp } from './arith.js';

const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };
const DOUBLE: SqlType = { kind: 'double' };
const VC: SqlType = { kind: 'string', family: 'varchar', length: 10, binary: false };
const dec = (s: string) => Decimal.parse(s)!;
const D = (p: number, s: number): SqlType => ({ kind: 'decimal', precision: p, scale: s });

function run(op: ArithOp, a: Value, at: SqlType, b: Value, bt: SqlType) {
  const warnings: string[] = [];
  const v = arith(op, a, at, b, bt, 'expr', (c) => warnings.push(c));
  return { v: v instanceof Decimal ? v.toString() : v, warnings };
}

describe('result types', () => {
  it('follows MySQL', () => {
    expect(arithResultType('+', INT, INT)).toEqual(BIGINT);
    expect(arithResultType('-', UBIGINT, INT)).toEqual(UBIGINT);
    expect(arithResultType('+', D(5, 2), D(10, 4))).toEqual(D(11, 4));
    expect(arithResultType('*', D(5, 2), D(4, 1))).toEqual(D(9, 3));
    expect(arithResultType('/', INT, INT)).toEqual(D(14, 4));
    expect(arithResultType('/', DOUBLE, INT)).toEqual(DOUBLE);
    expect(arithResultType('+', VC, INT)).toEqual(DOUBLE);
    expect(arithResultType('DIV', D(5, 2), INT)).toEqual(BIGINT);
  });
});

describe('arith', () => {
  it('is exact for ints beyond 2^53', () => {
    expect(run('+', 9007199254740991, BIGINT, 2, BIGINT).v).toBe(9007199254740993n);
    expect(run('*', 3037000499, BIGINT, 3037000499, BIGINT).v).toBe(9223372030926249001n);
  });

  it('raises 1690 on BIGINT overflow, with the expression text', () => {
    expect(() => run('+', 9223372036854775807n, BIGINT, 1, BIGINT)).toThrow("BIGINT value is out of range in 'expr'");
    expect(() => run('-', 1, UBIGINT, 2, BIGINT)).toThrow("BIGINT UNSIGNED value is out of range in 'expr'");
    try {
      run('*', 2n ** 62n, BIGINT, 4, BIGINT);
    } catch (e) {
      expect((e as SqlError).errno).toBe(1690);
    }
    expect(() => negate(-(2n ** 63n), BIGINT, '-x')).toThrow(SqlError);
  });

  it('keeps decimals exact', () => {
    expect(run('+', dec('0.1'), D(2, 1), dec('0.2'), D(2, 1)).v).toBe('0.3');
    expect(run('*', dec('19.99'), D(4, 2), 3, INT).v).toBe('59.97');
    expect(run('/', 1, INT, 3, INT).v).toBe('0.3333');
    expect(run('/', dec('1.00'), D(3, 2), 3, INT).v).toBe('0.333333');
    expect(run('/', 7, INT, 2, INT).v).toBe('3.5000');
  });

  it('divides by zero to NULL with a warning', () => {
    expect(run('/', 1, INT, 0, INT)).toEqual({ v: null, warnings: ['ER_DIVISION_BY_ZERO'] });
    expect(run('%', 1, INT, 0, INT).v).toBeNull();
    expect(run('DIV', 5, INT, 0, INT).v).toBeNull();
    expect(run('/', 1, DOUBLE, 0, DOUBLE).v).toBeNull();
  });

  it('DIV truncates and MOD takes the dividend sign', () => {
    expect(run('DIV', 7, INT, -2, INT).v).toBe(-3);
    expect(run('DIV', dec('7.9'), D(2, 1), 2, INT).v).toBe(3);
    expect(run('%', 7, INT, -3, INT).v).toBe(1);
    expect(run('%', -7, INT, 3, INT).v).toBe(-1);
    expect(run('%', dec('-7.5'), D(2, 1), 2, INT).v).toBe('-1.5');
    expect(run('%', dec('10'), D(2, 0), dec('3.5'), D(2, 1)).v).toBe('3.0');
    expect(run('%', -7.5, DOUBLE, 2, INT).v).toBe(-1.5);
  });

  it('uses doubles for strings', () => {
    expect(run('+', '1.5', VC, 1, INT).v).toBe(2.5);
    expect(run('+', 0.1, DOUBLE, 0.2, DOUBLE).v).toBe(0.30000000000000004);
  });
});
