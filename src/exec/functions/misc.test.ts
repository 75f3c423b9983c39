import { describe, it, expect } from 'vitest';
import { call, text } from './test-util.js';
import { setServerVersion } from './misc.js';
import { checkArgCount, functionNames, lookupFunction, wrongParamCountError } from './registry.js';

describe('misc functions (expected values from MariaDB 10.11)', () => {
  it('VERSION comes from the setter; UUID is a v1 layout', () => {
    setServerVersion('8.0.32-test');
    expect(text('VERSION')).toBe('8.0.32-test');
    const u = call('UUID').value as string;
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lookupFunction('UUID')!.deterministic).toBe(false);
  });

  it('INET, BIT_COUNT, ISNULL', () => {
    expect(text('INET_ATON', '127.1')).toBe('2130706433');
    expect(text('INET_ATON', '10.0.5.9')).toBe('167773449');
    expect(text('INET_ATON', '1.2.3.256')).toBeNull();
    expect(text('INET_NTOA', 167773449)).toBe('10.0.5.9');
    expect(text('BIT_COUNT', -1)).toBe('64');
    expect(text('BIT_COUNT', 7)).toBe('3');
    expect(text('ISNULL', null)).toBe('1');
  });

  it('JSON basics', () => {
    expect(text('JSON_EXTRACT', '{"a":{"b":[1,2]}}', '$.a.b[0]')).toBe('1');
    expect(text('JSON_EXTRACT', '{"a":[1,2]}', '$.a')).toBe('[1, 2]');
    expect(text('JSON_EXTRACT', '{"a":"x"}', '$.a')).toBe('"x"');
    expect(text('JSON_EXTRACT', '{"a":"x"}', '$.b')).toBeNull();
    expect(text('JSON_EXTRACT', '{"a":[1,2]}', '$.a[*]')).toBe('[1, 2]');
    expect(text('JSON_UNQUOTE', '"a\\nb"')).toBe('a\nb');
    expect(text('JSON_UNQUOTE', 'abc')).toBe('abc');
    expect(text('JSON_OBJECT', 'a', 1, 'b', 'x')).toBe('{"a": 1, "b": "x"}');
    expect(text('JSON_ARRAY', 1, 'a', null, 1.5)).toBe('[1, "a", null, 1.5]');
    expect(text('JSON_VALID', '{')).toBe('0');
    expect(text('JSON_VALID', '{"a": 1}')).toBe('1');
    expect(() => text('JSON_EXTRACT', '{"a":1}', 'a')).toThrow(/Invalid JSON path/);
  });
});

describe('registry', () => {
  it('looks names up case-insensitively and reports 1582', () => {
    expect(lookupFunction('concat')!.name).toBe('CONCAT');
    expect(lookupFunction('NO_SUCH')).toBeUndefined();
    const e = wrongParamCountError('LEFT');
    expect(e.errno).toBe(1582);
    expect(e.message).toBe("Incorrect parameter count in the call to native function 'LEFT'");
    expect(() => checkArgCount(lookupFunction('LEFT')!, 1)).toThrow(/LEFT/);
    expect(functionNames().length).toBeGreaterThanOrEqual(150);
  });

  it('declares NULL handling per MySQL', () => {
    for (const n of ['IFNULL', 'NULLIF', 'IF', 'COALESCE', 'CONCAT_WS', 'ISNULL', 'FIELD', 'ELT', 'QUOTE', 'CHAR']) {
      expect(lookupFunction(n)!.nullIfAnyNull, n).toBe(false);
    }
    for (const n of ['CONCAT', 'SUBSTRING', 'ROUND', 'DATE_ADD', 'GREATEST']) {
      expect(lookupFunction(n)!.nullIfAnyNull, n).toBe(true);
    }
    for (const n of ['NOW', 'RAND', 'UUID', 'CURDATE', 'SYSDATE', 'UNIX_TIMESTAMP']) {
      expect(lookupFunction(n)!.deterministic, n).toBe(false);
    }
  });
});
