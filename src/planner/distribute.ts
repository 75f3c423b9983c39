import type { SqlType } from '../common/types.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { Access, AggSpec, PhysicalPlan, Routing, SortKey } from '../common/ir/physical.js';
import { isSplittable, aggStateTypes } from '../common/ir/physical.js';
import { assertNever } from '../common/assert.js';
import type { TableDef } from '../cluster/catalog.js';
import type { LogicalPlan } from './logical.js';
import { mapChildren } from './binder.js';
import { compareKind, BIGINT } from './typing.js';
import { pruneColumns } from './prune-columns.js';
import { mapWindowExprs, windowExprs } from '../common/ir/window.js';
import { orderJoins } from './join-order.js';
import { andOf, conjuncts, forEachColumn, hasSubquery, isRunConstant, remapColumns, shiftColumns } from './plan-exprs.js';

/**
 * Logical → physical, deciding what runs where. A chain of filters and projections over one
 * table becomes a leaf fragment under a `gather`; above it, aggregates split into partial
 * (leaf) and final (aggregator), ORDER BY … LIMIT into top-N on both sides, and plain LIMIT is
 * pushed as well. Joins run on the aggregator over gathered inputs for now.
 */
export function distribute(plan: LogicalPlan): PhysicalPlan {
  return pruneColumns(new Distributor().plan(orderJoins(plan)));
}

class Distributor {
  plan(p: LogicalPlan): PhysicalPlan {
    switch (p.kind) {
      case 'get':
        return this.gather(p.table, this.scan(p.table, null), null);
      case 'rowset':
        return { kind: 'rowset', rows: p.rows, types: p.types };
      case 'values':
        return { kind: 'values', rows: p.rows.map((r) => r.map((e) => this.expr(e))), types: p.types };
      case 'filter': {
        // A filter over a derived table's or CTE's projection filters its rows below it, so
        // that it still chooses the index and the partitions (WITH c AS (SELECT * FROM t) … WHERE id = 5).
        const below = filterBelowProject(p);
        if (below) return this.plan(below);
        const chain = this.leafChain(p);
        if (chain) return this.gather(chain.table, chain.fragment, chain.filter);
        return this.filterOver(p);
      }
      case 'project': {
        // A projection over one that only picks columns (join_order's restored column order):
        // one projection. Not with a subquery above, which reads its input row by position.
        if (p.input.kind === 'project' && p.input.exprs.every((e) => e.kind === 'column') && !p.exprs.some(hasSubquery)) {
          const picks = p.input.exprs as readonly (BoundExpr & { kind: 'column' })[];
          return this.plan({ ...p, input: p.input.input, exprs: p.exprs.map((e) => remapColumns(e, (i) => picks[i]!.index)) });
        }
        const chain = this.leafChain(p);
        if (chain) return this.gather(chain.table, chain.fragment, chain.filter);
        return { kind: 'project', input: this.plan(p.input), exprs: p.exprs.map((e) => this.expr(e)), types: p.types };
      }
      case 'aggregate':
        return this.aggregate(p);
      case 'sort':
        return { kind: 'sort', input: this.plan(p.input), keys: p.keys.map((k) => this.sortKey(k)), types: p.types };
      case 'limit':
        return this.limit(p);
      case 'distinct': {
        const chain = this.leafChain(p.input);
        if (chain) {
          const frag: PhysicalPlan = { kind: 'distinct', input: chain.fragment, types: p.types };
          return { kind: 'distinct', input: this.gather(chain.table, frag, chain.filter), types: p.types };
        }
        return { kind: 'distinct', input: this.plan(p.input), types: p.types };
      }
      case 'join':
        return this.join(p);
      case 'union':
        return { kind: 'unionAll', inputs: p.inputs.map((i) => this.plan(i)), types: p.types };
      // Set operations, recursive CTEs and LATERAL run on the aggregator over gathered inputs.
      case 'setOp':
        return { kind: 'setOp', op: p.op, all: p.all, left: this.plan(p.left), right: this.plan(p.right), types: p.types };
      case 'recursiveCte':
        return { kind: 'recursiveCte', id: p.id, distinct: p.distinct, seed: this.plan(p.seed), recursive: this.plan(p.recursive), types: p.types };
      case 'workTable':
        return { kind: 'workTable', id: p.id, name: p.name, types: p.types };
      case 'apply':
        return { kind: 'apply', type: p.type, left: this.plan(p.left), right: this.plan(p.right), condition: p.condition ? this.expr(p.condition) : null, types: p.types };
      case 'window': {
        // Partitioned by the shard key: every window partition lies in one table partition.
        const chain = this.leafChain(p);
        if (chain) return this.gather(chain.table, chain.fragment, chain.filter);
        return { ...mapWindowExprs(p, (e) => this.expr(e)), input: this.plan(p.input) };
      }
      default:
        return assertNever(p, 'logical plan');
    }
  }

  /** Pushes single-side conjuncts of a filter over an inner join into the join's inputs. */
  private filterOver(p: LogicalPlan & { kind: 'filter' }): PhysicalPlan {
    if (p.input.kind === 'join' && (p.input.type === 'inner' || p.input.type === 'left')) {
      const join = p.input;
      const leftWidth = join.left.types.length;
      const leftConds: BoundExpr[] = [];
      const rightConds: BoundExpr[] = [];
      const rest: BoundExpr[] = [];
      for (const c of conjuncts(p.predicate)) {
        const side = sideOf(c, leftWidth);
        if (side === 'left' && !hasSubquery(c)) leftConds.push(c);
        else if (side === 'right' && join.type === 'inner' && !hasSubquery(c)) rightConds.push(shiftColumns(c, -leftWidth));
        else rest.push(c);
      }
      if (leftConds.length || rightConds.length) {
        const left: LogicalPlan = leftConds.length ? { kind: 'filter', input: join.left, predicate: andOf(leftConds), types: join.left.types } : join.left;
        const right: LogicalPlan = rightConds.length ? { kind: 'filter', input: join.right, predicate: andOf(rightConds), types: join.right.types } : join.right;
        const newJoin: LogicalPlan = { ...join, left, right };
        if (rest.length === 0) return this.plan(newJoin);
        return { kind: 'filter', input: this.plan(newJoin), predicate: this.expr(andOf(rest)), types: p.types };
      }
    }
    return { kind: 'filter', input: this.plan(p.input), predicate: this.expr(p.predicate), types: p.types };
  }

  private aggregate(p: LogicalPlan & { kind: 'aggregate' }): PhysicalPlan {
    const chain = this.leafChain(p.input);
    const groupBy = p.groupBy.map((e) => this.expr(e));
    const aggs = p.aggs.map((a) => this.aggSpec(a));
    if (chain && aggs.every(isSplittable) && groupBy.every(leafSafe) && aggs.every((a) => a.args.every(leafSafe))) {
      const partialTypes: SqlType[] = [...groupBy.map((g) => g.type), ...aggs.flatMap((a) => aggStateTypes(a))];
      const partial: PhysicalPlan = { kind: 'hashAgg', input: chain.fragment, mode: 'partial', groupBy, aggs, types: partialTypes };
      const finalGroupBy = groupBy.map((g, i): BoundExpr => ({ kind: 'column', index: i, type: g.type }));
      return { kind: 'hashAgg', input: this.gather(chain.table, partial, chain.filter), mode: 'final', groupBy: finalGroupBy, aggs, types: p.types };
    }
    return { kind: 'hashAgg', input: this.plan(p.input), mode: 'single', groupBy, aggs, types: p.types };
  }

  private limit(p: LogicalPlan & { kind: 'limit' }): PhysicalPlan {
    const count = p.count ? this.expr(p.count) : null;
    const offset = p.offset ? this.expr(p.offset) : null;
    const leafCount: BoundExpr | null = count && offset ? { kind: 'arith', op: '+', left: count, right: offset, type: BIGINT, text: 'limit' } : count;
    // ORDER BY … LIMIT: top-N on every partition, then on the aggregator.
    if (p.input.kind === 'sort' && leafCount) {
      const sort = p.input;
      const chain = this.leafChain(sort.input);
      const keys = sort.keys.map((k) => this.sortKey(k));
      if (chain && keys.every((k) => leafSafe(k.expr))) {
        const frag: PhysicalPlan = { kind: 'topN', input: chain.fragment, keys, count: leafCount, offset: null, types: sort.types };
        return { kind: 'topN', input: this.gather(chain.table, frag, chain.filter), keys, count: count!, offset, types: p.types };
      }
      return { kind: 'topN', input: this.plan(sort.input), keys, count: count!, offset, types: p.types };
    }
    const chain = this.leafChain(p.input);
    if (chain && leafCount) {
      const frag: PhysicalPlan = { kind: 'limit', input: chain.fragment, count: leafCount, offset: null, types: p.types };
      return { kind: 'limit', input: this.gather(chain.table, frag, chain.filter), count, offset, types: p.types };
    }
    return { kind: 'limit', input: this.plan(p.input), count, offset, types: p.types };
  }

  private join(p: LogicalPlan & { kind: 'join' }): PhysicalPlan {
    const left = this.plan(p.left);
    const right = this.plan(p.right);
    const leftWidth = p.left.types.length;
    const leftKeys: BoundExpr[] = [];
    const rightKeys: BoundExpr[] = [];
    const residual: BoundExpr[] = [];
    for (const c of p.condition ? conjuncts(p.condition) : []) {
      // An equality of one side with the other is a hash key when hashing agrees with SQL `=`.
      if (c.kind === 'compare' && c.op === '=') {
        const ls = sideOf(c.left, leftWidth);
        const rs = sideOf(c.right, leftWidth);
        const pair = ls === 'left' && rs === 'right' ? [c.left, c.right] : ls === 'right' && rs === 'left' ? [c.right, c.left] : null;
        if (pair) {
          const l = this.expr(pair[0]!);
          const r = this.expr(shiftColumns(pair[1]!, -leftWidth));
          if (keysComparable([l], [r])) {
            leftKeys.push(l);
            rightKeys.push(r);
            continue;
          }
        }
      }
      residual.push(this.expr(c));
    }
    if (leftKeys.length > 0) {
      return { kind: 'hashJoin', type: p.type, left, right, leftKeys, rightKeys, residual: residual.length ? andOf(residual) : null, types: p.types };
    }
    return { kind: 'nestedLoopJoin', type: p.type, left, right, condition: p.condition ? this.expr(p.condition) : null, types: p.types };
  }

  /**
   * A chain of filters and projections over one table, with leaf-safe expressions: it becomes
   * a fragment. The innermost filter also chooses the access path and the routing.
   */
  private leafChain(p: LogicalPlan): { table: TableDef; fragment: PhysicalPlan; filter: BoundExpr | null } | null {
    switch (p.kind) {
      case 'get':
        return { table: p.table, fragment: this.scan(p.table, null), filter: null };
      case 'filter': {
        if (!leafSafe(p.predicate)) return null;
        const below = filterBelowProject(p);
        if (below) return this.leafChain(below);
        // A filter over a view's or derived table's own WHERE: one predicate, so the key terms
        // of either choose the access path and the partitions.
        if (p.input.kind === 'filter') return this.leafChain({ ...p, input: p.input.input, predicate: andOf([...conjuncts(p.input.predicate), ...conjuncts(p.predicate)]) });
        if (p.input.kind === 'get') {
          const predicate = this.expr(p.predicate);
          return { table: p.input.table, fragment: { kind: 'filter', input: this.scan(p.input.table, predicate), predicate, types: p.types }, filter: predicate };
        }
        const inner = this.leafChain(p.input);
        if (!inner) return null;
        return { ...inner, fragment: { kind: 'filter', input: inner.fragment, predicate: this.expr(p.predicate), types: p.types } };
      }
      case 'project': {
        if (!p.exprs.every(leafSafe)) return null;
        const inner = this.leafChain(p.input);
        if (!inner) return null;
        return { ...inner, fragment: { kind: 'project', input: inner.fragment, exprs: p.exprs.map((e) => this.expr(e)), types: p.types } };
      }
      case 'window': {
        if (!windowExprs(p).every(leafSafe)) return null;
        const inner = this.leafChain(p.input);
        if (!inner || !partitionedByShardKey(inner.table, p)) return null;
        return { ...inner, fragment: { ...mapWindowExprs(p, (e) => this.expr(e)), input: inner.fragment } };
      }
      default:
        return null;
    }
  }

  private scan(table: TableDef, filter: BoundExpr | null): PhysicalPlan {
    return {
      kind: 'scan',
      db: table.db,
      tableId: table.id,
      table: table.name,
      columns: table.columns.map((_, i) => i),
      access: chooseAccess(table, filter),
      types: table.columns.map((c) => c.type),
    };
  }

  private gather(table: TableDef, fragment: PhysicalPlan, filter: BoundExpr | null): PhysicalPlan {
    return { kind: 'gather', db: table.db, fragment, routing: chooseRouting(table, filter), types: fragment.types };
  }

  private sortKey(k: SortKey): SortKey {
    return { expr: this.expr(k.expr), desc: k.desc };
  }

  private aggSpec(a: AggSpec): AggSpec {
    return { ...a, args: a.args.map((e) => this.expr(e)), ...(a.orderBy ? { orderBy: a.orderBy.map((k) => this.sortKey(k)) } : {}) };
  }

  /** Converts the logical plans inside subquery expressions. */
  expr(e: BoundExpr): BoundExpr {
    if (e.kind === 'subquery' || e.kind === 'inSubquery') {
      const plan = this.plan(e.plan as unknown as LogicalPlan);
      const mapped = e.kind === 'inSubquery' ? { ...e, arg: this.expr(e.arg), plan } : { ...e, plan };
      return mapped;
    }
    return mapChildren(e, (c) => this.expr(c));
  }
}

// ───────────────────────────── helpers ─────────────────────────────

/**
 * filter(project(x)) → project(filter(x)) when every column the predicate reads is a column the
 * projection passes on as it is (and the predicate has no subquery, which reads its input row by
 * position); null otherwise.
 */
function filterBelowProject(p: LogicalPlan & { kind: 'filter' }): LogicalPlan | null {
  const proj = p.input;
  if (proj.kind !== 'project' || hasSubquery(p.predicate)) return null;
  let passes = true;
  forEachColumn(p.predicate, (i) => {
    if (proj.exprs[i]?.kind !== 'column') passes = false;
  });
  if (!passes) return null;
  const predicate = remapColumns(p.predicate, (i) => (proj.exprs[i] as BoundExpr & { kind: 'column' }).index);
  return { ...proj, input: { kind: 'filter', input: proj.input, predicate, types: proj.input.types } };
}

/** Expressions a leaf can evaluate: no outer references and no subqueries. */
export function leafSafe(e: BoundExpr): boolean {
  if (e.kind === 'outer' || e.kind === 'subquery' || e.kind === 'inSubquery') return false;
  let ok = true;
  mapChildren(e, (c) => {
    if (ok && !leafSafe(c)) ok = false;
    return c;
  });
  return ok;
}

/** Does every shard-key column of `table` appear, as itself, among the window's PARTITION BY? */
function partitionedByShardKey(table: TableDef, w: LogicalPlan & { kind: 'window' }): boolean {
  if (table.shardKey.length === 0 || table.reference) return false;
  const cols = w.partitionBy.map((e) => (e.kind === 'column' ? tableColumnOf(w.input, e.index) : undefined));
  return table.shardKey.every((c) => cols.includes(c));
}

/** The table column that output column i of a leaf chain passes through unchanged, if any. */
function tableColumnOf(p: LogicalPlan, i: number): number | undefined {
  switch (p.kind) {
    case 'get':
      return i;
    case 'filter':
      return tableColumnOf(p.input, i);
    case 'project': {
      const e = p.exprs[i];
      return e?.kind === 'column' ? tableColumnOf(p.input, e.index) : undefined;
    }
    case 'window':
      return i < p.input.types.length ? tableColumnOf(p.input, i) : undefined;
    default:
      return undefined;
  }
}

/** Which join input an expression reads: 'left', 'right', 'both', or 'none'. */
function sideOf(e: BoundExpr, leftWidth: number): 'left' | 'right' | 'both' | 'none' {
  let left = false;
  let right = false;
  const visit = (x: BoundExpr): void => {
    if (x.kind === 'column') {
      if (x.index < leftWidth) left = true;
      else right = true;
    }
    if (x.kind === 'subquery' || x.kind === 'inSubquery' || x.kind === 'outer') {
      left = true;
      right = true;
    }
    mapChildren(x, (c) => {
      visit(c);
      return c;
    });
  };
  visit(e);
  return left && right ? 'both' : left ? 'left' : right ? 'right' : 'none';
}

function keysComparable(l: readonly BoundExpr[], r: readonly BoundExpr[]): boolean {
  // Hash equality must agree with SQL equality: only join on keys of the same comparison class.
  return l.every((x, i) => {
    const k = compareKind(x.type, r[i]!.type);
    return k === compareKind(x.type, x.type) && k === compareKind(r[i]!.type, r[i]!.type);
  });
}

/** Equality and range facts of a filter about single columns, usable for index access. */
interface ColumnFacts {
  eq: Map<number, BoundExpr>;
  inList: Map<number, readonly BoundExpr[]>;
  lo: Map<number, { value: BoundExpr; inclusive: boolean }>;
  hi: Map<number, { value: BoundExpr; inclusive: boolean }>;
  /**
   * `(a, b) IN ((1, 2), (3, 4))` (bound as an OR of ANDs of equalities): the same columns fixed
   * by each alternative, and their values per alternative.
   */
  tuples: { cols: readonly number[]; rows: readonly ReadonlyMap<number, BoundExpr>[] } | null;
}

function columnFacts(table: TableDef, filter: BoundExpr | null): ColumnFacts {
  const facts: ColumnFacts = { eq: new Map(), inList: new Map(), lo: new Map(), hi: new Map(), tuples: null };
  if (!filter) return facts;
  const usable = (col: number, value: BoundExpr, cmp: string): boolean => {
    const ct = table.columns[col]!.type;
    if (!isRunConstant(value)) return false;
    // The index orders by the column's own comparison; use it when the filter compares the same
    // way, or compares an integer column as DOUBLE or DECIMAL (mysql2 sends every JS number as a
    // DOUBLE parameter): the leaf turns such a key into the integers it can equal (none for 2.5)
    // or the integer range it bounds, and the filter above still decides each row.
    if (ct.kind === 'int' && (cmp === 'double' || cmp === 'decimal') && compareKind(ct, value.type) === cmp) return true;
    return cmp === compareKind(ct, ct) && compareKind(ct, value.type) === cmp;
  };
  for (const c of conjuncts(filter)) {
    if (c.kind === 'compare' && c.op !== '<>' && c.op !== '<=>') {
      let col: number | undefined;
      let value: BoundExpr;
      let op = c.op;
      if (c.left.kind === 'column') {
        col = c.left.index;
        value = c.right;
      } else if (c.right.kind === 'column') {
        col = c.right.index;
        value = c.left;
        op = op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
      } else continue;
      if (!usable(col, value, c.cmp)) continue;
      if (op === '=') facts.eq.set(col, value);
      else if (op === '>' || op === '>=') facts.lo.set(col, { value, inclusive: op === '>=' });
      else facts.hi.set(col, { value, inclusive: op === '<=' });
    } else if (c.kind === 'inList' && !c.not && c.arg.kind === 'column') {
      const col = c.arg.index;
      if (c.list.every((v) => usable(col, v, c.cmp))) facts.inList.set(col, c.list);
    } else if (c.kind === 'or' && facts.tuples === null) {
      facts.tuples = tupleAlternatives(c.args, usable);
    }
  }
  return facts;
}

/** Each alternative an AND of `column = value`, all over the same columns; else null. */
function tupleAlternatives(
  alternatives: readonly BoundExpr[],
  usable: (col: number, value: BoundExpr, cmp: string) => boolean,
): ColumnFacts['tuples'] {
  const rows: Map<number, BoundExpr>[] = [];
  let cols: number[] | null = null;
  for (const alt of alternatives) {
    const row = new Map<number, BoundExpr>();
    for (const c of conjuncts(alt)) {
      if (c.kind !== 'compare' || c.op !== '=') return null;
      const [col, value] = c.left.kind === 'column' ? [c.left.index, c.right] : c.right.kind === 'column' ? [c.right.index, c.left] : [-1, c.left];
      if (col < 0 || row.has(col) || !usable(col, value, c.cmp)) return null;
      row.set(col, value);
    }
    const these = [...row.keys()].sort((x, y) => x - y);
    if (cols === null) cols = these;
    else if (these.length !== cols.length || these.some((x, i) => x !== cols![i])) return null;
    rows.push(row);
  }
  return cols === null ? null : { cols, rows };
}

export function chooseAccess(table: TableDef, filter: BoundExpr | null): Access {
  const facts = columnFacts(table, filter);
  // Point access on a unique index whose every column is fixed (primary key first).
  for (let i = 0; i < table.indexes.length; i++) {
    const ix = table.indexes[i]!;
    if (!ix.unique) continue;
    if (ix.columns.every((c) => facts.eq.has(c))) {
      return { kind: 'point', index: i, keys: [ix.columns.map((c) => facts.eq.get(c)!)] };
    }
    if (ix.columns.length === 1 && facts.inList.has(ix.columns[0]!)) {
      return { kind: 'point', index: i, keys: facts.inList.get(ix.columns[0]!)!.map((v) => [v]) };
    }
    const tuples = facts.tuples;
    if (tuples && ix.columns.every((c) => tuples.cols.includes(c))) {
      return { kind: 'point', index: i, keys: tuples.rows.map((r) => ix.columns.map((c) => r.get(c)!)) };
    }
  }
  // Range (or equality prefix) on the leading column of an ordered index.
  for (let i = 0; i < table.indexes.length; i++) {
    const ix = table.indexes[i]!;
    const first = ix.columns[0]!;
    if (facts.eq.has(first)) {
      const v = facts.eq.get(first)!;
      return { kind: 'range', index: i, lo: { key: [v], inclusive: true }, hi: { key: [v], inclusive: true }, reverse: false };
    }
    const lo = facts.lo.get(first);
    const hi = facts.hi.get(first);
    if (lo || hi) {
      return {
        kind: 'range',
        index: i,
        ...(lo ? { lo: { key: [lo.value], inclusive: lo.inclusive } } : {}),
        ...(hi ? { hi: { key: [hi.value], inclusive: hi.inclusive } } : {}),
        reverse: false,
      };
    }
  }
  return { kind: 'full' };
}

export function chooseRouting(table: TableDef, filter: BoundExpr | null): Routing {
  if (table.singlePartition) return { kind: 'partition', partition: 0 };
  if (table.shardKey.length === 0 || table.reference) return { kind: 'all' };
  const facts = columnFacts(table, filter);
  if (table.shardKey.every((c) => facts.eq.has(c))) {
    return { kind: 'shardKey', values: table.shardKey.map((c) => facts.eq.get(c)!) };
  }
  if (table.shardKey.length === 1 && facts.inList.has(table.shardKey[0]!)) {
    return { kind: 'shardKeys', tuples: facts.inList.get(table.shardKey[0]!)!.map((v) => [v]) };
  }
  const tuples = facts.tuples;
  if (tuples && table.shardKey.every((c) => tuples.cols.includes(c))) {
    return { kind: 'shardKeys', tuples: tuples.rows.map((r) => table.shardKey.map((c) => r.get(c)!)) };
  }
  return { kind: 'all' };
}
