import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childPath, dbDirName, decodeName, encodeName, isHashedDirName, legacyName } from './names.js';

const TRICKY = [
  '.',
  '..',
  '...',
  '.hidden',
  'a/b',
  '../../etc',
  'a\\b',
  'c:',
  ' ',
  'a b',
  '%41',
  '@002e',
  '#dropping',
  'ünï',
  'i̇', // 'İ'.toLowerCase(): i + combining dot
  '日本語',
  '😀',
  '\ud800', // a lone surrogate
  'x'.repeat(64),
  '日'.repeat(64),
  '😀'.repeat(64),
  'shop',
  'shop_2',
  'nul\u0001',
];

describe('database directory names', () => {
  it('are plain path components inside the parent, distinct for distinct names, and decode back', () => {
    const seen = new Map<string, string>();
    for (const name of TRICKY) {
      const dir = dbDirName(name);
      expect(dir.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(dir)).toBeLessThanOrEqual(255);
      expect(dir).toMatch(/^[a-z0-9_@]+$/);
      expect(path.dirname(childPath('/data/leaf-1', dir))).toBe('/data/leaf-1');
      expect(seen.get(dir), `${JSON.stringify(name)} and ${JSON.stringify(seen.get(dir))} share ${dir}`).toBeUndefined();
      seen.set(dir, name);
      if (isHashedDirName(dir)) expect(decodeName(dir)).toBeNull();
      else expect(decodeName(dir)).toBe(name);
    }
  });

  it('follow MySQL for the characters that matter (@002e for .), keep a-z0-9_ as they are', () => {
    expect(encodeName('.hidden')).toBe('@002ehidden');
    expect(encodeName('..')).toBe('@002e@002e');
    expect(encodeName('a/b\\c')).toBe('a@002fb@005cc');
    expect(encodeName('shop_2')).toBe('shop_2');
    expect(encodeName('😀')).toBe('@x01f600');
  });

  it('hash names whose encoding is too long for a file name, and say so', () => {
    const dir = dbDirName('日'.repeat(64));
    expect(isHashedDirName(dir)).toBe(true);
    expect(dir.length).toBeLessThan(200);
    expect(dbDirName('日'.repeat(63) + '本')).not.toBe(dir);
    expect(isHashedDirName(dbDirName('x'.repeat(64)))).toBe(false);
  });

  it('decode only the canonical form, so no two directories name one database', () => {
    expect(decodeName('@0061')).toBeNull(); // 'a' is written as a
    expect(decodeName('@d83d@de00')).toBeNull(); // a pair is written @x01f600
    expect(decodeName('A')).toBeNull();
    expect(decodeName('.hidden')).toBeNull();
    expect(decodeName('')).toBeNull();
    expect(decodeName('@002')).toBeNull();
  });

  it('recognise the directories of older builds (encodeURIComponent of the lower-cased name)', () => {
    expect(legacyName('.hidden')).toBe('.hidden');
    expect(legacyName('a%20b-c')).toBe('a b-c');
    expect(legacyName('%C3%BCn%C3%AF')).toBe('ünï');
    expect(legacyName('%zz')).toBeNull();
    expect(legacyName('Upper')).toBeNull();
    expect(legacyName('%41')).toBeNull(); // not how 'a' was written
    // The two forms overlap only where they mean the same database.
    for (const name of TRICKY) {
      const dir = dbDirName(name);
      const old = legacyName(dir);
      if (old !== null) expect(old).toBe(name);
    }
  });

  it('refuse a child that is not one plain path component', () => {
    expect(() => childPath('/data', '..')).toThrow();
    expect(() => childPath('/data', 'a/b')).toThrow();
    expect(() => childPath('/data', '')).toThrow();
    expect(childPath('/data', 'p0')).toBe('/data/p0');
  });
});
