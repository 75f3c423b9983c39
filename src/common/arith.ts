/**
 * Scalar arithmetic with MySQL's typing: exact for integers (number fast path, bigint when
 * leaving the safe range, 1690 on BIGINT overflow) and decimals, IEEE for approximate operands.
 */
import { Decimal, DIV_PRECISION_INCREMENT, MAX_DECIMAL_PRECISION, MAX_DECIMAL_SCALE } from './decimal.js';
import { SqlError } from './errors.js';
import { displayDecimals, doubleWithDecimals, type SqlType } from './types.js';
import type { Value } from './value.js';
import { INT64_MAX, INT64_MIN, UINT64_MAX, normInt, toDecimal, toDouble, type WarnFn } from './cast.js';

export type ArithOp = '+' | '-' | '*' | '/' | 'DIV' | '%';

/** How an operand takes part in arithmetic. */
export type NumClass = 'int' | 'uint' | 'decimal' | 'real';

const noWarn: WarnFn = () => {};

export function numClassOf(t: SqlType): NumClass {
  switch (t.kind) {
    case 'int': return t.unsigned ? 'uint' : 'int';
    case 'year': case 'null': return 'int';
    case 'decimal': return 'decimal';
    case 'date': return 'int';
    case 'datetime': case 'timestamp': case 'time': return t.fsp > 0 ? 'decimal' : 'int';
    default: return 'real'; // float, double, strings, json, enum
  }
}

/** Digits before the point an operand can have, and its scale, for MySQL's DECIMAL result rules. */
function decimalShape(t: SqlType): { intDigits: number; scale: number } {
  switch (t.kind) {
    case 'decimal': return { intDigits: t.precision - t.scale, scale: t.scale };
    case 'int': {
      const d = t.bytes === 1 ? 3 : t.bytes === 2 ? 5 : t.bytes === 3 ? 8 : t.bytes === 4 ? 10 : t.unsigned ? 20 : 19;
      return { intDigits: d, scale: 0 };
    }
    case 'year': return { intDigits: 4, scale: 0 };
    case 'date': return { intDigits: 8, scale: 0 };
    case 'datetime': case 'timestamp': return { intDigits: 14, scale: t.fsp };
    case 'time': return { intDigits: 7, scale: t.fsp };
    default: return { intDigits: 1, scale: 0 };
  }
}

function decimalType(intDigits: number, scale: number): SqlType {
  const s = Math.min(scale, MAX_DECIMAL_SCALE);
  return { kind: 'decimal', precision: Math.max(1, Math.min(intDigits + s, MAX_DECIMAL_PRECISION)), scale: s };
}

const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };
const DOUBLE: SqlType = { kind: 'double' };

/** The SqlType MySQL gives `a op b`. */
export function arithResultType(op: ArithOp, a: SqlType, b: SqlType): SqlType {
  const ca = numClassOf(a);
  const cb = numClassOf(b);
  if (op === 'DIV') return ca === 'uint' || cb === 'uint' ? UBIGINT : BIGINT;
  if (ca === 'real' || cb === 'real') {
    // MySQL's display decimals: the larger operand's, plus div_precision_increment for '/'.
    const d = Math.max(displayDecimals(a), displayDecimals(b));
    return doubleWithDecimals(op === '/' ? d + DIV_PRECISION_INCREMENT : d);
  }
  const sa = decimalShape(a);
  const sb = decimalShape(b);
  const exactInt = (ca === 'int' || ca === 'uint') && (cb === 'int' || cb === 'uint');
  switch (op) {
    case '+': case '-':
      if (exactInt) return ca === 'uint' || cb === 'uint' ? UBIGINT : BIGINT;
      return decimalType(Math.max(sa.intDigits, sb.intDigits) + 1, Math.max(sa.scale, sb.scale));
    case '*':
      if (exactInt) return ca === 'uint' || cb === 'uint' ? UBIGINT : BIGINT;
      return decimalType(sa.intDigits + sb.intDigits, sa.scale + sb.scale);
    case '/': {
      const scale = Math.min(sa.scale + DIV_PRECISION_INCREMENT, MAX_DECIMAL_SCALE);
      return decimalType(sa.intDigits + sb.scale, scale);
    }
    case '%':
      if (exactInt) return ca === 'uint' ? UBIGINT : BIGINT;
      return decimalType(Math.max(sa.intDigits, sb.intDigits), Math.max(sa.scale, sb.scale));
  }
}

/** Result type of unary minus. */
export function negResultType(t: SqlType): SqlType {
  const c = numClassOf(t);
  if (c === 'real') return DOUBLE;
  if (c === 'int' || c === 'uint') return BIGINT;
  const s = decimalShape(t);
  return decimalType(s.intDigits, s.scale);
}

function rangeError(unsigned: boolean, kind: 'BIGINT' | 'DECIMAL' | 'DOUBLE', expr: string): SqlError {
  const what = kind === 'BIGINT' && unsigned ? 'BIGINT UNSIGNED' : kind;
  return new SqlError('ER_DATA_OUT_OF_RANGE', `${what} value is out of range in '${expr}'`);
}

function checkBig(r: bigint, unsigned: boolean, expr: string): number | bigint {
  if (unsigned ? r < 0n || r > UINT64_MAX : r < INT64_MIN || r > INT64_MAX) throw rangeError(unsigned, 'BIGINT', expr);
  return normInt(r);
}

function big(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Integer + - * with overflow checks; `unsigned` is the result's signedness. */
export function intArith(op: '+' | '-' | '*', a: number | bigint, b: number | bigint, unsigned: boolean, expr: string): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
    if (Number.isSafeInteger(r)) {
      if (unsigned && r < 0) throw rangeError(true, 'BIGINT', expr);
      return r === 0 ? 0 : r;
    }
  }
  const x = big(a);
  const y = big(b);
  return checkBig(op === '+' ? x + y : op === '-' ? x - y : x * y, unsigned, expr);
}

/** MySQL/MariaDB compute decimals with up to 81 digits before declaring overflow (9 words of 9). */
const MAX_INTERMEDIATE_DIGITS = 81;

function checkDecimal(d: Decimal, expr: string): Decimal {
  if (d.intDigits() > MAX_INTERMEDIATE_DIGITS) throw rangeError(false, 'DECIMAL', expr);
  return d;
}

function checkDouble(d: number, expr: string): number {
  if (!Number.isFinite(d)) throw rangeError(false, 'DOUBLE', expr);
  return d;
}

function divByZero(warn: WarnFn): null {
  warn('ER_DIVISION_BY_ZERO', 'Division by 0');
  return null;
}

/**
 * Evaluates `a op b` for operands of types aType/bType. NULL in → NULL out. Division or
 * modulo by zero returns NULL and calls warn('ER_DIVISION_BY_ZERO', 'Division by 0'): the
 * caller throws from warn when ERROR_FOR_DIVISION_BY_ZERO applies (strict INSERT/UPDATE).
 * `expr` is the expression text for 1690 messages, e.g. '(`t`.`a` + 1)'.
 */
export function arith(op: ArithOp, a: Value, aType: SqlType, b: Value, bType: SqlType, expr: string, warn: WarnFn = noWarn): Value {
  if (a === null || b === null) return null;
  const ca = numClassOf(aType);
  const cb = numClassOf(bType);
  const bothInt = (ca === 'int' || ca === 'uint') && (cb === 'int' || cb === 'uint');
  if (op === 'DIV') return intDiv(a, aType, b, bType, ca === 'uint' || cb === 'uint', expr, warn);
  if (ca === 'real' || cb === 'real') {
    const x = typeof a === 'number' ? a : toDouble(a, aType, warn)!;
    const y = typeof b === 'number' ? b : toDouble(b, bType, warn)!;
    switch (op) {
      case '+': return checkDouble(x + y, expr);
      case '-': return checkDouble(x - y, expr);
      case '*': return checkDouble(x * y, expr);
      case '/': return y === 0 ? divByZero(warn) : checkDouble(x / y, expr);
      case '%': return y === 0 ? divByZero(warn) : x % y;
    }
  }
  if (bothInt && typeof a !== 'string' && typeof b !== 'string' && !(a instanceof Decimal) && !(b instanceof Decimal)) {
    const x = a as number | bigint;
    const y = b as number | bigint;
    switch (op) {
      case '+': case '-': case '*': return intArith(op, x, y, ca === 'uint' || cb === 'uint', expr);
      case '%': {
        if (y === 0 || y === 0n) return divByZero(warn);
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x % y;
          return r === 0 ? 0 : r;
        }
        return normInt(big(x) % big(y));
      }
      case '/': break; // exact division below
    }
  }
  const x = toDecimal(a, aType, warn)!;
  const y = toDecimal(b, bType, warn)!;
  switch (op) {
    case '+': return checkDecimal(x.add(y), expr);
    case '-': return checkDecimal(x.sub(y), expr);
    case '*': return checkDecimal(x.mul(y), expr);
    case '/': {
      // Result scale follows the dividend's declared scale, not the value's.
      const declared = decimalShape(aType).scale;
      const xs = x.scale === declared ? x : x.round(declared);
      const r = xs.div(y);
      return r === null ? divByZero(warn) : checkDecimal(r, expr);
    }
    case '%': {
      const r = x.mod(y);
      return r === null ? divByZero(warn) : r;
    }
  }
}

function intDiv(a: Value, aType: SqlType, b: Value, bType: SqlType, unsigned: boolean, expr: string, warn: WarnFn): Value {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint') &&
    numClassOf(aType) !== 'real' && numClassOf(bType) !== 'real') {
    if (b === 0 || b === 0n) return divByZero(warn);
    if (typeof a === 'number' && typeof b === 'number') {
      const q = Math.trunc(a / b);
      if (Number.isSafeInteger(q) && Math.abs(a) < 2 ** 52) return q === 0 ? 0 : q;
    }
    return checkBig(big(a) / big(b), unsigned, expr);
  }
  const x = toDecimal(a, aType, warn);
  const y = toDecimal(b, bType, warn);
  if (x === null || y === null) return null;
  const q = x.intDiv(y);
  if (q === null) return divByZero(warn);
  return checkBig(q, unsigned && q >= 0n ? true : false, expr);
}

/** Unary minus: -(-9223372036854775808) is a 1690 error as in MySQL. */
export function negate(v: Value, t: SqlType, expr: string, warn: WarnFn = noWarn): Value {
  if (v === null) return null;
  const c = numClassOf(t);
  if (c === 'real') {
    const d = typeof v === 'number' ? v : toDouble(v, t, warn)!;
    return -d;
  }
  if ((c === 'int' || c === 'uint') && (typeof v === 'number' || typeof v === 'bigint')) {
    if (typeof v === 'number') return v === 0 ? 0 : -v;
    return checkBig(-v, false, expr);
  }
  return toDecimal(v, t, warn)!.neg();
}
