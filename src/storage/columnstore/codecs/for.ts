/**
 * Frame of reference: the minimum once, then every value minus it bit-packed at the width the
 * range needs (a column of years in 11 bits, of small codes in 2). Only for ranges below 2^32.
 */
import { MAX_PACK_WIDTH, bitWidth, pack, packedWords, unpack } from './bitpack.js';
import type { ByteReader, ByteWriter, Codec, Physical, PhysicalKind } from './codec.js';

export function rangeOf(d: ArrayLike<number>, n: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = d[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return n === 0 ? { min: 0, max: 0 } : { min, max };
}

/** The packing width for [min, max], or null when the range is too wide or not exact. */
export function widthFor(min: number, max: number): number | null {
  const span = max - min;
  if (!Number.isSafeInteger(span)) return null;
  const w = bitWidth(span);
  return w <= MAX_PACK_WIDTH ? w : null;
}

export function estimateFor(d: ArrayLike<number>, n: number): number | null {
  const { min, max } = rangeOf(d, n);
  const w = widthFor(min, max);
  return w === null ? null : 16 + packedWords(n, w) * 4;
}

export function writeFor(d: ArrayLike<number>, n: number, out: ByteWriter): void {
  const { min, max } = rangeOf(d, n);
  const w = widthFor(min, max);
  if (w === null) throw new Error('frame of reference over too wide a range');
  out.f64(min);
  out.u32(w);
  out.u32(0);
  const words = pack(d, n, min, w);
  out.bytes(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
}

export function readFor(r: ByteReader, n: number, out: Float64Array): void {
  const base = r.f64();
  const w = r.u32();
  r.u32();
  const nw = packedWords(n, w);
  const words = new Uint32Array(nw);
  new Uint8Array(words.buffer).set(r.bytes(nw * 4));
  unpack(words, n, base, w, out);
}

export const forCodec: Codec = {
  id: 'for',
  kinds: ['int'],
  estimate(p) {
    return p.kind === 'int' ? estimateFor(p.data, p.data.length) : null;
  },
  encode(p: Physical, out: ByteWriter) {
    if (p.kind !== 'int') throw new Error('for encodes integers');
    writeFor(p.data, p.data.length, out);
  },
  decode(r: ByteReader, _kind: PhysicalKind, n: number): Physical {
    const data = new Float64Array(n);
    readFor(r, n, data);
    return { kind: 'int', data };
  },
};
