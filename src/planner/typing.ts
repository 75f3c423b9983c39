import { NOT_FIXED_DEC, displayDecimals, doubleWithDecimals, type SqlType } from '../common/types.js';
import type { CompareKind } from '../common/ir/expr.js';
import type { AggFunc } from '../common/ir/physical.js';

/** MySQL's static typing rules, as the binder needs them. */

export const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
export const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };
export const BOOL_RESULT: SqlType = { kind: 'int', bytes: 8, unsigned: false, display: 1 };
export const DOUBLE: SqlType = { kind: 'double' };
export const NULL_TYPE: SqlType = { kind: 'null' };
export function varchar(length: number): SqlType {
  return { kind: 'string', family: 'varchar', length, binary: false };
}
export const LONGTEXT: SqlType = { kind: 'string', family: 'longtext', length: 4294967295, binary: false };

/** Digits of precision an integer type holds (for DECIMAL results). */
function intDigits(t: SqlType & { kind: 'int' }): number {
  switch (t.bytes) {
    case 1:
      return 3;
    case 2:
      return 5;
    case 3:
      return 8;
    case 4:
      return 10;
    case 8:
      return t.unsigned ? 20 : 19;
  }
}

/** Precision/scale of an exact numeric type, or undefined for approximate/other types. */
export function exactShape(t: SqlType): { precision: number; scale: number } | undefined {
  if (t.kind === 'int') return { precision: intDigits(t), scale: 0 };
  if (t.kind === 'year') return { precision: 4, scale: 0 };
  if (t.kind === 'decimal') return { precision: t.precision, scale: t.scale };
  return undefined;
}

function isApprox(t: SqlType): boolean {
  return t.kind === 'double' || t.kind === 'float' || t.kind === 'string' || t.kind === 'json' || t.kind === 'enum';
}

function decimal(precision: number, scale: number): SqlType {
  const s = Math.min(scale, 30);
  return { kind: 'decimal', precision: Math.min(Math.max(precision, s, 1), 65), scale: s };
}

/** Result type of + - * / DIV % (MySQL 8 rules; temporal operands count as numbers). */
export function arithType(op: '+' | '-' | '*' | '/' | 'DIV' | '%', l: SqlType, r: SqlType): SqlType {
  if (l.kind === 'null' && r.kind === 'null') return op === '/' ? decimal(5, 4) : BIGINT;
  if (op === 'DIV') return (l.kind === 'int' && l.unsigned) || (r.kind === 'int' && r.unsigned) ? UBIGINT : BIGINT;
  const le = exactShape(l.kind === 'null' ? r : l);
  const re = exactShape(r.kind === 'null' ? l : r);
  if (isApprox(l) || isApprox(r) || isTemporal(l) || isTemporal(r) || !le || !re) {
    // MySQL's display decimals: the larger operand's, plus div_precision_increment for '/'.
    const d = Math.max(displayDecimals(l), displayDecimals(r));
    return doubleWithDecimals(op === '/' ? d + 4 : d);
  }
  if (op === '/') return decimal(le.precision - le.scale + re.scale + le.scale + 4, le.scale + 4);
  if (le.scale === 0 && re.scale === 0 && l.kind !== 'decimal' && r.kind !== 'decimal') {
    const unsigned = (l.kind === 'int' && l.unsigned) || (r.kind === 'int' && r.unsigned);
    return unsigned && op !== '%' ? UBIGINT : BIGINT;
  }
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(le.scale, re.scale);
      return decimal(Math.max(le.precision - le.scale, re.precision - re.scale) + scale + 1, scale);
    }
    case '*':
      return decimal(le.precision + re.precision, le.scale + re.scale);
    case '%': {
      const scale = Math.max(le.scale, re.scale);
      return decimal(Math.max(le.precision - le.scale, re.precision - re.scale) + scale, scale);
    }
  }
}

function isTemporal(t: SqlType): boolean {
  return t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time';
}

function isStringish(t: SqlType): boolean {
  return t.kind === 'string' || t.kind === 'json' || t.kind === 'enum';
}

/** How two operands are compared (MySQL's comparison coercion). */
export function compareKind(l: SqlType, r: SqlType): CompareKind {
  if (l.kind === 'null') return r.kind === 'null' ? 'int' : compareKind(r, r);
  if (r.kind === 'null') return compareKind(l, l);
  if (isTemporal(l) || isTemporal(r)) {
    if (isTemporal(l) && isTemporal(r)) return 'temporal';
    const other = isTemporal(l) ? r : l;
    return isStringish(other) ? 'temporal' : 'double';
  }
  if (isStringish(l) && isStringish(r)) {
    return (l.kind === 'string' && l.binary) || (r.kind === 'string' && r.binary) ? 'binary' : 'string';
  }
  if (isStringish(l) || isStringish(r)) return 'double';
  if (l.kind === 'double' || l.kind === 'float' || r.kind === 'double' || r.kind === 'float') return 'double';
  if (l.kind === 'decimal' || r.kind === 'decimal') return 'decimal';
  return 'int';
}

/** The type of a value that may come from any of several branches (CASE, IF, COALESCE, UNION). */
export function unifyTypes(types: readonly SqlType[]): SqlType {
  const real = types.filter((t) => t.kind !== 'null');
  if (real.length === 0) return types[0] ?? NULL_TYPE;
  const first = real[0]!;
  if (real.every((t) => t.kind === first.kind)) {
    switch (first.kind) {
      case 'int': {
        const ints = real as (SqlType & { kind: 'int' })[];
        const unsigned = ints.every((t) => t.unsigned);
        const mixedSign = !unsigned && ints.some((t) => t.unsigned);
        const bytes = Math.max(...ints.map((t) => t.bytes)) as 1 | 2 | 3 | 4 | 8;
        if (mixedSign) return bytes >= 8 ? decimal(20, 0) : BIGINT;
        return { kind: 'int', bytes, unsigned };
      }
      case 'decimal': {
        const ds = real as (SqlType & { kind: 'decimal' })[];
        const scale = Math.max(...ds.map((t) => t.scale));
        return decimal(Math.max(...ds.map((t) => t.precision - t.scale)) + scale, scale);
      }
      case 'string': {
        const ss = real as (SqlType & { kind: 'string' })[];
        const length = Math.max(...ss.map((t) => t.length));
        return { kind: 'string', family: length > 65535 ? 'longtext' : 'varchar', length, binary: ss.some((t) => t.binary) };
      }
      case 'double':
        return doubleWithDecimals(Math.max(...real.map(displayDecimals)));
      case 'datetime':
      case 'timestamp':
      case 'time': {
        const fsp = Math.max(...real.map((t) => ('fsp' in t ? t.fsp : 0)));
        return { kind: first.kind, fsp };
      }
      default:
        return first;
    }
  }
  if (real.some(isStringish)) {
    return varchar(Math.max(...real.map(displayLength)));
  }
  if (real.every(isTemporal)) {
    return real.some((t) => t.kind === 'time') ? varchar(26) : { kind: 'datetime', fsp: 6 };
  }
  if (real.some(isTemporal)) return varchar(Math.max(...real.map(displayLength)));
  if (real.some((t) => t.kind === 'double' || t.kind === 'float')) {
    return real.some((t) => t.kind === 'float') ? DOUBLE : doubleWithDecimals(Math.max(...real.map(displayDecimals)));
  }
  const shapes = real.map(exactShape);
  if (shapes.every((s) => s !== undefined)) {
    const scale = Math.max(...shapes.map((s) => s!.scale));
    const intPart = Math.max(...shapes.map((s) => s!.precision - s!.scale));
    if (scale === 0 && real.every((t) => t.kind === 'int' || t.kind === 'year')) return BIGINT;
    return decimal(intPart + scale, scale);
  }
  return DOUBLE;
}

/** Characters a value of the type can take when shown as text. */
export function displayLength(t: SqlType): number {
  switch (t.kind) {
    case 'int':
      return t.display ?? intDigits(t) + (t.unsigned ? 0 : 1);
    case 'decimal':
      return t.precision + (t.scale > 0 ? 1 : 0) + 1;
    case 'float':
      return 12;
    case 'double':
      return 22;
    case 'string':
      return t.length;
    case 'date':
      return 10;
    case 'datetime':
    case 'timestamp':
      return 19 + (t.fsp > 0 ? t.fsp + 1 : 0);
    case 'time':
      return 10 + (t.fsp > 0 ? t.fsp + 1 : 0);
    case 'year':
      return 4;
    case 'json':
      return 4294967295;
    case 'enum':
      return Math.max(1, ...t.values.map((v) => v.length));
    case 'null':
      return 0;
  }
}

/**
 * The type GROUP_CONCAT is bound with. Its length depends on group_concat_max_len when the
 * statement runs, not when it is planned (plans are cached across sessions), so the session
 * puts groupConcatResultType in its place in the result's column definitions; it recognises
 * this very object.
 */
export const GROUP_CONCAT_RESULT: SqlType = { kind: 'string', family: 'text', length: 65535, binary: false };

/** MySQL's GROUP_CONCAT column: VARCHAR(n) up to 512 characters, else TEXT of that length. */
export function groupConcatResultType(maxLen: number): SqlType {
  if (maxLen <= 512) return { kind: 'string', family: 'varchar', length: maxLen, binary: false };
  const length = Math.min(maxLen, 4294967295);
  return { kind: 'string', family: length <= 65535 ? 'text' : length <= 16777215 ? 'mediumtext' : 'longtext', length, binary: false };
}

/** Result type of an aggregate over an argument type. */
export function aggType(fn: AggFunc, arg: SqlType | undefined): SqlType {
  switch (fn) {
    case 'count':
    case 'countStar':
      return BIGINT;
    case 'sum': {
      if (!arg) return BIGINT;
      const e = exactShape(arg);
      if (!e) return arg.kind === 'double' ? arg : DOUBLE;
      return decimal(e.precision + 22, e.scale);
    }
    case 'avg': {
      if (!arg) return DOUBLE;
      const e = exactShape(arg);
      if (!e) return arg.kind === 'double' ? doubleWithDecimals(Math.min(displayDecimals(arg) + 4, NOT_FIXED_DEC)) : DOUBLE;
      return decimal(e.precision + 4, e.scale + 4);
    }
    case 'min':
    case 'max':
    case 'anyValue':
      return arg ?? NULL_TYPE;
    case 'bitAnd':
    case 'bitOr':
    case 'bitXor':
      return UBIGINT;
    case 'std':
    case 'variance':
      return DOUBLE;
    case 'groupConcat':
      return GROUP_CONCAT_RESULT;
    case 'jsonArrayAgg':
    case 'jsonObjectAgg':
      return { kind: 'json' };
  }
}
