import { describe, it, expect } from 'vitest';
import { call, dec, text } from './test-util.js';
import { aggregateTypes } from './control.js';

describe('control functions (expected values from MariaDB 10.11)', () => {
  it('aggregate branch types as MySQL', () => {
    expect(text('IF', 1, 1, dec('2.5'))).toBe('1.0');
    expect(text('IFNULL', null, 'x')).toBe('x');
    expect(text('IFNULL', 5, 'x')).toBe('5');
    expect(call('IFNULL', 5, 'x').type.kind).toBe('string');
    expect(text('COALESCE', null, 1, dec('2.55'))).toBe('1.00');
    expect(text('COALESCE', null, null)).toBeNull();
    expect(aggregateTypes([{ kind: 'date' }, { kind: 'datetime', fsp: 0 }])).toEqual({ kind: 'datetime', fsp: 0 });
    expect(aggregateTypes([{ kind: 'int', bytes: 4, unsigned: false }, { kind: 'double' }])).toEqual({ kind: 'double' });
  });

  it('IF uses SQL truthiness; NULLIF uses the collation', () => {
    expect(text('IF', dec('0.4'), 'y', 'n')).toBe('y');
    expect(text('IF', '0.0', 'y', 'n')).toBe('n');
    expect(text('IF', null, 'y', 'n')).toBe('n');
    expect(text('NULLIF', 1, 1)).toBeNull();
    expect(text('NULLIF', 'a', 'A')).toBeNull();
    expect(text('NULLIF', 1, null)).toBe('1');
  });
});
