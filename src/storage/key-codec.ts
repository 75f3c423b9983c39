/**
 * Memcomparable key encoding: a key tuple becomes a JS string whose code-unit order (plain `<`)
 * is the SQL order of the tuple (NULL first), and whose equality is SQL equality under the
 * column's collation. Every component is self-delimiting, so a prefix of the index columns
 * encodes to a prefix of the full key, and `p + MAX_UNIT` is above every key starting with `p`.
 *
 * A component is NULL_TAG, or VALUE_TAG followed by a type-specific payload. No component and no
 * row-ref suffix ever starts with the unit 0xFFFF (see upperBoundOf).
 */
import { collationKey } from '../common/collation.js';
import { Decimal } from '../common/decimal.js';
import { invariant } from '../common/assert.js';
import { encodeUtf8 } from '../common/charset.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';

const NULL_TAG = '\u0001';
const VALUE_TAG = '\u0002';
const MAX_UNIT = '\uffff';

// Collated strings: chars above space map to themselves; control chars are escaped below the markers;
// a run of spaces is encoded by what follows it, and the end of the string sorts like endless spaces (PAD SPACE).
const CTRL_ESC = 0x01;
const RUN_BEFORE_LOW = 0x1c; // spaces followed by a char < ' '
const STR_END = 0x1d;
const RUN_BEFORE_HIGH = 0x1e; // spaces followed by a char > ' '

const TWO32 = 4294967296;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = -SAFE_MAX;
const OFFSET63 = 1n << 63n;
const MASK64 = (1n << 64n) - 1n;

const f64 = new DataView(new ArrayBuffer(8));

/** Integers from -2^63 to 2^64-1 as 5 units of (v + 2^63): a top bit, then 64 bits big-endian. */
function encodeInt(v: number | bigint): string {
  if (typeof v === 'bigint') {
    if (v >= SAFE_MIN && v <= SAFE_MAX) v = Number(v);
    else {
      const u = v + OFFSET63;
      if (u < 0n || u >> 65n !== 0n) invariant(false, `integer key out of range: ${v}`);
      const rest = u & MASK64;
      const hi = Number(rest >> 32n);
      const lo = Number(rest & 0xffffffffn);
      return String.fromCharCode(0x02, Number(u >> 64n), hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff);
    }
  }
  if (!Number.isInteger(v)) invariant(false, `non-integer value ${v} in an integer key`);
  const hi = Math.floor(v / TWO32);
  const lo = v - hi * TWO32;
  const hiU = hi + 2147483648;
  return String.fromCharCode(0x02, 0, hiU >>> 16, hiU & 0xffff, lo >>> 16, lo & 0xffff);
}

/** IEEE-754 with the sign-flip trick; -0 is 0. */
function encodeDouble(v: number): string {
  invariant(!Number.isNaN(v), 'NaN in a key');
  f64.setFloat64(0, v === 0 ? 0 : v);
  let hi = f64.getUint32(0);
  let lo = f64.getUint32(4);
  if (hi & 0x80000000) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  } else hi = (hi | 0x80000000) >>> 0;
  return String.fromCharCode(0x02, hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff);
}

/**
 * Sign class, then the decimal exponent, then significant digits (trailing zeros dropped, so 1.0 = 1.00).
 * Negatives invert exponent and digits and end with a terminator above every digit.
 */
function encodeDecimal(d: Decimal): string {
  const u = d.unscaled;
  if (u === 0n) return '\u0002\u0002';
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString();
  const exp = digits.length - d.scale;
  invariant(exp > -0x7fff && exp < 0x7fff, 'decimal exponent out of range');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 0x30) end--;
  const units: number[] = new Array<number>(end + 3);
  units[0] = 0x02;
  if (neg) {
    units[1] = 0x01;
    units[2] = 0x8000 - exp;
    for (let i = 0; i < end; i++) units[i + 3] = 10 - (digits.charCodeAt(i) - 0x30);
    units.push(11);
  } else {
    units[1] = 0x03;
    units[2] = 0x8000 + exp;
    for (let i = 0; i < end; i++) units[i + 3] = digits.charCodeAt(i) - 0x30 + 1;
    units.push(0);
  }
  return String.fromCharCode(...units);
}

function toDecimal(v: Value): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromInt(v);
  if (typeof v === 'number') {
    const d = Decimal.fromNumber(v);
    if (d === null) invariant(false, `non-finite number ${v} in a DECIMAL key`);
    return d;
  }
  invariant(false, `unexpected ${typeof v} in a DECIMAL key`);
}

/** A collated string: PAD SPACE and case/accent-insensitive via collationKey; see the marker comments above. */
function encodeCollated(s: string): string {
  const k = collationKey(s);
  let plain = true;
  for (let i = 0; i < k.length; i++) {
    if (k.charCodeAt(i) <= 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) return VALUE_TAG + k + '\u001d';
  const units: number[] = [0x02];
  for (let i = 0; i < k.length; ) {
    const c = k.charCodeAt(i);
    if (c > 0x20) {
      units.push(c);
      i++;
    } else if (c < 0x20) {
      units.push(CTRL_ESC, c + 1);
      i++;
    } else {
      // collationKey trimmed trailing spaces, so a run is always followed by a non-space char
      let j = i;
      while (k.charCodeAt(j) === 0x20) j++;
      const run = j - i;
      if (k.charCodeAt(j) < 0x20) units.push(RUN_BEFORE_LOW, run >>> 16, run & 0xffff);
      else units.push(RUN_BEFORE_HIGH, 0xffff - (run >>> 16), 0xffff - (run & 0xffff));
      i = j;
    }
  }
  units.push(STR_END);
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.slice(i, i + 4096));
  return out;
}

/** Plain code-unit order (temporal strings, JSON): 0x00/0x01 escaped, 0x00 terminates. */
function encodeRaw(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) < 0x02) {
      plain = false;
      break;
    }
  }
  if (plain) return VALUE_TAG + s + '\u0000';
  let out = VALUE_TAG;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x02 ? String.fromCharCode(0x01, c + 1) : s[i];
  }
  return out + '\u0000';
}

/** Bytewise, no padding: byte b is unit b+1, the end is 0. */
function encodeBytes(b: Uint8Array): string {
  const units: number[] = new Array<number>(b.length + 2);
  units[0] = 0x02;
  for (let i = 0; i < b.length; i++) units[i + 1] = b[i]! + 1;
  units[b.length + 1] = 0;
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.slice(i, i + 4096));
  return out;
}

/** '[-]hhh:mm:ss[.ffffff]' → signed microseconds; plain string order is wrong for negative times. */
function timeMicros(s: string): number {
  const neg = s.charCodeAt(0) === 0x2d;
  const m = /^-?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(s);
  if (m === null) invariant(false, `non-canonical TIME value '${s}' in a key`);
  const frac = m[4] === undefined ? 0 : Number(m[4].padEnd(6, '0'));
  const us = ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000_000 + frac;
  return neg ? -us : us;
}

function enumIndex(values: readonly string[], v: string): number {
  const i = values.indexOf(v);
  if (i >= 0) return i + 1;
  const k = collationKey(v);
  for (let j = 0; j < values.length; j++) if (collationKey(values[j]!) === k) return j + 1;
  return 0; // '' and invalid values share MySQL's error index 0
}

/** Encodes one value of the given column type as a key component. */
export function encodeValue(type: SqlType, v: Value): string {
  if (v === null) return NULL_TAG;
  switch (type.kind) {
    case 'int':
    case 'year':
      if (typeof v === 'number' || typeof v === 'bigint') return encodeInt(v);
      if (!(v instanceof Decimal && v.scale <= 0)) invariant(false, `unexpected ${typeof v} in an integer key`);
      return encodeInt(v.toBigInt());
    case 'decimal':
      return encodeDecimal(toDecimal(v));
    case 'float':
    case 'double':
      if (typeof v === 'number') return encodeDouble(v);
      return encodeDouble(typeof v === 'bigint' ? Number(v) : toDecimal(v).toNumber());
    case 'string':
      if (type.binary) {
        if (typeof v === 'string') return encodeBytes(encodeUtf8(v));
        invariant(v instanceof Uint8Array, 'expected bytes in a binary key');
        return encodeBytes(v);
      }
      if (typeof v !== 'string') invariant(false, `unexpected ${typeof v} in a string key`);
      return encodeCollated(v);
    case 'date':
    case 'datetime':
    case 'timestamp':
    case 'json':
      if (typeof v !== 'string') invariant(false, `unexpected ${typeof v} in a ${type.kind} key`);
      return encodeRaw(v);
    case 'time':
      invariant(typeof v === 'string', 'unexpected non-string TIME key');
      return encodeInt(timeMicros(v));
    case 'enum':
      invariant(typeof v === 'string', 'unexpected non-string ENUM key');
      return encodeInt(enumIndex(type.values, v));
    case 'null':
      return NULL_TAG;
  }
}

/** Encodes values[i] with types[i]; values may be a prefix of types (range bounds). */
export function encodeKey(types: readonly SqlType[], values: readonly Value[]): string {
  invariant(values.length <= types.length, 'key has more values than the index has columns');
  if (values.length === 1) return encodeValue(types[0]!, values[0]!);
  let out = '';
  for (let i = 0; i < values.length; i++) out += encodeValue(types[i]!, values[i]!);
  return out;
}

/** Encodes row[cols[i]] with types[i]: the key of a row in an index. */
export function encodeRowKey(types: readonly SqlType[], cols: readonly number[], row: readonly Value[]): string {
  if (cols.length === 1) return encodeValue(types[0]!, row[cols[0]!]!);
  let out = '';
  for (let i = 0; i < cols.length; i++) out += encodeValue(types[i]!, row[cols[i]!]!);
  return out;
}

/** The smallest string above every key that starts with the encoded prefix `p`. */
export function upperBoundOf(p: string): string {
  return p + MAX_UNIT;
}

let flatBuf = new Uint16Array(256);

/**
 * a + b + c as a flat string. Index entry keys are compared many times in the B+tree, and V8 compares
 * concatenation results (rope "cons" strings from 13 units on) several times slower than flat ones.
 */
export function flatConcat(a: string, b: string, c: string): string {
  const n = a.length + b.length + c.length;
  if (n < 13) return a + b + c; // V8 copies short concatenations into flat strings anyway
  if (n > 4096) return flattenSlow(a + b + c);
  if (n > flatBuf.length) flatBuf = new Uint16Array(Math.max(n, flatBuf.length * 2));
  const buf = flatBuf;
  let j = 0;
  for (let i = 0; i < a.length; i++) buf[j++] = a.charCodeAt(i);
  for (let i = 0; i < b.length; i++) buf[j++] = b.charCodeAt(i);
  for (let i = 0; i < c.length; i++) buf[j++] = c.charCodeAt(i);
  return String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
}

function flattenSlow(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/** Two units naming a row slot; the high unit stays below 0x8000 (refs are int32), so never 0xFFFF. */
export function refSuffix(ref: number): string {
  return String.fromCharCode(ref >>> 16, ref & 0xffff);
}

function formatOne(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) {
    let s = '';
    for (const b of v) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).toUpperCase().padStart(2, '0');
    return s;
  }
  if (v instanceof Decimal) return v.toString();
  return String(v);
}

/** Renders a key as MySQL shows it in "Duplicate entry '5-abc' for key 'PRIMARY'" (values joined by '-'). */
export function formatKeyForError(values: readonly Value[], _types: readonly SqlType[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += '-';
    out += formatOne(values[i]!);
  }
  return out;
}
