import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../../common/ir/expr.js';
import type { JoinKind, PhysicalPlan, SortKey } from '../../common/ir/physical.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { BATCH_SIZE, batchesFromRows } from '../batch.js';
import { collect, collectRows } from '../instantiate.js';
import { BIGINT, DATE, DOUBLE, INT, VARCHAR, col, fakeContext, lit, rowset } from '../testing.js';
import { Pacer } from '../pacer.js';
import { SqlError } from '../../common/errors.js';

const BOOL: SqlType = { kind: 'int', bytes: 1, unsigned: false };
const gt = (l: BoundExpr, r: BoundExpr): BoundExpr => ({ kind: 'compare', op: '>', left: l, right: r, cmp: 'int', type: BOOL });
const eq = (l: BoundExpr, r: BoundExpr, cmp: 'int' | 'string' = 'int'): BoundExpr => ({ kind: 'compare', op: '=', left: l, right: r, cmp, type: BOOL });

describe('sources', () => {
  it('rowset and values chunk into batches', () => {
    const rows = Array.from({ length: BATCH_SIZE + 5 }, (_, i) => [i]);
    const batches = collect(rowset([INT], rows), fakeContext());
    expect(batches.map((b) => b.length)).toEqual([BATCH_SIZE, 5]);
    const v: PhysicalPlan = { kind: 'values', rows: [[lit(1, INT), { kind: 'slot', slot: 0, type: VARCHAR }]], types: [INT, VARCHAR] };
    expect(collectRows(v, fakeContext({ slots: ['s'] }))).toEqual([[1, 's']]);
  });

  it('scan and gather come from the context; a stopped statement stops the scan', () => {
    const scan: PhysicalPlan = { kind: 'scan', db: 'd', tableId: 3, table: 't', columns: [0], access: { kind: 'full' }, types: [INT] };
    const gather: PhysicalPlan = { kind: 'gather', db: 'd', fragment: scan, routing: { kind: 'all' }, types: [INT] };
    const scans = new Map([[3, batchesFromRows([[1], [2]], 1).concat(batchesFromRows([[3]], 1))]]);
    expect(collectRows(scan, fakeContext({ scans }))).toEqual([[1], [2], [3]]);
    const ctx2 = fakeContext({ gathers: new Map([[gather, batchesFromRows([[5]], 1)]]) });
    expect(collectRows(gather, ctx2)).toEqual([[5]]);
    const pacer = new Pacer();
    pacer.stop(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
    expect(() => collectRows(scan, fakeContext({ scans, pacer }))).toThrow(/interrupted/);
  });
});

describe('filter, project, limit, distinct, union', () => {
  const t = rowset([INT, VARCHAR], [[1, 'a'], [2, 'B'], [null, 'b'], [3, null], [2, 'b']]);

  it('filter keeps only true rows (NULL is not true)', () => {
    const f: PhysicalPlan = { kind: 'filter', input: t, predicate: gt(col(0, INT), lit(1, INT)), types: t.types };
    expect(collectRows(f, fakeContext())).toEqual([[2, 'B'], [3, null], [2, 'b']]);
  });

  it('project computes expressions and passes columns through', () => {
    const p: PhysicalPlan = { kind: 'project', input: t, exprs: [col(1, VARCHAR), { kind: 'isNull', arg: col(0, INT), not: false, type: BOOL }], types: [VARCHAR, BOOL] };
    expect(collectRows(p, fakeContext()).map((r) => r[1])).toEqual([0, 0, 1, 0, 0]);
  });

  it('limit with offset, across batches, and clamps negatives', () => {
    const many = rowset([INT], Array.from({ length: 5000 }, (_, i) => [i]));
    const l: PhysicalPlan = { kind: 'limit', input: many, count: lit(3, INT), offset: lit(2047, INT), types: [INT] };
    expect(collectRows(l, fakeContext())).toEqual([[2047], [2048], [2049]]);
    const neg: PhysicalPlan = { kind: 'limit', input: many, count: lit(-1, INT), offset: null, types: [INT] };
    expect(collectRows(neg, fakeContext())).toEqual([]);
    const offOnly: PhysicalPlan = { kind: 'limit', input: many, count: null, offset: { kind: 'param', index: 0, type: INT }, types: [INT] };
    expect(collectRows(offOnly, fakeContext({ params: [4998] }))).toEqual([[4998], [4999]]);
  });

  it('distinct treats NULLs as equal and strings by collation', () => {
    const d: PhysicalPlan = { kind: 'distinct', input: t, types: t.types };
    expect(collectRows(d, fakeContext())).toEqual([[1, 'a'], [2, 'B'], [null, 'b'], [3, null]]);
  });

  it('unionAll concatenates', () => {
    const u: PhysicalPlan = { kind: 'unionAll', inputs: [rowset([INT], [[1]]), rowset([INT], []), rowset([INT], [[2], [3]])], types: [INT] };
    expect(collectRows(u, fakeContext())).toEqual([[1], [2], [3]]);
  });
});

describe('sort and topN', () => {
  const t = rowset([INT, VARCHAR, DOUBLE], [[3, 'b', 1.5], [null, 'A', 2], [1, 'a', null], [3, 'C', 0], [null, 'c', 1], [2, null, 2]]);
  const sortBy = (keys: SortKey[]): PhysicalPlan => ({ kind: 'sort', input: t, keys, types: t.types });

  it('NULLs first ascending, last descending; stable', () => {
    expect(collectRows(sortBy([{ expr: col(0, INT), desc: false }]), fakeContext()).map((r) => r[1]))
      .toEqual(['A', 'c', 'a', null, 'b', 'C']);
    expect(collectRows(sortBy([{ expr: col(0, INT), desc: true }]), fakeContext()).map((r) => r[1]))
      .toEqual(['b', 'C', null, 'a', 'A', 'c']);
  });

  it('strings sort by collation; multi-key', () => {
    expect(collectRows(sortBy([{ expr: col(1, VARCHAR), desc: false }]), fakeContext()).map((r) => r[1]))
      .toEqual([null, 'A', 'a', 'b', 'C', 'c']);
    expect(collectRows(sortBy([{ expr: col(0, INT), desc: true }, { expr: col(2, DOUBLE), desc: false }]), fakeContext()).map((r) => r[1]))
      .toEqual(['C', 'b', null, 'a', 'c', 'A']);
  });

  it('sorts dates and bigints', () => {
    const d = rowset([DATE, BIGINT], [['2024-02-01', 2n ** 60n], ['2023-12-31', 5], ['2024-01-15', -(2n ** 60n)]]);
    const byDate: PhysicalPlan = { kind: 'sort', input: d, keys: [{ expr: col(0, DATE), desc: false }], types: d.types };
    expect(collectRows(byDate, fakeContext()).map((r) => r[0])).toEqual(['2023-12-31', '2024-01-15', '2024-02-01']);
    const byBig: PhysicalPlan = { kind: 'sort', input: d, keys: [{ expr: col(1, BIGINT), desc: false }], types: d.types };
    expect(collectRows(byBig, fakeContext()).map((r) => r[1])).toEqual([-(2n ** 60n), 5, 2n ** 60n]);
  });

  it('topN equals sort + limit (random data, ties, offsets)', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 15; trial++) {
      const rows: Value[][] = Array.from({ length: rnd(6000) }, (_, i) => [rnd(10) === 0 ? null : rnd(50), i]);
      const input = rowset([INT, INT], rows);
      const keys: SortKey[] = [{ expr: col(0, INT), desc: trial % 2 === 1 }];
      const count = rnd(3000);
      const offset = rnd(100);
      const top: PhysicalPlan = { kind: 'topN', input, keys, count: lit(count, INT), offset: lit(offset, INT), types: input.types };
      const ref: PhysicalPlan = { kind: 'limit', input: { kind: 'sort', input, keys, types: input.types }, count: lit(count, INT), offset: lit(offset, INT), types: input.types };
      expect(collectRows(top, fakeContext())).toEqual(collectRows(ref, fakeContext()));
    }
  });
});

describe('joins', () => {
  const left = rowset([INT, VARCHAR], [[1, 'l1'], [2, 'l2'], [null, 'lnull'], [4, 'l4'], [2, 'l2b']]);
  const right = rowset([INT, VARCHAR], [[2, 'r2'], [null, 'rnull'], [1, 'r1'], [2, 'r2b'], [5, 'r5']]);
  const hash = (type: JoinKind, residual: BoundExpr | null = null): PhysicalPlan => ({
    kind: 'hashJoin', type, left, right, leftKeys: [col(0, INT)], rightKeys: [col(0, INT)], residual,
    types: type === 'semi' || type === 'anti' ? left.types : [...left.types, ...right.types],
  });
  const nl = (type: JoinKind, condition: BoundExpr | null): PhysicalPlan => ({
    kind: 'nestedLoopJoin', type, left, right, condition,
    types: type === 'semi' || type === 'anti' ? left.types : [...left.types, ...right.types],
  });
  const onKeys = eq(col(0, INT), col(2, INT));
  const sorted = (rows: Value[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

  it('inner: NULL keys never match', () => {
    const expected = [[1, 'l1', 1, 'r1'], [2, 'l2', 2, 'r2'], [2, 'l2', 2, 'r2b'], [2, 'l2b', 2, 'r2'], [2, 'l2b', 2, 'r2b']];
    expect(sorted(collectRows(hash('inner'), fakeContext()))).toEqual(sorted(expected));
    expect(sorted(collectRows(nl('inner', onKeys), fakeContext()))).toEqual(sorted(expected));
  });

  it('left: unmatched rows (including NULL keys) padded with NULLs', () => {
    const rows = collectRows(hash('left'), fakeContext());
    expect(rows.filter((r) => r[2] === null).map((r) => r[1]).sort()).toEqual(['l4', 'lnull']);
    expect(rows.length).toBe(7);
    expect(sorted(collectRows(nl('left', onKeys), fakeContext()))).toEqual(sorted(rows));
  });

  it('semi and anti output left columns once', () => {
    expect(collectRows(hash('semi'), fakeContext()).map((r) => r[1])).toEqual(['l1', 'l2', 'l2b']);
    expect(collectRows(hash('anti'), fakeContext()).map((r) => r[1])).toEqual(['lnull', 'l4']);
    expect(collectRows(nl('semi', onKeys), fakeContext()).map((r) => r[1])).toEqual(['l1', 'l2', 'l2b']);
    expect(collectRows(nl('anti', onKeys), fakeContext()).map((r) => r[1])).toEqual(['lnull', 'l4']);
  });

  it('residual is part of the join condition', () => {
    const notB: BoundExpr = { kind: 'compare', op: '<>', left: col(3, VARCHAR), right: lit('r2b', VARCHAR), cmp: 'string', type: BOOL };
    expect(sorted(collectRows(hash('inner', notB), fakeContext()))).toEqual(sorted([[1, 'l1', 1, 'r1'], [2, 'l2', 2, 'r2'], [2, 'l2b', 2, 'r2']]));
    const onlyB: BoundExpr = { kind: 'compare', op: '=', left: col(3, VARCHAR), right: lit('R2B', VARCHAR), cmp: 'string', type: BOOL };
    const l = collectRows(hash('left', onlyB), fakeContext());
    expect(l.filter((r) => r[3] !== null).map((r) => r[1])).toEqual(['l2', 'l2b']);
    expect(l.length).toBe(5);
    expect(collectRows(hash('anti', onlyB), fakeContext()).map((r) => r[1])).toEqual(['l1', 'lnull', 'l4']);
    expect(collectRows(hash('semi', onlyB), fakeContext()).map((r) => r[1])).toEqual(['l2', 'l2b']);
  });

  it('string keys join by collation; int keys join decimal-typed ones', () => {
    const l = rowset([VARCHAR], [['abc'], ['X']]);
    const r = rowset([VARCHAR], [['ABC '], ['y']]);
    const j: PhysicalPlan = { kind: 'hashJoin', type: 'inner', left: l, right: r, leftKeys: [col(0, VARCHAR)], rightKeys: [col(0, VARCHAR)], residual: null, types: [VARCHAR, VARCHAR] };
    expect(collectRows(j, fakeContext())).toEqual([['abc', 'ABC ']]);
  });

  it('cross join (no condition) and empty right sides', () => {
    expect(collectRows(nl('inner', null), fakeContext()).length).toBe(25);
    const empty = rowset([INT, VARCHAR], []);
    const lj: PhysicalPlan = { kind: 'nestedLoopJoin', type: 'left', left, right: empty, condition: null, types: [...left.types, ...empty.types] };
    expect(collectRows(lj, fakeContext()).length).toBe(5);
    const aj: PhysicalPlan = { kind: 'nestedLoopJoin', type: 'anti', left, right: empty, condition: null, types: left.types };
    expect(collectRows(aj, fakeContext()).length).toBe(5);
  });

  it('large many-to-many joins come out in bounded batches', () => {
    const l = rowset([INT], Array.from({ length: 100 }, () => [1]));
    const r = rowset([INT], Array.from({ length: 100 }, () => [1]));
    const j: PhysicalPlan = { kind: 'hashJoin', type: 'inner', left: l, right: r, leftKeys: [col(0, INT)], rightKeys: [col(0, INT)], residual: null, types: [INT, INT] };
    const batches = collect(j, fakeContext());
    expect(batches.reduce((s, b) => s + b.length, 0)).toBe(10000);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(BATCH_SIZE);
  });
});

describe('plan reuse', () => {
  it('a cached plan re-runs with new params', () => {
    const t = rowset([INT], [[1], [2], [3]]);
    const f: PhysicalPlan = { kind: 'filter', input: t, predicate: gt(col(0, INT), { kind: 'param', index: 0, type: INT }), types: [INT] };
    expect(collectRows(f, fakeContext({ params: [1] }))).toEqual([[2], [3]]);
    expect(collectRows(f, fakeContext({ params: [2] }))).toEqual([[3]]);
  });
});
