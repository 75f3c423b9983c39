import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { CatalogView, ColumnDef, TableDef } from '../cluster/catalog.js';
import { parseOne } from '../sql/parser.js';
import { Binder, forEachPlanExpr, mapChildren } from './binder.js';
import { distribute } from './distribute.js';
import type { LogicalPlan } from './logical.js';

const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
const V10: SqlType = { kind: 'string', family: 'varchar', length: 10, binary: false };

function column(name: string, type: SqlType): ColumnDef {
  return { name, type, nullable: false, default: { kind: 'none' }, autoIncrement: false, onUpdateNow: false, comment: '', typeText: '' };
}

/** kv(id, k, v) with PRIMARY KEY (id, k) and SHARD KEY (id); t(a, b) keyed on a. */
const TABLES = new Map<string, TableDef>([
  ['kv', {
    id: 1, db: 'db', name: 'kv', columns: [column('id', INT), column('k', INT), column('v', V10)],
    indexes: [{ name: 'PRIMARY', columns: [0, 1], unique: true, primary: true, using: 'BTREE' }],
    shardKey: [0], sortKey: [], reference: false, storage: 'rowstore', comment: '', engine: 'InnoDB', collation: 'utf8mb4_general_ci', createdAt: '',
  }],
  ['t', {
    id: 2, db: 'db', name: 't', columns: [column('a', INT), column('b', V10)],
    indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true, using: 'BTREE' }],
    shardKey: [0], sortKey: [], reference: false, storage: 'rowstore', comment: '', engine: 'InnoDB', collation: 'utf8mb4_general_ci', createdAt: '',
  }],
]);
const CATALOG: CatalogView = { version: 1, table: (_db, name) => TABLES.get(name.toLowerCase()), database: () => undefined, databases: () => [], view: () => undefined };

function bind(sql: string): LogicalPlan {
  const ps = parseOne(sql);
  const binder = new Binder({
    catalog: CATALOG, db: 'db', literals: ps.literals, paramTypes: [], baked: new Set(),
    lookupFunction: () => undefined, virtualTable: () => undefined, variableType: () => INT,
  });
  return binder.bindQuery(ps.statement as never).plan;
}

function logicalNodes(p: LogicalPlan): LogicalPlan[] {
  const out: LogicalPlan[] = [p];
  const children = (x: LogicalPlan): LogicalPlan[] => {
    switch (x.kind) {
      case 'get': case 'rowset': case 'values': case 'workTable': return [];
      case 'join': case 'setOp': case 'apply': return [x.left, x.right];
      case 'union': return [...x.inputs];
      case 'recursiveCte': return [x.seed, x.recursive];
      default: return [x.input];
    }
  };
  for (const c of children(p)) out.push(...logicalNodes(c));
  return out;
}

function physicalNodes(p: PhysicalPlan): PhysicalPlan[] {
  return [p, ...(p.kind === 'gather' ? [p.fragment] : planInputs(p)).flatMap(physicalNodes)];
}

function scanOf(plan: PhysicalPlan): Extract<PhysicalPlan, { kind: 'scan' }> {
  return physicalNodes(plan).find((n) => n.kind === 'scan') as Extract<PhysicalPlan, { kind: 'scan' }>;
}

function gatherOf(plan: PhysicalPlan): Extract<PhysicalPlan, { kind: 'gather' }> {
  return physicalNodes(plan).find((n) => n.kind === 'gather') as Extract<PhysicalPlan, { kind: 'gather' }>;
}

const errnoOf = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
};

describe('row constructors on keys', () => {
  it('(id, k) = (…) seeks the primary key and routes to one partition, as id = … AND k = … does', () => {
    for (const sql of ['SELECT v FROM kv WHERE (id, k) = (5, 7)', 'SELECT v FROM kv WHERE id = 5 AND k = 7']) {
      const plan = distribute(bind(sql));
      expect(scanOf(plan).access, sql).toMatchObject({ kind: 'point', index: 0 });
      expect(gatherOf(plan).routing.kind, sql).toBe('shardKey');
    }
  });

  it('(id, k) IN ((…), (…)) seeks each tuple and routes to their partitions only', () => {
    const plan = distribute(bind('SELECT v FROM kv WHERE (k, id) IN ((7, 5), (7, 6), (1, 9)) AND v > \'a\''));
    const access = scanOf(plan).access;
    expect(access.kind).toBe('point');
    // keys in index order (id, k) whatever order the row named them in
    expect(access.kind === 'point' && access.keys.map((k) => k.map((e) => (e as { value?: unknown; slot?: number }).slot))).toEqual([[1, 0], [3, 2], [5, 4]]);
    const routing = gatherOf(plan).routing;
    expect(routing.kind === 'shardKeys' && routing.tuples.length).toBe(3);
  });

  it('a row that fixes the shard key but not the whole primary key routes without seeking; other ORs do neither', () => {
    const partial = distribute(bind('SELECT v FROM kv WHERE (id, v) IN ((5, \'a\'), (6, \'b\'))'));
    expect(scanOf(partial).access.kind).toBe('full');
    const routing = gatherOf(partial).routing;
    expect(routing.kind === 'shardKeys' && routing.tuples.length).toBe(2);
    expect(gatherOf(distribute(bind('SELECT v FROM kv WHERE (id, k) IN ((5, 7)) OR k = 1'))).routing.kind).toBe('all');
  });
});

describe('row IN (SELECT …)', () => {
  it('is two correlated EXISTS over the subquery filtered by the row equality', () => {
    const plan = bind('SELECT a FROM t WHERE (a, b) IN (SELECT id, v FROM kv)');
    const filter = logicalNodes(plan).find((n) => n.kind === 'filter')!;
    const pred = filter.kind === 'filter' ? filter.predicate : null;
    expect(pred?.kind).toBe('case');
    const subs: BoundExpr[] = [];
    const visit = (e: BoundExpr): void => {
      if (e.kind === 'subquery') subs.push(e);
      mapChildren(e, (c) => (visit(c), c));
    };
    visit(pred!);
    expect(subs.map((s) => s.kind === 'subquery' && [s.mode, s.correlated])).toEqual([['exists', true], ['exists', true]]);
  });

  it('checks the arity: 1241', () => {
    expect(errnoOf(() => bind('SELECT a FROM t WHERE (a, b) IN (SELECT id FROM kv)'))).toBe(1241);
    expect(errnoOf(() => bind('SELECT a FROM t WHERE (a, b) IN ((1, 2), (3))'))).toBe(1241);
  });
});

describe('WITH', () => {
  it('inlines a CTE where it is read, so each read is a plan of its own over the table', () => {
    const plan = bind('WITH c AS (SELECT a FROM t WHERE a > 1) SELECT x.a FROM c AS x JOIN c AS y ON y.a = x.a');
    expect(logicalNodes(plan).filter((n) => n.kind === 'get')).toHaveLength(2);
  });

  it('a filter on a CTE or derived table still seeks the key and routes to one partition', () => {
    for (const sql of [
      'WITH c AS (SELECT * FROM kv) SELECT v FROM c WHERE id = 5 AND k = 7',
      'SELECT v FROM (SELECT id AS i, k AS j, v FROM kv) AS d WHERE (i, j) = (5, 7)',
    ]) {
      const plan = distribute(bind(sql));
      expect(scanOf(plan).access.kind, sql).toBe('point');
      expect(gatherOf(plan).routing.kind, sql).toBe('shardKey');
    }
    // not through a computed column
    const computed = distribute(bind('SELECT w FROM (SELECT id + 0 AS w FROM kv) AS d WHERE w = 5'));
    expect(gatherOf(computed).routing.kind).toBe('all');
  });

  it('a CTE shadows the table of its name', () => {
    const plan = bind('WITH t AS (SELECT 1 AS z) SELECT z FROM t');
    expect(logicalNodes(plan).some((n) => n.kind === 'get')).toBe(false);
  });

  it('WITH RECURSIVE: seed, then a recursive part reading the work table, cast to the seed types', () => {
    const plan = bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r');
    const rec = logicalNodes(plan).find((n) => n.kind === 'recursiveCte');
    expect(rec?.kind === 'recursiveCte' && rec.distinct).toBe(false);
    const inner = rec?.kind === 'recursiveCte' ? logicalNodes(rec.recursive) : [];
    const work = inner.find((n) => n.kind === 'workTable');
    expect(work?.kind === 'workTable' && rec?.kind === 'recursiveCte' && work.id === rec.id).toBe(true);
    expect(rec?.types).toEqual(rec?.kind === 'recursiveCte' ? rec.seed.types : null);
    expect(rec?.kind === 'recursiveCte' && rec.recursive.types).toEqual(rec?.types);
  });

  it('UNION DISTINCT anywhere in the recursive CTE dedupes its rows', () => {
    const plan = bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION SELECT n FROM r) SELECT n FROM r');
    const rec = logicalNodes(plan).find((n) => n.kind === 'recursiveCte');
    expect(rec?.kind === 'recursiveCte' && rec.distinct).toBe(true);
  });

  it('gives MySQL 8 errors for recursive parts that cannot run round by round', () => {
    expect(errnoOf(() => bind('WITH RECURSIVE r AS (SELECT 1 AS n FROM r) SELECT * FROM r'))).toBe(3573);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT n FROM r UNION ALL SELECT 1) SELECT * FROM r'))).toBe(3574);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT SUM(n) FROM r) SELECT * FROM r'))).toBe(3575);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n FROM t LEFT JOIN r ON r.n = t.a) SELECT * FROM r'))).toBe(3576);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT x.n FROM r AS x JOIN r AS y ON 1) SELECT * FROM r'))).toBe(3577);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n FROM r WHERE n IN (SELECT n FROM r)) SELECT * FROM r'))).toBe(3577);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n FROM r LIMIT 1 ORDER BY 1) SELECT * FROM r'))).toBe(1064);
    expect(errnoOf(() => bind('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n FROM r ORDER BY 1) SELECT * FROM r'))).toBe(1235);
    expect(errnoOf(() => bind('WITH c AS (SELECT 1), c AS (SELECT 2) SELECT * FROM c'))).toBe(1066);
    expect(errnoOf(() => bind('WITH c (x, y) AS (SELECT 1) SELECT * FROM c'))).toBe(1353);
  });
});

describe('INTERSECT / EXCEPT and LATERAL plans', () => {
  it('a set operation runs on the aggregator over both sides cast to the unified types', () => {
    const plan = distribute(bind("SELECT a FROM t INTERSECT ALL SELECT 'x'"));
    expect(plan.kind === 'setOp' && [plan.op, plan.all]).toEqual(['intersect', true]);
    expect(plan.kind === 'setOp' && plan.left.types).toEqual(plan.types);
    expect(plan.kind === 'setOp' && plan.right.types).toEqual(plan.types);
  });

  it('LATERAL: the derived table reads the left row as its enclosing row (outer, depth 1)', () => {
    const plan = bind('SELECT t.a, d.c FROM t LEFT JOIN LATERAL (SELECT COUNT(*) AS c FROM kv WHERE kv.id = t.a) AS d ON TRUE');
    const ap = logicalNodes(plan).find((n) => n.kind === 'apply');
    expect(ap?.kind === 'apply' && ap.type).toBe('left');
    const outers: BoundExpr[] = [];
    if (ap?.kind === 'apply') {
      forEachPlanExpr(ap.right, function visit(e: BoundExpr): void {
        if (e.kind === 'outer') outers.push(e);
        mapChildren(e, (c) => (visit(c), c));
      });
    }
    expect(outers).toEqual([{ kind: 'outer', depth: 1, index: 0, type: INT }]);
  });

  it('without LATERAL the left table is not visible: 1054', () => {
    expect(errnoOf(() => bind('SELECT * FROM t, (SELECT COUNT(*) AS c FROM kv WHERE kv.id = t.a) AS d'))).toBe(1054);
  });
});
