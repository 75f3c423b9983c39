/**
 * Column pruning: every scan reads only the columns the plan above it uses, and projections
 * drop outputs nobody reads. `SELECT COUNT(*)` then reads no column at all and `SUM(amount)`
 * one, so leaves move (and type) a fraction of each row.
 *
 * The pass goes top-down with the set of output columns the parent needs; each node returns
 * its narrowed plan and where each of its old output columns went (-1: dropped), and the
 * parent rewrites its column references through that map. A node whose expressions hold a
 * subquery keeps all of its input: a correlated subquery reads the input row by position.
 */
import { assertNever } from '../common/assert.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { AggSpec, PhysicalPlan, SortKey } from '../common/ir/physical.js';
import { mapChildren } from './binder.js';
import { mapWindowExprs, windowExprs } from '../common/ir/window.js';

export function pruneColumns(plan: PhysicalPlan): PhysicalPlan {
  return prune(plan, null).plan;
}

/** needed[i]: is output column i read above? null: every column is. */
type Needed = readonly boolean[] | null;

interface Pruned {
  readonly plan: PhysicalPlan;
  /** Old output column → new position, -1 when dropped. */
  readonly map: readonly number[];
}

function identity(width: number): number[] {
  return Array.from({ length: width }, (_, i) => i);
}

function unchanged(plan: PhysicalPlan): Pruned {
  return { plan, map: identity(plan.types.length) };
}

/** Marks the columns e reads in `into`; false when e holds a subquery (then everything is needed). */
function markColumns(e: BoundExpr, into: boolean[]): boolean {
  if (e.kind === 'subquery' || e.kind === 'inSubquery') return false;
  if (e.kind === 'column') {
    into[e.index] = true;
    return true;
  }
  let ok = true;
  mapChildren(e, (c) => {
    if (ok) ok = markColumns(c, into);
    return c;
  });
  return ok;
}

/** The input columns a node needs: those of its expressions plus what passes through to `passed`. */
function neededBy(width: number, exprs: readonly BoundExpr[], passed: Needed = []): Needed {
  if (passed === null) return null;
  const into = new Array<boolean>(width).fill(false);
  for (let i = 0; i < passed.length && i < width; i++) if (passed[i]) into[i] = true;
  for (const e of exprs) if (!markColumns(e, into)) return null;
  return into;
}

function remap(e: BoundExpr, map: readonly number[]): BoundExpr {
  if (e.kind === 'column') {
    const to = map[e.index]!;
    return to === e.index ? e : { ...e, index: to };
  }
  return mapChildren(e, (c) => remap(c, map));
}

function remapKey(k: SortKey, map: readonly number[]): SortKey {
  return { expr: remap(k.expr, map), desc: k.desc };
}

function remapAgg(a: AggSpec, map: readonly number[]): AggSpec {
  return { ...a, args: a.args.map((e) => remap(e, map)), ...(a.orderBy ? { orderBy: a.orderBy.map((k) => remapKey(k, map)) } : {}) };
}

function keptTypes(p: PhysicalPlan, map: readonly number[]): PhysicalPlan['types'] {
  return p.types.filter((_, i) => map[i]! >= 0);
}

function sortExprs(keys: readonly SortKey[]): BoundExpr[] {
  return keys.map((k) => k.expr);
}

function prune(p: PhysicalPlan, needed: Needed): Pruned {
  switch (p.kind) {
    case 'scan': {
      if (needed === null) return unchanged(p);
      const map: number[] = [];
      const columns: number[] = [];
      const types: PhysicalPlan['types'][number][] = [];
      for (let i = 0; i < p.columns.length; i++) {
        if (needed[i]) {
          map.push(columns.length);
          columns.push(p.columns[i]!);
          types.push(p.types[i]!);
        } else map.push(-1);
      }
      return columns.length === p.columns.length ? unchanged(p) : { plan: { ...p, columns, types }, map };
    }
    case 'gather': {
      // The leaf fragment's output is the gather's output.
      const inner = prune(p.fragment, needed);
      return { plan: { ...p, fragment: inner.plan, types: inner.plan.types }, map: inner.map };
    }
    case 'values':
    case 'rowset':
      return unchanged(p);
    case 'filter': {
      const inner = prune(p.input, neededBy(p.input.types.length, [p.predicate], needed));
      return { plan: { ...p, input: inner.plan, predicate: remap(p.predicate, inner.map), types: keptTypes(p, inner.map) }, map: inner.map };
    }
    case 'project': {
      const keep = p.exprs.map((_, i) => needed === null || needed[i] === true);
      const exprs = p.exprs.filter((_, i) => keep[i]);
      const inner = prune(p.input, neededBy(p.input.types.length, exprs));
      const map: number[] = [];
      let next = 0;
      for (const k of keep) map.push(k ? next++ : -1);
      return {
        plan: { ...p, input: inner.plan, exprs: exprs.map((e) => remap(e, inner.map)), types: p.types.filter((_, i) => keep[i]) },
        map,
      };
    }
    case 'hashAgg': {
      // Outputs stay (the final aggregate reads partial states by position); inputs narrow.
      const inner = p.mode === 'final'
        ? prune(p.input, null)
        : prune(p.input, neededBy(p.input.types.length, [...p.groupBy, ...p.aggs.flatMap((a) => [...a.args, ...sortExprs(a.orderBy ?? [])])]));
      return {
        plan: { ...p, input: inner.plan, groupBy: p.groupBy.map((e) => remap(e, inner.map)), aggs: p.aggs.map((a) => remapAgg(a, inner.map)) },
        map: identity(p.types.length),
      };
    }
    case 'sort':
    case 'topN': {
      const inner = prune(p.input, neededBy(p.input.types.length, sortExprs(p.keys), needed));
      return { plan: { ...p, input: inner.plan, keys: p.keys.map((k) => remapKey(k, inner.map)), types: keptTypes(p, inner.map) }, map: inner.map };
    }
    case 'limit': {
      const inner = prune(p.input, needed);
      return { plan: { ...p, input: inner.plan, types: keptTypes(p, inner.map) }, map: inner.map };
    }
    case 'distinct':
      // Rows are compared whole: every input column matters.
      return { plan: { ...p, input: prune(p.input, null).plan }, map: identity(p.types.length) };
    case 'unionAll':
      return { plan: { ...p, inputs: p.inputs.map((i) => prune(i, null).plan) }, map: identity(p.types.length) };
    case 'setOp':
      // Rows compare whole; a LATERAL right side reads its left row by position.
      return { plan: { ...p, left: prune(p.left, null).plan, right: prune(p.right, null).plan }, map: identity(p.types.length) };
    case 'apply':
      return { plan: { ...p, left: prune(p.left, null).plan, right: prune(p.right, null).plan }, map: identity(p.types.length) };
    case 'recursiveCte':
      // Each round reads the previous one whole.
      return { plan: { ...p, seed: prune(p.seed, null).plan, recursive: prune(p.recursive, null).plan }, map: identity(p.types.length) };
    case 'workTable':
      return unchanged(p);
    case 'window': {
      // The input's columns pass through; the calls' columns follow them.
      const width = p.input.types.length;
      const inner = prune(p.input, neededBy(width, windowExprs(p), needed === null ? null : needed.slice(0, width)));
      const newWidth = inner.plan.types.length;
      const fields = mapWindowExprs(p, (e) => remap(e, inner.map));
      return {
        plan: { ...fields, input: inner.plan, types: [...inner.plan.types, ...p.calls.map((c) => c.type)] },
        map: [...inner.map, ...p.calls.map((_, k) => newWidth + k)],
      };
    }
    case 'hashJoin':
    case 'nestedLoopJoin': {
      const lw = p.left.types.length;
      const rw = p.right.types.length;
      const width = p.type === 'semi' || p.type === 'anti' ? lw : lw + rw;
      // Over the joined row (left columns, then right ones).
      const conds = p.kind === 'hashJoin' ? (p.residual ? [p.residual] : []) : p.condition ? [p.condition] : [];
      const both = neededBy(lw + rw, conds, needed === null ? null : [...needed, ...new Array<boolean>(lw + rw - width).fill(false)]);
      const leftNeed = p.kind === 'hashJoin' ? neededBy(lw, p.leftKeys, both?.slice(0, lw) ?? null) : (both?.slice(0, lw) ?? null);
      const rightNeed = p.kind === 'hashJoin' ? neededBy(rw, p.rightKeys, both?.slice(lw) ?? null) : (both?.slice(lw) ?? null);
      const left = prune(p.left, leftNeed);
      const right = prune(p.right, rightNeed);
      const newLw = left.plan.types.length;
      const joined = [...left.map, ...right.map.map((i) => (i < 0 ? -1 : i + newLw))];
      const map = joined.slice(0, width);
      const types = [...left.plan.types, ...(width > lw ? right.plan.types : [])];
      if (p.kind === 'hashJoin') {
        return {
          plan: {
            ...p, left: left.plan, right: right.plan, types,
            leftKeys: p.leftKeys.map((e) => remap(e, left.map)),
            rightKeys: p.rightKeys.map((e) => remap(e, right.map)),
            residual: p.residual ? remap(p.residual, joined) : null,
          },
          map,
        };
      }
      return { plan: { ...p, left: left.plan, right: right.plan, types, condition: p.condition ? remap(p.condition, joined) : null }, map };
    }
    default:
      return assertNever(p, 'physical plan');
  }
}
