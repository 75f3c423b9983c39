/** Small helpers over bound expressions shared by the planner's rules. */
import type { BoundExpr } from '../common/ir/expr.js';
import { mapChildren } from './binder.js';

/** The AND-ed terms of a predicate. */
export function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

export function andOf(es: readonly BoundExpr[]): BoundExpr {
  return es.length === 1 ? es[0]! : { kind: 'and', args: es, type: es[0]!.type };
}

export function hasSubquery(e: BoundExpr): boolean {
  if (e.kind === 'subquery' || e.kind === 'inSubquery') return true;
  let found = false;
  mapChildren(e, (c) => {
    if (!found && hasSubquery(c)) found = true;
    return c;
  });
  return found;
}

export function shiftColumns(e: BoundExpr, by: number): BoundExpr {
  if (e.kind === 'column') return { ...e, index: e.index + by };
  return mapChildren(e, (c) => shiftColumns(c, by));
}

/** Rewrites every column reference through `to` (old index → new index). */
export function remapColumns(e: BoundExpr, to: (index: number) => number): BoundExpr {
  if (e.kind === 'column') {
    const index = to(e.index);
    return index === e.index ? e : { ...e, index };
  }
  return mapChildren(e, (c) => remapColumns(c, to));
}

/** Calls f with each column index e reads (not inside subqueries, which hasSubquery finds). */
export function forEachColumn(e: BoundExpr, f: (index: number) => void): void {
  if (e.kind === 'column') {
    f(e.index);
    return;
  }
  mapChildren(e, (c) => {
    forEachColumn(c, f);
    return c;
  });
}

/** Constant-per-execution expressions: usable as index keys and routing values. */
export function isRunConstant(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const':
    case 'slot':
    case 'param':
    case 'session':
      return true;
    case 'column':
    case 'outer':
    case 'subquery':
    case 'inSubquery':
      return false;
    case 'func':
      return !['RAND', 'UUID', 'SLEEP'].includes(e.name) && e.args.every(isRunConstant);
    default: {
      let ok = true;
      mapChildren(e, (c) => {
        if (ok && !isRunConstant(c)) ok = false;
        return c;
      });
      return ok;
    }
  }
}
