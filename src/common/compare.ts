/**
 * MySQL comparison with its operand coercion rules, and grouping keys consistent with it.
 */
import { Decimal } from './decimal.js';
import type { SqlType } from './types.js';
import type { Value } from './value.js';
import { collationKey, compareBytes, compareStrings } from './collation.js';
import { toDecimal, toDouble, toStringValue, stringToBytes, temporalToDecimal } from './cast.js';
import {
  formatDatetime, parseDateTimeString, parseTimeString, readTime, timeToMicros,
} from './datetime.js';

type Cls = 'int' | 'decimal' | 'real' | 'string' | 'binary' | 'datetime' | 'time' | 'null';

function classOf(t: SqlType): Cls {
  switch (t.kind) {
    case 'int': case 'year': return 'int';
    case 'decimal': return 'decimal';
    case 'float': case 'double': return 'real';
    case 'string': return t.binary ? 'binary' : 'string';
    case 'json': case 'enum': return 'string';
    case 'date': case 'datetime': case 'timestamp': return 'datetime';
    case 'time': return 'time';
    case 'null': return 'null';
  }
}

function cmp<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exact compare of int values (number or bigint, any signedness: values are the true integers). */
function cmpInt(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A canonical date/datetime as a fixed-width key 'YYYY-MM-DD hh:mm:ss.ffffff'. */
function datetimeKey(s: string): string {
  if (s.length === 26) return s;
  if (s.length === 10) return s + ' 00:00:00.000000';
  if (s.length === 19) return s + '.000000';
  return s.padEnd(26, '0');
}

/** A string read as a date/datetime for comparing with one; null if it does not parse. */
function stringAsDatetimeKey(s: string): string | null {
  const p = parseDateTimeString(s);
  return p ? formatDatetime(p.parts, 6) : null;
}

function asText(v: Value, t: SqlType): string {
  return typeof v === 'string' ? v : toStringValue(v, t)!;
}

/**
 * Compares two values as MySQL does for `=`, `<`, ORDER BY on mixed operands. Null if either
 * is NULL. Returns -1, 0 or 1.
 */
export function compareValues(a: Value, aType: SqlType, b: Value, bType: SqlType): number | null {
  if (a === null || b === null) return null;
  const ca = classOf(aType);
  const cb = classOf(bType);
  // Same-representation fast paths.
  if (ca === 'int' && cb === 'int') return cmpInt(a as number | bigint, b as number | bigint);
  if (ca === 'string' && cb === 'string') return compareStrings(a as string, b as string);
  if (ca === 'real' || cb === 'real') return cmpDouble(a, aType, b, bType);
  if ((ca === 'int' || ca === 'decimal') && (cb === 'int' || cb === 'decimal')) {
    if (ca === 'int' && typeof a === 'number' && b instanceof Decimal && b.scale === 0) return cmpInt(a, b.unscaled);
    return toDecimal(a, aType)!.compare(toDecimal(b, bType)!);
  }
  if (ca === 'binary' || cb === 'binary') {
    if ((ca === 'binary' || ca === 'string') && (cb === 'binary' || cb === 'string')) {
      const ab = a instanceof Uint8Array ? a : stringToBytes(asText(a, aType));
      const bb = b instanceof Uint8Array ? b : stringToBytes(asText(b, bType));
      return compareBytes(ab, bb);
    }
  }
  if (ca === 'datetime' && cb === 'datetime') return cmp(datetimeKey(a as string), datetimeKey(b as string));
  if (ca === 'time' && cb === 'time') return cmp(timeToMicros(readTime(a as string)), timeToMicros(readTime(b as string)));
  // Temporal against a string: read the string as that temporal type.
  if ((ca === 'datetime' || ca === 'time') && (cb === 'string' || cb === 'binary')) {
    const r = cmpTemporalString(a as string, ca, asText(b, bType));
    if (r !== undefined) return r;
    return compareStrings(a as string, asText(b, bType));
  }
  if ((cb === 'datetime' || cb === 'time') && (ca === 'string' || ca === 'binary')) {
    const r = cmpTemporalString(b as string, cb, asText(a, aType));
    if (r !== undefined) return -r;
    return compareStrings(asText(a, aType), b as string);
  }
  // Temporal against a number, or date against time: their numeric forms.
  if (ca === 'datetime' || ca === 'time' || cb === 'datetime' || cb === 'time') {
    if ((ca === 'datetime' || ca === 'time') && (cb === 'datetime' || cb === 'time') && ca !== cb) {
      return temporalToDecimal(a as string, aType).compare(temporalToDecimal(b as string, bType));
    }
    const da = toDecimal(a, aType);
    const db = toDecimal(b, bType);
    return da!.compare(db!);
  }
  // Remaining: string vs number → double.
  return cmpDouble(a, aType, b, bType);
}

function cmpDouble(a: Value, aType: SqlType, b: Value, bType: SqlType): number {
  const x = typeof a === 'number' ? a : toDouble(a, aType)!;
  const y = typeof b === 'number' ? b : toDouble(b, bType)!;
  return x < y ? -1 : x > y ? 1 : 0;
}

function cmpTemporalString(t: string, cls: Cls, s: string): number | undefined {
  if (cls === 'time') {
    const p = parseTimeString(s);
    if (!p) return undefined;
    return cmp(timeToMicros(readTime(t)), timeToMicros(p.time));
  }
  const k = stringAsDatetimeKey(s);
  if (k === null) return undefined;
  return cmp(datetimeKey(t), k);
}

/** Key for NULL in grouping: NaN groups with itself in a Map (SameValueZero) and no real key is NaN. */
export const NULL_GROUP_KEY = NaN;

/**
 * A key such that two values of type t fall in the same GROUP BY / DISTINCT / unique-index
 * bucket iff their keys are equal (Map semantics). Numbers from int, decimal and double
 * columns normalize to the same key for equal values (1 and 1.0 group together).
 */
export function groupKey(v: Value, type: SqlType): string | number {
  if (v === null) return NULL_GROUP_KEY;
  if (typeof v === 'number') return v === 0 ? 0 : v; // -0 → 0
  if (typeof v === 'bigint') return 'i' + v.toString();
  if (v instanceof Decimal) return decimalKey(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  switch (type.kind) {
    case 'string': case 'enum': return collationKey(v);
    case 'datetime': case 'timestamp': case 'date': return datetimeKey(v);
    default: return v;
  }
}

function decimalKey(d: Decimal): string | number {
  let u = d.unscaled;
  let s = d.scale;
  while (s > 0 && u % 10n === 0n) {
    u /= 10n;
    s--;
  }
  if (s === 0) {
    if (u >= -9007199254740991n && u <= 9007199254740991n) return Number(u);
    return 'i' + u.toString();
  }
  return 'd' + new Decimal(u, s).toString();
}

/** Grouping equality: NULLs are equal to each other, the rest by groupKey. */
export function valuesEqualForGrouping(a: Value, b: Value, type: SqlType): boolean {
  if (a === null || b === null) return a === b;
  const ka = groupKey(a, type);
  const kb = groupKey(b, type);
  return ka === kb;
}
