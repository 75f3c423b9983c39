/**
 * The typed paths (Float64Array columns, scaled decimals) must give exactly what the boxed
 * paths give: every expression and aggregate here runs over the same rows twice, once as typed
 * vectors and once boxed, and the answers are compared value for value.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../common/decimal.js';
import type { BoundExpr, CompareKind, CompareOp } from '../common/ir/expr.js';
import { aggStateTypes, type AggSpec, type PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { valuesOf, vectorFromValues, type Vector } from '../common/vector.js';
import { boxedBatch, typedBatch, type Batch } from './batch.js';
import { compileExpr } from './eval.js';
import { collectRows } from './instantiate.js';
import { BIGINT, DOUBLE, INT, col, dec, fakeContext, lit } from './testing.js';

const BOOL: SqlType = { kind: 'int', bytes: 1, unsigned: false };
const DEC = dec(12, 2);
const TYPES: SqlType[] = [INT, BIGINT, DOUBLE, DEC, INT];
const N = 3000;

/** Deterministic rows: small ints, BIGINTs near and beyond 2^53, doubles, DECIMAL(12,2), NULLs sprinkled in. */
function rows(): Value[][] {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: Value[][] = [];
  for (let i = 0; i < N; i++) {
    const maybe = (v: Value): Value => (rnd() < 0.1 ? null : v);
    out.push([
      maybe(Math.floor(rnd() * 101) - 50),
      maybe(rnd() < 0.02 ? 2n ** 60n + BigInt(i) : rnd() < 0.5 ? 2 ** 53 - 1 - Math.floor(rnd() * 5) : Math.floor(rnd() * 1000)),
      maybe((rnd() - 0.5) * 1000),
      maybe(new Decimal(BigInt(Math.floor(rnd() * 2_000_001) - 1_000_000), 2)),
      maybe(Math.floor(rnd() * 7)),
    ]);
  }
  return out;
}

function batches(data: Value[][], typed: boolean): Batch[] {
  const out: Batch[] = [];
  for (let start = 0; start < data.length; start += 1024) {
    const chunk = data.slice(start, start + 1024);
    const cols = TYPES.map((_, c) => chunk.map((r) => r[c]!));
    out.push(typed ? typedBatch(cols, TYPES, chunk.length) : boxedBatch(cols, chunk.length));
  }
  return out;
}

function evalAll(e: BoundExpr, bs: Batch[]): { values: Value[]; kinds: Set<Vector['kind']> } {
  const f = compileExpr(e);
  const ctx = fakeContext();
  const values: Value[] = [];
  const kinds = new Set<Vector['kind']>();
  for (const b of bs) {
    const v = f(b, ctx);
    kinds.add(v.kind);
    values.push(...valuesOf(v, b.length));
  }
  return { values, kinds };
}

const cmp = (op: CompareOp, left: BoundExpr, right: BoundExpr, kind: CompareKind): BoundExpr => ({ kind: 'compare', op, left, right, cmp: kind, type: BOOL });
const OPS: CompareOp[] = ['=', '<>', '<', '<=', '>', '>='];
const decLit = (s: string): BoundExpr => lit(Decimal.parse(s)!, dec(10, s.split('.')[1]?.length ?? 0));

describe('typed vectors', () => {
  const data = rows();
  const typed = batches(data, true);
  const boxed = batches(data, false);

  it('scans numbers into typed arrays, and keep boxed what has no exact typed form', () => {
    expect(typed[0]!.cols.map((c) => c.kind)).toEqual(['f64', 'values', 'f64', 'scaled', 'f64']);
    // A BIGINT column whose values all fit ±2^53 is typed too; one beyond stays boxed.
    expect(vectorFromValues([1, 2 ** 53 - 1, null, ...Array<Value>(40).fill(3)], BIGINT, 43).kind).toBe('f64');
    expect(vectorFromValues([1, 2n ** 60n, ...Array<Value>(40).fill(3)], BIGINT, 42).kind).toBe('values');
    expect(vectorFromValues([new Decimal(1n, 3), ...Array<Value>(40).fill(null)], DEC, 41).kind).toBe('values');
  });

  const cases: [string, BoundExpr][] = [];
  for (const op of OPS) {
    cases.push([`int ${op} 7`, cmp(op, col(0, INT), lit(7, INT), 'int')]);
    cases.push([`7 ${op} int`, cmp(op, lit(7, INT), col(0, INT), 'int')]);
    cases.push([`int ${op} 2.5`, cmp(op, col(0, INT), decLit('2.5'), 'decimal')]);
    cases.push([`int ${op} -3.25`, cmp(op, col(0, INT), decLit('-3.25'), 'decimal')]);
    cases.push([`int ${op} 7.5e0`, cmp(op, col(0, INT), lit(7.5, DOUBLE), 'double')]);
    cases.push([`double ${op} 12.5e0`, cmp(op, col(2, DOUBLE), lit(12.5, DOUBLE), 'double')]);
    cases.push([`decimal ${op} 100.5`, cmp(op, col(3, DEC), decLit('100.5'), 'decimal')]);
    cases.push([`decimal ${op} 100.005`, cmp(op, col(3, DEC), decLit('100.005'), 'decimal')]);
    cases.push([`decimal ${op} -2500.999`, cmp(op, col(3, DEC), decLit('-2500.999'), 'decimal')]);
    cases.push([`decimal ${op} 3`, cmp(op, col(3, DEC), lit(3, INT), 'decimal')]);
    cases.push([`int ${op} int`, cmp(op, col(0, INT), col(4, INT), 'int')]);
    cases.push([`double ${op} int`, cmp(op, col(2, DOUBLE), col(0, INT), 'double')]);
    cases.push([`decimal ${op} decimal`, cmp(op, col(3, DEC), col(3, DEC), 'decimal')]);
    cases.push([`int ${op} NULL`, cmp(op, col(0, INT), lit(null, INT), 'int')]);
  }
  const arith = (op: '+' | '-' | '*', l: BoundExpr, r: BoundExpr, type: SqlType): BoundExpr => ({ kind: 'arith', op, left: l, right: r, type, text: `(x ${op} y)` });
  for (const op of ['+', '-', '*'] as const) {
    cases.push([`int ${op} int`, arith(op, col(0, INT), col(4, INT), BIGINT)]);
    cases.push([`int ${op} 3`, arith(op, col(0, INT), lit(3, INT), BIGINT)]);
    if (op !== '*') cases.push([`bigint ${op} int`, arith(op, col(1, BIGINT), col(0, INT), BIGINT)]);
    cases.push([`double ${op} double`, arith(op, col(2, DOUBLE), col(2, DOUBLE), DOUBLE)]);
  }

  it.each(cases)('%s gives what the boxed path gives', (_name, e) => {
    const t = evalAll(e, typed);
    const b = evalAll(e, boxed);
    expect(t.values).toEqual(b.values);
    expect(t.values.length).toBe(N);
  });

  it('takes the typed loops (the comparisons above are not all answered boxed)', () => {
    expect(evalAll(cmp('<', col(3, DEC), decLit('100.005'), 'decimal'), typed).kinds).toEqual(new Set(['f64']));
    expect(evalAll(cmp('>=', col(0, INT), decLit('2.5'), 'decimal'), typed).kinds).toEqual(new Set(['f64']));
    expect(evalAll(arith('*', col(2, DOUBLE), col(2, DOUBLE), DOUBLE), typed).kinds).toEqual(new Set(['f64']));
  });

  it('leaves integer overflow to the exact path', () => {
    const near = Array<Value>(64).fill(2 ** 52 + 1);
    const b = typedBatch([near], [BIGINT], 64);
    expect(b.cols[0]!.kind).toBe('f64');
    const sum = compileExpr(arith('+', col(0, BIGINT), col(0, BIGINT), BIGINT))(b, fakeContext());
    expect(valuesOf(sum, 64)[0]).toBe(2n ** 53n + 2n);
  });

  const spec = (fn: AggSpec['fn'], args: BoundExpr[], type: SqlType): AggSpec => ({ fn, args, distinct: false, type });
  const aggs: AggSpec[] = [
    spec('countStar', [], BIGINT),
    spec('count', [col(3, DEC)], BIGINT),
    spec('sum', [col(0, INT)], dec(32, 0)),
    spec('sum', [col(3, DEC)], dec(32, 2)),
    spec('sum', [col(2, DOUBLE)], DOUBLE),
    spec('avg', [col(3, DEC)], dec(16, 6)),
    spec('avg', [col(2, DOUBLE)], DOUBLE),
    spec('min', [col(0, INT)], INT),
    spec('max', [col(2, DOUBLE)], DOUBLE),
    spec('max', [col(3, DEC)], DEC),
  ];
  const scanOf = (bs: Batch[]): { plan: PhysicalPlan; ctx: ReturnType<typeof fakeContext> } => ({
    plan: { kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0, 1, 2, 3, 4], access: { kind: 'full' }, types: TYPES },
    ctx: fakeContext({ scans: new Map([[1, bs]]) }),
  });
  const hashAgg = (input: PhysicalPlan, groupBy: BoundExpr[], mode: 'single' | 'partial'): PhysicalPlan => ({
    kind: 'hashAgg', input, mode, groupBy, aggs,
    types: [...groupBy.map((g) => g.type), ...(mode === 'partial' ? aggs.flatMap((a) => aggStateTypes(a)) : aggs.map((a) => a.type))],
  });

  it.each([
    ['no GROUP BY', [] as BoundExpr[]],
    ['GROUP BY a small int', [col(4, INT)]],
    ['GROUP BY an int with NULLs', [col(0, INT)]],
  ])('aggregates with %s agree with the boxed path, in single and partial mode', (_name, groupBy) => {
    for (const mode of ['single', 'partial'] as const) {
      const t = scanOf(typed);
      const b = scanOf(boxed);
      const tr = collectRows(hashAgg(t.plan, groupBy, mode), t.ctx);
      const br = collectRows(hashAgg(b.plan, groupBy, mode), b.ctx);
      expect(tr).toEqual(br);
      expect(tr.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['a DECIMAL descending, then an int', [{ expr: col(3, DEC), desc: true }, { expr: col(4, INT), desc: false }]],
    ['a small int with many ties, then a double', [{ expr: col(4, INT), desc: false }, { expr: col(2, DOUBLE), desc: true }]],
    ['an int with NULLs descending', [{ expr: col(0, INT), desc: true }, { expr: col(3, DEC), desc: false }]],
  ])('ORDER BY %s LIMIT agrees with the boxed path', (_name, keys) => {
    for (const count of [1, 10, 700]) {
      // Three passes over the rows: the operator compacts after a few batches and only then
      // screens new rows against its k-th kept row, which is where the typed path runs.
      const topN = (bs: Batch[]): Value[][] => {
        const s = scanOf([...bs, ...bs, ...bs]);
        return collectRows({ kind: 'topN', input: s.plan, keys, count: lit(count, BIGINT), offset: lit(3, BIGINT), types: TYPES }, s.ctx);
      };
      const t = topN(typed);
      expect(t).toEqual(topN(boxed));
      expect(t.length).toBe(count);
    }
  });
});
