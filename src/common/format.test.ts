import { describe, it, expect } from 'vitest';
import { Decimal } from './decimal.js';
import { formatForClient } from './format.js';

describe('formatForClient', () => {
  it('renders each type as the MySQL text protocol does', () => {
    expect(formatForClient(new Decimal(5n, 0), { kind: 'decimal', precision: 10, scale: 2 })).toBe('5.00');
    expect(formatForClient(1e20, { kind: 'double' })).toBe('1e20');
    expect(formatForClient(Math.fround(1.23456789), { kind: 'float' })).toBe('1.23457');
    expect(formatForClient(1, { kind: 'int', bytes: 1, unsigned: false, display: 1 })).toBe('1');
    expect(formatForClient(2n ** 64n - 1n, { kind: 'int', bytes: 8, unsigned: true })).toBe('18446744073709551615');
    expect(formatForClient('2024-01-02', { kind: 'date' })).toBe('2024-01-02');
    expect(formatForClient(5, { kind: 'year' })).toBe('0005');
    expect(formatForClient(null, { kind: 'double' })).toBeNull();
    expect(formatForClient(new Uint8Array([1, 2]), { kind: 'string', family: 'varchar', length: 2, binary: true })).toEqual(new Uint8Array([1, 2]));
  });

  it('shows a double with its display decimals when they are fixed (MariaDB 10.11 output)', () => {
    expect(formatForClient(Math.PI, { kind: 'double', decimals: 6 })).toBe('3.141593');
    expect(formatForClient(-Math.PI * 0, { kind: 'double', decimals: 6 })).toBe('0.000000');
    expect(formatForClient(Math.PI * 1e20, { kind: 'double', decimals: 6 })).toBe('314159265358979330000.000000');
    expect(formatForClient(Math.PI, { kind: 'double', decimals: 30 })).toBe('3.141592653589793000000000000000');
    expect(formatForClient(2, { kind: 'double', decimals: 0 })).toBe('2');
    expect(formatForClient(Infinity, { kind: 'double', decimals: 2 })).toBe('inf');
  });
});
