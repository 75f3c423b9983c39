import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import { SqlError } from '../common/errors.js';
import type { SqlType } from '../common/types.js';
import type { CatalogView, ColumnDef, TableDef } from '../cluster/catalog.js';
import { parseOne } from '../sql/parser.js';
import { Binder } from './binder.js';
import { distribute } from './distribute.js';
import { DP_MAX_RELATIONS, dpOrder, greedyOrder, orderJoins, type JoinPredicate } from './join-order.js';
import type { LogicalPlan } from './logical.js';

const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
const V40: SqlType = { kind: 'string', family: 'varchar', length: 40, binary: false };

function column(name: string, type: SqlType): ColumnDef {
  return { name, type, nullable: true, default: { kind: 'none' }, autoIncrement: false, onUpdateNow: false, comment: '', typeText: '' };
}

/** select5's schema: tN(aN INTEGER PRIMARY KEY, bN INTEGER, xN VARCHAR(40)). */
function select5Catalog(count: number): CatalogView {
  const tables = new Map<string, TableDef>();
  for (let n = 1; n <= count; n++) {
    tables.set(`t${n}`, {
      id: n, db: 'db', name: `t${n}`,
      columns: [column(`a${n}`, INT), column(`b${n}`, INT), column(`x${n}`, V40)],
      indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true, using: 'BTREE' }],
      shardKey: [0], sortKey: [], reference: false, storage: 'rowstore', comment: '', engine: 'InnoDB', collation: 'utf8mb4_general_ci', createdAt: '',
    });
  }
  return { version: 1, table: (_db, name) => tables.get(name.toLowerCase()), database: () => undefined, databases: () => [], view: () => undefined };
}

const CATALOG = select5Catalog(64);

function bind(sql: string): LogicalPlan {
  const ps = parseOne(sql);
  const binder = new Binder({
    catalog: CATALOG, db: 'db', literals: ps.literals, paramTypes: [], baked: new Set(),
    lookupFunction: () => undefined, virtualTable: () => undefined, variableType: () => V40,
  });
  return binder.bindQuery(ps.statement as never).plan;
}

function joins(p: LogicalPlan): (LogicalPlan & { kind: 'join' })[] {
  const out: (LogicalPlan & { kind: 'join' })[] = [];
  const walk = (x: LogicalPlan): void => {
    if (x.kind === 'join') out.push(x);
    if (x.kind === 'join') {
      walk(x.left);
      walk(x.right);
    } else if ('input' in x) walk(x.input);
    else if (x.kind === 'union') x.inputs.forEach(walk);
  };
  walk(p);
  return out;
}

function physicalNodes(p: PhysicalPlan): PhysicalPlan[] {
  return [p, ...(p.kind === 'gather' ? physicalNodes(p.fragment) : planInputs(p).flatMap(physicalNodes))];
}

/** Scanned tables in plan order (the join order, read top-down). */
function scanOrder(p: PhysicalPlan): string[] {
  return physicalNodes(p).flatMap((n) => (n.kind === 'scan' ? [n.table] : []));
}

/** A select5-style query: `count` tables joined by the chain a{i} = b{i+1}, written in reverse. */
function chainQuery(count: number): string {
  const names = Array.from({ length: count }, (_, i) => i + 1);
  const where = names.slice(1).map((n) => `a${n - 1}=b${n}`).join(' AND ');
  return `SELECT ${names.map((n) => `x${n}`).join(',')} FROM ${[...names].reverse().map((n) => `t${n}`).join(',')} WHERE ${where}`;
}

function bindError(sql: string): SqlError {
  try {
    bind(sql);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`${sql} bound`);
}

describe('join_order', () => {
  it('turns WHERE equalities of comma joins into hash-join keys, with no cross product', () => {
    const plan = distribute(bind('SELECT x1, x3 FROM t1, t2, t3 WHERE a1 = b2 AND a2 = b3 AND x3 = \'y\''));
    const nodes = physicalNodes(plan);
    expect(nodes.filter((n) => n.kind === 'nestedLoopJoin')).toEqual([]);
    expect(nodes.filter((n) => n.kind === 'hashJoin').map((n) => (n as PhysicalPlan & { kind: 'hashJoin' }).leftKeys.length)).toEqual([1, 1]);
    // The single-table term is a leaf filter; nothing is left above the joins.
    expect(nodes.filter((n) => n.kind === 'filter')).toHaveLength(1);
    expect(nodes[0]!.kind).toBe('project');
  });

  it('joins a 20-table and a 61-table select5 chain in a few milliseconds, every join on its equality', () => {
    for (const count of [20, 61]) {
      const start = performance.now();
      const logical = orderJoins(bind(chainQuery(count)));
      const physical = distribute(bind(chainQuery(count)));
      expect(performance.now() - start).toBeLessThan(1000);
      const js = joins(logical);
      expect(js).toHaveLength(count - 1);
      expect(js.every((j) => j.condition !== null)).toBe(true);
      expect(physicalNodes(physical).filter((n) => n.kind === 'hashJoin')).toHaveLength(count - 1);
      expect(new Set(scanOrder(physical)).size).toBe(count);
    }
  });

  it('joins the table a unique key fixes to one row before the tables it narrows', () => {
    const plan = distribute(bind('SELECT * FROM t1, t2, t3 WHERE b1 = a2 AND b2 = a3 AND a3 = 5'));
    // FROM order would join t1 and t2 first (1000 rows estimated); t2 with t3 keeps ten.
    expect(scanOrder(plan)[2]).toBe('t1');
    const seek = physicalNodes(plan).find((n) => n.kind === 'scan' && n.table === 't3') as PhysicalPlan & { kind: 'scan' };
    expect(seek.access.kind).toBe('point');
  });

  it('keeps the FROM order of columns when it reorders', () => {
    const sql = 'SELECT * FROM t1, t2, t3 WHERE b1 = a2 AND b2 = a3 AND a3 = 5';
    const bound = bind(sql);
    const ordered = orderJoins(bound);
    expect(ordered.types).toEqual(bound.types);
    const project = ordered.kind === 'project' && ordered.input.kind === 'project' ? ordered.input : null;
    // Column i of the restored row is FROM column i: t1's columns first, though t1 is joined last.
    const order = scanOrder(distribute(bound));
    const expected = bound.types.map((_, i) => 3 * order.indexOf(`t${Math.floor(i / 3) + 1}`) + (i % 3));
    expect(order[2]).toBe('t1');
    expect(project?.exprs.map((e) => (e as BoundExpr & { kind: 'column' }).index)).toEqual(expected);
  });

  it('makes a cross product only between parts no predicate connects', () => {
    const js = joins(orderJoins(bind('SELECT COUNT(*) FROM t1, t2, t3, t4 WHERE a1 = b3 AND a2 = b4')));
    expect(js.filter((j) => j.condition === null)).toHaveLength(1);
  });

  it('does not reorder across a LEFT JOIN and keeps WHERE over its inner side above it', () => {
    const plan = orderJoins(bind('SELECT x1 FROM t1 LEFT JOIN t2 ON a1 = b2 AND x2 = \'k\' WHERE b1 = 3 AND a2 IS NULL'));
    const left = joins(plan).find((j) => j.type === 'left')!;
    // The ON term over t2 alone filters t2; the WHERE term over t1 filters t1; `a2 IS NULL` stays above.
    expect(left.left.kind).toBe('filter');
    expect(left.right.kind).toBe('filter');
    expect(left.condition?.kind).toBe('compare');
    const above = plan.kind === 'project' ? plan.input : plan;
    expect(above.kind === 'filter' && above.predicate.kind).toBe('isNull');
  });

  it('keeps a subquery term above the joins, over the FROM order', () => {
    const plan = orderJoins(bind('SELECT x1 FROM t1, t2, t3 WHERE b1 = a2 AND b2 = a3 AND a3 = 5 AND EXISTS (SELECT 1 FROM t4 WHERE a4 = b1)'));
    const above = plan.kind === 'project' ? plan.input : plan;
    expect(above.kind).toBe('filter');
    expect(above.kind === 'filter' && above.predicate.kind).toBe('subquery');
    expect(above.kind === 'filter' && above.input.kind).toBe('project');
  });

  it('more than 61 tables is ER_TOO_MANY_TABLES (1116, HY000); a missing table is reported first', () => {
    const from = (n: number, prefix = 't'): string => Array.from({ length: n }, (_, i) => `${prefix}${(i % 64) + 1} AS q${i}`).join(',');
    for (const n of [62, 64, 200]) {
      const e = bindError(`SELECT COUNT(*) FROM ${from(n)}`);
      expect([e.errno, e.sqlState, e.message]).toEqual([1116, 'HY000', 'Too many tables; MySQL can only use 61 tables in a join']);
    }
    expect(bindError(`SELECT 1 FROM ${Array.from({ length: 61 }, (_, i) => `t${i + 1}`).join(' JOIN ')} JOIN nope`).errno).toBe(1146);
    expect(() => bind(`SELECT COUNT(*) FROM ${from(61)}`)).not.toThrow();
  });

  describe('search', () => {
    /** Random trees of equalities over n relations, with random row estimates. */
    function randomGraph(n: number, seed: number): { rows: number[]; preds: JoinPredicate[] } {
      let s = seed;
      const next = (k: number): number => {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        return s % k;
      };
      const rows = Array.from({ length: n }, () => [1, 10, 1000, 100_000][next(4)]!);
      const col: BoundExpr = { kind: 'column', index: 0, type: INT };
      const preds: JoinPredicate[] = [];
      for (let r = 1; r < n; r++) {
        preds.push({ expr: { kind: 'compare', op: '=', left: col, right: col, cmp: 'int', type: INT }, rels: [next(r), r], selectivity: 1 / [1, 10, 1000][next(3)]! });
      }
      return { rows, preds };
    }

    it('every relation after the first is connected to those before it', () => {
      for (let seed = 1; seed <= 200; seed++) {
        const n = 2 + (seed % 30);
        const { rows, preds } = randomGraph(n, seed);
        const order = n <= DP_MAX_RELATIONS ? dpOrder(rows, preds) : greedyOrder(rows, preds);
        expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        for (let k = 1; k < n; k++) {
          const before = new Set(order.slice(0, k));
          expect(preds.some((p) => p.rels.includes(order[k]!) && p.rels.some((x) => before.has(x)))).toBe(true);
        }
      }
    });

    it('dynamic programming is never costlier than the greedy search', () => {
      // Cost as the rule counts it for hash joins: the rows of every join's result, each the
      // product of its relations' rows and its predicates' selectivities (at least one).
      const cost = (order: readonly number[], rows: readonly number[], preds: readonly JoinPredicate[]): number => {
        let total = 0;
        for (let k = 1; k < order.length; k++) {
          const inside = new Set(order.slice(0, k + 1));
          let card = 1;
          for (const r of inside) card *= rows[r]!;
          for (const p of preds) if (p.rels.every((x) => inside.has(x))) card *= p.selectivity;
          total += Math.max(card, 1);
        }
        return total;
      };
      for (let seed = 1; seed <= 100; seed++) {
        const { rows, preds } = randomGraph(3 + (seed % 8), seed);
        expect(cost(dpOrder(rows, preds), rows, preds)).toBeLessThanOrEqual(cost(greedyOrder(rows, preds), rows, preds) * (1 + 1e-9));
      }
    });
  });
});
