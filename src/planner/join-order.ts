/**
 * Rule `join_order`: orders each tree of inner joins by a bounded search over its join graph.
 *
 * The binder builds joins as written: comma joins are inner joins with no condition and the
 * WHERE sits above them, so `FROM t1, t2, …, t20 WHERE a1 = b2 AND …` would run as a cross
 * product filtered at the end. This rule flattens a tree of inner joins into its relations and
 * predicates (the ON conditions and the WHERE conjuncts above it), puts each single-relation
 * predicate on its relation (where the leaves filter and choose an index), and orders the
 * relations left-deep:
 * - by dynamic programming over subsets up to DP_MAX_RELATIONS relations (the cheapest order
 *   under the estimates), greedily beyond (from each start relation, adding the relation that
 *   keeps the intermediate result smallest; within a planning-time budget);
 * - never joining a relation that no predicate connects while one that is connected is left
 *   (a cross product only between disconnected parts of the graph).
 * Each predicate lands on the lowest join that has all its relations: equalities between the
 * two sides become hash-join keys (distribute), the rest residual conditions.
 *
 * Estimates need no statistics (the aggregator has no row counts): a base table is
 * DEFAULT_TABLE_ROWS rows, equality on a unique key keeps one, other predicates keep a fixed
 * fraction, and an equi-join on a unique key keeps the other side's rows. The plan is a pure
 * function of the query and the schema, so it caches like any plan.
 *
 * Outer joins keep their semantics: a LEFT JOIN is one relation of the tree above it (never
 * reordered across), WHERE conjuncts over its preserved side move into that side, and ON
 * conjuncts over its inner side alone move into the inner side. Predicates holding a subquery
 * stay above the joins, over the original column order: a correlated subquery reads its outer
 * row by position. The joins' output keeps the FROM order of columns (a projection restores it
 * when the order changed), so `SELECT *` and everything above the joins are unchanged.
 */
import type { BoundExpr } from '../common/ir/expr.js';
import { assertNever } from '../common/assert.js';
import type { TableDef } from '../cluster/catalog.js';
import type { LogicalPlan } from './logical.js';
import { mapChildren } from './binder.js';
import { andOf, conjuncts, forEachColumn, hasSubquery, isRunConstant, remapColumns, shiftColumns } from './plan-exprs.js';
import { mapWindowExprs } from '../common/ir/window.js';

/** Up to this many relations the order is the best under the estimates (2^n · n steps). */
export const DP_MAX_RELATIONS = 10;
/** The greedy search tries up to this many start relations (the smallest estimates first)… */
const GREEDY_MAX_STARTS = 8;
/** …and another only while planning has taken less than this. */
const GREEDY_BUDGET_MS = 10;
/** Rows assumed for a base table (the aggregator keeps no row counts). */
const DEFAULT_TABLE_ROWS = 1000;
/** Distinct values assumed for a non-unique column: rows / this. */
const NON_UNIQUE_DIVISOR = 10;

export function orderJoins(plan: LogicalPlan): LogicalPlan {
  return rewrite(plan);
}

// ───────────────────────────── walking the plan ─────────────────────────────

function rewrite(p: LogicalPlan): LogicalPlan {
  switch (p.kind) {
    case 'get':
    case 'rowset':
      return p;
    case 'values':
      return { ...p, rows: p.rows.map((r) => r.map(rewriteExpr)) };
    case 'filter':
      if (p.input.kind === 'join') return planJoins(p.input, conjuncts(p.predicate));
      return { ...p, input: rewrite(p.input), predicate: rewriteExpr(p.predicate) };
    case 'join':
      return planJoins(p, []);
    case 'project':
      return { ...p, input: rewrite(p.input), exprs: p.exprs.map(rewriteExpr) };
    case 'aggregate':
      return {
        ...p,
        input: rewrite(p.input),
        groupBy: p.groupBy.map(rewriteExpr),
        aggs: p.aggs.map((a) => ({ ...a, args: a.args.map(rewriteExpr), ...(a.orderBy ? { orderBy: a.orderBy.map((k) => ({ ...k, expr: rewriteExpr(k.expr) })) } : {}) })),
      };
    case 'sort':
      return { ...p, input: rewrite(p.input), keys: p.keys.map((k) => ({ ...k, expr: rewriteExpr(k.expr) })) };
    case 'limit':
    case 'distinct':
      return { ...p, input: rewrite(p.input) };
    case 'window':
      return { ...mapWindowExprs(p, rewriteExpr), input: rewrite(p.input) };
    case 'union':
      return { ...p, inputs: p.inputs.map(rewrite) };
    case 'setOp':
      return { ...p, left: rewrite(p.left), right: rewrite(p.right) };
    case 'recursiveCte':
      return { ...p, seed: rewrite(p.seed), recursive: rewrite(p.recursive) };
    case 'workTable':
      return p;
    case 'apply':
      return { ...p, left: rewrite(p.left), right: rewrite(p.right), condition: p.condition ? rewriteExpr(p.condition) : null };
    default:
      return assertNever(p, 'logical plan');
  }
}

/** Orders the joins inside subquery plans (they are logical plans until distribute). */
function rewriteExpr(e: BoundExpr): BoundExpr {
  if (e.kind === 'subquery' || e.kind === 'inSubquery') {
    const plan = rewrite(e.plan as unknown as LogicalPlan) as unknown as typeof e.plan;
    return e.kind === 'inSubquery' ? { ...e, arg: rewriteExpr(e.arg), plan } : { ...e, plan };
  }
  return mapChildren(e, rewriteExpr);
}

/**
 * A join input with predicates over its columns to apply: joins are planned, the rest filtered.
 * Predicates reach here unrewritten; each is rewritten (its subqueries' joins ordered) where it
 * is finally placed, once.
 */
function planInput(p: LogicalPlan, preds: readonly BoundExpr[]): LogicalPlan {
  if (p.kind === 'join') return planJoins(p, preds);
  if (p.kind === 'filter' && p.input.kind === 'join') return planJoins(p.input, [...conjuncts(p.predicate), ...preds]);
  const input = rewrite(p);
  return preds.length === 0 ? input : { kind: 'filter', input, predicate: andOf(preds), types: input.types };
}

function reorderable(j: LogicalPlan & { kind: 'join' }): boolean {
  return j.type === 'inner' && (j.condition === null || !hasSubquery(j.condition));
}

/**
 * Plans a join tree with `preds` (over its output columns) to apply on top. The result has the
 * join's output columns in the same order.
 */
function planJoins(j: LogicalPlan & { kind: 'join' }, preds: readonly BoundExpr[]): LogicalPlan {
  if (reorderable(j)) return planInnerJoins(j, preds);
  const leftWidth = j.left.types.length;
  const rest: BoundExpr[] = [];
  const toLeft: BoundExpr[] = [];
  const toRight: BoundExpr[] = [];
  const condition: BoundExpr[] = [];
  if (j.type === 'left') {
    // WHERE over the preserved side filters it before the join; over the inner side it must
    // see the NULLs of unmatched rows, so it stays above.
    for (const c of preds) (!hasSubquery(c) && sideOf(c, leftWidth) === 'left' ? toLeft : rest).push(c);
    // ON over the inner side alone decides which inner rows can match: filter them first.
    for (const c of j.condition ? conjuncts(j.condition) : []) {
      if (!hasSubquery(c) && sideOf(c, leftWidth) === 'right') toRight.push(shiftColumns(c, -leftWidth));
      else condition.push(rewriteExpr(c));
    }
  } else {
    rest.push(...preds);
    if (j.condition) condition.push(rewriteExpr(j.condition));
  }
  const join: LogicalPlan = {
    ...j,
    left: planInput(j.left, toLeft),
    right: planInput(j.right, toRight),
    condition: condition.length === 0 ? null : andOf(condition),
  };
  return rest.length === 0 ? join : { kind: 'filter', input: join, predicate: andOf(rest.map(rewriteExpr)), types: j.types };
}

function sideOf(e: BoundExpr, leftWidth: number): 'left' | 'right' | 'both' | 'none' {
  let left = false;
  let right = false;
  forEachColumn(e, (i) => {
    if (i < leftWidth) left = true;
    else right = true;
  });
  return left && right ? 'both' : left ? 'left' : right ? 'right' : 'none';
}

// ───────────────────────────── one tree of inner joins ─────────────────────────────

interface Relation {
  readonly plan: LogicalPlan;
  /** First column in the tree's output (FROM order). */
  readonly offset: number;
  readonly width: number;
}

/** A predicate over two or more relations, in the tree's output columns. */
export interface JoinPredicate {
  readonly expr: BoundExpr;
  readonly rels: readonly number[];
  /** Fraction of the combined rows it keeps. */
  readonly selectivity: number;
}

function planInnerJoins(root: LogicalPlan & { kind: 'join' }, preds: readonly BoundExpr[]): LogicalPlan {
  const relations: Relation[] = [];
  const all: BoundExpr[] = [];
  const flatten = (p: LogicalPlan, offset: number): void => {
    if (p.kind === 'join' && reorderable(p)) {
      flatten(p.left, offset);
      flatten(p.right, offset + p.left.types.length);
      if (p.condition) all.push(...conjuncts(p.condition).map((c) => shiftColumns(c, offset)));
    } else relations.push({ plan: p, offset, width: p.types.length });
  };
  flatten(root, 0);
  all.push(...preds);

  const relOf = columnOwner(relations);
  const local: BoundExpr[][] = relations.map(() => []);
  const multi: { expr: BoundExpr; rels: number[] }[] = [];
  const above: BoundExpr[] = [];
  for (const c of all) {
    if (hasSubquery(c)) {
      above.push(rewriteExpr(c));
      continue;
    }
    const rels = new Set<number>();
    forEachColumn(c, (i) => rels.add(relOf[i]!));
    if (rels.size === 0) above.push(c);
    else if (rels.size === 1) {
      const r = [...rels][0]!;
      local[r]!.push(shiftColumns(c, -relations[r]!.offset));
    } else multi.push({ expr: c, rels: [...rels].sort((a, b) => a - b) });
  }

  const planned = relations.map((r, i) => planInput(r.plan, local[i]!));
  const rows = planned.map(estimateRows);
  const joinPreds: JoinPredicate[] = multi.map((m) => ({ ...m, selectivity: predicateSelectivity(m.expr, relations, relOf, planned, rows) }));
  const order = relations.length <= DP_MAX_RELATIONS ? dpOrder(rows, joinPreds) : greedyOrder(rows, joinPreds);

  // Build the left-deep tree; each predicate goes on the first join that has all its relations.
  const newOffset = new Array<number>(relations.length).fill(-1);
  let tree = planned[order[0]!]!;
  newOffset[order[0]!] = 0;
  const placed = new Array<boolean>(joinPreds.length).fill(false);
  for (let k = 1; k < order.length; k++) {
    const r = order[k]!;
    const right = planned[r]!;
    newOffset[r] = tree.types.length;
    const conds: BoundExpr[] = [];
    joinPreds.forEach((p, i) => {
      if (placed[i] || !p.rels.every((x) => newOffset[x]! >= 0)) return;
      placed[i] = true;
      conds.push(remapColumns(p.expr, (c) => newOffset[relOf[c]!]! + c - relations[relOf[c]!]!.offset));
    });
    tree = { kind: 'join', type: 'inner', left: tree, right, condition: conds.length === 0 ? null : andOf(conds), types: [...tree.types, ...right.types] };
  }

  let out = tree;
  if (order.some((r, k) => r !== k)) {
    // Back to the FROM order of columns.
    const exprs = root.types.map((type, i): BoundExpr => ({ kind: 'column', index: newOffset[relOf[i]!]! + i - relations[relOf[i]!]!.offset, type }));
    out = { kind: 'project', input: tree, exprs, types: root.types };
  }
  return above.length === 0 ? out : { kind: 'filter', input: out, predicate: andOf(above), types: root.types };
}

/** Relation of each output column. */
function columnOwner(relations: readonly Relation[]): number[] {
  const owner: number[] = [];
  relations.forEach((r, i) => {
    for (let k = 0; k < r.width; k++) owner.push(i);
  });
  return owner;
}

// ───────────────────────────── search ─────────────────────────────

/**
 * Cost of a left-deep order: the rows of every join's result, plus the pairs a join with no
 * equality to hash on compares. (Scanning, building and probing with each relation once is the
 * same for every order.)
 */
interface Step {
  /** The product of the relations' rows and the predicates' selectivities: the same for any order of the same relations. */
  readonly product: number;
  /** Estimated rows of the result so far (at least one). */
  readonly rows: number;
  readonly cost: number;
}

function firstStep(rows: number): Step {
  return { product: rows, rows: Math.max(rows, 1), cost: 0 };
}

/** Relations reachable from `inside` by one predicate: predicates over r whose other relations are all inside. */
function completedBy(r: number, inside: (x: number) => boolean, preds: readonly JoinPredicate[], byRel: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const i of byRel[r]!) if (preds[i]!.rels.every((x) => x === r || inside(x))) out.push(i);
  return out;
}

function extend(prev: Step, rightRows: number, completed: readonly number[], preds: readonly JoinPredicate[], hashable: boolean): Step {
  let product = prev.product * rightRows;
  for (const i of completed) product *= preds[i]!.selectivity;
  const rows = Math.max(product, 1);
  const work = hashable ? 0 : prev.rows * rightRows;
  return { product, rows, cost: prev.cost + work + rows };
}

function predicatesByRelation(n: number, preds: readonly JoinPredicate[]): number[][] {
  const byRel: number[][] = Array.from({ length: n }, () => []);
  preds.forEach((p, i) => p.rels.forEach((r) => byRel[r]!.push(i)));
  return byRel;
}

/** Is some completed predicate an equality we can hash on (it needs exactly two relations)? */
function anyHashable(completed: readonly number[], preds: readonly JoinPredicate[]): boolean {
  return completed.some((i) => isEquality(preds[i]!.expr) && preds[i]!.rels.length === 2);
}

function isEquality(e: BoundExpr): boolean {
  return e.kind === 'compare' && e.op === '=';
}

/** The cheapest left-deep order by dynamic programming over subsets (n ≤ DP_MAX_RELATIONS). */
export function dpOrder(rows: readonly number[], preds: readonly JoinPredicate[]): number[] {
  const n = rows.length;
  const full = (1 << n) - 1;
  const byRel = predicatesByRelation(n, preds);
  const best: ({ step: Step; last: number; prev: number } | undefined)[] = new Array(full + 1);
  for (let r = 0; r < n; r++) best[1 << r] = { step: firstStep(rows[r]!), last: r, prev: 0 };
  for (let set = 1; set < full; set++) {
    const cur = best[set];
    if (!cur) continue;
    const inside = (x: number): boolean => (set & (1 << x)) !== 0;
    const candidates: { r: number; completed: number[] }[] = [];
    let connected = false;
    for (let r = 0; r < n; r++) {
      if (inside(r)) continue;
      const completed = completedBy(r, inside, preds, byRel);
      if (completed.length > 0) connected = true;
      candidates.push({ r, completed });
    }
    for (const { r, completed } of candidates) {
      // A cross product only when nothing outside is connected to this set.
      if (connected && completed.length === 0) continue;
      const step = extend(cur.step, rows[r]!, completed, preds, anyHashable(completed, preds));
      const next = set | (1 << r);
      const old = best[next];
      if (!old || step.cost < old.step.cost) best[next] = { step, last: r, prev: set };
    }
  }
  const order: number[] = [];
  for (let set = full; set !== 0; ) {
    const b = best[set]!;
    order.push(b.last);
    set = b.prev;
  }
  return order.reverse();
}

/**
 * Greedy left-deep orders: from each start relation (smallest estimate first) add the
 * connected relation that keeps the result smallest; keep the cheapest order found within
 * the planning budget.
 */
export function greedyOrder(rows: readonly number[], preds: readonly JoinPredicate[]): number[] {
  const n = rows.length;
  const byRel = predicatesByRelation(n, preds);
  const starts = [...rows.keys()].sort((a, b) => rows[a]! - rows[b]! || a - b).slice(0, GREEDY_MAX_STARTS);
  const deadline = performance.now() + GREEDY_BUDGET_MS;
  let bestOrder: number[] | null = null;
  let bestCost = Infinity;
  for (const start of starts) {
    if (bestOrder && performance.now() > deadline) break;
    const inSet = new Array<boolean>(n).fill(false);
    inSet[start] = true;
    const order = [start];
    let step = firstStep(rows[start]!);
    const inside = (x: number): boolean => inSet[x]!;
    while (order.length < n && step.cost < bestCost) {
      let pick = -1;
      let pickStep: Step | null = null;
      let pickConnected = false;
      for (let r = 0; r < n; r++) {
        if (inSet[r]) continue;
        const completed = completedBy(r, inside, preds, byRel);
        const connected = completed.length > 0;
        if (pickConnected && !connected) continue;
        const s = extend(step, rows[r]!, completed, preds, anyHashable(completed, preds));
        if (pick < 0 || (connected && !pickConnected) || s.rows < pickStep!.rows || (s.rows === pickStep!.rows && s.cost < pickStep!.cost)) {
          pick = r;
          pickStep = s;
          pickConnected = connected;
        }
      }
      inSet[pick] = true;
      order.push(pick);
      step = pickStep!;
    }
    if (order.length === n && step.cost < bestCost) {
      bestCost = step.cost;
      bestOrder = order;
    }
  }
  return bestOrder!;
}

// ───────────────────────────── estimates ─────────────────────────────

/** Estimated output rows of a plan (no statistics: fixed guesses, unique keys exact). */
export function estimateRows(p: LogicalPlan): number {
  switch (p.kind) {
    case 'get':
      return DEFAULT_TABLE_ROWS;
    case 'rowset':
    case 'values':
      return Math.max(p.rows.length, 1);
    case 'filter': {
      const input = estimateRows(p.input);
      const table = baseTable(p.input);
      return Math.max(1, table ? filteredRows(table, p.predicate, input) : input * genericSelectivity(p.predicate));
    }
    case 'project':
    case 'sort':
    case 'distinct':
    case 'window':
      return estimateRows(p.input);
    case 'limit': {
      const input = estimateRows(p.input);
      return p.count?.kind === 'const' && typeof p.count.value === 'number' ? Math.max(1, Math.min(input, p.count.value)) : input;
    }
    case 'aggregate':
      return p.groupBy.length === 0 ? 1 : Math.max(1, estimateRows(p.input) / NON_UNIQUE_DIVISOR);
    case 'join': {
      const left = estimateRows(p.left);
      if (p.type === 'semi' || p.type === 'anti') return left;
      const inner = Math.max(1, (left * estimateRows(p.right)) / (p.condition ? NON_UNIQUE_DIVISOR * NON_UNIQUE_DIVISOR : 1));
      return p.type === 'left' ? Math.max(left, inner) : inner;
    }
    case 'union':
      return p.inputs.reduce((s, i) => s + estimateRows(i), 0);
    case 'setOp':
      return estimateRows(p.left);
    case 'recursiveCte':
      return estimateRows(p.seed) * NON_UNIQUE_DIVISOR;
    case 'workTable':
      return NON_UNIQUE_DIVISOR;
    case 'apply':
      return estimateRows(p.left) * NON_UNIQUE_DIVISOR;
    default:
      return assertNever(p, 'logical plan');
  }
}

/** The table a chain of filters reads directly (its columns are the table's columns). */
function baseTable(p: LogicalPlan): TableDef | null {
  if (p.kind === 'get') return p.table;
  if (p.kind === 'filter') return baseTable(p.input);
  return null;
}

/** Rows of `table` (estimated `rows` so far) that pass `predicate`. */
function filteredRows(table: TableDef, predicate: BoundExpr, rows: number): number {
  const fixed = new Set<number>();
  for (const c of conjuncts(predicate)) {
    if (c.kind !== 'compare' || c.op !== '=') continue;
    if (c.left.kind === 'column' && isRunConstant(c.right)) fixed.add(c.left.index);
    else if (c.right.kind === 'column' && isRunConstant(c.left)) fixed.add(c.right.index);
  }
  if (table.indexes.some((ix) => ix.unique && ix.columns.every((col) => fixed.has(col)))) return 1;
  let out = rows;
  for (const c of conjuncts(predicate)) {
    if (c.kind === 'inList' && !c.not && c.arg.kind === 'column' && isUniqueColumn(table, c.arg.index)) out = Math.min(out, c.list.length);
    else out *= genericSelectivity(c);
  }
  return out;
}

function isUniqueColumn(table: TableDef, col: number): boolean {
  return table.indexes.some((ix) => ix.unique && ix.columns.length === 1 && ix.columns[0] === col);
}

/** Fraction of rows a predicate keeps, by its shape. */
function genericSelectivity(e: BoundExpr): number {
  switch (e.kind) {
    case 'and':
      return e.args.reduce((s, a) => s * genericSelectivity(a), 1);
    case 'or':
      return Math.min(1, e.args.reduce((s, a) => s + genericSelectivity(a), 0));
    case 'compare':
      return e.op === '=' || e.op === '<=>' ? 1 / NON_UNIQUE_DIVISOR : e.op === '<>' ? 0.9 : 1 / 3;
    case 'inList':
      return e.not ? 0.9 : Math.min(1, e.list.length / NON_UNIQUE_DIVISOR);
    case 'isNull':
      return e.not ? 0.9 : 1 / NON_UNIQUE_DIVISOR;
    default:
      return 1 / 2;
  }
}

/**
 * Selectivity of a predicate over several relations. An equality of two columns keeps
 * 1 / (the larger number of distinct values): a unique column has one per row.
 */
function predicateSelectivity(e: BoundExpr, relations: readonly Relation[], relOf: readonly number[], planned: readonly LogicalPlan[], rows: readonly number[]): number {
  if (e.kind !== 'compare' || e.op !== '=') return genericSelectivity(e);
  const distinct = (side: BoundExpr): number | null => {
    if (side.kind !== 'column') return null;
    const r = relOf[side.index]!;
    const table = baseTable(planned[r]!);
    const col = side.index - relations[r]!.offset;
    return table && isUniqueColumn(table, col) ? rows[r]! : Math.max(1, rows[r]! / NON_UNIQUE_DIVISOR);
  };
  const l = distinct(e.left);
  const r = distinct(e.right);
  if (l === null && r === null) return 1 / NON_UNIQUE_DIVISOR;
  return 1 / Math.max(l ?? 1, r ?? 1);
}
