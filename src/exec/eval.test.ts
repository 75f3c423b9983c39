import { describe, expect, it } from 'vitest';
import { Decimal } from '../common/decimal.js';
import { SqlError } from '../common/errors.js';
import type { BoundExpr, CompareKind, CompareOp } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { constVector, valuesOf } from '../common/vector.js';
import { batchesFromRows } from './batch.js';
import { compileExpr, evalConst, isTrue } from './eval.js';
import { collectRows } from './instantiate.js';
import { BIGINT, DATE, DOUBLE, INT, VARBINARY, VARCHAR, col, dec, fakeContext, lit, rowset } from './testing.js';

const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };
const BOOL: SqlType = { kind: 'int', bytes: 1, unsigned: false };

/** Evaluates e over rows whose columns have the given values. */
function evalRows(e: BoundExpr, width: number, rows: Value[][], ctx = fakeContext()): Value[] {
  const [b] = batchesFromRows(rows, width);
  return [...valuesOf(compileExpr(e)(b!, ctx), b!.length)];
}

const cmp = (op: CompareOp, left: BoundExpr, right: BoundExpr, kind: CompareKind): BoundExpr =>
  ({ kind: 'compare', op, left, right, cmp: kind, type: BOOL });

describe('eval: leaves and arithmetic', () => {
  it('reads columns without copying and fills constants', () => {
    const ctx = fakeContext({ slots: [7], params: ['p'] });
    const [b] = batchesFromRows([[1], [2]], 1);
    expect(compileExpr(col(0, INT))(b!, ctx)).toBe(b!.cols[0]);
    expect(compileExpr(lit(5, INT))(b!, ctx)).toEqual(constVector(5));
    expect(compileExpr({ kind: 'slot', slot: 0, type: INT })(b!, ctx)).toEqual(constVector(7));
    expect(compileExpr({ kind: 'param', index: 0, type: VARCHAR })(b!, ctx)).toEqual(constVector('p'));
    ctx.session.set('@x', 42);
    expect(evalConst({ kind: 'session', name: '@x', type: BIGINT }, ctx)).toBe(42);
  });

  it('adds ints exactly past 2^53 and raises 1690 on BIGINT overflow', () => {
    const e: BoundExpr = { kind: 'arith', op: '+', left: col(0, BIGINT), right: col(1, BIGINT), type: BIGINT, text: '(a + b)' };
    expect(evalRows(e, 2, [[1, 2], [null, 1], [2 ** 53 - 1, 10]])).toEqual([3, null, 2n ** 53n + 9n]);
    expect(() => evalRows(e, 2, [[9223372036854775807n, 1]])).toThrowError(/BIGINT value is out of range in '\(a \+ b\)'/);
  });

  it('divides with DECIMAL scale + 4 and warns on division by zero', () => {
    const ctx = fakeContext();
    const e: BoundExpr = { kind: 'arith', op: '/', left: col(0, INT), right: col(1, INT), type: dec(14, 4), text: '(a / b)' };
    const out = evalRows(e, 2, [[1, 3], [1, 0]], ctx);
    expect(String(out[0])).toBe('0.3333');
    expect(out[1]).toBeNull();
    expect(ctx.warnings.map((w) => w.code)).toEqual(['ER_DIVISION_BY_ZERO']);
  });

  it('negates, and bit ops work on unsigned 64 bits', () => {
    expect(evalRows({ kind: 'neg', arg: col(0, INT), type: BIGINT }, 1, [[5], [0], [null]])).toEqual([-5, 0, null]);
    const not: BoundExpr = { kind: 'bit', op: '~', args: [lit(0, INT)], type: UBIGINT };
    expect(evalConst(not, fakeContext())).toBe(18446744073709551615n);
    const and: BoundExpr = { kind: 'bit', op: '&', args: [col(0, INT), lit(6, INT)], type: UBIGINT };
    expect(evalRows(and, 1, [[3], [-1], [null]])).toEqual([2, 6, null]);
    const shl: BoundExpr = { kind: 'bit', op: '<<', args: [lit(1, INT), lit(63, INT)], type: UBIGINT };
    expect(evalConst(shl, fakeContext())).toBe(9223372036854775808n);
  });
});

describe('eval: comparison and logic', () => {
  it('compares strings by collation (case-insensitive, PAD SPACE)', () => {
    const e = cmp('=', col(0, VARCHAR), lit('abc', VARCHAR), 'string');
    expect(evalRows(e, 1, [['ABC'], ['abc  '], ['abd'], [null]])).toEqual([1, 1, 0, null]);
  });

  it('compares binary strings bytewise', () => {
    const e = cmp('=', col(0, VARBINARY), lit(new Uint8Array([97]), VARBINARY), 'binary');
    expect(evalRows(e, 1, [[new Uint8Array([97])], [new Uint8Array([65])]])).toEqual([1, 0]);
  });

  it('mixes int and bigint exactly, decimals exactly, NULL-safe <=>', () => {
    expect(evalRows(cmp('<', col(0, BIGINT), lit(2n ** 60n, BIGINT), 'int'), 1, [[1], [2n ** 61n]])).toEqual([1, 0]);
    const d = cmp('=', col(0, dec(10, 2)), lit(new Decimal(150n, 1), dec(3, 1)), 'decimal');
    expect(evalRows(d, 1, [[new Decimal(1500n, 2)], [new Decimal(1501n, 2)]])).toEqual([1, 0]);
    const ns = cmp('<=>', col(0, INT), col(1, INT), 'int');
    expect(evalRows(ns, 2, [[null, null], [1, null], [1, 1]])).toEqual([1, 0, 1]);
  });

  it('compares dates with string constants as temporal values', () => {
    const e = cmp('>=', col(0, DATE), lit('2024-1-2', VARCHAR), 'temporal');
    expect(evalRows(e, 1, [['2024-01-02'], ['2024-01-01'], [null]])).toEqual([1, 0, null]);
  });

  it('uses three-valued AND/OR/XOR/NOT', () => {
    const a = col(0, BOOL);
    const b = col(1, BOOL);
    const rows = [[1, null], [0, null], [null, null], [1, 1]];
    expect(evalRows({ kind: 'and', args: [a, b], type: BOOL }, 2, rows)).toEqual([null, 0, null, 1]);
    expect(evalRows({ kind: 'or', args: [a, b], type: BOOL }, 2, rows)).toEqual([1, null, null, 1]);
    expect(evalRows({ kind: 'xor', args: [a, b], type: BOOL }, 2, rows)).toEqual([null, null, null, 0]);
    expect(evalRows({ kind: 'not', arg: a, type: BOOL }, 2, rows)).toEqual([0, 1, null, 0]);
  });

  it('short-circuits: skipped rows raise no warnings or errors', () => {
    const ctx = fakeContext();
    const div: BoundExpr = { kind: 'arith', op: '/', left: lit(1, INT), right: col(0, INT), type: dec(5, 4), text: '(1 / a)' };
    const e: BoundExpr = { kind: 'and', args: [cmp('<>', col(0, INT), lit(0, INT), 'int'), cmp('>', div, lit(0, INT), 'decimal')], type: BOOL };
    expect(evalRows(e, 1, [[0], [2], [-1]], ctx)).toEqual([0, 1, 0]);
    expect(ctx.warnings).toEqual([]);
    const overflow: BoundExpr = { kind: 'arith', op: '+', left: col(0, BIGINT), right: lit(9223372036854775807n, BIGINT), type: BIGINT, text: 'x' };
    const c: BoundExpr = { kind: 'case', whens: [{ when: cmp('=', col(0, BIGINT), lit(0, INT), 'int'), then: overflow }], else: lit(-1, INT), type: BIGINT };
    expect(evalRows(c, 1, [[0], [5]])).toEqual([9223372036854775807n, -1]);
  });

  it('IS NULL and IS TRUE/FALSE/UNKNOWN', () => {
    expect(evalRows({ kind: 'isNull', arg: col(0, INT), not: false, type: BOOL }, 1, [[null], [0]])).toEqual([1, 0]);
    const unk: BoundExpr = { kind: 'isTruth', arg: col(0, INT), truth: 'UNKNOWN', not: false, type: BOOL };
    expect(evalRows(unk, 1, [[null], [0]])).toEqual([1, 0]);
    const notFalse: BoundExpr = { kind: 'isTruth', arg: col(0, INT), truth: 'FALSE', not: true, type: BOOL };
    expect(evalRows(notFalse, 1, [[null], [0], [3]])).toEqual([1, 0, 1]);
  });

  it('IN lists: NULL when not found and the list has NULL, hashed and linear alike', () => {
    for (const list of [[1, null], [1, 2, 3, null, 5]]) {
      const e: BoundExpr = { kind: 'inList', arg: col(0, INT), list: list.map((v) => lit(v, INT)), cmp: 'int', not: false, type: BOOL };
      expect(evalRows(e, 1, [[1], [4], [null]])).toEqual([1, null, null]);
      const ne: BoundExpr = { ...e, not: true } as BoundExpr;
      expect(evalRows(ne, 1, [[1], [4]])).toEqual([0, null]);
    }
    const s: BoundExpr = { kind: 'inList', arg: col(0, VARCHAR), list: ['a', 'b', 'c', 'd'].map((v) => lit(v, VARCHAR)), cmp: 'string', not: false, type: BOOL };
    expect(evalRows(s, 1, [['B '], ['x']])).toEqual([1, 0]);
    const d: BoundExpr = { kind: 'inList', arg: col(0, INT), list: ['1', '2.0', '3', '4'].map((v) => lit(v, VARCHAR)), cmp: 'double', not: false, type: BOOL };
    expect(evalRows(d, 1, [[2], [5]])).toEqual([1, 0]);
  });

  it('LIKE: case- and accent-insensitive unless binary, with escapes', () => {
    const like = (pattern: string, binary = false, escape = '\\'): BoundExpr =>
      ({ kind: 'like', arg: col(0, VARCHAR), pattern: lit(pattern, VARCHAR), escape, binary, not: false, type: BOOL });
    expect(evalRows(like('a%'), 1, [['ABC'], ['bac'], [null], ['Àb']])).toEqual([1, 0, null, 1]);
    expect(evalRows(like('a_c', true), 1, [['abc'], ['ABC']])).toEqual([1, 0]);
    expect(evalRows(like('10!%', false, '!'), 1, [['10%'], ['100']])).toEqual([1, 0]);
    const dyn: BoundExpr = { kind: 'like', arg: col(0, VARCHAR), pattern: col(1, VARCHAR), escape: '\\', binary: false, not: true, type: BOOL };
    expect(evalRows(dyn, 2, [['abc', 'a%'], ['abc', 'b%'], ['x', null]])).toEqual([0, 1, null]);
  });

  it('REGEXP is case-insensitive and unanchored', () => {
    const e: BoundExpr = { kind: 'regexp', arg: col(0, VARCHAR), pattern: lit('^b.', VARCHAR), not: false, type: BOOL };
    expect(evalRows(e, 1, [['Bob'], ['abc'], [null]])).toEqual([1, 0, null]);
  });

  it('CAST warns instead of failing; functions come from the registry', () => {
    const ctx = fakeContext();
    const e: BoundExpr = { kind: 'cast', arg: col(0, VARCHAR), type: BIGINT, mode: 'cast' };
    expect(evalRows(e, 1, [['12abc'], ['7']], ctx)).toEqual([12, 7]);
    expect(ctx.warnings.length).toBeGreaterThan(0);
    const f: BoundExpr = { kind: 'func', name: 'CONCAT', args: [col(0, VARCHAR), lit('!', VARCHAR)], type: VARCHAR };
    expect(evalRows(f, 1, [['hi'], [null]])).toEqual(['hi!', null]);
  });

  it('non-deterministic functions are evaluated per row', () => {
    const r: BoundExpr = { kind: 'func', name: 'RAND', args: [], type: DOUBLE };
    const out = evalRows(r, 1, [[1], [2], [3]]);
    expect(new Set(out).size).toBe(3);
  });

  it('isTrue follows SQL truthiness', () => {
    expect([null, 0, 1, -2, 0n, new Decimal(0n, 2), new Decimal(1n, 2), '0', '1x', 0.5].map(isTrue))
      .toEqual([false, false, true, true, false, false, true, false, true, true]);
  });
});

describe('eval: subqueries', () => {
  const t: PhysicalPlan = rowset([INT, VARCHAR], [[1, 'a'], [2, 'b'], [2, 'c'], [null, 'n']]);

  it('scalar subquery: one row, none → NULL, several → 1242', () => {
    const one: PhysicalPlan = { kind: 'filter', input: t, predicate: cmp('=', col(0, INT), lit(1, INT), 'int'), types: t.types };
    const none: PhysicalPlan = { kind: 'filter', input: t, predicate: cmp('=', col(0, INT), lit(9, INT), 'int'), types: t.types };
    const sq = (plan: PhysicalPlan): BoundExpr => ({ kind: 'subquery', mode: 'scalar', plan, correlated: false, type: INT });
    const ctx = fakeContext();
    expect(evalConst(sq(one), ctx)).toBe(1);
    expect(evalConst(sq(none), ctx)).toBeNull();
    expect(() => evalConst(sq(t), ctx)).toThrowError(SqlError);
    try {
      evalConst(sq(t), fakeContext());
    } catch (e) {
      expect((e as SqlError).errno).toBe(1242);
      expect((e as SqlError).message).toBe('Subquery returns more than 1 row');
    }
    expect(evalConst({ kind: 'subquery', mode: 'exists', plan: none, correlated: false, type: BOOL }, ctx)).toBe(0);
  });

  it('correlated scalar subquery reads the enclosing row through outer', () => {
    // SELECT x, (SELECT COUNT(*) FROM t WHERE t.a = outer.x) FROM (1), (2), (3)
    const inner: PhysicalPlan = {
      kind: 'hashAgg', mode: 'single', groupBy: [],
      aggs: [{ fn: 'countStar', args: [], distinct: false, type: BIGINT }],
      input: { kind: 'filter', input: t, predicate: cmp('=', col(0, INT), { kind: 'outer', depth: 1, index: 0, type: INT }, 'int'), types: t.types },
      types: [BIGINT],
    };
    const plan: PhysicalPlan = {
      kind: 'project', input: rowset([INT], [[1], [2], [3]]),
      exprs: [col(0, INT), { kind: 'subquery', mode: 'scalar', plan: inner, correlated: true, type: BIGINT }],
      types: [INT, BIGINT],
    };
    expect(collectRows(plan, fakeContext())).toEqual([[1, 1], [2, 2], [3, 0]]);
  });

  it('IN (subquery) with three-valued logic', () => {
    const firstCol: PhysicalPlan = { kind: 'project', input: t, exprs: [col(0, INT)], types: [INT] };
    const noNull: PhysicalPlan = { kind: 'filter', input: firstCol, predicate: { kind: 'isNull', arg: col(0, INT), not: true, type: BOOL }, types: [INT] };
    const empty: PhysicalPlan = { kind: 'filter', input: firstCol, predicate: lit(0, INT), types: [INT] };
    const inq = (plan: PhysicalPlan, not = false): BoundExpr => ({ kind: 'inSubquery', arg: col(0, INT), plan, correlated: false, cmp: 'int', op: '=', quantifier: 'ANY', not, type: BOOL });
    const rows = [[1], [5], [null]];
    expect(evalRows(inq(firstCol), 1, rows)).toEqual([1, null, null]);
    expect(evalRows(inq(noNull), 1, rows)).toEqual([1, 0, null]);
    expect(evalRows(inq(noNull, true), 1, rows)).toEqual([0, 1, null]);
    expect(evalRows(inq(empty), 1, rows)).toEqual([0, 0, 0]);
    expect(evalRows(inq(empty, true), 1, rows)).toEqual([1, 1, 1]);
  });

  it('quantified comparisons (ANY/ALL) with NULLs and empty sets', () => {
    const firstCol: PhysicalPlan = { kind: 'project', input: t, exprs: [col(0, INT)], types: [INT] };
    const noNull: PhysicalPlan = { kind: 'filter', input: firstCol, predicate: { kind: 'isNull', arg: col(0, INT), not: true, type: BOOL }, types: [INT] };
    const empty: PhysicalPlan = { kind: 'filter', input: firstCol, predicate: lit(0, INT), types: [INT] };
    const q = (plan: PhysicalPlan, op: '=' | '<>' | '<' | '>=', quantifier: 'ANY' | 'ALL'): BoundExpr =>
      ({ kind: 'inSubquery', arg: col(0, INT), plan, correlated: false, cmp: 'int', op, quantifier, not: false, type: BOOL });
    // t's first column is 1, 2, NULL (see above); probes 0, 1, 2, 3, NULL
    const rows = [[0], [1], [2], [3], [null]];
    expect(evalRows(q(noNull, '>=', 'ALL'), 1, rows)).toEqual([0, 0, 1, 1, null]);
    expect(evalRows(q(firstCol, '>=', 'ALL'), 1, rows)).toEqual([0, 0, null, null, null]);
    expect(evalRows(q(noNull, '<', 'ANY'), 1, rows)).toEqual([1, 1, 0, 0, null]);
    expect(evalRows(q(firstCol, '<', 'ANY'), 1, rows)).toEqual([1, 1, null, null, null]);
    expect(evalRows(q(noNull, '<>', 'ANY'), 1, rows)).toEqual([1, 1, 1, 1, null]);
    expect(evalRows(q(noNull, '=', 'ALL'), 1, rows)).toEqual([0, 0, 0, 0, null]);
    expect(evalRows(q(empty, '<', 'ALL'), 1, rows)).toEqual([1, 1, 1, 1, 1]);
    expect(evalRows(q(empty, '<', 'ANY'), 1, rows)).toEqual([0, 0, 0, 0, 0]);
  });

  it('evaluates an uncorrelated subquery once per execution', () => {
    let scans = 0;
    const scanNode: PhysicalPlan = { kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0], access: { kind: 'full' }, types: [INT] };
    const base = fakeContext();
    const ctx = { ...base, scan: () => { scans++; return batchesFromRows([[7]], 1); } };
    const e: BoundExpr = { kind: 'subquery', mode: 'scalar', plan: scanNode, correlated: false, type: INT };
    const [b] = batchesFromRows([[1], [2]], 1);
    const f = compileExpr({ kind: 'arith', op: '+', left: col(0, INT), right: e, type: BIGINT, text: 'x' });
    expect(valuesOf(f(b!, ctx), 2)).toEqual([8, 9]);
    expect(valuesOf(f(b!, ctx), 2)).toEqual([8, 9]);
    expect(scans).toBe(1);
    f(b!, { ...base, scan: () => { scans++; return batchesFromRows([[7]], 1); } });
    expect(scans).toBe(2);
  });
});

describe('eval: doubles', () => {
  it('adds doubles on the fast path', () => {
    const e: BoundExpr = { kind: 'arith', op: '*', left: col(0, DOUBLE), right: lit(2, DOUBLE), type: DOUBLE, text: 'x' };
    expect(evalRows(e, 1, [[1.5], [null]])).toEqual([3, null]);
    expect(() => evalRows(e, 1, [[Number.MAX_VALUE]])).toThrowError(/DOUBLE value is out of range/);
  });
});
