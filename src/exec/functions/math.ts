/**
 * Numeric functions. Exact operands stay exact (ints, Decimal); approximate ones are doubles
 * and round like C rint (half to even), which is what MySQL and MariaDB do for DOUBLE.
 */
import { Decimal, MAX_DECIMAL_SCALE } from '../../common/decimal.js';
import { SqlError } from '../../common/errors.js';
import { doubleWithDecimals, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { arith, arithResultType, numClassOf } from '../../common/arith.js';
import { castValue, normInt } from '../../common/cast.js';
import { compareValues } from '../../common/compare.js';
import type { EvalContext, ScalarFunction } from './types.js';
import { BIGINT, DOUBLE, INT, alias, bytes, charLen, dbl, dec, def, intArg, varchar } from './util.js';

function isExactInt(t: SqlType): boolean {
  const c = numClassOf(t);
  return (c === 'int' || c === 'uint') && t.kind !== 'datetime' && t.kind !== 'timestamp' && t.kind !== 'time' && t.kind !== 'date';
}

/** int types stay themselves; temporal and YEAR as BIGINT. */
function intResult(t: SqlType): SqlType {
  return t.kind === 'int' ? t : BIGINT;
}

function outOfRange(kind: string, expr: string): SqlError {
  return new SqlError('ER_DATA_OUT_OF_RANGE', `${kind} value is out of range in '${expr}'`);
}

function checked(x: number, expr: string): number {
  if (!Number.isFinite(x)) throw outOfRange('DOUBLE', expr);
  return x;
}

/** C rint: round half to even. */
export function rint(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** MySQL my_double_round for ROUND/TRUNCATE on doubles. */
export function roundDouble(value: number, d: number, truncate: boolean): number {
  const absDec = Math.abs(d);
  const tmp = 10 ** absDec;
  const divTmp = value / tmp;
  const mulTmp = value * tmp;
  if (d < 0 && !Number.isFinite(tmp)) return 0;
  if (d >= 0 && !Number.isFinite(mulTmp)) return value;
  if (truncate) {
    if (value >= 0) return d < 0 ? Math.floor(divTmp) * tmp : Math.floor(mulTmp) / tmp;
    return d < 0 ? Math.ceil(divTmp) * tmp : Math.ceil(mulTmp) / tmp;
  }
  return d < 0 ? rint(divTmp) * tmp : rint(mulTmp) / tmp;
}

function roundInt(v: number | bigint, d: number, truncate: boolean): number | bigint {
  if (d >= 0) return v;
  if (d < -19) return 0;
  const p = 10n ** BigInt(-d);
  const b = typeof v === 'bigint' ? v : BigInt(v);
  let q = b / p;
  const r = b % p;
  if (!truncate) {
    const twice = (r < 0n ? -r : r) * 2n;
    if (twice >= p) q += b < 0n ? -1n : 1n;
  }
  return normInt(q * p);
}

function floorCeilType(a: readonly SqlType[]): SqlType {
  const t = a[0]!;
  if (t.kind === 'decimal') {
    const digits = t.precision - t.scale + 1;
    return digits <= 18 ? BIGINT : { kind: 'decimal', precision: Math.min(65, digits), scale: 0 };
  }
  if (isExactInt(t)) return intResult(t);
  return DOUBLE;
}

function floorCeil(name: string, up: boolean): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret: floorCeilType,
    eval: ([v], [t]) => {
      if (typeof v === 'number' && isExactInt(t!)) return v;
      if (typeof v === 'bigint') return v;
      if (t!.kind === 'decimal') {
        const d = dec(v!, t!);
        const r = up ? d.ceil() : d.floor();
        const rt = floorCeilType([t!]);
        return rt.kind === 'decimal' ? new Decimal(r, 0) : normInt(r);
      }
      const x = dbl(v!, t!);
      return up ? Math.ceil(x) : Math.floor(x);
    },
  });
}

const MAX_DECIMAL_DIGITS = 65;

/** PI() shows 6 decimals (MySQL's Item_func_pi). */
const PI_TYPE = doubleWithDecimals(6);

function roundType(a: readonly SqlType[], d: number | undefined): SqlType {
  const t = a[0]!;
  if (isExactInt(t)) return intResult(t);
  if (t.kind === 'decimal') {
    const scale = d === undefined ? t.scale : Math.max(0, Math.min(d, MAX_DECIMAL_SCALE));
    const intDigits = t.precision - t.scale + 1;
    return { kind: 'decimal', precision: Math.min(65, intDigits + scale), scale };
  }
  // A double rounded to a constant number of places shows that many decimals.
  return d === undefined ? DOUBLE : doubleWithDecimals(Math.max(0, d));
}

function constInt(v: Value | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Math.round(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return Number(v.round(0).toBigInt());
  // ROUND(x, '1'): a string constant is read as the number it starts with.
  if (typeof v === 'string') {
    const m = /^\s*([+-]?\d+)/.exec(v);
    return m ? Number(m[1]) : 0;
  }
  return undefined;
}

function roundFn(name: string, truncate: boolean, minArgs: number): ScalarFunction {
  return def({
    name, min: minArgs, max: 2,
    ret: (a) => roundType(a, a.length > 1 ? undefined : 0),
    constReturnType: (a, consts) => roundType(a, a.length > 1 ? constInt(consts[1]) : 0),
    eval: (args, types) => {
      const d = args.length > 1 ? intArg(args[1]!, types[1]!) : 0;
      const v = args[0]!;
      const t = types[0]!;
      if ((typeof v === 'number' || typeof v === 'bigint') && isExactInt(t)) return roundInt(v, d, truncate);
      if (t.kind === 'decimal' || (isExactInt(t) && v instanceof Decimal)) {
        const x = dec(v, t);
        // No DECIMAL has digits beyond 10^65: rounding further left is 0, and cheap.
        const s = Math.max(-(MAX_DECIMAL_DIGITS + 1), Math.min(d, MAX_DECIMAL_SCALE));
        return truncate ? x.truncate(s) : x.round(s);
      }
      return roundDouble(dbl(v, t), d, truncate);
    },
  });
}

const abs = def({
  name: 'ABS', min: 1, max: 1,
  ret: (a) => (isExactInt(a[0]!) ? intResult(a[0]!) : a[0]!.kind === 'decimal' || a[0]!.kind === 'double' ? a[0]! : DOUBLE),
  eval: ([v], [t]) => {
    if (typeof v === 'number' && t!.kind !== 'string') return Math.abs(v);
    if (typeof v === 'bigint') {
      const r = v < 0n ? -v : v;
      if (t!.kind === 'int' && !t!.unsigned && r > 2n ** 63n - 1n) throw outOfRange('BIGINT', `abs(${v})`);
      return r;
    }
    if (v instanceof Decimal) return v.abs();
    if (t!.kind === 'decimal') return dec(v!, t!).abs();
    return Math.abs(dbl(v!, t!));
  },
});

const sign = def({
  name: 'SIGN', min: 1, max: 1, ret: INT,
  eval: ([v], [t]) => {
    if (typeof v === 'bigint') return v < 0n ? -1 : v > 0n ? 1 : 0;
    if (v instanceof Decimal) return v.sign();
    const x = dbl(v!, t!);
    return x < 0 ? -1 : x > 0 ? 1 : 0;
  },
});

const mod = def({
  name: 'MOD', min: 2, max: 2,
  ret: (a) => arithResultType('%', a[0]!, a[1]!),
  eval: ([a, b], [at, bt], ctx) => arith('%', a!, at!, b!, bt!, 'MOD', (c, m) => ctx.warn(c, m)),
});

function dblFn(name: string, f: (x: number, ctx: EvalContext) => number | null, arity = 1): ScalarFunction {
  return def({
    name, min: arity, max: arity, ret: DOUBLE,
    eval: (args, types, ctx) => {
      const r = f(dbl(args[0]!, types[0]!), ctx);
      return r === null ? null : checked(r, `${name.toLowerCase()}(${String(args[0])})`);
    },
  });
}

function logWarn(ctx: EvalContext): null {
  ctx.warn('ER_INVALID_ARGUMENT_FOR_LOGARITHM', 'Invalid argument for logarithm');
  return null;
}

const log = def({
  name: 'LOG', min: 1, max: 2, ret: DOUBLE,
  eval: (args, types, ctx) => {
    if (args.length === 1) {
      const x = dbl(args[0]!, types[0]!);
      return x <= 0 ? logWarn(ctx) : Math.log(x);
    }
    const b = dbl(args[0]!, types[0]!);
    const x = dbl(args[1]!, types[1]!);
    if (x <= 0 || b <= 0 || b === 1) return logWarn(ctx);
    return Math.log(x) / Math.log(b);
  },
});

const pow = def({
  name: 'POW', min: 2, max: 2, ret: DOUBLE,
  eval: ([a, b], [at, bt]) => {
    const x = dbl(a!, at!);
    const y = dbl(b!, bt!);
    const r = Math.pow(x, y);
    if (Number.isNaN(r)) throw outOfRange('DOUBLE', `pow(${x},${y})`);
    return checked(r, `pow(${x},${y})`);
  },
});

const atan = def({
  name: 'ATAN', min: 1, max: 2, ret: DOUBLE,
  eval: (args, types) => (args.length === 1 ? Math.atan(dbl(args[0]!, types[0]!)) : Math.atan2(dbl(args[0]!, types[0]!), dbl(args[1]!, types[1]!))),
});

const atan2 = def({
  name: 'ATAN2', min: 2, max: 2, ret: DOUBLE,
  eval: ([y, x], [yt, xt]) => Math.atan2(dbl(y!, yt!), dbl(x!, xt!)),
});

const pi = def({ name: 'PI', min: 0, max: 0, ret: PI_TYPE, eval: () => Math.PI });

/** MySQL's my_rnd generator, so RAND(N) gives MySQL's sequence. */
interface RandState { s1: number; s2: number }
const MAX_RND = 0x3fffffff;
const seeded = new WeakMap<EvalContext, Map<string, RandState>>();

function seedState(seed: number): RandState {
  const s = BigInt.asUintN(32, BigInt(seed));
  return {
    s1: Number(BigInt.asUintN(32, s * 0x10001n + 55555555n) % BigInt(MAX_RND)),
    s2: Number(BigInt.asUintN(32, s * 0x10000001n) % BigInt(MAX_RND)),
  };
}

function nextRand(st: RandState): number {
  st.s1 = (st.s1 * 3 + st.s2) % MAX_RND;
  st.s2 = (st.s1 + st.s2 + 33) % MAX_RND;
  return st.s1 / MAX_RND;
}

const rand = def({
  name: 'RAND', min: 0, max: 1, ret: DOUBLE, deterministic: false, nullIfAnyNull: false,
  eval: (args, types, ctx) => {
    if (args.length === 0) return Math.random();
    const seed = args[0] === null ? 0 : intArg(args[0]!, types[0]!);
    // One sequence per statement context and seed: rows see successive values as in MySQL.
    let m = seeded.get(ctx);
    if (!m) seeded.set(ctx, (m = new Map()));
    const key = String(seed);
    let st = m.get(key);
    if (!st) m.set(key, (st = seedState(seed)));
    return nextRand(st);
  },
});

/** GREATEST/LEAST result type: MySQL's aggregation of argument types. */
export function minMaxType(a: readonly SqlType[]): SqlType {
  const kinds = new Set<SqlType['kind']>(a.filter((t) => t.kind !== 'null').map((t) => t.kind));
  if (kinds.size === 0) return a[0]!;
  const all = (k: SqlType['kind']) => kinds.size === 1 && kinds.has(k);
  if (all('int')) {
    const allUnsigned = a.every((t) => t.kind !== 'int' || t.unsigned);
    const maxBytes = Math.max(...a.map((t) => (t.kind === 'int' ? t.bytes : 1)));
    return maxBytes <= 4 && !allUnsigned ? { kind: 'int', bytes: 4, unsigned: false } : { kind: 'int', bytes: 8, unsigned: allUnsigned };
  }
  const nonNull = a.filter((t) => t.kind !== 'null');
  const allStrings = nonNull.every((t) => t.kind === 'string' || t.kind === 'enum' || t.kind === 'json');
  if (allStrings) return varchar(Math.max(...nonNull.map(charLen)), nonNull.some((t) => t.kind === 'string' && t.binary));
  const temporal = nonNull.every((t) => t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'string');
  if (temporal && nonNull.some((t) => t.kind !== 'string')) {
    if (nonNull.every((t) => t.kind === 'date' || t.kind === 'string')) return { kind: 'date' };
    return { kind: 'datetime', fsp: Math.max(...nonNull.map((t) => (t.kind === 'datetime' || t.kind === 'timestamp' ? t.fsp : 0))) };
  }
  if (nonNull.every((t) => t.kind === 'time')) return { kind: 'time', fsp: Math.max(...nonNull.map((t) => (t.kind === 'time' ? t.fsp : 0))) };
  const anyReal = nonNull.some((t) => numClassOf(t) === 'real');
  if (anyReal) return DOUBLE;
  // ints and decimals: a decimal wide enough for all.
  let intDigits = 1;
  let scale = 0;
  for (const t of nonNull) {
    if (t.kind === 'decimal') {
      intDigits = Math.max(intDigits, t.precision - t.scale);
      scale = Math.max(scale, t.scale);
    } else intDigits = Math.max(intDigits, t.kind === 'int' && t.bytes === 8 ? 20 : 11);
  }
  return { kind: 'decimal', precision: Math.min(65, intDigits + scale), scale };
}

function minMax(name: string, greatest: boolean): ScalarFunction {
  return def({
    name, min: 2, max: Infinity, ret: minMaxType,
    eval: (args, types, ctx) => {
      const rt = minMaxType(types);
      // Compare in the result type so '10' vs 9 compares numerically, as MySQL.
      const cmpType = rt.kind === 'string' ? null : rt;
      let best = 0;
      let bestVal = cmpType ? castValue(args[0]!, types[0]!, cmpType, ctx.warn.bind(ctx)) : args[0]!;
      for (let i = 1; i < args.length; i++) {
        const v = cmpType ? castValue(args[i]!, types[i]!, cmpType, ctx.warn.bind(ctx)) : args[i]!;
        const c = cmpType ? compareValues(v, cmpType, bestVal, cmpType) : compareValues(v, types[i]!, bestVal, types[best]!);
        if (c === null) return null;
        if (greatest ? c > 0 : c < 0) {
          best = i;
          bestVal = v;
        }
      }
      if (rt.kind === 'decimal' && bestVal instanceof Decimal) return bestVal.round(rt.scale);
      return bestVal;
    },
  });
}

const cot = def({
  name: 'COT', min: 1, max: 1, ret: DOUBLE,
  eval: ([v], [t]) => {
    const x = dbl(v!, t!);
    const r = 1 / Math.tan(x);
    if (!Number.isFinite(r)) throw outOfRange('DOUBLE', `cot(${x})`);
    return r;
  },
});

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE), as zlib and MySQL CRC32(). */
export function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const crc = def({
  name: 'CRC32', min: 1, max: 1, ret: { kind: 'int', bytes: 4, unsigned: true },
  eval: ([v], [t]) => crc32(bytes(v!, t!)),
});

export const mathFunctions: readonly ScalarFunction[] = [
  abs, ...alias(floorCeil('CEIL', true), 'CEILING'), floorCeil('FLOOR', false),
  roundFn('ROUND', false, 1), roundFn('TRUNCATE', true, 2), mod,
  ...alias(pow, 'POWER'),
  dblFn('SQRT', (x) => (x < 0 ? null : Math.sqrt(x))),
  dblFn('EXP', (x) => Math.exp(x)),
  dblFn('LN', (x, ctx) => (x <= 0 ? logWarn(ctx) : Math.log(x))),
  log,
  dblFn('LOG2', (x, ctx) => (x <= 0 ? logWarn(ctx) : Math.log2(x))),
  dblFn('LOG10', (x, ctx) => (x <= 0 ? logWarn(ctx) : Math.log10(x))),
  sign, pi, rand, minMax('GREATEST', true), minMax('LEAST', false),
  dblFn('SIN', Math.sin), dblFn('COS', Math.cos), dblFn('TAN', Math.tan),
  dblFn('ASIN', (x) => (x < -1 || x > 1 ? null : Math.asin(x))),
  dblFn('ACOS', (x) => (x < -1 || x > 1 ? null : Math.acos(x))),
  atan, atan2, cot,
  dblFn('DEGREES', (x) => (x * 180) / Math.PI),
  dblFn('RADIANS', (x) => (x * Math.PI) / 180),
  crc,
];
