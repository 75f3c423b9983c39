/**
 * Index keys for an integer column compared as DOUBLE or DECIMAL (`id = 2.5`, or `id = ?` with
 * the DOUBLE parameter mysql2 sends for every JS number). The index holds integers, so a key
 * becomes the integers it can compare equal to, or the integer range it bounds. These are
 * supersets: the filter above the scan still decides each row with MySQL's own comparison
 * (which is why a double beyond 2^53, where neighbouring integers share one double, widens to
 * a small range instead of naming one integer).
 */
import { Decimal } from '../common/decimal.js';
import { toDouble } from '../common/cast.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';

const VARCHAR = { kind: 'string', family: 'varchar', length: 65535, binary: false } as const;
const TWO_53 = 2 ** 53;

/** The integers a value can equal, as [lo, hi], or null for none (2.5 equals no integer). */
export function integersEqualTo(v: Value): { lo: bigint; hi: bigint } | null {
  const x = numeric(v);
  if (x === null) return null;
  if (typeof x === 'bigint') return { lo: x, hi: x };
  if (x instanceof Decimal) {
    const p = 10n ** BigInt(x.scale);
    return x.unscaled % p === 0n ? { lo: x.unscaled / p, hi: x.unscaled / p } : null;
  }
  if (!Number.isFinite(x) || !Number.isInteger(x)) return null;
  if (Math.abs(x) < TWO_53) return { lo: BigInt(x), hi: BigInt(x) };
  const ulp = ulpOf(x);
  return { lo: BigInt(x) - ulp, hi: BigInt(x) + ulp };
}

/** The least integer that can be ≥ v (a lower bound, inclusive), or null when no bound applies. */
export function integerAtLeast(v: Value): bigint | null {
  const x = numeric(v);
  if (x === null) return null;
  if (typeof x === 'bigint') return x;
  if (x instanceof Decimal) return ceilDiv(x.unscaled, 10n ** BigInt(x.scale));
  if (Number.isNaN(x) || x === -Infinity) return null;
  if (x === Infinity) return BigInt(Number.MAX_VALUE); // above every integer column
  const c = Math.ceil(x);
  return Math.abs(c) < TWO_53 ? BigInt(c) : BigInt(c) - ulpOf(c);
}

/** The greatest integer that can be ≤ v (an upper bound, inclusive), or null when no bound applies. */
export function integerAtMost(v: Value): bigint | null {
  const x = numeric(v);
  if (x === null) return null;
  if (typeof x === 'bigint') return x;
  if (x instanceof Decimal) return -ceilDiv(-x.unscaled, 10n ** BigInt(x.scale));
  if (Number.isNaN(x) || x === Infinity) return null;
  if (x === -Infinity) return -BigInt(Number.MAX_VALUE);
  const f = Math.floor(x);
  return Math.abs(f) < TWO_53 ? BigInt(f) : BigInt(f) + ulpOf(f);
}

/**
 * A point key whose integer columns get DOUBLE / DECIMAL values: each part as the integers it can
 * equal; 'none' when a part equals no integer; null when every part is usable as it is.
 */
export function integerKeyParts(values: readonly Value[], types: readonly SqlType[]): { lo: Value; hi: Value }[] | 'none' | null {
  let changed = false;
  const parts: { lo: Value; hi: Value }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (types[i]!.kind !== 'int' || v === null || isExactInteger(v)) {
      parts.push({ lo: v, hi: v });
      continue;
    }
    const span = integersEqualTo(v);
    if (span === null) return 'none';
    changed = true;
    parts.push(span);
  }
  return changed ? parts : null;
}

/** Whether a key value is already an integer the index can take as it is. */
export function isExactInteger(v: Value): boolean {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
}

/** Strings and other values compare with integers as DOUBLE (MySQL's rule); decimals stay exact. */
function numeric(v: Value): number | bigint | Decimal | null {
  if (v === null) return null;
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal) return v;
  return toDouble(v, VARCHAR);
}

/** The gap between adjacent doubles at x (|x| ≥ 2^53), as an integer. */
function ulpOf(x: number): bigint {
  const e = Math.floor(Math.log2(Math.abs(x)));
  return 2n ** BigInt(Math.max(0, e - 52) + 1);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}
