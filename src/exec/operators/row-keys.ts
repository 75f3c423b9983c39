import { castValue, type WarnFn } from '../../common/cast.js';
import { groupKey } from '../../common/compare.js';
import type { CompareKind } from '../../common/ir/expr.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { domainKey } from '../eval.js';

/**
 * Joins per-column keys into one Map key. Length-prefixed strings and tagged numbers keep it
 * unambiguous; NULL (NaN from groupKey) gets its own tag.
 */
export function compositeKey(parts: readonly (string | number)[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'number' ? 'n' + p + ';' : 's' + p.length + ':' + p;
  return s;
}

/** Row key for DISTINCT / GROUP BY over several columns (NULLs equal, strings by collation). */
export function rowGroupKey(cols: readonly (readonly Value[])[], types: readonly SqlType[], i: number): string | number {
  if (cols.length === 1) return groupKey(cols[0]![i]!, types[0]!);
  let s = '';
  for (let c = 0; c < cols.length; c++) {
    const p = groupKey(cols[c]![i]!, types[c]!);
    s += typeof p === 'number' ? 'n' + p + ';' : 's' + p.length + ':' + p;
  }
  return s;
}

function family(t: SqlType): 'int' | 'decimal' | 'real' | 'string' | 'binary' | 'temporal' | 'null' {
  switch (t.kind) {
    case 'int': case 'year': return 'int';
    case 'decimal': return 'decimal';
    case 'float': case 'double': return 'real';
    case 'string': return t.binary ? 'binary' : 'string';
    case 'json': case 'enum': return 'string';
    case 'date': case 'datetime': case 'timestamp': case 'time': return 'temporal';
    case 'null': return 'null';
  }
}

/** How an equi-join key pair of these types is compared (MySQL's coercion for `=`). */
export function joinDomain(lt: SqlType, rt: SqlType): CompareKind {
  const a = family(lt);
  const b = family(rt);
  const either = (f: string): boolean => a === f || b === f;
  const both = (...fs: string[]): boolean => fs.includes(a) && fs.includes(b);
  if (both('int', 'null')) return 'int';
  if (both('int', 'decimal', 'null')) return 'decimal';
  if (either('real')) return 'double';
  if (either('temporal')) return 'temporal';
  if (both('string', 'null')) return 'string';
  if (both('string', 'binary', 'null')) return 'binary';
  return 'double';
}

const DATETIME6: SqlType = { kind: 'datetime', fsp: 6 };
const TIME6: SqlType = { kind: 'time', fsp: 6 };

/**
 * Hash key of a non-NULL join key value under its pair's domain; null when the value cannot
 * equal anything (an unparsable temporal string).
 */
export function joinKey(v: Value, t: SqlType, domain: CompareKind, timeSide: boolean, w: WarnFn): string | number | null {
  if (domain !== 'temporal') return domainKey(v, t, domain, w)!;
  const target = timeSide ? TIME6 : DATETIME6;
  if (!timeSide && (t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp')) return groupKey(v, t);
  const c = castValue(v, t, target, w);
  if (c === null) return null;
  return groupKey(c, target);
}
