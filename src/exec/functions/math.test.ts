import { describe, it, expect } from 'vitest';
import { call, dec, text } from './test-util.js';

const D = (p: number, s: number) => ({ kind: 'decimal' as const, precision: p, scale: s });

describe('math functions (expected values from MariaDB 10.11)', () => {
  it('ROUND: exact for decimals and ints, half away from zero', () => {
    expect(text('ROUND', dec('-1.5'))).toBe('-2');
    expect(text('ROUND', dec('2.5'))).toBe('3');
    expect(text('ROUND', dec('1.005'), 2)).toBe('1.01');
    expect(text('ROUND', dec('1.234'), 5)).toBe('1.23400');
    expect(text('ROUND', 125, -1)).toBe('130');
    expect(text('ROUND', -125, -1)).toBe('-130');
    expect(call('ROUND', [dec('1.2345'), D(10, 4)], 2).type).toEqual(D(9, 2));
    expect(call('ROUND', 5).type).toEqual({ kind: 'int', bytes: 8, unsigned: false });
    expect(text('ROUND', 9007199254740993n)).toBe('9007199254740993');
  });

  it('ROUND on doubles rounds like rint (half to even), as MySQL and MariaDB do', () => {
    expect(text('ROUND', 2.5)).toBe('2');
    expect(text('ROUND', -2.5)).toBe('-2');
    expect(text('ROUND', 0.5)).toBe('0');
    expect(text('ROUND', 1.15, 1)).toBe('1.2');
    expect(text('ROUND', 1.005, 2)).toBe('1.00'); // the double shows ROUND's 2 display decimals
  });

  it('TRUNCATE, FLOOR, CEIL', () => {
    expect(text('TRUNCATE', dec('1.999'), 1)).toBe('1.9');
    expect(text('TRUNCATE', -1.999, 1)).toBe('-1.9');
    expect(text('TRUNCATE', 125, -1)).toBe('120');
    expect(text('FLOOR', dec('-1.5'))).toBe('-2');
    expect(call('FLOOR', [dec('-1.5'), D(2, 1)]).type.kind).toBe('int');
    expect(call('FLOOR', [dec('1.5'), D(40, 1)]).type).toEqual(D(40, 0));
    expect(text('CEIL', 1.2)).toBe('2');
    expect(text('CEILING', dec('1.0000001'))).toBe('2');
    expect(call('CEIL', 1.2).type.kind).toBe('double');
  });

  it('MOD, ABS, SIGN', () => {
    expect(text('MOD', 7, -3)).toBe('1');
    expect(text('MOD', -7, 3)).toBe('-1');
    expect(text('MOD', dec('10'), dec('3.5'))).toBe('3.0');
    expect(text('MOD', 5, 0)).toBeNull();
    expect(text('ABS', -5)).toBe('5');
    expect(call('ABS', [-5, { kind: 'int', bytes: 4, unsigned: false }]).type).toEqual({ kind: 'int', bytes: 4, unsigned: false });
    expect(text('ABS', dec('-1.50'))).toBe('1.50');
    expect(text('SIGN', dec('-3.2'))).toBe('-1');
  });

  it('floating functions', () => {
    expect(text('POW', 2, -1)).toBe('0.5');
    expect(text('EXP', 1)).toBe('2.718281828459045');
    expect(text('LN', 0)).toBeNull();
    expect(text('SQRT', -1)).toBeNull();
    expect(text('LOG', 2, 8)).toBe('3');
    expect(text('LOG10', 100)).toBe('2');
    expect(text('COT', 1)).toBe('0.6420926159343306');
    expect(() => text('COT', 0)).toThrow(/out of range/);
    expect(text('DEGREES', Math.PI)).toBe('180');
    expect(text('ATAN', 1, 1)).toBe(text('ATAN2', 1, 1));
  });

  it('CRC32 and seeded RAND match MySQL', () => {
    expect(text('CRC32', 'abc')).toBe('891568578');
    expect(text('RAND', 1)).toBe('0.40540353712197724');
  });

  it('GREATEST/LEAST follow MySQL typing', () => {
    expect(text('GREATEST', 1, '2a')).toBe('2');
    expect(text('GREATEST', 'a', 'B')).toBe('B');
    expect(text('GREATEST', dec('1.5'), 2)).toBe('2.0');
    expect(text('LEAST', 1, 2.5)).toBe('1');
    expect(text('GREATEST', 1, null)).toBeNull();
    expect(text('GREATEST', 9007199254740993n, 9007199254740992n)).toBe('9007199254740993');
    expect(text('GREATEST', ['2024-01-01', { kind: 'date' }], '2023-05-05')).toBe('2024-01-01');
  });
});
