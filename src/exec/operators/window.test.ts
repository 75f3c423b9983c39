import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../../common/ir/expr.js';
import type { AggSpec, PhysicalPlan, SortKey } from '../../common/ir/physical.js';
import { WHOLE_PARTITION, type FrameBound, type WindowCall, type WindowFn, type WindowFrame } from '../../common/ir/window.js';
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { SqlError } from '../../common/errors.js';
import { collectRows, instantiate } from '../instantiate.js';
import { Pacer, PAUSE } from '../pacer.js';
import { BIGINT, DOUBLE, INT, col, dec, fakeContext, lit, rowset } from '../testing.js';

const unbounded: FrameBound = { kind: 'unbounded' };
const peers: FrameBound = { kind: 'peers' };
const rows = (offset: number): FrameBound => ({ kind: 'rows', offset });
const RUNNING: WindowFrame = { start: unbounded, end: peers };

function call(fn: WindowFn, frame: WindowFrame = WHOLE_PARTITION, type: SqlType = BIGINT): WindowCall {
  return { fn, frame, type };
}

function agg(fn: AggSpec['fn'], arg: BoundExpr | null, type: SqlType): WindowFn {
  return { kind: 'aggregate', agg: { fn, args: arg ? [arg] : [], distinct: false, type } };
}

function windowPlan(types: SqlType[], data: Value[][], partitionBy: BoundExpr[], orderBy: SortKey[], calls: WindowCall[]): PhysicalPlan {
  const input = rowset(types, data);
  return { kind: 'window', input, partitionBy, orderBy, presorted: false, calls, types: [...types, ...calls.map((c) => c.type)] };
}

/** The computed columns, keyed back to each row's first column (an id), in id order. */
function byId(plan: PhysicalPlan, ctx = fakeContext()): Value[][] {
  const out = collectRows(plan, ctx);
  const width = plan.kind === 'window' ? plan.input.types.length : 0;
  return out.sort((a, b) => Number(a[0]) - Number(b[0])).map((r) => [r[0]!, ...r.slice(width)]);
}

// id, group, key (NULL for some), value
const T = [INT, INT, INT, INT];
const DATA: Value[][] = [
  [1, 1, 10, 5],
  [2, 1, 20, 7],
  [3, 1, 20, null],
  [4, 1, null, 2],
  [5, 2, 5, 1],
  [6, 2, null, 4],
  [7, 3, 1, 9],
];

describe('window operator', () => {
  it('numbers and ranks rows; peers share a rank; NULL keys sort first and are peers', () => {
    const plan = windowPlan(T, DATA, [col(1, INT)], [{ expr: col(2, INT), desc: false }], [
      call({ kind: 'rowNumber' }),
      call({ kind: 'rank' }),
      call({ kind: 'denseRank' }),
      call({ kind: 'cumeDist' }, WHOLE_PARTITION, DOUBLE),
    ]);
    const r = byId(plan);
    // Group 1 sorted by key: NULL(4), 10(1), 20(2), 20(3) — 2 and 3 are peers.
    expect(r.find((x) => x[0] === 4)).toEqual([4, 1, 1, 1, 0.25]);
    expect(r.find((x) => x[0] === 1)).toEqual([1, 2, 2, 2, 0.5]);
    expect(r.filter((x) => x[0] === 2 || x[0] === 3).map((x) => x.slice(2))).toEqual([[3, 3, 1], [3, 3, 1]]);
    expect(r.find((x) => x[0] === 7)).toEqual([7, 1, 1, 1, 1]);
  });

  it('running sums include peers (RANGE … CURRENT ROW); ROWS frames do not', () => {
    const plan = windowPlan(T, DATA, [col(1, INT)], [{ expr: col(2, INT), desc: false }], [
      call(agg('sum', col(3, INT), dec(32, 0)), RUNNING, dec(32, 0)),
      call(agg('count', col(3, INT), BIGINT), { start: unbounded, end: rows(0) }),
    ]);
    const r = byId(plan);
    const sums = r.map((x) => (x[1] instanceof Decimal ? x[1].toString() : x[1]));
    // Group 1: NULL key (value 2) → 2; key 10 (5) → 7; keys 20 (7, NULL) → 14 for both.
    // Group 2: NULL key (4) first → 4, then key 5 (1) → 5.
    expect(sums).toEqual(['7', '14', '14', '2', '5', '4', '9']);
    expect(r.map((x) => x[2])).toEqual([2, 3, 3, 1, 2, 1, 1]);
  });

  it('sliding frames: sum, min and max as rows enter and leave; empty frames give NULL and COUNT 0', () => {
    const data = Array.from({ length: 10 }, (_, i) => [i + 1, 1, i + 1, (i * 7) % 5]);
    const frame: WindowFrame = { start: rows(-2), end: rows(1) };
    const ahead: WindowFrame = { start: rows(3), end: rows(4) };
    const plan = windowPlan(T, data, [], [{ expr: col(0, INT), desc: false }], [
      call(agg('sum', col(3, INT), dec(32, 0)), frame, dec(32, 0)),
      call(agg('min', col(3, INT), INT), frame, INT),
      call(agg('max', col(3, INT), INT), frame, INT),
      call(agg('count', col(3, INT), BIGINT), ahead),
      call(agg('sum', col(3, INT), dec(32, 0)), ahead, dec(32, 0)),
    ]);
    const r = byId(plan);
    const v = data.map((d) => d[3] as number);
    for (let i = 0; i < 10; i++) {
      const win = v.slice(Math.max(0, i - 2), Math.min(10, i + 2));
      const next = v.slice(Math.min(10, i + 3), Math.min(10, i + 5));
      expect(r[i]![1]!.toString()).toBe(String(win.reduce((a, b) => a + b, 0)));
      expect(r[i]![2]).toBe(Math.min(...win));
      expect(r[i]![3]).toBe(Math.max(...win));
      expect(r[i]![4]).toBe(next.length);
      expect(r[i]![5] === null ? null : r[i]![5]!.toString()).toBe(next.length ? String(next.reduce((a, b) => a + b, 0)) : null);
    }
  });

  it('sliding BIT_AND / BIT_OR / BIT_XOR equal the brute-force fold of each frame (NULLs skipped, empty frames as no rows)', () => {
    const data: Value[][] = Array.from({ length: 40 }, (_, i) => [i, 0, i, i % 7 === 3 ? null : (i * 2654435761) % 4294967296 * (i % 3 === 0 ? 65536 : 1)]);
    const frame: WindowFrame = { start: rows(-3), end: rows(-1) };
    const UB: SqlType = { kind: 'int', bytes: 8, unsigned: true };
    const plan = windowPlan([INT, INT, INT, BIGINT], data, [], [{ expr: col(0, INT), desc: false }], [
      call(agg('bitAnd', col(3, BIGINT), UB), frame, UB),
      call(agg('bitOr', col(3, BIGINT), UB), frame, UB),
      call(agg('bitXor', col(3, BIGINT), UB), frame, UB),
    ]);
    const r = byId(plan);
    const all = (1n << 64n) - 1n;
    for (let i = 0; i < 40; i++) {
      const vs = data.slice(Math.max(0, i - 3), Math.max(0, i)).map((d) => d[3]).filter((v): v is number => v !== null).map((v) => BigInt(v));
      const and = vs.reduce((a, b) => a & b, all);
      const or = vs.reduce((a, b) => a | b, 0n);
      const xor = vs.reduce((a, b) => a ^ b, 0n);
      expect(r[i]!.slice(1).map((v) => BigInt(v as number | bigint)), `row ${i}`).toEqual([and, or, xor]);
    }
  });

  it('RANGE offsets over a numeric key, with NULL keys framing only each other', () => {
    const target = (op: '+' | '-', n: number): BoundExpr => ({ kind: 'arith', op, left: col(2, INT), right: lit(n, INT), type: BIGINT, text: 'k' });
    const frame: WindowFrame = { start: { kind: 'range', target: target('-', 5), cmp: 'int' }, end: { kind: 'range', target: target('+', 5), cmp: 'int' } };
    const plan = windowPlan(T, DATA, [], [{ expr: col(2, INT), desc: false }], [call(agg('countStar', null, BIGINT), frame)]);
    const r = Object.fromEntries(byId(plan).map((x) => [x[0], x[1]]));
    // keys: 1, 5, 10, 20, 20 and two NULLs
    expect(r).toEqual({ 1: 2, 2: 2, 3: 2, 4: 2, 5: 3, 6: 2, 7: 2 });
  });

  it('LAG, LEAD with a default, FIRST/LAST/NTH_VALUE over frames, NTILE', () => {
    const plan = windowPlan(T, DATA, [col(1, INT)], [{ expr: col(0, INT), desc: false }], [
      call({ kind: 'lag', arg: col(3, INT), offset: 1, fallback: lit(-1, INT) }, WHOLE_PARTITION, INT),
      call({ kind: 'lead', arg: col(0, INT), offset: 2, fallback: null }, WHOLE_PARTITION, INT),
      call({ kind: 'firstValue', arg: col(0, INT) }, { start: rows(-1), end: rows(0) }, INT),
      call({ kind: 'lastValue', arg: col(0, INT) }, RUNNING, INT),
      call({ kind: 'nthValue', arg: col(0, INT), n: 3 }, WHOLE_PARTITION, INT),
      call({ kind: 'ntile', buckets: 3 }),
    ]);
    expect(byId(plan)).toEqual([
      [1, -1, 3, 1, 1, 3, 1],
      [2, 5, 4, 1, 2, 3, 1],
      [3, 7, null, 2, 3, 3, 2],
      [4, null, null, 3, 4, 3, 3],
      [5, -1, null, 5, 5, null, 1],
      [6, 1, null, 5, 6, null, 2],
      [7, -1, null, 7, 7, null, 1],
    ]);
  });

  it('gives no rows for no input, and one-row partitions rank 1', () => {
    expect(collectRows(windowPlan(T, [], [col(1, INT)], [], [call({ kind: 'rowNumber' })]), fakeContext())).toEqual([]);
    const plan = windowPlan(T, DATA, [col(0, INT)], [], [call({ kind: 'percentRank' }, WHOLE_PARTITION, DOUBLE), call(agg('avg', col(3, INT), dec(14, 4)), WHOLE_PARTITION, dec(14, 4))]);
    expect(byId(plan).map((x) => x[1])).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(byId(plan).map((x) => (x[2] === null ? null : x[2]!.toString()))).toEqual(['5.0000', '7.0000', null, '2.0000', '1.0000', '4.0000', '9.0000']);
  });

  it('sums BIGINT exactly beyond 2^53 in running and sliding frames', () => {
    const big = 9007199254740993n;
    const data: Value[][] = [[1, 1, 1, big], [2, 1, 2, big], [3, 1, 3, -3]];
    const plan = windowPlan([INT, INT, INT, BIGINT], data, [], [{ expr: col(0, INT), desc: false }], [
      call(agg('sum', col(3, BIGINT), dec(41, 0)), RUNNING, dec(41, 0)),
      call(agg('sum', col(3, BIGINT), dec(41, 0)), { start: rows(-1), end: rows(0) }, dec(41, 0)),
    ]);
    expect(byId(plan).map((x) => [String(x[1]), String(x[2])])).toEqual([
      ['9007199254740993', '9007199254740993'],
      ['18014398509481986', '18014398509481986'],
      ['18014398509481983', '9007199254740990'],
    ]);
  });

  it('pauses inside one big partition and counts its rows against the memory limit', () => {
    const n = 200_000;
    const data = Array.from({ length: n }, (_, i) => [i, 0, n - i, i % 97]);
    const plan = windowPlan(T, data, [col(1, INT)], [{ expr: col(2, INT), desc: false }], [
      call(agg('sum', col(3, INT), dec(32, 0)), { start: rows(-100), end: rows(100) }, dec(32, 0)),
      call({ kind: 'rank' }),
    ]);
    const pacer = new Pacer({ sliceMs: 1 });
    const op = instantiate(plan, fakeContext({ pacer }));
    let pauses = 0;
    let got = 0;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const b = op.next();
      if (b === null) break;
      if (b === PAUSE) {
        pauses++;
        pacer.newSlice();
        continue;
      }
      got += b.length;
      if (Date.now() > deadline) throw new Error('window did not finish in 60 s');
    }
    expect(got).toBe(n);
    expect(pauses).toBeGreaterThan(5);
    const limited = new Pacer({ memoryLimit: 1_000_000 });
    expect(() => collectRows(plan, fakeContext({ pacer: limited }))).toThrow(SqlError);
  });
});
