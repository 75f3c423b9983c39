import { assertNever } from '../../common/assert.js';
import { compareBytes, compareStrings } from '../../common/collation.js';
import { compareValues } from '../../common/compare.js';
import { Decimal } from '../../common/decimal.js';
import type { SortKey } from '../../common/ir/physical.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { compileExpr, type CompiledExpr } from '../eval.js';

/** Orders two non-NULL values of one type as ORDER BY does. */
export type ValueCmp = (a: Value, b: Value) => number;

function plain(a: Value, b: Value): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

export function valueComparator(t: SqlType): ValueCmp {
  switch (t.kind) {
    case 'int': case 'year': case 'float': case 'double':
      return (a, b) => (typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')
        ? plain(a, b) : (compareValues(a, t, b, t) ?? 0);
    case 'decimal':
      return (a, b) => (a instanceof Decimal && b instanceof Decimal ? a.compare(b) : (compareValues(a, t, b, t) ?? 0));
    case 'string':
      if (t.binary) return (a, b) => (a instanceof Uint8Array && b instanceof Uint8Array ? compareBytes(a, b) : (compareValues(a, t, b, t) ?? 0));
      return (a, b) => (typeof a === 'string' && typeof b === 'string' ? compareStrings(a, b) : (compareValues(a, t, b, t) ?? 0));
    case 'json':
      return (a, b) => plain(String(a), String(b));
    case 'enum': {
      // ENUM sorts by its index in the definition, not by text.
      const index = new Map(t.values.map((v, i) => [v, i + 1]));
      return (a, b) => plain(index.get(a as string) ?? 0, index.get(b as string) ?? 0);
    }
    case 'date': case 'datetime': case 'timestamp':
      // Canonical strings: a prefix sorts first, which is also right for a shorter fraction.
      return plain;
    case 'time':
      return (a, b) => compareValues(a, t, b, t) ?? 0;
    case 'null':
      return () => 0;
    default:
      return assertNever(t, 'type');
  }
}

export interface CompiledSortKeys {
  readonly exprs: readonly CompiledExpr[];
  /** Is key k descending? */
  readonly descs: readonly boolean[];
  /** Compares row i of key columns a with row j of key columns b; NULLs first ascending, last descending. */
  compare(a: readonly (readonly Value[])[], i: number, b: readonly (readonly Value[])[], j: number): number;
}

export function compileSortKeys(keys: readonly SortKey[]): CompiledSortKeys {
  const exprs = keys.map((k) => compileExpr(k.expr));
  const cmps = keys.map((k) => valueComparator(k.expr.type));
  const signs = keys.map((k) => (k.desc ? -1 : 1));
  const n = keys.length;
  return {
    exprs,
    descs: keys.map((k) => k.desc),
    compare: (a, i, b, j) => {
      for (let k = 0; k < n; k++) {
        const x = a[k]![i]!;
        const y = b[k]![j]!;
        if (x === y) continue;
        let c: number;
        if (x === null) c = -1;
        else if (y === null) c = 1;
        else c = cmps[k]!(x, y);
        if (c !== 0) return c * signs[k]!;
      }
      return 0;
    },
  };
}
