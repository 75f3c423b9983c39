import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan, Routing } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import { castToType } from '../common/cast.js';
import type { LeafApi, ExecInputs, FragmentRequest } from '../net/leaf-api.js';
import { partitionOf } from '../cluster/sharding.js';
import type { CatalogView } from '../cluster/catalog.js';
import type { Batch, ExecContext } from '../exec/index.js';
import { collect, evalConst } from '../exec/index.js';
import { mapChildren } from '../planner/binder.js';

/** Where each partition of a database lives. One leaf for now; the cluster issue makes this a versioned map. */
export interface PartitionMap {
  leafFor(db: string, partition: number): LeafApi;
  leaves(): readonly LeafApi[];
}

/**
 * Resolves routing to partitions and runs fragments on the leaves that hold them (the VCursor
 * of Vitess): operators never talk to leaves themselves.
 */
export class LeafCursor {
  constructor(
    private readonly catalog: CatalogView,
    private readonly map: PartitionMap,
  ) {}

  /** The partitions a routing selects, in ascending order. */
  partitionsFor(db: string, routing: Routing, shardTypes: readonly SqlType[], ctx: ExecContext): number[] {
    const total = this.catalog.database(db)?.partitions ?? 0;
    switch (routing.kind) {
      case 'all':
        return [...Array(total).keys()];
      case 'partition':
        return [routing.partition];
      case 'shardKey': {
        const p = this.partitionOfValues(routing.values, shardTypes, total, ctx);
        return p === null ? [] : [p];
      }
      case 'shardKeys': {
        const set = new Set<number>();
        for (const t of routing.tuples) {
          const p = this.partitionOfValues(t, shardTypes, total, ctx);
          if (p !== null) set.add(p);
        }
        return [...set].sort((a, b) => a - b);
      }
    }
  }

  private partitionOfValues(exprs: readonly BoundExpr[], types: readonly SqlType[], total: number, ctx: ExecContext): number | null {
    const values: Value[] = [];
    for (let i = 0; i < exprs.length; i++) {
      const v = evalConst(exprs[i]!, ctx);
      if (v === null) return null; // NULL = nothing matches
      try {
        values.push(castToType(v, exprs[i]!.type, types[i]!, 'lenient', { column: '', row: 1 }));
      } catch {
        return null;
      }
    }
    return partitionOf(values, types, total);
  }

  /** Runs a fragment on the given partitions, one request per leaf, in parallel. */
  async run(db: string, fragment: PhysicalPlan, partitions: readonly number[], inputs: ExecInputs): Promise<Batch[]> {
    // The common case, one leaf holding them all, skips the grouping (OLTP pays for every step).
    const first = partitions.length > 0 ? this.map.leafFor(db, partitions[0]!) : undefined;
    let oneLeaf = first !== undefined;
    for (let i = 1; i < partitions.length && oneLeaf; i++) oneLeaf = this.map.leafFor(db, partitions[i]!) === first;
    if (oneLeaf) return first!.runFragment(fragmentRequest(inputs, db, partitions, fragment));
    const byLeaf = new Map<LeafApi, number[]>();
    for (const p of partitions) {
      const leaf = this.map.leafFor(db, p);
      let list = byLeaf.get(leaf);
      if (!list) byLeaf.set(leaf, (list = []));
      list.push(p);
    }
    const results = await Promise.all([...byLeaf].map(([leaf, parts]) => leaf.runFragment(fragmentRequest(inputs, db, parts, fragment))));
    return results.flat();
  }

  /**
   * Runs an aggregator plan: every gather (including those inside subquery plans) is fetched
   * from the leaves first, then the operators run synchronously over what came back.
   */
  async execute(plan: PhysicalPlan, inputs: ExecInputs, makeCtx: (gathered: ExecContext['gathered']) => ExecContext): Promise<Batch[]> {
    const gathers: Extract<PhysicalPlan, { kind: 'gather' }>[] = [];
    collectGathers(plan, gathers);
    const fetched = new Map<PhysicalPlan, Batch[]>();
    const probe = makeCtx(() => []);
    await Promise.all(
      gathers.map(async (g) => {
        const table = this.tableOfFragment(g);
        const shardTypes = table ? table.shardKey.map((c) => table.columns[c]!.type) : [];
        const parts = this.partitionsFor(g.db, g.routing, shardTypes, probe);
        fetched.set(g, parts.length ? await this.run(g.db, g.fragment, parts, inputs) : []);
      }),
    );
    const ctx = makeCtx((node) => fetched.get(node) ?? []);
    return collect(plan, ctx);
  }

  private tableOfFragment(g: Extract<PhysicalPlan, { kind: 'gather' }>) {
    let p: PhysicalPlan = g.fragment;
    while (p.kind !== 'scan') {
      const inputs = planInputs(p);
      if (inputs.length !== 1) return undefined;
      p = inputs[0]!;
    }
    const db = this.catalog.database(p.db);
    if (!db) return undefined;
    for (const t of db.tables.values()) if (t.id === p.tableId) return t;
    return undefined;
  }
}

function collectGathers(p: PhysicalPlan, out: Extract<PhysicalPlan, { kind: 'gather' }>[]): void {
  if (p.kind === 'gather') {
    out.push(p);
    return;
  }
  forEachExpr(p, (e) => collectExprGathers(e, out));
  for (const i of planInputs(p)) collectGathers(i, out);
}

function collectExprGathers(e: BoundExpr, out: Extract<PhysicalPlan, { kind: 'gather' }>[]): void {
  if (e.kind === 'subquery' || e.kind === 'inSubquery') collectGathers(e.plan, out);
  mapChildren(e, (c) => {
    collectExprGathers(c, out);
    return c;
  });
}

function forEachExpr(p: PhysicalPlan, f: (e: BoundExpr) => void): void {
  switch (p.kind) {
    case 'scan':
    case 'gather':
    case 'rowset':
    case 'distinct':
    case 'unionAll':
      return;
    case 'values':
      return p.rows.forEach((r) => r.forEach(f));
    case 'filter':
      return f(p.predicate);
    case 'project':
      return p.exprs.forEach(f);
    case 'hashAgg':
      p.groupBy.forEach(f);
      return p.aggs.forEach((a) => a.args.forEach(f));
    case 'sort':
      return p.keys.forEach((k) => f(k.expr));
    case 'topN':
      p.keys.forEach((k) => f(k.expr));
      f(p.count);
      if (p.offset) f(p.offset);
      return;
    case 'limit':
      if (p.count) f(p.count);
      if (p.offset) f(p.offset);
      return;
    case 'hashJoin':
      p.leftKeys.forEach(f);
      p.rightKeys.forEach(f);
      if (p.residual) f(p.residual);
      return;
    case 'nestedLoopJoin':
      if (p.condition) f(p.condition);
      return;
  }
}

/** Spelled out rather than spread: a literal with a fixed shape is cheaper to build and to read. */
function fragmentRequest(inputs: ExecInputs, db: string, partitions: readonly number[], fragment: PhysicalPlan): FragmentRequest {
  return {
    slots: inputs.slots,
    params: inputs.params,
    now: inputs.now,
    sessionValues: inputs.sessionValues,
    txnId: inputs.txnId,
    lockWaitTimeoutMs: inputs.lockWaitTimeoutMs,
    ...(inputs.lockRows === true ? { lockRows: true } : {}),
    db,
    partitions,
    fragment,
  };
}
