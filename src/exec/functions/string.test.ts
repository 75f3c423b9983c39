import { describe, it, expect } from 'vitest';
import { call, dec, text } from './test-util.js';

describe('string functions (expected values from MariaDB 10.11)', () => {
  it('CONCAT family', () => {
    expect(text('CONCAT', 'a', 1, 2.5)).toBe('a12.5');
    expect(call('CONCAT', 1, 2).type.kind).toBe('string');
    expect(text('CONCAT', 'a', null)).toBeNull();
    expect(text('CONCAT_WS', ',', 'a', null, 'b')).toBe('a,b');
    expect(text('CONCAT_WS', null, 'a')).toBeNull();
  });

  it('lengths count bytes or characters', () => {
    expect(text('LENGTH', 'é')).toBe('2');
    expect(text('CHAR_LENGTH', 'é')).toBe('1');
    expect(text('CHAR_LENGTH', '😀a')).toBe('2');
    expect(text('BIT_LENGTH', 'ab')).toBe('16');
  });

  it('SUBSTRING, LEFT, RIGHT, INSERT', () => {
    expect(text('SUBSTRING', 'hello', -3, 2)).toBe('ll');
    expect(text('SUBSTRING', 'hello', 0)).toBe('');
    expect(text('SUBSTR', 'hello', 2)).toBe('ello');
    expect(text('MID', 'hello', 10)).toBe('');
    expect(text('LEFT', 'héllo', 2)).toBe('hé');
    expect(text('RIGHT', 'hello', 3)).toBe('llo');
    expect(text('INSERT', 'Quadratic', 3, 4, 'What')).toBe('QuWhattic');
    expect(text('SUBSTRING_INDEX', 'a.b.c', '.', -2)).toBe('b.c');
    expect(text('SUBSTRING_INDEX', 'a.b.c', '.', 1)).toBe('a');
  });

  it('trims', () => {
    expect(text('TRIM', '  a  ')).toBe('a');
    expect(text('LTRIM', '  a  ')).toBe('a  ');
    expect(text('TRIM_LEADING', 'xxaxx', 'x')).toBe('axx');
    expect(text('TRIM_TRAILING', 'xyxya', 'xy')).toBe('xyxya');
    expect(text('TRIM_BOTH', 'xyaxy', 'xy')).toBe('a');
  });

  it('search is case-insensitive where MySQL is', () => {
    expect(text('INSTR', 'foobar', 'BAR')).toBe('4');
    expect(text('LOCATE', 'l', 'hello', 4)).toBe('4');
    expect(text('LOCATE', 'z', 'hello')).toBe('0');
    expect(text('POSITION', 'B', 'abc')).toBe('2');
    expect(text('FIELD', 'b', 'a', 'B')).toBe('2');
    expect(text('FIELD', null, 'a')).toBe('0');
    expect(text('FIND_IN_SET', 'b', 'a,b,c')).toBe('2');
    expect(text('STRCMP', 'a', 'A')).toBe('0');
    expect(text('STRCMP', 'a', 'b')).toBe('-1');
    expect(text('REPLACE', 'aAa', 'a', 'x')).toBe('xAx');
  });

  it('pads, repeats and spaces', () => {
    expect(text('LPAD', 'abc', 2, 'x')).toBe('ab');
    expect(text('RPAD', 'a', 4, 'xy')).toBe('axyx');
    expect(text('LPAD', 'a', 3, '')).toBeNull();
    expect(text('REPEAT', 'ab', -1)).toBe('');
    expect(text('REPEAT', 'ab', 2)).toBe('abab');
    expect(text('SPACE', 3)).toBe('   ');
    expect(text('REVERSE', 'abc')).toBe('cba');
  });

  it('codes and encodings', () => {
    expect(text('ASCII', '')).toBe('0');
    expect(text('ORD', 'é')).toBe('50089');
    expect(text('CHAR', 65, 66)).toEqual(new Uint8Array([65, 66]));
    expect(text('CHAR', 256)).toEqual(new Uint8Array([1, 0]));
    expect(text('HEX', 255)).toBe('FF');
    expect(text('HEX', 'abc')).toBe('616263');
    expect(text('HEX', -1)).toBe('FFFFFFFFFFFFFFFF');
    expect(text('UNHEX', '4142')).toEqual(new Uint8Array([0x41, 0x42]));
    expect(text('UNHEX', 'zz')).toBeNull();
    expect(text('CONV', 'ff', 16, 10)).toBe('255');
    expect(text('CONV', -1, 10, 16)).toBe('FFFFFFFFFFFFFFFF');
    expect(text('CONV', -1, 10, -16)).toBe('-1');
    expect(text('BIN', -1)).toBe('1'.repeat(64));
    expect(text('OCT', 8)).toBe('10');
    expect(text('MD5', 'a')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(text('SHA2', 'a', 256)).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(text('SHA2', 'a', 7)).toBeNull();
    expect(text('SHA1', 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(text('TO_BASE64', 'abc')).toBe('YWJj');
    expect(text('FROM_BASE64', 'YWJj')).toEqual(new Uint8Array([0x61, 0x62, 0x63]));
    expect(text('QUOTE', "a'b\\c")).toBe("'a\\'b\\\\c'");
    expect(text('QUOTE', null)).toBe('NULL');
    expect(text('ELT', 0, 'a')).toBeNull();
    expect(text('ELT', 2, 'a', 'b')).toBe('b');
  });

  it('FORMAT rounds half away from zero and groups thousands', () => {
    expect(text('FORMAT', dec('1234567.891'), 2)).toBe('1,234,567.89');
    expect(text('FORMAT', dec('0.5'), 0)).toBe('1');
    expect(text('FORMAT', dec('-1234.5'), 0)).toBe('-1,235');
    expect(text('FORMAT', 1234.5678, 2)).toBe('1,234.57');
  });
});
