/**
 * One page of one column: up to PAGE_ROWS values of a column type turned into a physical form
 * (see codecs/codec.ts), encoded by the codec that makes it smallest, then LZ4-compressed. A page
 * decodes on its own, so a scan of a huge segment works page by page in bounded steps.
 *
 * Page bytes (before LZ4): u8 repr, u8 codec, u16 0, u32 n, u32 validity bytes, the validity
 * bitmap (Arrow's: bit i set = row i is not NULL; absent when no row is NULL), then the codec's
 * bytes.
 */
import { compressSync, uncompressSync } from 'lz4-napi';
import { assertNever } from '../../common/assert.js';
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { dictVector, f64Vector, scaledVector, valuesVector, type Vector } from '../../common/vector.js';
import { ByteReader, ByteWriter, chooseCodec, codecById, forgetDictionary, readDict, type CodecId, type Physical } from './codecs/index.js';

/** Rows per page: a page decodes in well under a millisecond. */
export const PAGE_ROWS = 65536;

/**
 * How a page's values map to the physical form:
 * int (safe integers), i64 (some beyond 2^53), f64 (doubles), scaled (DECIMAL unscaled within
 * 2^53), dectext (wider DECIMAL as unscaled digits), utf8 / utf16 (strings; utf16 keeps lone
 * surrogates exact), bin (Uint8Array).
 */
export type Repr = 'int' | 'i64' | 'f64' | 'scaled' | 'dectext' | 'utf8' | 'utf16' | 'bin';
const REPRS: readonly Repr[] = ['int', 'i64', 'f64', 'scaled', 'dectext', 'utf8', 'utf16', 'bin'];
const CODEC_IDS: readonly CodecId[] = ['plain', 'rle', 'for', 'delta', 'dict'];

export interface PageMeta {
  readonly rows: number;
  readonly nulls: number;
  readonly repr: Repr;
  readonly codec: CodecId;
  /** Smallest and largest non-NULL value, for types whose Value order is the SQL order (numbers, temporals); null otherwise or when all NULL. */
  readonly min: Value;
  readonly max: Value;
  /** Bytes before LZ4. */
  readonly rawBytes: number;
}

export interface EncodedPage {
  readonly meta: PageMeta;
  readonly bytes: Uint8Array;
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Types whose Value order (numbers; canonical temporal strings) is SQL's, so min/max can skip pages. */
export function hasZoneOrder(t: SqlType): boolean {
  switch (t.kind) {
    case 'int':
    case 'decimal':
    case 'float':
    case 'double':
    case 'year':
    case 'date':
    case 'datetime':
    case 'timestamp':
      return true;
    default:
      return false;
  }
}

/** Compares two non-NULL values of one zone-ordered column. */
export function compareZone(a: Value, b: Value): number {
  if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

function isStringType(t: SqlType): boolean {
  switch (t.kind) {
    case 'string':
    case 'json':
    case 'enum':
    case 'date':
    case 'datetime':
    case 'timestamp':
    case 'time':
      return true;
    default:
      return false;
  }
}

/** A surrogate without its pair: UTF-8 cannot hold it, so such a page keeps UTF-16. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function reprFor(t: SqlType, vals: readonly Value[]): Repr {
  switch (t.kind) {
    case 'int':
    case 'year':
      return vals.every((v) => v === null || typeof v === 'number') ? 'int' : 'i64';
    case 'float':
    case 'double':
      return 'f64';
    case 'decimal':
      return vals.every((v) => v === null || (v instanceof Decimal && v.scale === t.scale && v.unscaled <= MAX_SAFE_BIG && v.unscaled >= -MAX_SAFE_BIG))
        ? 'scaled'
        : 'dectext';
    case 'null':
      return 'int';
    default:
      if (t.kind === 'string' && t.binary) return 'bin';
      if (!isStringType(t)) return 'bin';
      return vals.every((v) => typeof v !== 'string' || !LONE_SURROGATE.test(v)) ? 'utf8' : 'utf16';
  }
}

function toPhysical(repr: Repr, vals: readonly Value[]): Physical {
  const n = vals.length;
  switch (repr) {
    case 'int':
    case 'f64': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = (vals[i] as number | null) ?? 0;
      return { kind: repr, data };
    }
    case 'scaled': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = vals[i] as Decimal | null;
        data[i] = v === null ? 0 : Number(v.unscaled);
      }
      return { kind: 'int', data };
    }
    case 'i64': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = vals[i] as number | bigint | null;
        data[i] = v === null ? 0n : BigInt.asIntN(64, BigInt(v));
      }
      return { kind: 'i64', data };
    }
    case 'dectext':
    case 'utf8':
    case 'utf16':
    case 'bin': {
      const parts: Uint8Array[] = new Array<Uint8Array>(n);
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = vals[i]!;
        let b: Uint8Array;
        if (v === null) b = EMPTY;
        else if (repr === 'dectext') b = Buffer.from((v as Decimal).unscaled.toString(), 'latin1');
        else if (repr === 'bin') b = v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8');
        else b = Buffer.from(v as string, repr === 'utf8' ? 'utf8' : 'utf16le');
        parts[i] = b;
        total += b.length;
        offsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < n; i++) data.set(parts[i]!, offsets[i]!);
      return { kind: 'bytes', offsets, data };
    }
    default:
      return assertNever(repr);
  }
}

const EMPTY = new Uint8Array(0);

/** Encodes one page of column values of type t (compressed with LZ4). */
export function encodePage(t: SqlType, vals: readonly Value[], allowed: readonly CodecId[] | null = null): EncodedPage {
  const n = vals.length;
  const repr = reprFor(t, vals);
  let nulls = 0;
  let min: Value = null;
  let max: Value = null;
  const zoned = hasZoneOrder(t);
  for (let i = 0; i < n; i++) {
    const v = vals[i]!;
    if (v === null) {
      nulls++;
      continue;
    }
    if (zoned) {
      if (min === null || compareZone(v, min) < 0) min = v;
      if (max === null || compareZone(v, max) > 0) max = v;
    }
  }
  const phys = toPhysical(repr, vals);
  const codec = chooseCodec(phys, allowed);
  const w = new ByteWriter(64 + n * 2);
  w.u8(REPRS.indexOf(repr));
  w.u8(CODEC_IDS.indexOf(codec.id));
  w.u8(0);
  w.u8(0);
  w.u32(n);
  const vbytes = nulls === 0 ? 0 : (n + 7) >> 3;
  w.u32(vbytes);
  if (vbytes > 0) {
    const bits = new Uint8Array(vbytes);
    for (let i = 0; i < n; i++) if (vals[i] !== null) bits[i >> 3]! |= 1 << (i & 7);
    w.bytes(bits);
  }
  codec.encode(phys, w);
  forgetDictionary();
  const raw = w.view();
  const bytes = compressSync(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  return { meta: { rows: n, nulls, repr, codec: codec.id, min, max, rawBytes: raw.length }, bytes };
}

interface OpenPage {
  readonly repr: Repr;
  readonly codec: CodecId;
  readonly n: number;
  /** nulls[i] === 1 for a NULL row, or null when none is. */
  readonly nulls: Uint8Array | null;
  readonly body: ByteReader;
}

function openPage(compressed: Uint8Array): OpenPage {
  const raw = uncompressSync(compressed);
  const r = new ByteReader(raw);
  const repr = REPRS[r.u8()];
  const codec = CODEC_IDS[r.u8()];
  if (repr === undefined || codec === undefined) throw new Error('segment page of an unknown format');
  r.u8();
  r.u8();
  const n = r.u32();
  const vbytes = r.u32();
  let nulls: Uint8Array | null = null;
  if (vbytes > 0) {
    const bits = r.bytes(vbytes);
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) if ((bits[i >> 3]! & (1 << (i & 7))) === 0) nulls[i] = 1;
  }
  return { repr, codec, n, nulls, body: r };
}

function bytesToValue(repr: Repr, t: SqlType, b: Uint8Array): Value {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  switch (repr) {
    case 'dectext':
      return new Decimal(BigInt(buf.toString('latin1')), t.kind === 'decimal' ? t.scale : 0);
    case 'utf8':
      return buf.toString('utf8');
    case 'utf16':
      return buf.toString('utf16le');
    case 'bin':
      return new Uint8Array(b);
    default:
      throw new Error(`bytes in a ${repr} page`);
  }
}

function i64ToValue(x: bigint, unsigned: boolean): Value {
  const v = unsigned ? BigInt.asUintN(64, x) : x;
  return v <= MAX_SAFE_BIG && v >= -MAX_SAFE_BIG ? Number(v) : v;
}

/**
 * Decodes a page into one vector of its n rows: numbers as f64, DECIMALs as scaled, dictionary
 * pages as dict vectors (the codes, never the strings per row), the rest boxed.
 */
export function decodePage(t: SqlType, compressed: Uint8Array): Vector {
  const p = openPage(compressed);
  const { n, nulls, repr } = p;
  if (p.codec === 'dict') {
    const { dict, codes } = readDict(p.body, n);
    const values: Value[] = new Array<Value>(dict.offsets.length - 1);
    for (let k = 0; k < values.length; k++) values[k] = bytesToValue(repr, t, dict.data.subarray(dict.offsets[k]!, dict.offsets[k + 1]!));
    return dictVector(Int32Array.from(codes), values, nulls);
  }
  const phys = codecById(p.codec).decode(p.body, physKindOf(repr), n);
  switch (phys.kind) {
    case 'int':
    case 'f64':
      return repr === 'scaled' ? scaledVector(phys.data, t.kind === 'decimal' ? t.scale : 0, nulls) : f64Vector(phys.data, nulls);
    case 'i64': {
      const unsigned = t.kind === 'int' && t.unsigned;
      const out: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : i64ToValue(phys.data[i]!, unsigned);
      return valuesVector(out);
    }
    case 'bytes': {
      const out: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) {
        out[i] = nulls !== null && nulls[i] === 1 ? null : bytesToValue(repr, t, phys.data.subarray(phys.offsets[i]!, phys.offsets[i + 1]!));
      }
      return valuesVector(out);
    }
    default:
      return assertNever(phys);
  }
}

function physKindOf(repr: Repr): Physical['kind'] {
  switch (repr) {
    case 'int':
    case 'scaled':
      return 'int';
    case 'f64':
      return 'f64';
    case 'i64':
      return 'i64';
    case 'dectext':
    case 'utf8':
    case 'utf16':
    case 'bin':
      return 'bytes';
    default:
      return assertNever(repr);
  }
}
