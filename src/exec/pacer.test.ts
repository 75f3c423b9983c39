import { describe, expect, it } from 'vitest';
import { SqlError } from '../common/errors.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { AggSpec, JoinKind, PhysicalPlan, SortKey } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { batchRows, batchesFromRows, type Batch } from './batch.js';
import { collectRows, instantiate } from './instantiate.js';
import { PAUSE, Pacer } from './pacer.js';
import { INT, VARCHAR, col, fakeContext, lit } from './testing.js';

// Every operator must give the same rows when its inputs pause at every batch (a slice of 0 ms)
// as when they run straight through, and must stop when its statement is stopped.

const BOOL: SqlType = { kind: 'int', bytes: 1, unsigned: false };
const BIG: SqlType = { kind: 'int', bytes: 8, unsigned: false };
const TEXT: SqlType = { kind: 'string', family: 'text', length: 65535, binary: false };

let seed = 11;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}

/** A table scan over `rows` (table id `id`); the fake context serves it in batches of 2,048 rows. */
function table(id: number, types: readonly SqlType[], rows: readonly (readonly Value[])[]): { plan: PhysicalPlan; batches: Batch[] } {
  return {
    plan: { kind: 'scan', db: 'd', tableId: id, table: `t${id}`, columns: types.map((_, i) => i), access: { kind: 'full' }, types },
    batches: batchesFromRows(rows, types.length),
  };
}

const A = table(1, [INT, VARCHAR], Array.from({ length: 3000 }, () => [rnd(40) === 0 ? null : rnd(300), `s${rnd(50)}`]));
const B = table(2, [INT, VARCHAR], Array.from({ length: 1000 }, (_, i) => [rnd(30) === 0 ? null : rnd(300), `r${i % 7}`]));
const scans = new Map([[1, A.batches], [2, B.batches]]);

/** Runs a plan the way hosts do, awaiting resume() at every PAUSE; returns its rows and the pauses seen. */
async function drive(plan: PhysicalPlan, pacer: Pacer): Promise<{ rows: Value[][]; pauses: number }> {
  const op = instantiate(plan, fakeContext({ scans, pacer }));
  const rows: Value[][] = [];
  let pauses = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const b = op.next();
    if (b === null) return { rows, pauses };
    if (b === PAUSE) {
      pauses++;
      await pacer.resume();
      continue;
    }
    rows.push(...batchRows(b));
  }
  throw new Error('the plan never ended');
}

const gt = (l: BoundExpr, r: BoundExpr): BoundExpr => ({ kind: 'compare', op: '>', left: l, right: r, cmp: 'int', type: BOOL });
const eqStr = (l: BoundExpr, r: BoundExpr): BoundExpr => ({ kind: 'compare', op: '<>', left: l, right: r, cmp: 'string', type: BOOL });
const count: AggSpec = { fn: 'countStar', args: [], distinct: false, type: BIG };
const concat = (orderBy?: SortKey[]): AggSpec => ({ fn: 'groupConcat', args: [col(1, VARCHAR)], distinct: false, type: TEXT, separator: ',', ...(orderBy ? { orderBy } : {}) });
const join = (kind: 'hashJoin' | 'nestedLoopJoin', type: JoinKind, residual: BoundExpr | null): PhysicalPlan => {
  const types = type === 'semi' || type === 'anti' ? A.plan.types : [...A.plan.types, ...B.plan.types];
  return kind === 'hashJoin'
    ? { kind, type, left: A.plan, right: B.plan, leftKeys: [col(0, INT)], rightKeys: [col(0, INT)], residual, types }
    : { kind, type, left: A.plan, right: B.plan, condition: { kind: 'compare', op: '=', left: col(0, INT), right: col(2, INT), cmp: 'int', type: BOOL }, types };
};

const plans: Record<string, PhysicalPlan> = {
  filter: { kind: 'filter', input: A.plan, predicate: gt(col(0, INT), lit(290, INT)), types: A.plan.types },
  'limit with offset': { kind: 'limit', input: A.plan, count: lit(10, INT), offset: lit(2090, INT), types: A.plan.types },
  distinct: { kind: 'distinct', input: { kind: 'project', input: A.plan, exprs: [col(1, VARCHAR)], types: [VARCHAR] }, types: [VARCHAR] },
  'group by': { kind: 'hashAgg', input: A.plan, mode: 'single', groupBy: [col(0, INT)], aggs: [count, concat([{ expr: col(1, VARCHAR), desc: true }])], types: [INT, BIG, TEXT] },
  'partial aggregate': { kind: 'hashAgg', input: A.plan, mode: 'partial', groupBy: [col(1, VARCHAR)], aggs: [count], types: [VARCHAR, BIG] },
  sort: { kind: 'sort', input: A.plan, keys: [{ expr: col(1, VARCHAR), desc: false }, { expr: col(0, INT), desc: true }], types: A.plan.types },
  'top-n': { kind: 'topN', input: A.plan, keys: [{ expr: col(0, INT), desc: false }], count: lit(5, INT), offset: lit(2, INT), types: A.plan.types },
  'hash join': join('hashJoin', 'inner', null),
  'hash left join with residual': join('hashJoin', 'left', eqStr(col(3, VARCHAR), lit('r3', VARCHAR))),
  'hash anti join with residual': join('hashJoin', 'anti', eqStr(col(3, VARCHAR), lit('r3', VARCHAR))),
  'nested-loop join': join('nestedLoopJoin', 'left', null),
  'union all': { kind: 'unionAll', inputs: [B.plan, A.plan], types: A.plan.types },
};

describe('pausing operators', () => {
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: the same rows when every input pauses`, async () => {
      const straight = collectRows(plan, fakeContext({ scans }));
      const paused = await drive(plan, new Pacer({ sliceMs: 0 }));
      expect(paused.rows).toEqual(straight);
      expect(paused.pauses).toBeGreaterThan(0);
    });
  }

  it('a sort bigger than one run merges its runs in order, stably, pausing between them', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => [rnd(1000), i]);
    const t = table(3, [INT, INT], rows);
    const plan: PhysicalPlan = { kind: 'sort', input: t.plan, keys: [{ expr: col(0, INT), desc: true }], types: t.plan.types };
    const op = instantiate(plan, fakeContext({ scans: new Map([[3, t.batches]]), pacer: new Pacer({ sliceMs: 0 }) }));
    const out: Value[][] = [];
    let pauses = 0;
    for (let b = op.next(); b !== null; b = op.next()) {
      if (b === PAUSE) pauses++;
      else out.push(...batchRows(b));
    }
    const expected = [...rows].sort((x, y) => (y[0] as number) - (x[0] as number) || (x[1] as number) - (y[1] as number));
    expect(out).toEqual(expected);
    // 30,000 rows arrive in 15 batches; pauses come from the scan and from between the runs.
    expect(pauses).toBeGreaterThan(15);
  });

  it('a top-N with a big k pauses inside its compaction and still equals sort + limit', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => [rnd(5000), i]);
    const t = table(4, [INT, INT], rows);
    const keys: SortKey[] = [{ expr: col(0, INT), desc: false }];
    const top: PhysicalPlan = { kind: 'topN', input: t.plan, keys, count: lit(12_000, INT), offset: lit(7, INT), types: t.plan.types };
    const ref: PhysicalPlan = { kind: 'limit', input: { kind: 'sort', input: t.plan, keys, types: t.plan.types }, count: lit(12_000, INT), offset: lit(7, INT), types: t.plan.types };
    const s = new Map([[4, t.batches]]);
    const expected = collectRows(ref, fakeContext({ scans: s }));
    const op = instantiate(top, fakeContext({ scans: s, pacer: new Pacer({ sliceMs: 0 }) }));
    const out: Value[][] = [];
    for (let b = op.next(); b !== null; b = op.next()) if (b !== PAUSE) out.push(...batchRows(b));
    expect(out).toEqual(expected);
  });
});

describe('stopping a statement', () => {
  it('a stopped pacer stops a running plan at its next check with the reason given', async () => {
    const pacer = new Pacer({ sliceMs: 0 });
    const op = instantiate(plans['group by']!, fakeContext({ scans, pacer }));
    expect(op.next()).toBe(PAUSE);
    pacer.stop(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
    await expect(pacer.resume()).rejects.toMatchObject({ errno: 1317 });
    expect(() => {
      for (let i = 0; i < 10; i++) op.next();
    }).toThrow(/interrupted/);
  });

  it('a deadline ends the statement with its own error', async () => {
    const pacer = new Pacer({ sliceMs: 0, deadline: { at: performance.now() - 1, error: () => new SqlError('ER_QUERY_TIMEOUT', 'maximum statement execution time exceeded') } });
    await expect(drive(plans.sort!, pacer)).rejects.toMatchObject({ errno: 3024, sqlState: 'HY000' });
  });

  it('resume() stops waiting for an input when the statement is stopped', async () => {
    const pacer = new Pacer();
    pacer.waitFor(new Promise(() => {})); // an input that never comes
    const waiting = pacer.resume();
    pacer.stop(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
    await expect(waiting).rejects.toMatchObject({ errno: 1317 });
  });
});

describe('working memory', () => {
  const limited = (bytes: number): Pacer => new Pacer({ memoryLimit: bytes });
  const rows = Array.from({ length: 20_000 }, (_, i) => [i, `value number ${i}`]);
  const t = table(5, [INT, VARCHAR], rows);
  const s = new Map([[5, t.batches]]);

  for (const [name, plan] of Object.entries({
    'group by': { kind: 'hashAgg', input: t.plan, mode: 'single', groupBy: [col(0, INT), col(1, VARCHAR)], aggs: [count], types: [INT, VARCHAR, BIG] },
    sort: { kind: 'sort', input: t.plan, keys: [{ expr: col(1, VARCHAR), desc: false }], types: t.plan.types },
    distinct: { kind: 'distinct', input: t.plan, types: t.plan.types },
    'hash join build side': { kind: 'hashJoin', type: 'inner', left: t.plan, right: t.plan, leftKeys: [col(0, INT)], rightKeys: [col(0, INT)], residual: null, types: [...t.plan.types, ...t.plan.types] },
  } satisfies Record<string, PhysicalPlan>)) {
    it(`${name} past the limit fails with 1038, under it runs`, () => {
      expect(() => collectRows(plan, fakeContext({ scans: s, pacer: limited(256 * 1024) }))).toThrow(expect.objectContaining({ errno: 1038, sqlState: 'HY001', message: expect.stringMatching(/tessera_query_memory_limit/) }));
      const pacer = limited(64 * 1024 * 1024);
      expect(collectRows(plan, fakeContext({ scans: s, pacer })).length).toBeGreaterThan(0);
      expect(pacer.memoryPeak).toBeGreaterThan(256 * 1024);
    });
  }

  it('GROUP_CONCAT holds about group_concat_max_len per group, not its rows', () => {
    const many = table(6, [INT, VARCHAR], Array.from({ length: 200_000 }, (_, i) => [i % 3, `item-${i}`]));
    const ctxOf = (pacer: Pacer) => {
      const c = fakeContext({ scans: new Map([[6, many.batches]]), pacer });
      c.session.set('@@group_concat_max_len', 100);
      return c;
    };
    for (const orderBy of [undefined, [{ expr: col(1, VARCHAR), desc: true }]]) {
      const plan: PhysicalPlan = { kind: 'hashAgg', input: many.plan, mode: 'single', groupBy: [col(0, INT)], aggs: [concat(orderBy)], types: [INT, TEXT] };
      const pacer = new Pacer();
      const ctx = ctxOf(pacer);
      const out = collectRows(plan, ctx);
      expect(out.length).toBe(3);
      for (const [, text] of out) expect(Buffer.byteLength(text as string)).toBe(100);
      expect(ctx.warnings.filter((w) => w.code === 'ER_CUT_VALUE_GROUP_CONCAT').length).toBe(3);
      // 200,000 entries would be megabytes; a few hundred kept per group are tens of kB.
      expect(pacer.memoryPeak).toBeLessThan(1024 * 1024);
      if (orderBy) {
        // The kept entries are the first in the ORDER BY: the same text a full sort gives.
        const all = many.batches.flatMap((b) => batchRows(b)).filter((r) => r[0] === 0).map((r) => r[1] as string);
        all.sort((x, y) => (x < y ? 1 : x > y ? -1 : 0));
        expect(out.find((r) => r[0] === 0)![1]).toBe(all.join(',').slice(0, 100));
      }
    }
  });

  it('GROUP_CONCAT … ORDER BY with ties keeps arrival order among equal keys (a stable sort), however often it trims', () => {
    const data = Array.from({ length: 50_000 }, (_, i) => [i % 2, `${i % 7}`, `e${i}`]);
    const tb = table(7, [INT, VARCHAR, VARCHAR], data);
    const spec: AggSpec = { fn: 'groupConcat', args: [col(2, VARCHAR)], distinct: false, type: TEXT, separator: ';', orderBy: [{ expr: col(1, VARCHAR), desc: true }] };
    const plan: PhysicalPlan = { kind: 'hashAgg', input: tb.plan, mode: 'single', groupBy: [col(0, INT)], aggs: [spec], types: [INT, TEXT] };
    const ctx = fakeContext({ scans: new Map([[7, tb.batches]]) });
    ctx.session.set('@@group_concat_max_len', 300);
    const out = collectRows(plan, ctx);
    for (const g of [0, 1]) {
      const mine = data.filter((r) => r[0] === g);
      const sorted = mine.map((r, i) => ({ k: r[1] as string, t: r[2] as string, i })).sort((x, y) => (x.k < y.k ? 1 : x.k > y.k ? -1 : x.i - y.i));
      expect(out.find((r) => r[0] === g)![1]).toBe(sorted.map((e) => e.t).join(';').slice(0, 300));
    }
  });
});
