import { describe, expect, it } from 'vitest';
import { compareBytes, compareStrings } from '../common/collation.js';
import { Decimal } from '../common/decimal.js';
import { T, type SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { encodeKey, encodeValue, flatConcat, formatKeyForError, upperBoundOf } from './key-codec.js';

// Deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

function timeMicros(s: string): number {
  const m = /^(-?)(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s)!;
  const us = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1e6 + Number((m[5] ?? '').padEnd(6, '0'));
  return m[1] ? -us : us;
}

/** The reference: SQL order of one value of a type, NULL first. */
function refCompare(type: SqlType, a: Value, b: Value): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
  switch (type.kind) {
    case 'int': {
      const x = BigInt(a as number | bigint);
      const y = BigInt(b as number | bigint);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'decimal':
      return (a as Decimal).compare(b as Decimal);
    case 'double':
      return sign((a as number) - (b as number));
    case 'string':
      return type.binary ? compareBytes(a as Uint8Array, b as Uint8Array) : sign(compareStrings(a as string, b as string));
    case 'time':
      return sign(timeMicros(a as string) - timeMicros(b as string));
    default:
      return a < b ? -1 : a > b ? 1 : 0;
  }
}

const INT_EDGES: (number | bigint)[] = [
  0, 1, -1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
  2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n - 1n, 5n, -5n,
];

function randomValue(type: SqlType, r: () => number): Value {
  if (r() < 0.08) return null;
  switch (type.kind) {
    case 'int': {
      const p = r();
      if (p < 0.3) return INT_EDGES[Math.floor(r() * INT_EDGES.length)]!;
      if (p < 0.6) return Math.floor((r() - 0.5) * 200);
      if (p < 0.8) return Math.floor((r() - 0.5) * 2 ** 53);
      // bigints beyond the safe range, both signs, up to the unsigned max
      return BigInt(Math.floor(r() * 2 ** 51)) * (r() < 0.5 ? -4096n : 8192n) + BigInt(Math.floor(r() * 4096));
    }
    case 'decimal': {
      const digits = 1 + Math.floor(r() * 40);
      let s = '';
      for (let i = 0; i < digits; i++) s += Math.floor(r() * 10);
      let u = BigInt(s);
      if (r() < 0.5) u = -u;
      const scale = Math.floor(r() * 12);
      const d = new Decimal(u, scale);
      return r() < 0.3 ? d.round(scale + 2) : r() < 0.1 ? Decimal.ZERO : d; // same value, other scale
    }
    case 'double': {
      const p = r();
      if (p < 0.1) return r() < 0.5 ? 0 : -0;
      if (p < 0.5) return (r() - 0.5) * 1e6;
      if (p < 0.7) return Math.floor((r() - 0.5) * 100);
      return (r() - 0.5) * 10 ** Math.floor(r() * 600 - 300);
    }
    case 'string': {
      const len = Math.floor(r() * 7);
      if (type.binary) {
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++) b[i] = r() < 0.3 ? 0 : Math.floor(r() * 256);
        return b;
      }
      const alphabet = ['a', 'A', 'b', 'B', ' ', ' ', '\t', 'é', 'E', 'z', '_', 'ß', 's', '\u0001', '0', '~', 'Ω'];
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      return s;
    }
    case 'datetime': {
      const y = 1990 + Math.floor(r() * 40);
      return `${y}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)} 0${Math.floor(r() * 9)}:00:00`;
    }
    case 'time': {
      const neg = r() < 0.4 ? '-' : '';
      const h = Math.floor(r() * 839);
      const frac = r() < 0.5 ? '' : '.' + String(Math.floor(r() * 1000)).padStart(3, '0');
      return `${neg}${String(h).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}:0${Math.floor(r() * 10)}${frac}`;
    }
    default:
      throw new Error('untested type');
  }
}

const TYPES: SqlType[] = [T.bigint, T.decimal(65, 30), T.double, T.varchar(10), T.blob, T.datetime, T.time];

describe('key codec', () => {
  for (const type of TYPES) {
    it(`orders ${type.kind}${type.kind === 'string' && type.binary ? ' (binary)' : ''} like SQL`, () => {
      const r = rng(42 + TYPES.indexOf(type));
      const vals: Value[] = [];
      for (let i = 0; i < 400; i++) vals.push(randomValue(type, r));
      const enc = vals.map((v) => encodeValue(type, v));
      for (let i = 0; i < vals.length; i++) {
        for (let j = 0; j < vals.length; j++) {
          const want = refCompare(type, vals[i]!, vals[j]!);
          const got = enc[i]! < enc[j]! ? -1 : enc[i]! > enc[j]! ? 1 : 0;
          if (got !== want) {
            expect({ a: vals[i], b: vals[j], got }).toEqual({ a: vals[i], b: vals[j], got: want });
          }
        }
      }
    });
  }

  it('orders tuples lexicographically and prefixes bound their extensions', () => {
    const types = [T.varchar(10), T.bigint, T.decimal(20, 4)];
    const r = rng(7);
    const rows: Value[][] = [];
    for (let i = 0; i < 300; i++) rows.push(types.map((t) => randomValue(t, r)));
    const cmp = (a: Value[], b: Value[]): number => {
      for (let k = 0; k < types.length; k++) {
        const c = refCompare(types[k]!, a[k]!, b[k]!);
        if (c !== 0) return c;
      }
      return 0;
    };
    const enc = rows.map((x) => encodeKey(types, x));
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j < rows.length; j++) {
        const got = enc[i]! < enc[j]! ? -1 : enc[i]! > enc[j]! ? 1 : 0;
        if (got !== cmp(rows[i]!, rows[j]!)) expect({ a: rows[i], b: rows[j], got }).toBe(null);
      }
      const p = encodeKey(types, rows[i]!.slice(0, 1));
      expect(enc[i]!.startsWith(p)).toBe(true);
      expect(enc[i]! < upperBoundOf(p)).toBe(true);
    }
  });

  it('treats equal SQL values as equal keys', () => {
    expect(encodeValue(T.bigint, 5)).toBe(encodeValue(T.bigint, 5n));
    expect(encodeValue(T.ubigint, 2n ** 64n - 1n)).not.toBe(encodeValue(T.ubigint, 2n ** 64n - 2n));
    const d = T.decimal(10, 2);
    expect(encodeValue(d, new Decimal(10n, 1))).toBe(encodeValue(d, new Decimal(100n, 2)));
    expect(encodeValue(d, new Decimal(0n, 3))).toBe(encodeValue(d, Decimal.ZERO));
    expect(encodeValue(d, 1)).toBe(encodeValue(d, new Decimal(1000n, 3)));
    expect(encodeValue(T.double, -0)).toBe(encodeValue(T.double, 0));
    const vc = T.varchar(10);
    expect(encodeValue(vc, 'abc')).toBe(encodeValue(vc, 'ABC  '));
    expect(encodeValue(vc, 'résumé')).toBe(encodeValue(vc, 'RESUME'));
    expect(encodeValue(vc, 'a b')).not.toBe(encodeValue(vc, 'ab'));
    expect(encodeValue(T.blob, new Uint8Array([97]))).not.toBe(encodeValue(T.blob, new Uint8Array([97, 32])));
  });

  it('orders ENUM by position in the definition', () => {
    const e: SqlType = { kind: 'enum', values: ['small', 'large', 'medium'] };
    expect(encodeValue(e, 'large') < encodeValue(e, 'medium')).toBe(true);
    expect(encodeValue(e, 'LARGE')).toBe(encodeValue(e, 'large'));
  });

  it('formats keys as MySQL does in duplicate-key errors', () => {
    expect(formatKeyForError([5, 'abc'], [T.int, T.varchar(3)])).toBe('5-abc');
    expect(formatKeyForError([new Decimal(150n, 2), null], [T.decimal(5, 2), T.int])).toBe('1.50-NULL');
    expect(formatKeyForError([new Uint8Array([0x41, 0x01])], [T.blob])).toBe('A\\x01');
  });
});

describe('flatConcat', () => {
  it('equals plain concatenation at every length', () => {
    for (const n of [0, 5, 12, 13, 40, 5000]) {
      const a = '\u0002\uffff'.repeat(n);
      expect(flatConcat(a, 'x', '\ud800\u0001')).toBe(a + 'x' + '\ud800\u0001');
    }
  });
});
