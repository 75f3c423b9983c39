import { describe, it, expect } from 'vitest';
import { collationKey, compareBytes, compareStrings, indexOfCollated } from './collation.js';

describe('collation (utf8mb4_general_ci, PAD SPACE)', () => {
  it('is case-insensitive and ignores trailing spaces', () => {
    expect(collationKey('abc')).toBe(collationKey('ABC  '));
    expect(compareStrings('abc', 'ABC ')).toBe(0);
    expect(compareStrings('a', 'B')).toBe(-1);
    expect(compareStrings('b', 'A')).toBe(1);
  });

  it('keeps leading spaces and tabs significant', () => {
    expect(collationKey(' a')).not.toBe(collationKey('a'));
    // PAD SPACE: 'a' is 'a ' which sorts after 'a\t'
    expect(compareStrings('a', 'a\t')).toBe(1);
    expect(compareStrings('a\t', 'a')).toBe(-1);
  });

  it('is accent-insensitive and folds ß to s', () => {
    expect(collationKey('café')).toBe(collationKey('CAFE'));
    expect(compareStrings('Ärger', 'arger')).toBe(0);
    expect(collationKey('ß')).toBe(collationKey('s'));
    expect(compareStrings('é', 'f')).toBe(-1);
  });

  it('orders consistently with the key', () => {
    const words = ['b', 'A', 'a ', 'é', 'E', 'd', 'Z', 'z'];
    for (const x of words) for (const y of words) {
      const byKey = collationKey(x) === collationKey(y);
      expect(compareStrings(x, y) === 0).toBe(byKey);
      expect(Math.sign(compareStrings(x, y)) + Math.sign(compareStrings(y, x))).toBe(0);
    }
  });

  it('compares bytes for binary strings', () => {
    expect(compareBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(-1);
    expect(compareBytes(new Uint8Array([0x61]), new Uint8Array([0x41]))).toBe(1);
  });

  it('finds substrings under the collation', () => {
    expect(indexOfCollated('FooBär', 'bar')).toBe(3);
    expect(indexOfCollated('abc', 'x')).toBe(-1);
  });
});
