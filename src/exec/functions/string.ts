/**
 * String functions. Positions and lengths are in characters (code points) except where
 * MySQL counts bytes (LENGTH, BIT_LENGTH). Searches honour the default collation where MySQL
 * does (INSTR, LOCATE, FIELD, FIND_IN_SET, STRCMP) and are exact where it does (REPLACE,
 * SUBSTRING_INDEX, TRIM).
 */
import { createHash } from 'node:crypto';
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { collationKey, compareBytes, compareStrings, indexOfCollated } from '../../common/collation.js';
import { compareValues } from '../../common/compare.js';
import { stringToBytes } from '../../common/cast.js';
import { utf8ByteLength } from '../../common/charset.js';
import type { EvalContext, ScalarFunction } from './types.js';
import {
  BIGINT, INT, LONGTEXT, alias, bytes, charCount, charLen, charSlice, codePoints, dec, def, int32Arg, int64Arg, intArg,
  isBinaryType, str, varchar,
} from './util.js';

function anyBinary(types: readonly SqlType[]): boolean {
  for (const t of types) if (isBinaryType(t)) return true;
  return false;
}

/** A string result as the Value its type wants (bytes when the result type is binary). */
function out(s: string, binary: boolean): Value {
  return binary ? stringToBytes(s) : s;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** 0-based character index of needle in haystack from `from`, collation-aware unless binary; -1 if absent. */
function findPos(haystack: string, needle: string, from: number, binary: boolean): number {
  if (binary) {
    const cpH = codePoints(haystack);
    if (!cpH && !codePoints(needle)) return haystack.indexOf(needle, from);
    const h = Array.from(haystack);
    const n = Array.from(needle);
    outer: for (let i = from; i + n.length <= h.length; i++) {
      for (let j = 0; j < n.length; j++) if (h[i + j] !== n[j]) continue outer;
      return i;
    }
    return n.length === 0 && from <= h.length ? from : -1;
  }
  if (isAscii(haystack) && isAscii(needle)) return haystack.toUpperCase().indexOf(needle.toUpperCase(), from);
  return indexOfCollated(haystack, needle, from);
}

function substr(s: string, pos: number, len?: number): string {
  const n = charCount(s);
  if (pos === 0 || (len !== undefined && len <= 0)) return '';
  const start = pos > 0 ? pos - 1 : n + pos;
  if (start < 0 || start >= n) return '';
  return charSlice(s, start, len === undefined ? undefined : Math.min(n, start + len));
}

function hexOfBytes(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
}

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** CONV: number text in base |from| to base |to|; negative bases mean signed, as MySQL. */
export function conv(n: string, from: number, to: number): string | null {
  const fb = Math.abs(from);
  const tb = Math.abs(to);
  if (fb < 2 || fb > 36 || tb < 2 || tb > 36) return null;
  let s = n.trim();
  let neg = false;
  if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  } else if (s[0] === '+') s = s.slice(1);
  let v = 0n;
  const B = BigInt(fb);
  const LIMIT = 2n ** 64n - 1n;
  let overflow = false;
  for (const ch of s.toUpperCase()) {
    const d = DIGITS.indexOf(ch);
    if (d < 0 || d >= fb) break;
    v = v * B + BigInt(d);
    if (v > LIMIT) overflow = true;
  }
  if (overflow) v = LIMIT;
  if (neg) {
    if (from < 0 || to < 0) v = -v;
    else v = (2n ** 64n - v) % 2n ** 64n;
  }
  if (to < 0) {
    if (v > 2n ** 63n - 1n) v -= 2n ** 64n; // read as signed
  } else if (v < 0n) v += 2n ** 64n;
  const sign = v < 0n ? '-' : '';
  return sign + (v < 0n ? -v : v).toString(tb).toUpperCase();
}

/** MySQL FORMAT: rounded to d decimals (half away from zero), ',' thousands, '.' point. */
export function formatNumber(x: Decimal, d: number): string {
  const places = Math.max(0, Math.min(d, 30));
  const r = x.round(places).toString();
  const neg = r[0] === '-';
  const body = neg ? r.slice(1) : r;
  const dot = body.indexOf('.');
  const ip = dot < 0 ? body : body.slice(0, dot);
  const fp = dot < 0 ? '' : body.slice(dot);
  let grouped = '';
  for (let i = 0; i < ip.length; i++) {
    if (i > 0 && (ip.length - i) % 3 === 0) grouped += ',';
    grouped += ip[i];
  }
  return (neg ? '-' : '') + grouped + fp;
}

function repeatPad(pad: string, n: number): string {
  if (n <= 0 || pad === '') return '';
  const cp = Array.from(pad);
  let res = '';
  for (let i = 0; i < n; i++) res += cp[i % cp.length];
  return res;
}

const MAX_ALLOWED_PACKET = 16 * 1024 * 1024;

/** A result longer than max_allowed_packet is NULL with MySQL's warning 1301. */
function packetOverflow(ctx: EvalContext, fn: string): null {
  ctx.warn('ER_WARN_ALLOWED_PACKET_OVERFLOWED', `Result of ${fn}() was larger than max_allowed_packet (${MAX_ALLOWED_PACKET}) - truncated`);
  return null;
}

function trimLeading(s: string, rem: string): string {
  if (rem === '') return s;
  let i = 0;
  while (s.startsWith(rem, i)) i += rem.length;
  return s.slice(i);
}

function trimTrailing(s: string, rem: string): string {
  if (rem === '') return s;
  let end = s.length;
  while (end >= rem.length && s.startsWith(rem, end - rem.length)) end -= rem.length;
  return s.slice(0, end);
}

/** Folds a string for LIKE under the default collation: per character weights, no space trimming. */
export function foldForLike(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let r = '';
  for (const ch of s) r += ch === ' ' ? ' ' : collationKey(ch) || ch;
  return r;
}

function sumLen(types: readonly SqlType[]): number {
  let n = 0;
  for (const t of types) n += charLen(t);
  return n;
}

const concat = def({
  name: 'CONCAT', min: 1, max: Infinity,
  ret: (a) => varchar(sumLen(a), anyBinary(a)),
  eval: (args, types) => {
    if (anyBinary(types)) {
      const parts = args.map((v, i) => bytes(v, types[i]!));
      return new Uint8Array(Buffer.concat(parts));
    }
    let s = '';
    for (let i = 0; i < args.length; i++) s += str(args[i]!, types[i]!);
    return s;
  },
});

const concatWs = def({
  name: 'CONCAT_WS', min: 2, max: Infinity, nullIfAnyNull: false,
  ret: (a) => varchar(sumLen(a), anyBinary(a)),
  eval: (args, types) => {
    if (args[0] === null) return null;
    const sep = str(args[0]!, types[0]!);
    const parts: string[] = [];
    for (let i = 1; i < args.length; i++) if (args[i] !== null) parts.push(str(args[i]!, types[i]!));
    return out(parts.join(sep), anyBinary(types));
  },
});

const length = def({
  name: 'LENGTH', min: 1, max: 1, ret: BIGINT,
  eval: ([v], [t]) => (v instanceof Uint8Array ? v.length : utf8ByteLength(str(v!, t!))),
});

const charLength = def({
  name: 'CHAR_LENGTH', min: 1, max: 1, ret: BIGINT,
  eval: ([v], [t]) => (v instanceof Uint8Array ? v.length : charCount(str(v!, t!))),
});

const bitLength = def({
  name: 'BIT_LENGTH', min: 1, max: 1, ret: BIGINT,
  eval: ([v], [t]) => 8 * (v instanceof Uint8Array ? v.length : utf8ByteLength(str(v!, t!))),
});

const sameStringType = (a: readonly SqlType[]) => varchar(charLen(a[0]!), isBinaryType(a[0]!));

/** Case mapping one character to one character, as MySQL: no expansions (ß stays ß). */
function mapCase(s: string, up: boolean): string {
  if (isAscii(s)) return up ? s.toUpperCase() : s.toLowerCase();
  let r = '';
  for (const ch of s) {
    const m = up ? ch.toUpperCase() : ch.toLowerCase();
    r += m.length === ch.length ? m : ch;
  }
  return r;
}

const upper = def({
  name: 'UPPER', min: 1, max: 1, ret: sameStringType,
  eval: ([v], [t]) => (v instanceof Uint8Array ? v : mapCase(str(v!, t!), true)),
});

const lower = def({
  name: 'LOWER', min: 1, max: 1, ret: sameStringType,
  eval: ([v], [t]) => (v instanceof Uint8Array ? v : mapCase(str(v!, t!), false)),
});

const substring = def({
  name: 'SUBSTRING', min: 2, max: 3, ret: sameStringType,
  eval: (args, types) => {
    const s = str(args[0]!, types[0]!);
    const pos = intArg(args[1]!, types[1]!);
    const len = args.length > 2 ? intArg(args[2]!, types[2]!) : undefined;
    return out(substr(s, pos, len), isBinaryType(types[0]!));
  },
});

const left = def({
  name: 'LEFT', min: 2, max: 2, ret: sameStringType,
  eval: ([v, n], [t, nt]) => {
    const k = intArg(n!, nt!);
    return out(k <= 0 ? '' : charSlice(str(v!, t!), 0, k), isBinaryType(t!));
  },
});

const right = def({
  name: 'RIGHT', min: 2, max: 2, ret: sameStringType,
  eval: ([v, n], [t, nt]) => {
    const k = intArg(n!, nt!);
    const s = str(v!, t!);
    const len = charCount(s);
    return out(k <= 0 ? '' : charSlice(s, Math.max(0, len - k)), isBinaryType(t!));
  },
});

function spaceTrim(name: string, how: 'both' | 'left' | 'right'): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret: sameStringType,
    eval: ([v], [t]) => {
      const s = str(v!, t!);
      const r = how === 'both' ? trimTrailing(trimLeading(s, ' '), ' ') : how === 'left' ? trimLeading(s, ' ') : trimTrailing(s, ' ');
      return out(r, isBinaryType(t!));
    },
  });
}

function remTrim(name: string, how: 'both' | 'left' | 'right'): ScalarFunction {
  return def({
    name, min: 2, max: 2, ret: sameStringType,
    eval: ([v, r], [t, rt]) => {
      const s = str(v!, t!);
      const rem = str(r!, rt!);
      const res = how === 'both' ? trimTrailing(trimLeading(s, rem), rem) : how === 'left' ? trimLeading(s, rem) : trimTrailing(s, rem);
      return out(res, isBinaryType(t!));
    },
  });
}

const trimFn = def({
  name: 'TRIM', min: 1, max: 2, ret: sameStringType,
  eval: (args, types) => {
    const s = str(args[0]!, types[0]!);
    const rem = args.length > 1 ? str(args[1]!, types[1]!) : ' ';
    return out(trimTrailing(trimLeading(s, rem), rem), isBinaryType(types[0]!));
  },
});

const replace = def({
  name: 'REPLACE', min: 3, max: 3, ret: () => LONGTEXT,
  eval: ([v, f, r], [t, ft, rt]) => {
    const s = str(v!, t!);
    const from = str(f!, ft!);
    if (from === '') return out(s, isBinaryType(t!));
    return out(s.split(from).join(str(r!, rt!)), isBinaryType(t!));
  },
});

const reverse = def({
  name: 'REVERSE', min: 1, max: 1, ret: sameStringType,
  eval: ([v], [t]) => {
    if (v instanceof Uint8Array) return v.slice().reverse();
    return Array.from(str(v!, t!)).reverse().join('');
  },
});

const repeat = def({
  name: 'REPEAT', min: 2, max: 2, ret: (a) => varchar(4294967295, isBinaryType(a[0]!)),
  eval: ([v, n], [t, nt], ctx) => {
    const k = intArg(n!, nt!);
    const s = str(v!, t!);
    if (k <= 0 || s === '') return out('', isBinaryType(t!));
    if (s.length * k > MAX_ALLOWED_PACKET) return packetOverflow(ctx, 'repeat');
    return out(s.repeat(k), isBinaryType(t!));
  },
});

function pad(name: string, leftSide: boolean): ScalarFunction {
  return def({
    name, min: 3, max: 3, ret: (a) => varchar(Math.max(charLen(a[0]!), 255), isBinaryType(a[0]!)),
    eval: ([v, n, p], [t, nt, pt], ctx) => {
      const len = intArg(n!, nt!);
      if (len < 0) return null;
      if (len > MAX_ALLOWED_PACKET) return packetOverflow(ctx, name.toLowerCase());
      const s = str(v!, t!);
      const cur = charCount(s);
      if (len <= cur) return out(charSlice(s, 0, len), isBinaryType(t!));
      const ps = str(p!, pt!);
      if (ps === '') return null;
      const fill = repeatPad(ps, len - cur);
      return out(leftSide ? fill + s : s + fill, isBinaryType(t!));
    },
  });
}

const instr = def({
  name: 'INSTR', min: 2, max: 2, ret: BIGINT,
  eval: ([h, n], [ht, nt]) => findPos(str(h!, ht!), str(n!, nt!), 0, isBinaryType(ht!) || isBinaryType(nt!)) + 1,
});

const locate = def({
  name: 'LOCATE', min: 2, max: 3, ret: BIGINT,
  eval: (args, types) => {
    const needle = str(args[0]!, types[0]!);
    const hay = str(args[1]!, types[1]!);
    const binary = isBinaryType(types[0]!) || isBinaryType(types[1]!);
    let from = 0;
    if (args.length > 2) {
      const p = intArg(args[2]!, types[2]!);
      if (p < 1 || p > charCount(hay) + 1) return 0;
      from = p - 1;
    }
    const pos = findPos(binary || codePoints(hay) === null ? hay : hay, needle, from, binary);
    return pos + 1;
  },
});

const ascii = def({
  name: 'ASCII', min: 1, max: 1, ret: INT,
  eval: ([v], [t]) => {
    const b = bytes(v!, t!);
    return b.length === 0 ? 0 : b[0]!;
  },
});

const ord = def({
  name: 'ORD', min: 1, max: 1, ret: BIGINT,
  eval: ([v], [t]) => {
    if (v instanceof Uint8Array) return v.length === 0 ? 0 : v[0]!;
    const s = str(v!, t!);
    if (s === '') return 0;
    const first = String.fromCodePoint(s.codePointAt(0)!);
    let n = 0;
    for (const b of stringToBytes(first)) n = n * 256 + b;
    return n;
  },
});

const charFn = def({
  name: 'CHAR', min: 1, max: Infinity, nullIfAnyNull: false, ret: (a) => varchar(a.length * 4, true),
  eval: (args, types) => {
    const out: number[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === null) continue;
      let n = BigInt.asUintN(32, int64Arg(args[i]!, types[i]!));
      const part: number[] = [];
      do {
        part.unshift(Number(n & 0xffn));
        n >>= 8n;
      } while (n > 0n);
      out.push(...part);
    }
    return new Uint8Array(out);
  },
});

const hex = def({
  name: 'HEX', min: 1, max: 1, ret: (a) => varchar(charLen(a[0]!) * 2),
  eval: ([v], [t]) => {
    if (t!.kind === 'int' || t!.kind === 'decimal' || t!.kind === 'float' || t!.kind === 'double' || t!.kind === 'year') {
      let n: bigint;
      if (typeof v === 'bigint') n = v;
      else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
      else {
        const d = dec(v!, t!);
        n = d.toBigInt();
        if (n > 2n ** 64n - 1n) n = 2n ** 64n - 1n;
      }
      return BigInt.asUintN(64, n).toString(16).toUpperCase();
    }
    return hexOfBytes(bytes(v!, t!));
  },
});

const unhex = def({
  name: 'UNHEX', min: 1, max: 1, ret: (a) => varchar(Math.ceil(charLen(a[0]!) / 2), true),
  eval: ([v], [t]) => {
    let s = str(v!, t!);
    if (!/^[0-9a-fA-F]*$/.test(s)) return null;
    if (s.length % 2) s = '0' + s;
    return new Uint8Array(Buffer.from(s, 'hex'));
  },
});

const space = def({
  name: 'SPACE', min: 1, max: 1, ret: LONGTEXT,
  eval: ([n], [nt], ctx) => {
    const k = intArg(n!, nt!);
    if (k > MAX_ALLOWED_PACKET) return packetOverflow(ctx, 'space');
    return k <= 0 ? '' : ' '.repeat(k);
  },
});

const field = def({
  name: 'FIELD', min: 2, max: Infinity, nullIfAnyNull: false, ret: BIGINT,
  eval: (args, types) => {
    if (args[0] === null) return 0;
    // All strings: compare as strings; otherwise as numbers (double), as MySQL.
    const allStr = types.every((t) => t.kind === 'string' || t.kind === 'null' || t.kind === 'enum' || t.kind === 'json');
    for (let i = 1; i < args.length; i++) {
      if (args[i] === null) continue;
      const c = allStr
        ? compareValues(args[0], types[0]!, args[i]!, types[i]!)
        : compareValues(args[0], { kind: 'double' }, args[i]!, { kind: 'double' }) ?? compareValues(args[0], types[0]!, args[i]!, types[i]!);
      if (c === 0) return i;
    }
    return 0;
  },
});

const findInSet = def({
  name: 'FIND_IN_SET', min: 2, max: 2, ret: BIGINT,
  eval: ([n, l], [nt, lt]) => {
    const needle = str(n!, nt!);
    const list = str(l!, lt!);
    if (needle.includes(',')) return 0;
    if (list === '') return 0;
    const items = list.split(',');
    for (let i = 0; i < items.length; i++) if (compareStrings(items[i]!, needle) === 0 && items[i]!.length >= 0) return i + 1;
    return 0;
  },
});

const elt = def({
  name: 'ELT', min: 2, max: Infinity, nullIfAnyNull: false,
  ret: (a) => varchar(Math.max(...a.slice(1).map(charLen)), anyBinary(a.slice(1))),
  eval: (args, types) => {
    if (args[0] === null) return null;
    const n = int32Arg(args[0], types[0]!);
    if (n < 1 || n >= args.length) return null;
    const v = args[n]!;
    return v === null ? null : out(str(v, types[n]!), anyBinary(types.slice(1)));
  },
});

const strcmp = def({
  name: 'STRCMP', min: 2, max: 2, ret: INT,
  eval: ([a, b], [at, bt]) => {
    if (isBinaryType(at!) || isBinaryType(bt!)) return Math.sign(compareBytes(bytes(a!, at!), bytes(b!, bt!)));
    return Math.sign(compareStrings(str(a!, at!), str(b!, bt!)));
  },
});

const format = def({
  name: 'FORMAT', min: 2, max: 3, ret: (a) => varchar(charLen(a[0]!) + 40),
  eval: (args, types) => {
    const d = int32Arg(args[1]!, types[1]!);
    const t = types[0]!;
    let x: Decimal;
    if (t.kind === 'double' || t.kind === 'float') {
      const n = args[0] as number;
      if (!Number.isFinite(n)) return String(n);
      x = Decimal.fromNumber(n)!;
    } else x = dec(args[0]!, t);
    return formatNumber(x, d);
  },
});

const insert = def({
  name: 'INSERT', min: 4, max: 4, ret: () => LONGTEXT,
  eval: ([s0, p0, l0, n0], [st, pt, lt, nt]) => {
    const s = str(s0!, st!);
    const pos = intArg(p0!, pt!);
    let len = intArg(l0!, lt!);
    const n = charCount(s);
    if (pos < 1 || pos > n) return out(s, isBinaryType(st!));
    if (len < 0 || len > n) len = n;
    const res = charSlice(s, 0, pos - 1) + str(n0!, nt!) + charSlice(s, Math.min(n, pos - 1 + len));
    return out(res, isBinaryType(st!));
  },
});

function digest(name: string, algo: string, hexLen: number): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret: varchar(hexLen),
    eval: ([v], [t]) => createHash(algo).update(bytes(v!, t!)).digest('hex'),
  });
}

const sha2 = def({
  name: 'SHA2', min: 2, max: 2, ret: varchar(128),
  eval: ([v, n], [t, nt]) => {
    const bits = intArg(n!, nt!);
    const algo = bits === 0 || bits === 256 ? 'sha256' : bits === 224 ? 'sha224' : bits === 384 ? 'sha384' : bits === 512 ? 'sha512' : null;
    if (!algo) return null;
    return createHash(algo).update(bytes(v!, t!)).digest('hex');
  },
});

const toBase64 = def({
  name: 'TO_BASE64', min: 1, max: 1, ret: (a) => varchar(Math.ceil(charLen(a[0]!) / 3) * 4 + 100),
  eval: ([v], [t]) => {
    const b64 = Buffer.from(bytes(v!, t!)).toString('base64');
    // MySQL wraps every 76 characters.
    return b64.replace(/(.{76})(?=.)/g, '$1\n');
  },
});

const fromBase64 = def({
  name: 'FROM_BASE64', min: 1, max: 1, ret: (a) => varchar(charLen(a[0]!), true),
  eval: ([v], [t]) => {
    const s = str(v!, t!).replace(/[\s]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return null;
    return new Uint8Array(Buffer.from(s, 'base64'));
  },
});

const quote = def({
  name: 'QUOTE', min: 1, max: 1, nullIfAnyNull: false, ret: (a) => varchar(charLen(a[0]!) * 2 + 2),
  eval: ([v], [t]) => {
    if (v === null) return 'NULL';
    let r = "'";
    for (const ch of str(v, t!)) {
      if (ch === '\\' || ch === "'") r += '\\' + ch;
      else if (ch === '\0') r += '\\0';
      else if (ch === '\x1a') r += '\\Z';
      else r += ch;
    }
    return r + "'";
  },
});

function radix(name: string, base: number): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret: varchar(64),
    eval: ([v], [t]) => {
      let n: bigint;
      if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal) {
        n = typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.trunc(v)) : v.truncate(0).unscaled;
      } else return conv(str(v!, t!), 10, base);
      return BigInt.asUintN(64, n).toString(base).toUpperCase();
    },
  });
}

const convFn = def({
  name: 'CONV', min: 3, max: 3, ret: varchar(64),
  eval: ([n, f, t0], [nt, ft, tt]) => {
    const text = typeof n === 'number' && !Number.isInteger(n) ? String(Math.trunc(n)) : n instanceof Decimal ? n.truncate(0).toString() : str(n!, nt!);
    return conv(text, int32Arg(f!, ft!), int32Arg(t0!, tt!));
  },
});

const substringIndex = def({
  name: 'SUBSTRING_INDEX', min: 3, max: 3, ret: sameStringType,
  eval: ([v, d, c], [t, dt, ct]) => {
    const s = str(v!, t!);
    const delim = str(d!, dt!);
    const count = int32Arg(c!, ct!);
    if (delim === '' || count === 0) return out('', isBinaryType(t!));
    const parts = s.split(delim);
    const res = count > 0 ? parts.slice(0, count).join(delim) : parts.slice(Math.max(0, parts.length + count)).join(delim);
    return out(res, isBinaryType(t!));
  },
});

export const stringFunctions: readonly ScalarFunction[] = [
  concat, concatWs,
  ...alias(length, 'OCTET_LENGTH'),
  ...alias(charLength, 'CHARACTER_LENGTH'),
  bitLength,
  ...alias(upper, 'UCASE'),
  ...alias(lower, 'LCASE'),
  ...alias(substring, 'SUBSTR', 'MID'),
  left, right,
  trimFn, spaceTrim('LTRIM', 'left'), spaceTrim('RTRIM', 'right'),
  remTrim('TRIM_LEADING', 'left'), remTrim('TRIM_TRAILING', 'right'), remTrim('TRIM_BOTH', 'both'),
  replace, reverse, repeat, pad('LPAD', true), pad('RPAD', false),
  instr, ...alias(locate, 'POSITION'), ascii, ord, charFn, hex, unhex, space, field, findInSet, elt, strcmp,
  format, insert,
  digest('MD5', 'md5', 32), ...alias(digest('SHA1', 'sha1', 40), 'SHA'), sha2,
  toBase64, fromBase64, quote, radix('BIN', 2), radix('OCT', 8), convFn, substringIndex,
];
