/**
 * MySQL value conversions: between runtime representations (value.ts) for expression
 * evaluation, into column types for INSERT/UPDATE (strict or lenient sql_mode), and CAST().
 */
import { Decimal, MAX_DECIMAL_PRECISION } from './decimal.js';
import { SqlError } from './errors.js';
import type { ErrorCodeName } from './error-codes.js';
import type { SqlType } from './types.js';
import type { Value } from './value.js';
import { compareStrings } from './collation.js';
import { JsonSyntaxError, JsonTooDeepError, parseJson, printJson } from './json/doc.js';
import { decodeUtf8, decodeUtf8Replacing, encodeUtf8, invalidBytesForMessage, isWellFormed, textForCharacterColumn } from './charset.js';
import {
  formatDate, formatDatetime, formatTime, parseDateTimeNumber, parseDateTimeString, parseTimeNumber,
  parseTimeString, readDateTime, readTime, unixMicros, type ParsedDateTime, type TimeParts,
} from './datetime.js';

/** Receives warnings (SHOW WARNINGS rows). EvalContext.warn fits this type. */
export type WarnFn = (code: ErrorCodeName, message: string, level?: 'Note' | 'Warning') => void;

const noWarn: WarnFn = () => {};

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

/** A bigint as the int Value representation: number when safe, else bigint. */
export function normInt(b: bigint): number | bigint {
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

export function toBig(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

const INT_RANGES: Record<number, { min: bigint; max: bigint; umax: bigint }> = {
  1: { min: -128n, max: 127n, umax: 255n },
  2: { min: -32768n, max: 32767n, umax: 65535n },
  3: { min: -8388608n, max: 8388607n, umax: 16777215n },
  4: { min: -2147483648n, max: 2147483647n, umax: 4294967295n },
  8: { min: INT64_MIN, max: INT64_MAX, umax: UINT64_MAX },
};

export function intRange(bytes: number, unsigned: boolean): { min: bigint; max: bigint } {
  const r = INT_RANGES[bytes]!;
  return unsigned ? { min: 0n, max: r.umax } : { min: r.min, max: r.max };
}

/** A binary string read as text: its UTF-8, with bytes that are not UTF-8 kept (charset.ts). */
export function bytesToString(b: Uint8Array): string {
  return decodeUtf8(b);
}

/**
 * A character string as bytes: exactly the bytes it was decoded from (charset.ts). A plain
 * Uint8Array of its own: values are stored and serialized, and a Buffer may share Node's pool.
 */
export function stringToBytes(s: string): Uint8Array {
  return new Uint8Array(encodeUtf8(s));
}

/** A hex or bit literal's type: in numeric context its bytes are a BIGINT UNSIGNED. */
export function isHexHybrid(t: SqlType): boolean {
  return t.kind === 'string' && t.hexHybrid === true;
}

/** The bytes of a hex/bit literal as an unsigned big-endian integer (the last 8 bytes, as MySQL). */
export function hexLiteralNumber(b: Uint8Array): number | bigint {
  let n = 0n;
  for (let i = Math.max(0, b.length - 8); i < b.length; i++) n = (n << 8n) | BigInt(b[i]!);
  return normInt(n);
}

// ---------------------------------------------------------------- doubles as text

/** Splits a finite nonzero double into its shortest digits and decimal exponent (d.ddd × 10^e). */
function shortestDigits(x: number, precision?: number): { digits: string; exp: number } {
  const s = precision === undefined ? Math.abs(x).toExponential() : Math.abs(x).toExponential(precision - 1);
  const e = s.indexOf('e');
  let digits = s.slice(0, e).replace('.', '');
  digits = digits.replace(/0+$/, '') || '0';
  return { digits, exp: Number(s.slice(e + 1)) };
}

function layoutDigits(neg: boolean, digits: string, exp: number): string {
  let out: string;
  if (exp < -15 || exp >= 15) {
    out = digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1);
    out += 'e' + exp;
  } else if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  return neg ? '-' + out : out;
}

/** A DOUBLE as MySQL/MariaDB print it: shortest round-trip digits, exponent form from 1e15 and below 1e-15. */
/**
 * A double with fixed display decimals (MySQL's decimals < NOT_FIXED_DEC): its shortest digits
 * rounded half away from zero to `decimals` places and padded with zeros ('3.141593').
 */
export function fixedDoubleToString(x: number, decimals: number): string {
  const d = Decimal.fromNumber(x);
  return d === null ? doubleToString(x) : d.round(decimals).toString();
}

export function doubleToString(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  const { digits, exp } = shortestDigits(x);
  return layoutDigits(x < 0, digits, exp);
}

/** A FLOAT as MySQL prints it: 6 significant digits. */
export function floatToString(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  const { digits, exp } = shortestDigits(x, 6);
  return layoutDigits(x < 0, digits, exp);
}

// ---------------------------------------------------------------- numeric prefixes of strings

const FLOAT_PREFIX = /^[ \t\n\r\f\v]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;
const INT_PREFIX = /^[ \t\n\r\f\v]*([+-]?\d+)/;

/** The numeric prefix of a string as MySQL reads it; `complete` is false when garbage followed. */
export function numericPrefix(s: string): { text: string; complete: boolean } {
  const m = FLOAT_PREFIX.exec(s);
  if (!m) return { text: '', complete: s.trim() === '' && false };
  const rest = s.slice(m[0].length);
  return { text: m[1]!, complete: rest.trim() === '' };
}

function truncWarn(warn: WarnFn, what: string, s: string): void {
  warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect ${what} value: '${s}'`);
}

/** String → double by its numeric prefix ('12abc' → 12 and a warning, 'abc' → 0). */
export function stringToDouble(s: string, warn: WarnFn = noWarn): number {
  const p = numericPrefix(s);
  if (!p.complete) truncWarn(warn, 'DOUBLE', s);
  if (p.text === '') return 0;
  const d = Number(p.text);
  return Number.isFinite(d) ? d : d > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/** String → Decimal by its numeric prefix. */
export function stringToDecimal(s: string, warn: WarnFn = noWarn): Decimal {
  const p = numericPrefix(s);
  if (!p.complete) truncWarn(warn, 'DECIMAL', s);
  if (p.text === '') return Decimal.ZERO;
  return Decimal.parse(p.text) ?? Decimal.ZERO;
}

// ---------------------------------------------------------------- temporal numeric forms

/** The number MySQL uses for a temporal value in numeric context (20240102, 20240102030405.5, -30405). */
export function temporalToDecimal(v: string, t: SqlType): Decimal {
  if (t.kind === 'time') {
    const p = readTime(v);
    const int = BigInt(p.hour * 10000 + p.minute * 100 + p.second);
    const d = new Decimal(int * 1_000_000n + BigInt(p.micro), 6).round(t.fsp);
    return p.neg ? d.neg() : d;
  }
  const p = readDateTime(v);
  const date = BigInt(p.year * 10000 + p.month * 100 + p.day);
  if (t.kind === 'date') return new Decimal(date, 0);
  const fsp = t.kind === 'datetime' || t.kind === 'timestamp' ? t.fsp : 0;
  const int = date * 1_000_000n + BigInt(p.hour * 10000 + p.minute * 100 + p.second);
  return new Decimal(int * 1_000_000n + BigInt(p.micro), 6).round(fsp);
}

function enumIndex(s: string, t: SqlType): number {
  if (t.kind !== 'enum') return 0;
  if (s === '') return 0;
  for (let i = 0; i < t.values.length; i++) if (compareStrings(t.values[i]!, s) === 0) return i + 1;
  return 0;
}

// ---------------------------------------------------------------- Value → number kinds

/** Any value as a DOUBLE (arithmetic with an approximate operand, string vs number comparison). */
export function toDouble(v: Value, t: SqlType, warn: WarnFn = noWarn): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  if (v instanceof Uint8Array) return isHexHybrid(t) ? Number(hexLiteralNumber(v)) : stringToDouble(bytesToString(v), warn);
  switch (t.kind) {
    case 'date': case 'datetime': case 'timestamp': case 'time':
      return temporalToDecimal(v, t).toNumber();
    case 'enum':
      return enumIndex(v, t);
    default:
      return stringToDouble(v, warn);
  }
}

/** Any value as an exact Decimal (arithmetic with exact operands). */
export function toDecimal(v: Value, t: SqlType, warn: WarnFn = noWarn): Decimal | null {
  if (v === null) return null;
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromInt(v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && t.kind !== 'double' && t.kind !== 'float') return Decimal.fromInt(v);
    return Decimal.fromNumber(v) ?? Decimal.ZERO;
  }
  if (v instanceof Uint8Array) return isHexHybrid(t) ? Decimal.fromInt(hexLiteralNumber(v)) : stringToDecimal(bytesToString(v), warn);
  switch (t.kind) {
    case 'date': case 'datetime': case 'timestamp': case 'time':
      return temporalToDecimal(v, t);
    case 'enum':
      return Decimal.fromInt(enumIndex(v, t));
    default:
      return stringToDecimal(v, warn);
  }
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * CAST(v AS SIGNED/UNSIGNED): decimals and doubles round half away from zero; strings read
 * their integer prefix ('12.7' → 12, warning). Out of range saturates (doubles) or wraps
 * two's complement between signed and unsigned, as MySQL.
 */
export function toInteger(v: Value, t: SqlType, unsigned: boolean, warn: WarnFn = noWarn): number | bigint | null {
  if (v === null) return null;
  let b: bigint;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Number.isSafeInteger(v)) b = BigInt(v);
    else {
      if (Number.isNaN(v)) return 0;
      const r = roundHalfAway(v);
      const lo = unsigned ? 0 : -9223372036854775808;
      const hi = unsigned ? 18446744073709551615 : 9223372036854775807;
      if (r < lo || r >= hi) {
        warn('ER_DATA_OUT_OF_RANGE', `Got overflow when converting '${doubleToString(v)}' to ${unsigned ? 'UNSIGNED' : 'SIGNED'} BIGINT. Value truncated`, 'Note');
        return normInt(r < lo ? (unsigned ? 0n : INT64_MIN) : unsigned ? UINT64_MAX : INT64_MAX);
      }
      b = BigInt(r);
    }
  } else if (typeof v === 'bigint') b = v;
  else if (v instanceof Uint8Array && isHexHybrid(t)) b = BigInt(hexLiteralNumber(v));
  else if (v instanceof Decimal) {
    b = v.toBigInt();
    if (b < INT64_MIN || b > UINT64_MAX || (!unsigned && b > INT64_MAX)) {
      b = b < 0n ? INT64_MIN : unsigned ? UINT64_MAX : INT64_MAX;
      warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect DECIMAL value: '${v.toString()}'`);
    }
  } else {
    let s: string;
    if (v instanceof Uint8Array) s = bytesToString(v);
    else if (t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time') {
      b = temporalToDecimal(v, t).toBigInt();
      return wrapInt(b, unsigned, warn);
    } else if (t.kind === 'enum') return enumIndex(v, t);
    else s = v;
    const m = INT_PREFIX.exec(s);
    if (!m || s.slice(m[0].length).trim() !== '') truncWarn(warn, 'INTEGER', s);
    if (!m) return 0;
    b = BigInt(m[1]!);
    if (b > UINT64_MAX || b < INT64_MIN) {
      if (m && s.slice(m[0].length).trim() === '') truncWarn(warn, 'INTEGER', s);
      b = b > 0n ? UINT64_MAX : INT64_MIN;
    }
  }
  return wrapInt(b, unsigned, warn);
}

function wrapInt(b: bigint, unsigned: boolean, warn: WarnFn): number | bigint {
  if (unsigned && b < 0n) {
    warn('ER_UNKNOWN_ERROR', "Cast to unsigned converted negative integer to it's positive complement", 'Note');
    return normInt(b + 2n ** 64n);
  }
  if (!unsigned && b > INT64_MAX) {
    warn('ER_UNKNOWN_ERROR', 'Cast to signed converted positive out-of-range integer to its negative complement', 'Note');
    return normInt(b - 2n ** 64n);
  }
  return normInt(b);
}

/** SQL truthiness: nonzero is true; strings by their numeric value; NULL stays NULL. */
export function toBoolean(v: Value, t: SqlType, warn: WarnFn = noWarn): boolean | null {
  if (v === null) return null;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof Decimal) return !v.isZero();
  const d = toDouble(v, t, warn);
  return d !== null && d !== 0;
}

/** The text MySQL shows for any value of type t (CONCAT, CAST AS CHAR, string comparison). */
export function toStringValue(v: Value, t: SqlType): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (t.kind === 'double') return t.decimals === undefined ? doubleToString(v) : fixedDoubleToString(v, t.decimals);
    if (t.kind === 'float') return floatToString(v);
    if (t.kind === 'year') return String(v).padStart(4, '0');
    return Number.isInteger(v) ? String(v) : doubleToString(v);
  }
  if (v instanceof Decimal) return v.toString();
  return bytesToString(v);
}

/** The bytes MySQL would hold for a value as a binary string. */
export function toBytes(v: Value, t: SqlType): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return v;
  return stringToBytes(toStringValue(v, t)!);
}

// ---------------------------------------------------------------- temporal conversions

/** A value of type t as a parsed date/datetime; null when it is not a valid one. */
export function toDateTimeParts(v: Value, t: SqlType): ParsedDateTime | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    if (t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp') {
      return { parts: readDateTime(v), hasTime: t.kind !== 'date', fracDigits: t.kind === 'date' ? 0 : t.fsp, truncated: false };
    }
    if (t.kind === 'time') return null;
    return parseDateTimeString(v);
  }
  if (v instanceof Uint8Array) return parseDateTimeString(bytesToString(v));
  if (typeof v === 'number' && (t.kind === 'double' || t.kind === 'float')) return parseDateTimeNumber(v);
  return parseDateTimeNumber(v);
}

// ---------------------------------------------------------------- storing into columns

export type CastMode = 'strict' | 'lenient';

/** Where a stored value goes, for messages and warnings. */
export interface StoreTarget {
  readonly column: string;
  readonly row: number;
  readonly warn?: WarnFn;
  /** Statement time 'YYYY-MM-DD hh:mm:ss.ffffff', used when a TIME is stored into a DATETIME. */
  readonly now?: string;
}

function quoteForMsg(v: Value, t: SqlType): string {
  const s = toStringValue(v, t) ?? 'NULL';
  return s;
}

/** Strict mode throws the error; lenient mode records it as a warning. */
function problem(mode: CastMode, target: StoreTarget, code: ErrorCodeName, message: string): void {
  if (mode === 'strict') throw new SqlError(code, message);
  (target.warn ?? noWarn)(code, message, 'Warning');
}

function outOfRange(mode: CastMode, target: StoreTarget): void {
  problem(mode, target, 'ER_WARN_DATA_OUT_OF_RANGE', `Out of range value for column '${target.column}' at row ${target.row}`);
}

function dataTruncated(mode: CastMode, target: StoreTarget): void {
  problem(mode, target, 'ER_WARN_DATA_TRUNCATED', `Data truncated for column '${target.column}' at row ${target.row}`);
}

function noteTruncated(target: StoreTarget): void {
  (target.warn ?? noWarn)('ER_WARN_DATA_TRUNCATED', `Data truncated for column '${target.column}' at row ${target.row}`, 'Note');
}

function isStringy(t: SqlType): boolean {
  return t.kind === 'string' || t.kind === 'json' || t.kind === 'null';
}

/**
 * Reads a source value as an exact number for storing into a numeric column: strings are
 * read fully (1366 when nothing numeric, 1265 when garbage follows).
 */
function numericForStore(v: Value, from: SqlType, to: SqlType, mode: CastMode, target: StoreTarget): Decimal | number {
  if (typeof v === 'number' && (from.kind === 'double' || from.kind === 'float')) return v;
  if (v instanceof Uint8Array && isHexHybrid(from)) {
    const n = hexLiteralNumber(v);
    return to.kind === 'double' || to.kind === 'float' ? Number(n) : Decimal.fromInt(n);
  }
  if (typeof v === 'string' && isStringy(from) || v instanceof Uint8Array) {
    const s = typeof v === 'string' ? v : bytesToString(v);
    const p = numericPrefix(s);
    if (p.text === '') {
      const what = to.kind === 'int' || to.kind === 'year' ? 'integer' : to.kind === 'decimal' ? 'decimal' : 'double';
      problem(mode, target, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
        `Incorrect ${what} value: '${s}' for column '${target.column}' at row ${target.row}`);
      return Decimal.ZERO;
    }
    if (!p.complete) dataTruncated(mode, target);
    if (to.kind === 'double' || to.kind === 'float') return Number(p.text);
    return Decimal.parse(p.text) ?? Decimal.ZERO;
  }
  return toDecimal(v, from) ?? Decimal.ZERO;
}

function storeInt(v: Value, from: SqlType, to: Extract<SqlType, { kind: 'int' }>, mode: CastMode, target: StoreTarget): Value {
  const { min, max } = intRange(to.bytes, to.unsigned);
  let b: bigint;
  if (typeof v === 'number' && Number.isSafeInteger(v) && from.kind !== 'double' && from.kind !== 'float') b = BigInt(v);
  else if (typeof v === 'bigint') b = v;
  else {
    const n = numericForStore(v, from, to, mode, target);
    if (typeof n === 'number') {
      if (Number.isNaN(n)) b = 0n;
      else {
        const r = roundHalfAway(n);
        if (r > Number(max) || r < Number(min)) {
          outOfRange(mode, target);
          return normInt(r > 0 ? max : min);
        }
        b = BigInt(r);
      }
    } else b = n.toBigInt();
  }
  if (b > max || b < min) {
    outOfRange(mode, target);
    return normInt(b > max ? max : min);
  }
  return normInt(b);
}

function storeDecimal(v: Value, from: SqlType, to: Extract<SqlType, { kind: 'decimal' }>, mode: CastMode, target: StoreTarget): Value {
  const n = numericForStore(v, from, to, mode, target);
  let d: Decimal;
  if (typeof n === 'number') {
    if (!Number.isFinite(n)) {
      outOfRange(mode, target);
      return Decimal.maxOf(to.precision, to.scale, n < 0);
    }
    d = Decimal.fromNumber(n)!;
  } else d = n;
  const r = d.round(to.scale);
  if (to.unsigned && r.sign() < 0) {
    outOfRange(mode, target);
    return new Decimal(0n, to.scale);
  }
  if (r.intDigits() > to.precision - to.scale) {
    outOfRange(mode, target);
    return Decimal.maxOf(to.precision, to.scale, r.sign() < 0);
  }
  if (!r.equals(d)) noteTruncated(target);
  return r;
}

const FLOAT_MAX = 3.4028234663852886e38;

function storeFloat(v: Value, from: SqlType, to: SqlType, mode: CastMode, target: StoreTarget): Value {
  const n = numericForStore(v, from, to, mode, target);
  let d = typeof n === 'number' ? n : n.toNumber();
  if (Number.isNaN(d)) d = 0;
  if (to.kind === 'float') {
    if (Math.abs(d) > FLOAT_MAX) {
      outOfRange(mode, target);
      return d > 0 ? FLOAT_MAX : -FLOAT_MAX;
    }
    return Math.fround(d);
  }
  if (!Number.isFinite(d)) {
    outOfRange(mode, target);
    return d > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
  }
  return d;
}

const TEXT_LIMITS: Record<string, number> = {
  tinytext: 255, text: 65535, mediumtext: 16777215, longtext: 4294967295,
};

function storeString(v: Value, from: SqlType, to: Extract<SqlType, { kind: 'string' }>, mode: CastMode, target: StoreTarget): Value {
  if (to.binary) {
    let b = toBytes(v, from)!;
    const limit = to.family === 'char' || to.family === 'varchar' ? to.length : Math.min(to.length || Infinity, TEXT_LIMITS[to.family]!);
    if (b.length > limit) {
      let allZeroOrSpace = true;
      for (let i = limit; i < b.length; i++) if (b[i] !== 0 && b[i] !== 0x20) allZeroOrSpace = false;
      if (allZeroOrSpace) noteTruncated(target);
      else problem(mode, target, mode === 'strict' ? 'ER_DATA_TOO_LONG' : 'ER_WARN_DATA_TRUNCATED',
        mode === 'strict' ? `Data too long for column '${target.column}' at row ${target.row}` : `Data truncated for column '${target.column}' at row ${target.row}`);
      b = b.slice(0, limit);
    }
    if (to.family === 'char' && b.length < to.length) {
      const padded = new Uint8Array(to.length);
      padded.set(b);
      b = padded;
    }
    return b;
  }
  let s = toStringValue(v, from)!;
  if (!isWellFormed(s)) s = characterColumnText(s, mode, target);
  const isText = to.family !== 'char' && to.family !== 'varchar';
  if (!isText) {
    // Length in characters; strings are UTF-16 so count code points only when surrogates occur.
    let len = s.length;
    if (len > to.length && /[\ud800-\udbff]/.test(s)) len = Array.from(s).length;
    if (len > to.length) {
      const chars = len === s.length ? null : Array.from(s);
      const kept = chars ? chars.slice(0, to.length).join('') : s.slice(0, to.length);
      const rest = chars ? chars.slice(to.length).join('') : s.slice(to.length);
      if (/^ *$/.test(rest)) noteTruncated(target);
      else problem(mode, target, mode === 'strict' ? 'ER_DATA_TOO_LONG' : 'ER_WARN_DATA_TRUNCATED',
        mode === 'strict' ? `Data too long for column '${target.column}' at row ${target.row}` : `Data truncated for column '${target.column}' at row ${target.row}`);
      s = kept;
    }
    if (to.family === 'char') s = s.replace(/ +$/, ''); // CHAR drops trailing spaces on read
    return s;
  }
  const limit = Math.min(to.length || Infinity, TEXT_LIMITS[to.family]!);
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > limit) {
    const buf = Buffer.from(s, 'utf8');
    let cut = limit;
    while (cut > 0 && (buf[cut]! & 0xc0) === 0x80) cut--; // do not split a character
    const rest = buf.subarray(cut).toString('utf8');
    if (/^ *$/.test(rest)) noteTruncated(target);
    else problem(mode, target, mode === 'strict' ? 'ER_DATA_TOO_LONG' : 'ER_WARN_DATA_TRUNCATED',
      mode === 'strict' ? `Data too long for column '${target.column}' at row ${target.row}` : `Data truncated for column '${target.column}' at row ${target.row}`);
    s = buf.subarray(0, cut).toString('utf8');
  }
  return s;
}

/**
 * A string holding bytes that are not UTF-8 (charset.ts), bound for a character column: strict
 * mode refuses it (1366, as MySQL), lenient mode stores '?' for each bad byte and warns.
 */
function characterColumnText(s: string, mode: CastMode, target: StoreTarget): string {
  const checked = textForCharacterColumn(s);
  if ('text' in checked) return checked.text;
  problem(mode, target, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
    `Incorrect string value: '${invalidBytesForMessage(checked.invalid)}' for column '${target.column}' at row ${target.row}`);
  return decodeUtf8Replacing(checked.invalid);
}

/** TIMESTAMP range: 1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC. */
const TS_MIN = 1_000_000n;
const TS_MAX = 2_147_483_647_999_999n;

function storeTemporal(v: Value, from: SqlType, to: SqlType, mode: CastMode, target: StoreTarget): Value {
  const kindName = to.kind === 'date' ? 'date' : to.kind === 'time' ? 'time' : 'datetime';
  const bad = (): Value => {
    problem(mode, target, mode === 'strict' ? 'ER_TRUNCATED_WRONG_VALUE' : 'ER_WARN_DATA_TRUNCATED',
      mode === 'strict'
        ? `Incorrect ${kindName} value: '${quoteForMsg(v, from)}' for column '${target.column}' at row ${target.row}`
        : `Data truncated for column '${target.column}' at row ${target.row}`);
    return to.kind === 'date' ? '0000-00-00' : to.kind === 'time' ? formatTime({ neg: false, hour: 0, minute: 0, second: 0, micro: 0 }, to.fsp)
      : formatDatetime({ year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 }, to.kind === 'datetime' || to.kind === 'timestamp' ? to.fsp : 0);
  };
  if (to.kind === 'time') {
    const t = timeFromValue(v, from, target.now);
    if (!t) return bad();
    if (t.clipped) {
      if (mode === 'strict') {
        throw new SqlError('ER_TRUNCATED_WRONG_VALUE',
          `Incorrect time value: '${quoteForMsg(v, from)}' for column '${target.column}' at row ${target.row}`);
      }
      outOfRange(mode, target);
    } else if (t.truncated) noteTruncated(target);
    return formatTime(t.time, to.fsp);
  }
  let parsed: ParsedDateTime | null;
  if (from.kind === 'time' && typeof v === 'string') {
    // TIME → DATETIME: the statement's date plus the time.
    const base = readDateTime((target.now ?? '0000-00-00 00:00:00').slice(0, 10));
    const t = readTime(v);
    const dt = formatDatetime({ ...base, hour: t.hour % 24, minute: t.minute, second: t.second, micro: t.micro }, 6);
    parsed = parseDateTimeString(dt);
  } else parsed = toDateTimeParts(v, from);
  if (!parsed) return bad();
  if (parsed.truncated) dataTruncated(mode, target);
  const p = parsed.parts;
  if (to.kind === 'date') {
    if (parsed.hasTime && (p.hour || p.minute || p.second || p.micro)) noteTruncated(target);
    return formatDate(p);
  }
  const fsp = to.kind === 'datetime' || to.kind === 'timestamp' ? to.fsp : 0;
  if (to.kind === 'timestamp' && !(p.year === 0 && p.month === 0 && p.day === 0)) {
    const us = unixMicros(p);
    if (us < TS_MIN || us > TS_MAX) return bad();
  }
  return formatDatetime(p, fsp);
}

/** A value of type `from` as a TIME. */
export function timeFromValue(v: Value, from: SqlType, _now?: string): { time: TimeParts; truncated: boolean; clipped?: boolean } | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    if (from.kind === 'time') return { time: readTime(v), truncated: false };
    if (from.kind === 'datetime' || from.kind === 'timestamp') {
      const p = readDateTime(v);
      return { time: { neg: false, hour: p.hour, minute: p.minute, second: p.second, micro: p.micro }, truncated: false };
    }
    if (from.kind === 'date') return { time: { neg: false, hour: 0, minute: 0, second: 0, micro: 0 }, truncated: false };
    return parseTimeString(v);
  }
  if (v instanceof Uint8Array) return parseTimeString(bytesToString(v));
  return parseTimeNumber(v);
}

function storeYear(v: Value, from: SqlType, mode: CastMode, target: StoreTarget): Value {
  const isStr = typeof v === 'string' && isStringy(from);
  if (isStr && /^\s*0+\s*$/.test(v) && v.trim().length <= 2) return 2000;
  const n = storeInt(v, from, { kind: 'int', bytes: 8, unsigned: false }, mode, target);
  const y = Number(n);
  if (y === 0) return 0;
  if (y >= 1 && y <= 69) return 2000 + y;
  if (y >= 70 && y <= 99) return 1900 + y;
  if (y < 1901 || y > 2155) {
    outOfRange(mode, target);
    return 0;
  }
  return y;
}

/** Minimal JSON validity check (full JSON.parse), normalizing nothing: MariaDB keeps the text. */
export function isValidJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function storeJson(v: Value, from: SqlType, mode: CastMode, target: StoreTarget): Value {
  if (from.kind === 'int' || from.kind === 'decimal' || from.kind === 'double' || from.kind === 'float' || from.kind === 'year') {
    return toStringValue(v, from);
  }
  let s = toStringValue(v, from)!;
  if (!isWellFormed(s)) s = characterColumnText(s, mode, target);
  return normalizedJson(s, (reason, position) => new SqlError('ER_INVALID_JSON_TEXT', `Invalid JSON text: "${reason}" at position ${position} in value for column '${target.column}'.`));
}

/** JSON text in MySQL's stored form (`{"a": 1}`), or the error `fail` makes for invalid text. */
function normalizedJson(s: string, fail: (reason: string, position: number) => SqlError): string {
  try {
    return printJson(parseJson(s));
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw fail(e.reason, e.position);
    if (e instanceof JsonTooDeepError) throw new SqlError('ER_JSON_DOCUMENT_TOO_DEEP', 'The JSON document exceeds the maximum depth.');
    throw e;
  }
}

function storeEnum(v: Value, from: SqlType, to: Extract<SqlType, { kind: 'enum' }>, mode: CastMode, target: StoreTarget): Value {
  if (typeof v === 'string' && from.kind !== 'int') {
    for (const e of to.values) if (compareStrings(e, v) === 0) return e;
    // A string holding a number is an index.
    if (/^\s*\d+\s*$/.test(v)) {
      const i = Number(v);
      if (i >= 1 && i <= to.values.length) return to.values[i - 1]!;
    }
    dataTruncated(mode, target);
    return '';
  }
  const i = Number(toInteger(v, from, false));
  if (i >= 1 && i <= to.values.length) return to.values[i - 1]!;
  if (i === 0 && mode === 'lenient') {
    dataTruncated(mode, target);
    return '';
  }
  dataTruncated(mode, target);
  return '';
}

/**
 * The value to store in a column of type `to`. Strict mode throws SqlError (1264, 1265, 1292,
 * 1366, 1406) where STRICT_TRANS_TABLES does; lenient mode clips/truncates and warns.
 * NULL passes through (NOT NULL is the caller's check).
 */
export function castToType(v: Value, from: SqlType, to: SqlType, mode: CastMode, target: StoreTarget): Value {
  if (v === null) return null;
  switch (to.kind) {
    case 'int': return storeInt(v, from, to, mode, target);
    case 'decimal': return storeDecimal(v, from, to, mode, target);
    case 'float': case 'double': return storeFloat(v, from, to, mode, target);
    case 'string': return storeString(v, from, to, mode, target);
    case 'date': case 'datetime': case 'timestamp': case 'time': return storeTemporal(v, from, to, mode, target);
    case 'year': return storeYear(v, from, mode, target);
    case 'json': return storeJson(v, from, mode, target);
    case 'enum': return storeEnum(v, from, to, mode, target);
    case 'null': return null;
  }
}

// ---------------------------------------------------------------- CAST()

/**
 * CAST(v AS to). Never throws for bad data (JSON aside): warns and returns NULL or a
 * truncated value. Targets: int 8 bytes (SIGNED/UNSIGNED), decimal(p,s), string
 * (CHAR[(n)] = varchar n, or binary = BINARY[(n)]), date, datetime(fsp), time(fsp),
 * double, float, json. `exprText` names the value in messages (as MySQL prints it).
 */
export function castValue(v: Value, from: SqlType, to: SqlType, warn: WarnFn = noWarn, exprText = ''): Value {
  if (v === null) return null;
  switch (to.kind) {
    case 'int': return toInteger(v, from, to.unsigned, warn);
    case 'decimal': {
      const d = toDecimal(v, from, warn)!;
      const r = d.round(to.scale);
      if (r.intDigits() > to.precision - to.scale) {
        warn('ER_WARN_DATA_OUT_OF_RANGE', `Out of range value for column '${exprText}' at row 1`);
        return Decimal.maxOf(to.precision, to.scale, r.sign() < 0);
      }
      return r;
    }
    case 'double': return toDouble(v, from, warn);
    case 'float': {
      const d = toDouble(v, from, warn);
      return d === null ? null : Math.fround(d);
    }
    case 'string': {
      const limit = to.family === 'longtext' ? Infinity : to.length;
      if (to.binary) {
        const b = toBytes(v, from)!;
        if (b.length > limit) {
          warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect BINARY(${limit}) value: '${bytesToString(b)}'`);
          return b.slice(0, limit);
        }
        return b;
      }
      const s = toStringValue(v, from)!;
      if (limit !== Infinity && s.length > limit) {
        const cps = Array.from(s);
        if (cps.length > limit) {
          warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect CHAR(${limit}) value: '${s}'`);
          return cps.slice(0, limit).join('');
        }
      }
      return s;
    }
    case 'date': case 'datetime': case 'timestamp': {
      if (from.kind === 'time' && typeof v === 'string') return null;
      const parsed = toDateTimeParts(v, from);
      const name = to.kind === 'date' ? 'date' : 'datetime';
      if (!parsed) {
        warn('ER_TRUNCATED_WRONG_VALUE', `Incorrect ${name} value: '${quoteForMsg(v, from)}'`);
        return null;
      }
      if (parsed.truncated) warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect ${name} value: '${quoteForMsg(v, from)}'`);
      return to.kind === 'date' ? formatDate(parsed.parts) : formatDatetime(parsed.parts, to.fsp);
    }
    case 'time': {
      const t = timeFromValue(v, from);
      if (!t) {
        warn('ER_TRUNCATED_WRONG_VALUE', `Incorrect time value: '${quoteForMsg(v, from)}'`);
        return null;
      }
      if (t.truncated) warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect time value: '${quoteForMsg(v, from)}'`);
      return formatTime(t.time, to.fsp);
    }
    case 'year': {
      const n = toInteger(v, from, false, warn);
      return n;
    }
    case 'json': {
      if (from.kind === 'json') return v;
      if (from.kind === 'string' && !from.binary) {
        return normalizedJson(v as string, (reason, position) => new SqlError('ER_INVALID_JSON_TEXT_IN_PARAM', `Invalid JSON text in argument 1 to function cast_as_json: "${reason}" at position ${position}.`));
      }
      if (from.kind === 'date' || from.kind === 'datetime' || from.kind === 'timestamp' || from.kind === 'time') {
        return JSON.stringify(v);
      }
      return toStringValue(v, from);
    }
    case 'enum': return toStringValue(v, from);
    case 'null': return null;
  }
}

/** Largest DECIMAL precision, for callers building CAST targets. */
export const MAX_CAST_DECIMAL_PRECISION = MAX_DECIMAL_PRECISION;
