import { describe, expect, it } from 'vitest';
import { Rng } from '../test-rng.js';
import { ByteReader, ByteWriter, CODECS, chooseCodec, type Codec, type Physical } from './index.js';

function roundTrip(c: Codec, p: Physical): { back: Physical; size: number } {
  const w = new ByteWriter(16);
  c.encode(p, w);
  const bytes = w.view().slice();
  const r = new ByteReader(bytes);
  const n = p.kind === 'bytes' ? p.offsets.length - 1 : p.data.length;
  const back = c.decode(r, p.kind, n);
  expect(r.pos).toBe(bytes.length);
  return { back, size: bytes.length };
}

function same(a: Physical, b: Physical): void {
  expect(b.kind).toBe(a.kind);
  if (a.kind === 'bytes' && b.kind === 'bytes') {
    expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
  } else if (a.kind !== 'bytes' && b.kind !== 'bytes') {
    expect(b.data.length).toBe(a.data.length);
    for (let i = 0; i < a.data.length; i++) expect(Object.is(b.data[i], a.data[i])).toBe(true);
  }
}

/** Integer sequences of the shapes columns have: constant, sorted, small range, wide, ±2^53. */
function intData(rng: Rng, n: number): Float64Array {
  const shape = rng.int(0, 6);
  const d = new Float64Array(n);
  let x = rng.int(-1e6, 1e6);
  for (let i = 0; i < n; i++) {
    switch (shape) {
      case 0:
        d[i] = 42;
        break;
      case 1:
        x += rng.int(0, 3);
        d[i] = x;
        break;
      case 2:
        d[i] = rng.int(-5, 5);
        break;
      case 3:
        d[i] = rng.int(-2e9, 2e9) * rng.int(1, 2e6);
        break;
      case 4:
        d[i] = rng.pick([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, -1]);
        break;
      case 5:
        d[i] = Math.floor(i / rng.int(1, 50));
        break;
      default:
        d[i] = rng.int(0, 2 ** 32 - 1);
    }
  }
  return d;
}

function bytesData(rng: Rng, n: number): Physical {
  const distinct = rng.pick([1, 3, 200, 100000]);
  const pool: Uint8Array[] = [];
  for (let k = 0; k < Math.min(distinct, 500); k++) {
    const b = new Uint8Array(rng.int(0, 12));
    for (let j = 0; j < b.length; j++) b[j] = rng.int(0, 255);
    pool.push(b);
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (distinct > 500) {
      const b = new Uint8Array(rng.int(0, 6));
      for (let j = 0; j < b.length; j++) b[j] = rng.int(0, 255);
      parts.push(b);
    } else parts.push(rng.pick(pool));
  }
  const offsets = new Int32Array(n + 1);
  let total = 0;
  parts.forEach((p, i) => (offsets[i + 1] = total += p.length));
  const data = new Uint8Array(total);
  parts.forEach((p, i) => data.set(p, offsets[i]!));
  return { kind: 'bytes', offsets, data };
}

describe('codecs', () => {
  it('round-trip every applicable codec over random pages, and estimate their size exactly', () => {
    const rng = new Rng(11);
    let applied = 0;
    for (let round = 0; round < 300; round++) {
      const n = rng.pick([0, 1, 2, 7, 100, 3000]);
      const kind = rng.pick(['int', 'f64', 'i64', 'bytes'] as const);
      let p: Physical;
      if (kind === 'int') p = { kind, data: intData(rng, n) };
      else if (kind === 'f64') p = { kind, data: Float64Array.from({ length: n }, () => rng.pick([0, -0, 1.5, -1e300, rng.next(), 5e-324])) };
      else if (kind === 'i64') p = { kind, data: BigInt64Array.from({ length: n }, () => rng.pick([2n ** 63n - 1n, -(2n ** 63n), 0n, 2n ** 53n + 1n])) };
      else p = bytesData(rng, n);
      for (const c of CODECS) {
        if (!c.kinds.includes(p.kind)) continue;
        const est = c.estimate(p);
        if (est === null) continue;
        applied++;
        const { back, size } = roundTrip(c, p);
        same(p, back);
        expect(size, `${c.id} estimate`).toBe(est);
      }
    }
    expect(applied).toBeGreaterThan(600);
  });

  it('pick the smallest encoding: runs for sorted repeats, bit packing for a small range, deltas for a sequence, a dictionary for few strings', () => {
    const n = 10000;
    const runs = new Float64Array(n).map((_, i) => Math.floor(i / 1000) * 1e12);
    expect(chooseCodec({ kind: 'int', data: runs }).id).toBe('rle');
    const small = new Float64Array(n).map((_, i) => 1990 + ((i * 7919) % 30));
    expect(chooseCodec({ kind: 'int', data: small }).id).toBe('for');
    const seq = new Float64Array(n).map((_, i) => 1e12 + i * 3 + (i % 2));
    expect(chooseCodec({ kind: 'int', data: seq }).id).toBe('delta');
    const wide = new Float64Array(n).map((_, i) => (i % 2 === 0 ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER) - i);
    expect(chooseCodec({ kind: 'int', data: wide }).id).toBe('plain');
    const strs = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'];
    const parts = Array.from({ length: n }, (_, i) => Buffer.from(strs[(i * 31) % 5]!));
    const offsets = new Int32Array(n + 1);
    let t = 0;
    parts.forEach((p, i) => (offsets[i + 1] = t += p.length));
    const p: Physical = { kind: 'bytes', offsets, data: Buffer.concat(parts) };
    const c = chooseCodec(p);
    expect(c.id).toBe('dict');
    expect(c.estimate(p)!).toBeLessThan(n / 2);
  });

  it('refuse what they cannot hold instead of corrupting it', () => {
    const codec = (id: string) => CODECS.find((c) => c.id === id)!;
    // a range of 2^53: no 32-bit packing
    expect(codec('for').estimate({ kind: 'int', data: Float64Array.of(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) })).toBeNull();
    expect(codec('delta').estimate({ kind: 'int', data: Float64Array.of(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) })).toBeNull();
    expect(codec('for').estimate({ kind: 'f64', data: Float64Array.of(1.5) })).toBeNull();
    expect(codec('rle').estimate({ kind: 'i64', data: BigInt64Array.of(1n) })).toBeNull();
  });
});
