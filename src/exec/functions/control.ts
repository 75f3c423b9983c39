/**
 * Control-flow functions and the type aggregation MySQL uses for them (also what CASE and
 * UNION need: exported as aggregateTypes).
 */
import { Decimal } from '../../common/decimal.js';
import { displayDecimals, doubleWithDecimals, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { castValue, toBoolean } from '../../common/cast.js';
import { compareValues } from '../../common/compare.js';
import type { EvalContext, ScalarFunction } from './types.js';
import { DOUBLE, charLen, def, varchar } from './util.js';

function intDigits(t: SqlType): number {
  if (t.kind === 'decimal') return t.precision - t.scale;
  if (t.kind === 'int') return t.bytes === 8 ? (t.unsigned ? 20 : 19) : t.bytes === 4 ? 10 : t.bytes === 3 ? 8 : t.bytes === 2 ? 5 : 3;
  if (t.kind === 'year') return 4;
  return 0;
}

/**
 * The result type MySQL gives IF/IFNULL/COALESCE/CASE/UNION over these types: NULL takes the
 * other side; ints widen; int + decimal → decimal; any float/double → DOUBLE; matching
 * temporals stay temporal (DATE + DATETIME → DATETIME); anything else → VARCHAR (binary if any is).
 */
export function aggregateTypes(types: readonly SqlType[]): SqlType {
  const ts = types.filter((t) => t.kind !== 'null');
  if (ts.length === 0) return types[0] ?? { kind: 'null' };
  const first = ts[0]!;
  if (ts.every((t) => t.kind === 'int' || t.kind === 'year')) {
    if (ts.every((t) => t.kind === 'year')) return first;
    const ints = ts.filter((t): t is Extract<SqlType, { kind: 'int' }> => t.kind === 'int');
    const allU = ints.every((t) => t.unsigned);
    const anyU = ints.some((t) => t.unsigned);
    let bytes = Math.max(...ints.map((t) => t.bytes)) as 1 | 2 | 3 | 4 | 8;
    if (anyU && !allU) {
      // a signed type must hold the unsigned range
      const next: Record<number, 1 | 2 | 3 | 4 | 8> = { 1: 2, 2: 3, 3: 4, 4: 8, 8: 8 };
      const maxU = Math.max(...ints.filter((t) => t.unsigned).map((t) => t.bytes));
      if (maxU >= bytes) bytes = next[maxU]!;
      if (maxU === 8) return { kind: 'decimal', precision: 20, scale: 0 };
    }
    const display = ints.length === ts.length && ints.every((t) => t.display === 1 && t.bytes === 1) ? 1 : undefined;
    return display ? { kind: 'int', bytes, unsigned: allU, display } : { kind: 'int', bytes, unsigned: allU };
  }
  const numeric = ts.every((t) => t.kind === 'int' || t.kind === 'year' || t.kind === 'decimal' || t.kind === 'float' || t.kind === 'double');
  if (numeric) {
    if (ts.some((t) => t.kind === 'float' || t.kind === 'double')) {
      if (ts.every((t) => t.kind === 'float')) return { kind: 'float' };
      return ts.some((t) => t.kind === 'float') ? DOUBLE : doubleWithDecimals(Math.max(...ts.map(displayDecimals)));
    }
    const scale = Math.max(...ts.map((t) => (t.kind === 'decimal' ? t.scale : 0)));
    const ip = Math.max(...ts.map(intDigits));
    return { kind: 'decimal', precision: Math.min(65, ip + scale), scale };
  }
  if (ts.every((t) => t.kind === first.kind) && (first.kind === 'date' || first.kind === 'json')) return first;
  const dt = ts.every((t) => t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp');
  if (dt) {
    const fsp = Math.max(...ts.map((t) => (t.kind === 'datetime' || t.kind === 'timestamp' ? t.fsp : 0)));
    return ts.every((t) => t.kind === 'timestamp') ? { kind: 'timestamp', fsp } : { kind: 'datetime', fsp };
  }
  if (ts.every((t) => t.kind === 'time')) return { kind: 'time', fsp: Math.max(...ts.map((t) => (t.kind === 'time' ? t.fsp : 0))) };
  if (ts.every((t) => t.kind === 'enum') && ts.every((t) => JSON.stringify(t) === JSON.stringify(first))) return first;
  const binary = ts.some((t) => t.kind === 'string' && t.binary);
  return varchar(Math.max(...ts.map(charLen)), binary);
}

/** Converts a chosen branch's value into the aggregated result type's representation. */
export function toResult(v: Value, from: SqlType, to: SqlType, ctx: EvalContext): Value {
  if (v === null) return null;
  if (from.kind === to.kind) {
    if (to.kind === 'decimal' && v instanceof Decimal && v.scale !== to.scale) return v.round(to.scale);
    if (to.kind !== 'string' || (from.kind === 'string' && from.binary === to.binary)) return v;
  }
  if (to.kind === 'int' && from.kind === 'int') return v;
  if (to.kind === 'enum' || to.kind === 'json') return v;
  return castValue(v, from, to, (c, m) => ctx.warn(c, m));
}

const ifnull = def({
  name: 'IFNULL', min: 2, max: 2, nullIfAnyNull: false,
  ret: (a) => aggregateTypes(a),
  eval: ([a, b], types, ctx) => {
    const rt = aggregateTypes(types);
    return a !== null ? toResult(a, types[0]!, rt, ctx) : toResult(b!, types[1]!, rt, ctx);
  },
});

const nullif = def({
  name: 'NULLIF', min: 2, max: 2, nullIfAnyNull: false,
  ret: (a) => (a[0]!.kind === 'null' ? a[1]! : a[0]!),
  eval: ([a, b], [at, bt]) => {
    if (a === null) return null;
    if (b === null) return a;
    return compareValues(a, at!, b, bt!) === 0 ? null : a;
  },
});

const ifFn = def({
  name: 'IF', min: 3, max: 3, nullIfAnyNull: false,
  ret: (a) => aggregateTypes([a[1]!, a[2]!]),
  eval: ([c, a, b], types, ctx) => {
    const rt = aggregateTypes([types[1]!, types[2]!]);
    const cond = c === null ? false : toBoolean(c, types[0]!, (code, m) => ctx.warn(code, m));
    return cond ? toResult(a!, types[1]!, rt, ctx) : toResult(b!, types[2]!, rt, ctx);
  },
});

const coalesce = def({
  name: 'COALESCE', min: 1, max: Infinity, nullIfAnyNull: false,
  ret: (a) => aggregateTypes(a),
  eval: (args, types, ctx) => {
    for (let i = 0; i < args.length; i++) {
      if (args[i] !== null) return toResult(args[i]!, types[i]!, aggregateTypes(types), ctx);
    }
    return null;
  },
});

export const controlFunctions: readonly ScalarFunction[] = [ifnull, nullif, ifFn, coalesce];
