import { describe, expect, it } from 'vitest';
import { Decimal } from '../../common/decimal.js';
import { aggStateTypes, type AggSpec, type PhysicalPlan } from '../../common/ir/physical.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { collectRows } from '../instantiate.js';
import { BIGINT, DOUBLE, INT, VARCHAR, col, dec, fakeContext, rowset } from '../testing.js';

const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };

function agg(input: PhysicalPlan, groupBy: [number, SqlType][], aggs: AggSpec[], mode: 'single' | 'partial' | 'final' = 'single'): PhysicalPlan {
  const gb = groupBy.map(([i, t]) => col(i, t));
  const types = mode === 'partial'
    ? [...gb.map((g) => g.type), ...aggs.flatMap((a) => aggStateTypes(a))]
    : [...gb.map((g) => g.type), ...aggs.map((a) => a.type)];
  return { kind: 'hashAgg', input, mode, groupBy: gb, aggs, types };
}

const spec = (fn: AggSpec['fn'], args: AggSpec['args'], type: SqlType, extra: Partial<AggSpec> = {}): AggSpec =>
  ({ fn, args, distinct: false, type, ...extra });

const str = (rows: Value[][]): string[][] => rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))));

describe('hashAgg', () => {
  it('groups strings by collation and NULLs together', () => {
    const input = rowset([VARCHAR, INT], [['a', 1], ['A', 2], ['b ', 3], ['b', null], [null, 5], [null, 6]]);
    const rows = collectRows(agg(input, [[0, VARCHAR]], [spec('countStar', [], BIGINT), spec('count', [col(1, INT)], BIGINT), spec('sum', [col(1, INT)], dec(32, 0))]), fakeContext());
    expect(str(rows)).toEqual([['a', '2', '2', '3'], ['b ', '2', '1', '3'], ['NULL', '2', '2', '11']]);
  });

  it('groups 1 and 1.0 together across int and decimal representations', () => {
    const input = rowset([dec(5, 1)], [[new Decimal(10n, 1)], [new Decimal(1n, 0)], [new Decimal(20n, 1)]]);
    const rows = collectRows(agg(input, [[0, dec(5, 1)]], [spec('countStar', [], BIGINT)]), fakeContext());
    expect(rows.map((r) => r[1])).toEqual([2, 1]);
  });

  it('no GROUP BY and no rows: one row in single/final mode, none in partial', () => {
    const empty = rowset([INT], []);
    const aggs = [spec('countStar', [], BIGINT), spec('sum', [col(0, INT)], dec(32, 0)), spec('max', [col(0, INT)], INT), spec('bitAnd', [col(0, INT)], UBIGINT), spec('bitOr', [col(0, INT)], UBIGINT)];
    expect(collectRows(agg(empty, [], aggs), fakeContext())).toEqual([[0, null, null, 18446744073709551615n, 0]]);
    expect(collectRows(agg(empty, [], aggs, 'partial'), fakeContext())).toEqual([]);
    const fin: PhysicalPlan = { kind: 'hashAgg', mode: 'final', groupBy: [], aggs, input: agg(empty, [], aggs, 'partial'), types: aggs.map((a) => a.type) };
    expect(collectRows(fin, fakeContext())).toEqual([[0, null, null, 18446744073709551615n, 0]]);
  });

  it('sums BIGINTs exactly beyond 2^53', () => {
    const big = 2 ** 53 - 1;
    const input = rowset([BIGINT], [[big], [big], [big], [9223372036854775807n], [-5]]);
    const [row] = collectRows(agg(input, [], [spec('sum', [col(0, BIGINT)], dec(41, 0))]), fakeContext());
    const expected = 3n * BigInt(big) + 9223372036854775807n - 5n;
    expect(row![0]).toBeInstanceOf(Decimal);
    expect((row![0] as Decimal).scale).toBe(0);
    expect(String(row![0])).toBe(expected.toString());
  });

  it('sums money exactly: 0.10 + 0.20 a thousand times is 300.00', () => {
    const rows: Value[][] = [];
    for (let i = 0; i < 1000; i++) rows.push([new Decimal(10n, 2)], [new Decimal(20n, 2)]);
    const [row] = collectRows(agg(rowset([dec(10, 2)], rows), [], [spec('sum', [col(0, dec(10, 2))], dec(32, 2)), spec('avg', [col(0, dec(10, 2))], dec(14, 6))]), fakeContext());
    expect(String(row![0])).toBe('300.00');
    expect(String(row![1])).toBe('0.150000');
  });

  it('AVG rounds half away from zero at the result scale; doubles stay doubles', () => {
    const input = rowset([INT, DOUBLE], [[1, 0.5], [2, 0.25], [2, null]]);
    const [row] = collectRows(agg(input, [], [spec('avg', [col(0, INT)], dec(14, 4)), spec('avg', [col(1, DOUBLE)], DOUBLE), spec('sum', [col(1, DOUBLE)], DOUBLE)]), fakeContext());
    expect(String(row![0])).toBe('1.6667');
    expect(row![1]).toBe(0.375);
    expect(row![2]).toBe(0.75);
    const neg = rowset([INT], [[-1], [-2], [-2]]);
    expect(String(collectRows(agg(neg, [], [spec('avg', [col(0, INT)], dec(14, 4))]), fakeContext())[0]![0])).toBe('-1.6667');
  });

  it('MIN/MAX compare by type (strings by collation)', () => {
    const input = rowset([VARCHAR, INT], [['b', 10], ['A', 9], ['c', null], [null, 100]]);
    expect(collectRows(agg(input, [], [spec('min', [col(0, VARCHAR)], VARCHAR), spec('max', [col(0, VARCHAR)], VARCHAR), spec('max', [col(1, INT)], INT)]), fakeContext()))
      .toEqual([['A', 'c', 100]]);
  });

  it('COUNT(DISTINCT a, b) skips rows with a NULL and compares by collation', () => {
    const input = rowset([VARCHAR, INT], [['a', 1], ['A', 1], ['a', 2], [null, 1], ['b', null], ['b', 1]]);
    const d = spec('count', [col(0, VARCHAR), col(1, INT)], BIGINT, { distinct: true });
    const s = spec('sum', [col(1, INT)], dec(32, 0), { distinct: true });
    expect(str(collectRows(agg(input, [], [d, s]), fakeContext()))).toEqual([['3', '3']]);
  });

  it('GROUP_CONCAT with DISTINCT, ORDER BY, SEPARATOR and max length', () => {
    const input = rowset([INT, VARCHAR], [[1, 'b'], [1, 'a'], [1, 'b'], [1, null], [2, 'x']]);
    const gc = spec('groupConcat', [col(1, VARCHAR)], VARCHAR, { distinct: true, separator: '-', orderBy: [{ expr: col(1, VARCHAR), desc: true }] });
    expect(collectRows(agg(input, [[0, INT]], [gc]), fakeContext())).toEqual([[1, 'b-a'], [2, 'x']]);
    const plain = spec('groupConcat', [col(1, VARCHAR)], VARCHAR);
    expect(collectRows(agg(input, [[0, INT]], [plain]), fakeContext())).toEqual([[1, 'b,a,b'], [2, 'x']]);
    const ctx = fakeContext();
    ctx.session.set('@@group_concat_max_len', 3);
    expect(collectRows(agg(input, [[0, INT]], [plain]), ctx)).toEqual([[1, 'b,a'], [2, 'x']]);
    expect(ctx.warnings).toEqual([{ code: 'ER_CUT_VALUE_GROUP_CONCAT', message: 'Row 1 was cut by GROUP_CONCAT()' }]);
  });

  it('BIT_*, STD/VARIANCE (population and sample), ANY_VALUE', () => {
    const input = rowset([INT], [[1], [2], [3], [4]]);
    const [row] = collectRows(agg(input, [], [
      spec('bitAnd', [col(0, INT)], UBIGINT), spec('bitOr', [col(0, INT)], UBIGINT), spec('bitXor', [col(0, INT)], UBIGINT),
      spec('variance', [col(0, INT)], DOUBLE), spec('variance', [col(0, INT)], DOUBLE, { sample: true }), spec('std', [col(0, INT)], DOUBLE),
      spec('anyValue', [col(0, INT)], INT),
    ]), fakeContext());
    expect(row).toEqual([0, 7, 4, 1.25, 5 / 3, Math.sqrt(1.25), 1]);
  });

  it('partial → final over 3 partitions equals single mode (property test)', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const types = [VARCHAR, INT, dec(10, 2), DOUBLE, BIGINT];
    const aggs: AggSpec[] = [
      spec('countStar', [], BIGINT), spec('count', [col(1, INT)], BIGINT), spec('sum', [col(1, INT)], dec(32, 0)),
      spec('sum', [col(2, dec(10, 2))], dec(32, 2)), spec('avg', [col(2, dec(10, 2))], dec(14, 6)), spec('avg', [col(1, INT)], dec(14, 4)),
      spec('avg', [col(3, DOUBLE)], DOUBLE), spec('min', [col(0, VARCHAR)], VARCHAR), spec('max', [col(2, dec(10, 2))], dec(10, 2)),
      spec('bitXor', [col(1, INT)], UBIGINT), spec('bitAnd', [col(1, INT)], UBIGINT), spec('variance', [col(3, DOUBLE)], DOUBLE),
      spec('std', [col(1, INT)], DOUBLE, { sample: true }), spec('sum', [col(4, BIGINT)], dec(41, 0)),
    ];
    for (let trial = 0; trial < 20; trial++) {
      const parts: Value[][][] = [[], [], []];
      const all: Value[][] = [];
      const n = rnd(300);
      for (let i = 0; i < n; i++) {
        const row: Value[] = [
          rnd(5) === 0 ? null : ['a', 'A', 'b', 'c '][rnd(4)]!,
          rnd(6) === 0 ? null : rnd(1000) - 500,
          rnd(6) === 0 ? null : new Decimal(BigInt(rnd(100000) - 50000), 2),
          rnd(6) === 0 ? null : rnd(64) / 8,
          rnd(2) === 0 ? 2n ** 62n : rnd(10),
        ];
        all.push(row);
        parts[rnd(3)]!.push(row);
      }
      for (const grouped of [true, false]) {
        const gb: [number, SqlType][] = grouped ? [[0, VARCHAR]] : [];
        const single = collectRows(agg(rowset(types, all), gb, aggs), fakeContext());
        const partials: PhysicalPlan = { kind: 'unionAll', inputs: parts.map((p) => agg(rowset(types, p), gb, aggs, 'partial')), types: [] };
        const k = gb.length;
        const fin: PhysicalPlan = {
          kind: 'hashAgg', mode: 'final', input: partials, aggs,
          groupBy: gb.map((_, i) => col(i, VARCHAR)), types: [...gb.map(() => VARCHAR), ...aggs.map((a) => a.type)],
        };
        const final = collectRows(fin, fakeContext());
        const norm = (rows: Value[][]): string[] => rows.map((r) => r.map((v, i) => (typeof v === 'number' && i >= k ? v.toPrecision(10) : v === null ? 'NULL' : String(v).toUpperCase().trimEnd())).join('|')).sort();
        expect(norm(final)).toEqual(norm(single));
      }
    }
  });
});
