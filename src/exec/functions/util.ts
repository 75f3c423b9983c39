/**
 * Helpers shared by the function families: type constructors, argument readers, and `def`.
 */
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import {
  normInt, toDecimal, toDouble, toInteger, toStringValue, stringToBytes, type WarnFn,
} from '../../common/cast.js';
import type { EvalContext, ScalarFunction } from './types.js';

export const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
export const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };
export const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
export const DOUBLE: SqlType = { kind: 'double' };
export const DATE: SqlType = { kind: 'date' };
export const JSON_T: SqlType = { kind: 'json' };
export const NULL_T: SqlType = { kind: 'null' };

export function varchar(length: number, binary = false): SqlType {
  return { kind: 'string', family: length > 65535 ? 'longtext' : 'varchar', length: Math.max(0, length), binary };
}

export const LONGTEXT: SqlType = varchar(4294967295);

export function datetime(fsp: number): SqlType {
  return { kind: 'datetime', fsp };
}

export function time(fsp: number): SqlType {
  return { kind: 'time', fsp };
}

export function isBinaryType(t: SqlType): boolean {
  return t.kind === 'string' && t.binary;
}

/** The character length MySQL reports for a value of type t converted to a string. */
export function charLen(t: SqlType): number {
  switch (t.kind) {
    case 'string': return t.length;
    case 'int': return t.bytes === 8 ? 20 : t.bytes === 4 ? 11 : t.bytes === 3 ? 9 : t.bytes === 2 ? 6 : 4;
    case 'decimal': return t.precision + 2;
    case 'float': return 12;
    case 'double': return 22;
    case 'date': return 10;
    case 'datetime': case 'timestamp': return 19 + (t.fsp ? t.fsp + 1 : 0);
    case 'time': return 10 + (t.fsp ? t.fsp + 1 : 0);
    case 'year': return 4;
    case 'json': return 4294967295;
    case 'enum': return t.values.reduce((m, v) => Math.max(m, v.length), 0);
    case 'null': return 0;
  }
}

export function str(v: Value, t: SqlType): string {
  return typeof v === 'string' ? v : toStringValue(v, t)!;
}

export function bytes(v: Value, t: SqlType): Uint8Array {
  return v instanceof Uint8Array ? v : stringToBytes(str(v, t));
}

/**
 * Integer argument by its value, saturated to the safe range: lengths, counts, positions and
 * ROUND's places. An unsigned 18446744073709551615 is huge, not -1 (MySQL reads these with the
 * argument's unsigned flag).
 */
export function intArg(v: Value, t: SqlType, warn?: WarnFn): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const i = typeof v === 'bigint' ? v : toInteger(v, t, false, warn);
  if (i === null) return 0;
  if (typeof i === 'bigint') return i > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : i < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(i);
  return i;
}

/** The argument as MySQL's 64-bit val_int(): exact for integers, DECIMAL and DOUBLE rounded and saturated. */
export function int64Arg(v: Value, t: SqlType, warn?: WarnFn): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  const i = toInteger(v, t, false, warn);
  return i === null ? 0n : BigInt(i);
}

/**
 * `(int) val_int()`: the 64-bit value cut to 32 bits, as MySQL's FORMAT, ELT, CONV and
 * SUBSTRING_INDEX read their integer arguments (18446744073709551614 is -2 there).
 */
export function int32Arg(v: Value, t: SqlType, warn?: WarnFn): number {
  return Number(BigInt.asIntN(32, int64Arg(v, t, warn)));
}

export function dbl(v: Value, t: SqlType, warn?: WarnFn): number {
  return typeof v === 'number' ? v : toDouble(v, t, warn)!;
}

export function dec(v: Value, t: SqlType, warn?: WarnFn): Decimal {
  return v instanceof Decimal ? v : toDecimal(v, t, warn)!;
}

export { normInt };

/** Code points of s, or null when s has no surrogate pairs (then indexes are characters). */
export function codePoints(s: string): string[] | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return Array.from(s);
  }
  return null;
}

export function charCount(s: string): number {
  const cp = codePoints(s);
  return cp ? cp.length : s.length;
}

/** Characters [start, end) of s by code point. */
export function charSlice(s: string, start: number, end?: number): string {
  const cp = codePoints(s);
  if (!cp) return s.slice(start, end);
  return cp.slice(start, end).join('');
}

export interface FnSpec {
  name: string;
  min: number;
  max: number;
  ret: SqlType | ((args: readonly SqlType[]) => SqlType);
  eval: (args: readonly Value[], types: readonly SqlType[], ctx: EvalContext) => Value;
  /** Default true. */
  nullIfAnyNull?: boolean;
  /** Default true. */
  deterministic?: boolean;
  constReturnType?: ScalarFunction['constReturnType'];
}

export function def(s: FnSpec): ScalarFunction {
  const ret = s.ret;
  const f: ScalarFunction = {
    name: s.name,
    minArgs: s.min,
    maxArgs: s.max,
    returnType: typeof ret === 'function' ? ret : () => ret,
    nullIfAnyNull: s.nullIfAnyNull ?? true,
    deterministic: s.deterministic ?? true,
    evaluate: s.eval,
  };
  return s.constReturnType ? { ...f, constReturnType: s.constReturnType } : f;
}

/** The same function under other names. */
export function alias(f: ScalarFunction, ...names: string[]): ScalarFunction[] {
  return [f, ...names.map((name) => ({ ...f, name }))];
}
