/** Test-only helpers: call a registered function on literals typed as MySQL types literals. */
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { formatForClient } from '../../common/format.js';
import { lookupFunction } from './registry.js';
import type { EvalContext } from './types.js';

export function litType(v: Value): SqlType {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', bytes: 8, unsigned: false } : { kind: 'double' };
  if (typeof v === 'bigint') return { kind: 'int', bytes: 8, unsigned: v > 2n ** 63n - 1n };
  if (v instanceof Decimal) return { kind: 'decimal', precision: Math.max(v.intDigits() + v.scale, 1), scale: v.scale };
  if (v instanceof Uint8Array) return { kind: 'string', family: 'varchar', length: v.length, binary: true };
  return { kind: 'string', family: 'varchar', length: v.length, binary: false };
}

export interface Call {
  value: Value;
  type: SqlType;
  text: string | Uint8Array | null;
  warnings: string[];
}

/** Args are values (typed as literals) or [value, type] pairs. */
export function call(name: string, ...args: (Value | [Value, SqlType])[]): Call {
  const f = lookupFunction(name);
  if (!f) throw new Error(`no function ${name}`);
  const vals = args.map((a) => (Array.isArray(a) ? a[0] : a));
  const types = args.map((a) => (Array.isArray(a) ? a[1] : litType(a)));
  const warnings: string[] = [];
  const ctx: EvalContext = { now: '2024-05-06 07:08:09.123456', warn: (c, m) => warnings.push(`${c}: ${m}`) };
  const type = f.constReturnType ? f.constReturnType(types, vals) : f.returnType(types);
  const value = f.nullIfAnyNull && vals.some((v) => v === null) ? null : f.evaluate(vals, types, ctx);
  return { value, type, text: formatForClient(value, type), warnings };
}

/** The client text of a call. */
export function text(name: string, ...args: (Value | [Value, SqlType])[]): string | Uint8Array | null {
  return call(name, ...args).text;
}

export const dec = (s: string): Decimal => Decimal.parse(s)!;
