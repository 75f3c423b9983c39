/**
 * The physical forms a segment page's values take before encoding, the Codec interface every
 * encoding implements, and the byte writer/reader they share.
 *
 * | physical | holds                                                                              |
 * |----------|------------------------------------------------------------------------------------|
 * | int      | integers within ±2^53 in a Float64Array (INT columns, scaled DECIMALs, dictionary codes) |
 * | f64      | doubles                                                                            |
 * | i64      | 64-bit integers as two's-complement bits (columns holding a value beyond 2^53)       |
 * | bytes    | variable width, Arrow's layout: offsets[n + 1] into one data buffer                 |
 *
 * A NULL slot holds 0 (or an empty byte string); the page's validity bitmap says which are NULL.
 */
import { invariant } from '../../../common/assert.js';

export type Physical =
  | { readonly kind: 'int'; readonly data: Float64Array }
  | { readonly kind: 'f64'; readonly data: Float64Array }
  | { readonly kind: 'i64'; readonly data: BigInt64Array }
  | { readonly kind: 'bytes'; readonly offsets: Int32Array; readonly data: Uint8Array };

export type PhysicalKind = Physical['kind'];

/** Codec ids as stored in segment footers: never renumber. */
export type CodecId = 'plain' | 'rle' | 'for' | 'delta' | 'dict';

export interface Codec {
  readonly id: CodecId;
  /** The physical kinds this codec can encode. */
  readonly kinds: readonly PhysicalKind[];
  /** The encoded size in bytes, or null when the codec cannot encode these values; cheap (no encoding). */
  estimate(p: Physical): number | null;
  encode(p: Physical, out: ByteWriter): void;
  /** Decodes n values of physical kind `kind` written by encode. */
  decode(r: ByteReader, kind: PhysicalKind, n: number): Physical;
}

export function physicalLength(p: Physical): number {
  return p.kind === 'bytes' ? p.offsets.length - 1 : p.data.length;
}

/** A growable little-endian byte buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  length = 0;

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
    this.dv = new DataView(this.buf.buffer);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(x: number): void {
    this.reserve(1);
    this.buf[this.length++] = x;
  }

  u32(x: number): void {
    this.reserve(4);
    this.dv.setUint32(this.length, x, true);
    this.length += 4;
  }

  f64(x: number): void {
    this.reserve(8);
    this.dv.setFloat64(this.length, x, true);
    this.length += 8;
  }

  i64(x: bigint): void {
    this.reserve(8);
    this.dv.setBigInt64(this.length, x, true);
    this.length += 8;
  }

  /** Pads to a multiple of `n` bytes, so typed arrays over the data can be views. */
  align(n: number): void {
    while (this.length % n !== 0) this.u8(0);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** The bytes written so far (a view; copy before writing more if it must stay). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export class ByteReader {
  private readonly dv: DataView;
  pos = 0;

  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    invariant(this.pos + n <= this.buf.length, 'segment page truncated');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const x = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  f64(): number {
    this.need(8);
    const x = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  i64(): bigint {
    this.need(8);
    const x = this.dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return x;
  }

  align(n: number): void {
    while (this.pos % n !== 0) this.pos++;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** n elements of a typed array, copied (the page buffer may be unaligned or reused). */
  f64s(n: number): Float64Array {
    const out = new Float64Array(n);
    new Uint8Array(out.buffer).set(this.bytes(n * 8));
    return out;
  }

  i64s(n: number): BigInt64Array {
    const out = new BigInt64Array(n);
    new Uint8Array(out.buffer).set(this.bytes(n * 8));
    return out;
  }

  i32s(n: number): Int32Array {
    const out = new Int32Array(n);
    new Uint8Array(out.buffer).set(this.bytes(n * 4));
    return out;
  }
}
