import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/errors.js';
import { compileRegexp, regexpMatches } from './regexp.js';

const ci = (subject: string, pattern: string): boolean => regexpMatches(compileRegexp(pattern, true), subject);
const cs = (subject: string, pattern: string): boolean => regexpMatches(compileRegexp(pattern, false), subject);

function compileError(pattern: string): SqlError {
  try {
    compileRegexp(pattern, true);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`${pattern} compiled`);
}

describe('REGEXP (expected values from MariaDB 10.11)', () => {
  it('matches anywhere, case-insensitively unless binary', () => {
    expect(ci('ABC', 'abc')).toBe(true);
    expect(cs('ABC', 'abc')).toBe(false);
    expect(ci('abc', 'b')).toBe(true);
    expect(ci('abc', '^b')).toBe(false);
    expect(ci('É', 'é')).toBe(true);
    expect(ci('é', 'e')).toBe(false);
    expect(ci('Abc', '(?-i)abc')).toBe(false);
    expect(cs('Abc', '(?i)abc')).toBe(true);
  });

  it('. stops at a newline and ^ $ anchor the whole subject', () => {
    expect(ci('a\nb', 'a.b')).toBe(false);
    expect(ci('a\nb', '^b')).toBe(false);
    expect(ci('a\nb', 'a$')).toBe(false);
    expect(ci('😀', '^.$')).toBe(true);
    expect(cs('\xc3\xa9', '^..$')).toBe(true); // BINARY 'é': two bytes
  });

  it('POSIX classes and word boundaries', () => {
    expect(ci('abc', '[[:alpha:]]+')).toBe(true);
    expect(ci('ab1', '^[[:alnum:]]+$')).toBe(true);
    expect(ci('a b', '[[:space:]]')).toBe(true);
    expect(ci('abc', '[[:<:]]abc[[:>:]]')).toBe(true);
    expect(ci('xabc', '[[:<:]]abc')).toBe(false);
    expect(ci('5', '\\d')).toBe(true);
  });

  it('a pattern that cannot compile is ER_REGEXP_ERROR (1139, 42000)', () => {
    for (const p of ['(', 'a{2,1}', '(ab)\\1', '(?=a)b']) {
      const e = compileError(p);
      expect([e.errno, e.sqlState]).toEqual([1139, '42000']);
      expect(e.message).toMatch(/^Got error '.+' from regexp$/);
      expect(e.message).not.toContain('(?i)');
    }
  });

  it('nested quantifiers match in linear time', () => {
    const start = performance.now();
    expect(ci('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '(a+)+$')).toBe(false);
    expect(ci('a'.repeat(100_000) + '!', '(a|aa)*$')).toBe(true);
    expect(ci('a'.repeat(100_000) + '!', '^(a|aa)*$')).toBe(false);
    expect(ci('x'.repeat(20_000), '(x+x+)+y')).toBe(false);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
