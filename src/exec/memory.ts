import { Decimal } from '../common/decimal.js';
import type { Value } from '../common/value.js';
import type { Vector } from '../common/vector.js';
import type { Batch } from './batch.js';

/**
 * Estimates of the heap a statement's held rows take, for its working-memory budget
 * (Pacer.reserve). They are V8's sizes rounded up, not exact: the budget is there to stop a
 * statement long before the heap runs out, so estimates err on the large side and cost little.
 */

/** An array slot (a pointer). */
const SLOT = 8;
/** A boxed double (HeapNumber). */
const NUMBER = 16;
/** A string's header; its characters come on top. */
const STRING = 24;
const BIGINT = 32;
/** A Decimal: the object and its bigint. */
const DECIMAL = 64;
/** A Uint8Array: the view, its buffer and their headers. */
const BYTES = 112;

/** Bytes of one value held in an array. */
export function valueBytes(v: Value): number {
  switch (typeof v) {
    case 'number':
      return SLOT + NUMBER;
    case 'string':
      return SLOT + STRING + v.length * 2;
    case 'bigint':
      return SLOT + BIGINT;
    default:
      if (v === null) return SLOT;
      if (v instanceof Decimal) return SLOT + DECIMAL;
      if (v instanceof Uint8Array) return SLOT + BYTES + v.length;
      return SLOT + NUMBER;
  }
}

/** Values sampled per boxed column: enough for a stable average, few enough to be cheap. */
const SAMPLES = 8;

/** Bytes of rows [0, n) of a vector once held boxed (as ColumnBuffer and hash tables hold them). */
export function vectorBytes(v: Vector, n: number): number {
  switch (v.kind) {
    case 'f64':
      return n * (SLOT + NUMBER);
    case 'scaled':
      return n * (SLOT + DECIMAL);
    case 'const':
      return n * SLOT + valueBytes(v.value);
    case 'values': {
      if (n <= SAMPLES) {
        let s = 0;
        for (let i = 0; i < n; i++) s += valueBytes(v.values[i]!);
        return s;
      }
      let s = 0;
      const step = n / SAMPLES;
      for (let k = 0; k < SAMPLES; k++) s += valueBytes(v.values[Math.floor(k * step)]!);
      return Math.ceil((s / SAMPLES) * n);
    }
    case 'dict':
      // held boxed, the rows share the dictionary's strings: a slot each, plus the dictionary
      return n * SLOT + vectorBytes({ kind: 'values', values: v.dict }, v.dict.length);
  }
}

/** Bytes of a batch's rows once held boxed. */
export function batchBytes(b: Batch): number {
  let s = 0;
  for (let c = 0; c < b.cols.length; c++) s += vectorBytes(b.cols[c]!, b.length);
  return s;
}

/** A Map or Set entry with its key (string or number). */
export function keyBytes(key: string | number): number {
  return typeof key === 'number' ? 40 : 40 + STRING + key.length * 2;
}
