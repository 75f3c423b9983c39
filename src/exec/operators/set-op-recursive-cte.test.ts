import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../../common/ir/expr.js';
import type { PhysicalPlan, SetOpKind } from '../../common/ir/physical.js';
import { collectRows } from '../instantiate.js';
import { BIGINT, INT, VARCHAR, col, fakeContext, lit, rowset } from '../testing.js';
import { Pacer } from '../pacer.js';
import { SqlError } from '../../common/errors.js';

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

describe('INTERSECT / EXCEPT', () => {
  const left = rowset([INT, VARCHAR], [[1, 'a'], [2, 'b'], [2, 'b'], [2, 'b'], [null, 'n'], [null, 'n'], [4, 'A']]);
  const right = rowset([INT, VARCHAR], [[2, 'b'], [2, 'b'], [3, 'c'], [null, 'n'], [4, 'a']]);
  const run = (op: SetOpKind, all: boolean): string[] =>
    sorted(collectRows({ kind: 'setOp', op, all, left, right, types: [INT, VARCHAR] }, fakeContext()));

  it('compares rows whole, NULLs equal and strings by collation', () => {
    expect(run('intersect', false)).toEqual(sorted([[2, 'b'], [null, 'n'], [4, 'A']]));
    expect(run('except', false)).toEqual(sorted([[1, 'a']]));
  });

  it('ALL keeps min(m, n) copies for INTERSECT and max(m - n, 0) for EXCEPT', () => {
    expect(run('intersect', true)).toEqual(sorted([[2, 'b'], [2, 'b'], [null, 'n'], [4, 'A']]));
    expect(run('except', true)).toEqual(sorted([[1, 'a'], [2, 'b'], [null, 'n']]));
  });
});

describe('recursive CTE', () => {
  const BOOL = { kind: 'int', bytes: 1, unsigned: false } as const;
  /** n = 1, then n + 1 while n < stop (no stop: forever). */
  function counting(stop: number | null, distinct = false): PhysicalPlan {
    const n = col(0, BIGINT);
    const next: BoundExpr = { kind: 'arith', op: '+', left: n, right: lit(1n, BIGINT), type: BIGINT, text: 'n + 1' };
    const work: PhysicalPlan = { kind: 'workTable', id: 7, name: 'r', types: [BIGINT] };
    const filtered: PhysicalPlan = stop === null ? work : { kind: 'filter', input: work, predicate: { kind: 'compare', op: '<', left: n, right: lit(BigInt(stop), BIGINT), cmp: 'int', type: BOOL }, types: [BIGINT] };
    return {
      kind: 'recursiveCte', id: 7, distinct, types: [BIGINT],
      seed: rowset([BIGINT], [[1n]]),
      recursive: { kind: 'project', input: filtered, exprs: [next], types: [BIGINT] },
    };
  }

  it('runs rounds over the previous round until one is empty', () => {
    expect(collectRows(counting(5), fakeContext()).map((r) => r.map(Number))).toEqual([[1], [2], [3], [4], [5]]);
  });

  it('stops round @@cte_max_recursion_depth + 1 with 3636', () => {
    const ctx = fakeContext();
    ctx.session.set('@@cte_max_recursion_depth', 20n);
    expect(() => collectRows(counting(null), ctx)).toThrow(expect.objectContaining({ errno: 3636, message: expect.stringContaining('after 21 iterations') }));
    // 20 rounds are allowed: rows 1..20 need 19 rounds and an empty 20th
    expect(collectRows(counting(20), ctx)).toHaveLength(20);
  });

  it('a runaway stops at the statement\'s memory limit under UNION DISTINCT (rows seen are held)', () => {
    const pacer = new Pacer({ memoryLimit: 64 * 1024 });
    const ctx = fakeContext({ pacer });
    ctx.session.set('@@cte_max_recursion_depth', 1_000_000_000n);
    expect(() => collectRows(counting(null, true), ctx)).toThrow(expect.objectContaining({ errno: 1038 }));
  });

  it('the statement\'s deadline (max_execution_time) ends the rounds', () => {
    const pacer = new Pacer({ deadline: { at: performance.now() + 50, error: () => new SqlError('ER_QUERY_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded') } });
    const ctx = fakeContext({ pacer });
    ctx.session.set('@@cte_max_recursion_depth', 1_000_000_000n);
    expect(() => collectRows(counting(null), ctx)).toThrow(expect.objectContaining({ errno: 3024 }));
  });
});
