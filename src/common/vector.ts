/**
 * One column of a batch. Numbers travel in typed arrays, so scans, filters, arithmetic and
 * aggregates run over Float64Arrays with no object per value; what has no exact typed form
 * (strings, dates, bigints beyond 2^53, decimals too wide for a double) stays boxed.
 *
 * | kind     | holds                                                                        |
 * |----------|------------------------------------------------------------------------------|
 * | values   | boxed Values, as value.ts describes them                                      |
 * | f64      | numbers: ints within ±2^53, doubles, truth values 1/0                         |
 * | scaled   | DECIMALs as unscaled integers within ±2^53 at one scale (12.50 → 1250, scale 2) |
 * | const    | one Value for every row                                                       |
 * | dict     | strings as codes into a dictionary of distinct Values (columnstore pages)       |
 *
 * `nulls[i] === 1` marks a NULL row in a typed vector (its data slot is 0); a null `nulls`
 * means no row is NULL. A vector's length is its batch's: data may be longer.
 */
import { Decimal } from './decimal.js';
import type { SqlType } from './types.js';
import type { Value } from './value.js';

export interface ValuesVector {
  readonly kind: 'values';
  readonly values: readonly Value[];
}

export interface F64Vector {
  readonly kind: 'f64';
  readonly data: Float64Array;
  readonly nulls: Uint8Array | null;
  /** The boxed form, made once on first need (or handed over by whoever had it). */
  boxed: readonly Value[] | null;
}

export interface ScaledVector {
  readonly kind: 'scaled';
  readonly data: Float64Array;
  readonly scale: number;
  readonly nulls: Uint8Array | null;
  boxed: readonly Value[] | null;
}

export interface ConstVector {
  readonly kind: 'const';
  readonly value: Value;
}

/**
 * A low-cardinality column as it sits in a columnstore page: row i is dict[codes[i]], or NULL
 * when nulls[i] === 1. Filters and GROUP BY can work on the codes; whoever needs the values
 * boxes them with valuesOf.
 */
export interface DictVector {
  readonly kind: 'dict';
  readonly codes: Int32Array;
  readonly dict: readonly Value[];
  readonly nulls: Uint8Array | null;
  boxed: readonly Value[] | null;
}

export type Vector = ValuesVector | F64Vector | ScaledVector | ConstVector | DictVector;
export type TypedVector = F64Vector | ScaledVector;

export function valuesVector(values: readonly Value[]): ValuesVector {
  return { kind: 'values', values };
}

export function f64Vector(data: Float64Array, nulls: Uint8Array | null, boxed: readonly Value[] | null = null): F64Vector {
  return { kind: 'f64', data, nulls, boxed };
}

export function scaledVector(data: Float64Array, scale: number, nulls: Uint8Array | null, boxed: readonly Value[] | null = null): ScaledVector {
  return { kind: 'scaled', data, scale, nulls, boxed };
}

export function constVector(value: Value): ConstVector {
  return { kind: 'const', value };
}

export function dictVector(codes: Int32Array, dict: readonly Value[], nulls: Uint8Array | null): DictVector {
  return { kind: 'dict', codes, dict, nulls, boxed: null };
}

/** Below this many rows a column stays boxed: typed arrays over 64 bytes cost V8 about a microsecond each. */
export const MIN_TYPED_ROWS = 32;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/** The values of rows [0, n) as a plain array (cached on typed vectors; callers never write into it). */
export function valuesOf(v: Vector, n: number): readonly Value[] {
  switch (v.kind) {
    case 'values':
      return v.values;
    case 'const':
      return new Array<Value>(n).fill(v.value);
    case 'f64': {
      if (v.boxed !== null && v.boxed.length >= n) return v.boxed;
      const { data, nulls } = v;
      const out: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : data[i]!;
      v.boxed = out;
      return out;
    }
    case 'scaled': {
      if (v.boxed !== null && v.boxed.length >= n) return v.boxed;
      const { data, nulls, scale } = v;
      const out: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : new Decimal(BigInt(data[i]!), scale);
      v.boxed = out;
      return out;
    }
    case 'dict': {
      if (v.boxed !== null && v.boxed.length >= n) return v.boxed;
      const { codes, dict, nulls } = v;
      const out: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : dict[codes[i]!]!;
      v.boxed = out;
      return out;
    }
  }
}

/** Row i's value. */
export function valueAt(v: Vector, i: number): Value {
  switch (v.kind) {
    case 'values':
      return v.values[i] ?? null;
    case 'const':
      return v.value;
    case 'f64':
      if (v.boxed !== null) return v.boxed[i] ?? null;
      return v.nulls !== null && v.nulls[i] === 1 ? null : v.data[i]!;
    case 'scaled':
      if (v.boxed !== null) return v.boxed[i] ?? null;
      return v.nulls !== null && v.nulls[i] === 1 ? null : new Decimal(BigInt(v.data[i]!), v.scale);
    case 'dict':
      return v.nulls !== null && v.nulls[i] === 1 ? null : (v.dict[v.codes[i]!] ?? null);
  }
}

/** The rows at idx[0..n), in that order. */
export function gatherVector(v: Vector, idx: ArrayLike<number>, n: number): Vector {
  switch (v.kind) {
    case 'const':
      return v;
    case 'values': {
      const src = v.values;
      const dst: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) dst[i] = src[idx[i]!]!;
      return valuesVector(dst);
    }
    case 'f64':
    case 'scaled': {
      if (n < MIN_TYPED_ROWS) {
        const dst: Value[] = new Array<Value>(n);
        for (let i = 0; i < n; i++) dst[i] = valueAt(v, idx[i]!);
        return valuesVector(dst);
      }
      const data = new Float64Array(n);
      const src = v.data;
      for (let i = 0; i < n; i++) data[i] = src[idx[i]!]!;
      let nulls: Uint8Array | null = null;
      if (v.nulls !== null) {
        const sn = v.nulls;
        nulls = new Uint8Array(n);
        for (let i = 0; i < n; i++) nulls[i] = sn[idx[i]!]!;
      }
      // Decimals are costly to re-create: carry the boxed ones along when they exist.
      let boxed: Value[] | null = null;
      if (v.kind === 'scaled' && v.boxed !== null) {
        const sb = v.boxed;
        boxed = new Array<Value>(n);
        for (let i = 0; i < n; i++) boxed[i] = sb[idx[i]!]!;
      }
      return v.kind === 'f64' ? f64Vector(data, nulls) : scaledVector(data, v.scale, nulls, boxed);
    }
    case 'dict': {
      const codes = new Int32Array(n);
      const src = v.codes;
      for (let i = 0; i < n; i++) codes[i] = src[idx[i]!]!;
      let nulls: Uint8Array | null = null;
      if (v.nulls !== null) {
        const sn = v.nulls;
        nulls = new Uint8Array(n);
        for (let i = 0; i < n; i++) nulls[i] = sn[idx[i]!]!;
      }
      return dictVector(codes, v.dict, nulls);
    }
  }
}

/** Rows [from, to). Typed data is viewed, not copied. */
export function sliceVector(v: Vector, from: number, to: number): Vector {
  switch (v.kind) {
    case 'const':
      return v;
    case 'values':
      return valuesVector(v.values.slice(from, to));
    case 'f64':
      return f64Vector(v.data.subarray(from, to), v.nulls?.subarray(from, to) ?? null, v.boxed?.slice(from, to) ?? null);
    case 'scaled':
      return scaledVector(v.data.subarray(from, to), v.scale, v.nulls?.subarray(from, to) ?? null, v.boxed?.slice(from, to) ?? null);
    case 'dict':
      return dictVector(v.codes.subarray(from, to), v.dict, v.nulls?.subarray(from, to) ?? null);
  }
}

/** Does this column type have a typed form (the values may still not fit it)? */
function hasTypedForm(t: SqlType): boolean {
  return t.kind === 'int' || t.kind === 'double' || t.kind === 'float' || t.kind === 'decimal' || t.kind === 'year';
}

/**
 * Boxed values of a column of type t as a vector: typed when every value fits the typed form
 * (the boxed array is kept as its cache, so boxed readers pay nothing), else as they are.
 */
export function vectorFromValues(values: readonly Value[], t: SqlType, n: number): Vector {
  if (n < MIN_TYPED_ROWS || !hasTypedForm(t)) return valuesVector(values);
  if (t.kind === 'decimal') return scaledFromValues(values, t.scale, n) ?? valuesVector(values);
  const data = new Float64Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (typeof x === 'number') data[i] = x;
    else if (x === null) (nulls ??= new Uint8Array(n))[i] = 1;
    else return valuesVector(values); // a bigint beyond 2^53
  }
  return f64Vector(data, nulls, values);
}

function scaledFromValues(values: readonly Value[], scale: number, n: number): ScaledVector | null {
  const data = new Float64Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x === null) (nulls ??= new Uint8Array(n))[i] = 1;
    else if (x instanceof Decimal && x.scale === scale && x.unscaled <= MAX_SAFE_BIG && x.unscaled >= -MAX_SAFE_BIG) data[i] = Number(x.unscaled);
    else return null;
  }
  return scaledVector(data, scale, nulls, values);
}
