import { describe, expect, it } from 'vitest';
import { compileLike, likeMatches } from './like.js';
import { foldForLike } from './string.js';

const like = (value: string, pattern: string, escape = '\\', binary = false): boolean => likeMatches(compileLike(pattern, escape, binary), value);

/**
 * An independent oracle: the textbook dynamic programme over code points (m[i][j]: the first
 * i characters of the value match the first j tokens of the pattern).
 */
function oracle(value: string, pattern: string, escape: string, binary: boolean): boolean {
  const fold = (c: string): string => (binary ? c : foldForLike(c));
  const v = Array.from(value).map(fold);
  const p: { kind: 'any' | 'run' | 'lit'; c?: string }[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === escape && i + 1 < chars.length) p.push({ kind: 'lit', c: fold(chars[++i]!) });
    else if (c === '%') p.push({ kind: 'run' });
    else if (c === '_') p.push({ kind: 'any' });
    else p.push({ kind: 'lit', c: fold(c) });
  }
  let prev = new Array<boolean>(p.length + 1).fill(false);
  prev[0] = true;
  for (let j = 1; j <= p.length; j++) prev[j] = prev[j - 1]! && p[j - 1]!.kind === 'run';
  for (let i = 1; i <= v.length; i++) {
    const cur = new Array<boolean>(p.length + 1).fill(false);
    for (let j = 1; j <= p.length; j++) {
      const t = p[j - 1]!;
      if (t.kind === 'run') cur[j] = cur[j - 1]! || prev[j]!;
      else cur[j] = prev[j - 1]! && (t.kind === 'any' || t.c === v[i - 1]);
    }
    prev = cur;
  }
  return prev[p.length]!;
}

describe('LIKE (expected values from MariaDB 10.11, utf8mb4_general_ci)', () => {
  it('trailing spaces count, case and accents do not', () => {
    expect(like('a ', 'a')).toBe(false);
    expect(like('a', 'a ')).toBe(false);
    expect(like('a ', 'a%')).toBe(true);
    expect(like('é', 'e')).toBe(true);
    expect(like('E', 'é')).toBe(true);
    expect(like('café', 'CAFE')).toBe(true);
    expect(like('ß', 's')).toBe(true);
    expect(like('ß', 'ss')).toBe(false);
    expect(like('Straße', 'STRASE')).toBe(true);
    expect(like('ﬀ', 'ff')).toBe(false);
    expect(like('æ', 'ae')).toBe(false);
    expect(like('ø', 'o')).toBe(false);
    expect(like('ı', 'i')).toBe(true);
    expect(like('İ', 'i')).toBe(true);
    expect(like('ǅ', 'ǆ')).toBe(true);
  });

  it('_ is one character, a multi-byte or supplementary one included', () => {
    expect(like('é', '_')).toBe(true);
    expect(like('😀', '_')).toBe(true);
    expect(like('😀', '__')).toBe(false);
    expect(like('😀', '🙂')).toBe(true); // general_ci weighs every supplementary character the same
    expect(like('x😀y', '%😀_')).toBe(true);
    expect(like('x😀y😀', '%_😀')).toBe(true);
    expect(like('a\nb', 'a_b')).toBe(true);
    expect(like('a\nb', 'a%b')).toBe(true);
  });

  it('binary LIKE compares bytes', () => {
    expect(like('ABC', 'abc', '\\', true)).toBe(false);
    expect(like('abc', 'abc', '\\', true)).toBe(true);
    // BINARY 'é' is two bytes.
    expect(like('\xc3\xa9', '_', '\\', true)).toBe(false);
    expect(like('\xc3\xa9', '__', '\\', true)).toBe(true);
    expect(like('\xc3\xa9a', '%a', '\\', true)).toBe(true);
    expect(like('😀', '_', '\\', true)).toBe(true); // a string given as is stays code points
  });

  it('escapes: default backslash, a chosen character, a trailing escape is literal', () => {
    expect(like('a\\', 'a\\')).toBe(true);
    expect(like('a\\', 'a\\\\')).toBe(true);
    expect(like('a', 'a\\')).toBe(false);
    expect(like('ab', 'a\\')).toBe(false);
    expect(like('abc', 'abc\\')).toBe(false);
    expect(like('a%', 'a\\%')).toBe(true);
    expect(like('ab', 'a\\%')).toBe(false);
    expect(like('abc', 'a\\bc')).toBe(true);
    expect(like('a\\bc', 'a\\bc')).toBe(false);
    expect(like('a_c', 'a|_c', '|')).toBe(true);
    expect(like('abc', 'a|_c', '|')).toBe(false);
    expect(like('a|', 'a|', '|')).toBe(true);
    expect(like('a', 'a', 'a')).toBe(true);
    expect(like('aa', 'aa', 'a')).toBe(false);
    expect(like('a%', 'aa%', 'a')).toBe(true);
    expect(like('ab', 'a%', 'a')).toBe(false);
    expect(like('a%', 'a%', '%')).toBe(true);
  });

  it('%, %% and the empty pattern', () => {
    expect(like('abc', 'a%%c')).toBe(true);
    expect(like('', '')).toBe(true);
    expect(like('a', '')).toBe(false);
    expect(like('', '%')).toBe(true);
    expect(like('', '%%')).toBe(true);
    expect(like('aaaa', '%a%a%a%a%')).toBe(true);
    expect(like('aaa', '%a%a%a%a%')).toBe(false);
    expect(like('xabcx', '%a_c%')).toBe(true);
    expect(like('ab', '%b')).toBe(true);
    expect(like('ba', 'b%a')).toBe(true);
    expect(like('aba', 'ab%ba')).toBe(false); // head and tail may not overlap
    expect(like('abba', 'ab%ba')).toBe(true);
    expect(like('x.y', 'x.y')).toBe(true);
    expect(like('a-b/(c)[d]{e}+?^$|', 'a-b/(c)[d]{e}+?^$|')).toBe(true);
  });

  it('agrees with the dynamic-programming oracle on random values and patterns', () => {
    const alphabet = ['a', 'A', 'b', 'é', 'E', 'ß', 's', ' ', '😀', '🙂', '%', '_', '\\', '|', '\n', 'ǅ', 'ǆ'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (max: number): string => {
      let s = '';
      for (let n = next(max + 1); n > 0; n--) s += alphabet[next(alphabet.length)];
      return s;
    };
    const wrong: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const value = word(7);
      const pattern = word(6);
      const escape = k % 3 === 0 ? '|' : '\\';
      const binary = k % 5 === 0;
      if (like(value, pattern, escape, binary) !== oracle(value, pattern, escape, binary)) wrong.push(JSON.stringify({ value, pattern, escape, binary }));
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('runs in linear time where a backtracking regex explodes', () => {
    const value = 'a'.repeat(5000);
    const start = performance.now();
    expect(like(value, '%a'.repeat(50) + 'b')).toBe(false);
    expect(like(value, '%a'.repeat(50) + '%')).toBe(true);
    expect(like(value.repeat(200), '%a_a_a_a_b%')).toBe(false); // a segment with `_` at every position: O(n·m)
    expect(performance.now() - start).toBeLessThan(500);
  });
});
