import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan, Routing } from '../common/ir/physical.js';
import { planInputs, rerunInputs } from '../common/ir/physical.js';
import { windowExprs } from '../common/ir/window.js';
import { castToType } from '../common/cast.js';
import type { LeafApi, ExecInputs, FragmentChunk, FragmentCursor, FragmentRequest } from '../net/leaf-api.js';
import { partitionOf } from '../cluster/sharding.js';
import type { CatalogView } from '../cluster/catalog.js';
import type { Batch, ExecContext, Operator, Pacer } from '../exec/index.js';
import { PAUSE, batchBytes, batchesOperator, evalConst, instantiate } from '../exec/index.js';
import { invariant } from '../common/assert.js';
import { mapChildren } from '../planner/binder.js';

/**
 * An aggregator plan being run: pull `op` (PAUSE means: await the pacer's resume() and pull
 * again), and close() once done or given up, which stops the fragments still open on leaves.
 */
export interface PlanRun {
  readonly op: Operator;
  close(): void;
}

/** Where one partition lives: the leaf with its master copy, and the one with its replica (none yet). */
export interface PartitionPlacement {
  readonly master: LeafApi;
  readonly replica: LeafApi | null;
}

/**
 * Where each partition of a database lives, at a version: every leaf request carries the version
 * it was routed by, so a leaf can tell a request routed by an older map (after a failover or a
 * partition move) from a current one.
 */
export interface PartitionMap {
  readonly version: number;
  placement(db: string, partition: number): PartitionPlacement;
  /** The master copy's leaf: placement(db, partition).master. */
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

  /** Starts a fragment on the given partitions, one request per leaf, in parallel; the first chunk of each. */
  private async open(db: string, fragment: PhysicalPlan, partitions: readonly number[], inputs: ExecInputs): Promise<FragmentChunk[]> {
    // The common case, one leaf holding them all, skips the grouping (OLTP pays for every step).
    const first = partitions.length > 0 ? this.map.leafFor(db, partitions[0]!) : undefined;
    let oneLeaf = first !== undefined;
    for (let i = 1; i < partitions.length && oneLeaf; i++) oneLeaf = this.map.leafFor(db, partitions[i]!) === first;
    if (oneLeaf) return [await first!.openFragment(fragmentRequest(inputs, db, partitions, fragment))];
    const byLeaf = new Map<LeafApi, number[]>();
    for (const p of partitions) {
      const leaf = this.map.leafFor(db, p);
      let list = byLeaf.get(leaf);
      if (!list) byLeaf.set(leaf, (list = []));
      list.push(p);
    }
    const opened = await Promise.allSettled([...byLeaf].map(([leaf, parts]) => leaf.openFragment(fragmentRequest(inputs, db, parts, fragment))));
    const failed = opened.find((r) => r.status === 'rejected');
    if (failed) {
      for (const r of opened) if (r.status === 'fulfilled') r.value.rest?.close();
      throw failed.reason;
    }
    return opened.map((r) => (r as PromiseFulfilledResult<FragmentChunk>).value);
  }

  /**
   * Starts an aggregator plan. The gathers of the plan itself stream: their first chunks are
   * fetched now, in parallel, and the rest as the operators read on (GatherStream). Gathers inside
   * subqueries are fetched whole first, as expressions evaluate subqueries synchronously.
   */
  async start(plan: PhysicalPlan, inputs: ExecInputs, makeCtx: (gathered: ExecContext['gathered']) => ExecContext): Promise<PlanRun> {
    const streamed: GatherNode[] = [];
    const whole: GatherNode[] = [];
    collectGathers(plan, streamed, whole);
    const probe = makeCtx(noGathers);
    const pacer = probe.pacer;
    const streams = new Map<PhysicalPlan, GatherStream>();
    const fetched = new Map<PhysicalPlan, Batch[]>();
    const closeAll = (): void => {
      for (const s of streams.values()) s.close();
    };
    try {
      await Promise.all(
        [...streamed, ...whole].map(async (g) => {
          const table = this.tableOfFragment(g);
          const shardTypes = table ? table.shardKey.map((c) => table.columns[c]!.type) : [];
          const parts = this.partitionsFor(g.db, g.routing, shardTypes, probe);
          const chunks = parts.length ? await this.open(g.db, g.fragment, parts, inputs) : [];
          const stream = new GatherStream(chunks, pacer);
          streams.set(g, stream);
          if (whole.includes(g)) fetched.set(g, await stream.readAll());
        }),
      );
    } catch (e) {
      closeAll();
      throw e;
    }
    const ctx = makeCtx((node) => {
      const batches = fetched.get(node);
      if (batches !== undefined) return batchesOperator(batches);
      const stream = streams.get(node);
      invariant(stream !== undefined, 'a gather that was not started');
      return stream.take();
    });
    return { op: instantiate(plan, ctx), close: closeAll };
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

type GatherNode = Extract<PhysicalPlan, { kind: 'gather' }>;

const noGathers: ExecContext['gathered'] = () => {
  throw new Error('gathers are not readable yet');
};

/** The gathers of a plan: `streamed` read by its operators, `whole` inside its expressions' subqueries. */
function collectGathers(p: PhysicalPlan, streamed: GatherNode[], whole: GatherNode[]): void {
  if (p.kind === 'gather') {
    streamed.push(p);
    return;
  }
  forEachExpr(p, (e) => collectExprGathers(e, whole));
  // An input run again per round or per row (recursive CTE, LATERAL) reads its gathers whole.
  const rerun = rerunInputs(p);
  for (const i of planInputs(p)) collectGathers(i, rerun.includes(i) ? whole : streamed, whole);
}

function collectExprGathers(e: BoundExpr, out: GatherNode[]): void {
  if (e.kind === 'subquery' || e.kind === 'inSubquery') collectGathers(e.plan, out, out);
  mapChildren(e, (c) => {
    collectExprGathers(c, out);
    return c;
  });
}

/**
 * The rows of one gather as they come from its leaves, leaf after leaf. When the batches at
 * hand are used up it asks for the next chunk and returns PAUSE with that request as what the
 * pacer waits for: the leaf works only as fast as the plan reads.
 */
class GatherStream {
  private batches: readonly Batch[] = [];
  private pos = 0;
  private leaf = 0;
  private readonly rests: (FragmentCursor | null)[];
  private pending: Promise<void> | null = null;
  private failure: unknown = null;
  private taken = false;
  private closed = false;

  constructor(
    private readonly chunks: readonly FragmentChunk[],
    private readonly pacer: Pacer,
  ) {
    this.rests = chunks.map((c) => c.rest);
    if (chunks.length > 0) this.batches = chunks[0]!.batches;
  }

  /** The operator reading this gather (a plan reads each of its gathers once). */
  take(): Operator {
    invariant(!this.taken, 'a streamed gather read twice');
    this.taken = true;
    // Like a scan: pause when the slice is used up, but never twice in a row.
    let paused = true;
    return {
      next: () => {
        if (!paused && this.pos < this.batches.length && this.pacer.shouldPause()) {
          paused = true;
          return PAUSE;
        }
        paused = false;
        return this.pull();
      },
    };
  }

  private pull(): Batch | null | typeof PAUSE {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      if (this.pos < this.batches.length) return this.batches[this.pos++]!;
      if (this.leaf >= this.chunks.length) return null;
      const rest = this.rests[this.leaf];
      if (rest === null || rest === undefined) {
        // This leaf is done; go on with the next one's first chunk.
        this.leaf++;
        this.batches = this.leaf < this.chunks.length ? this.chunks[this.leaf]!.batches : [];
        this.pos = 0;
        continue;
      }
      if (this.pending === null) {
        const at = this.leaf;
        this.pending = rest.next().then(
          (c) => {
            this.pending = null;
            this.batches = c.batches;
            this.pos = 0;
            this.rests[at] = c.rest;
          },
          (e: unknown) => {
            this.pending = null;
            this.failure = e;
          },
        );
      }
      this.pacer.waitFor(this.pending);
      return PAUSE;
    }
  }

  /** Every remaining batch (a gather inside a subquery); counted as the statement's working memory. */
  async readAll(): Promise<Batch[]> {
    const out: Batch[] = [];
    for (;;) {
      const b = this.pull();
      if (b === null) return out;
      if (b === PAUSE) {
        await this.pending;
        continue;
      }
      this.pacer.reserve(batchBytes(b));
      out.push(b);
    }
  }

  /** Stops the leaves' fragments still running (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.rests) r?.close();
  }
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
    case 'apply':
      if (p.condition) f(p.condition);
      return;
    case 'setOp':
    case 'recursiveCte':
    case 'workTable':
      return;
    case 'window':
      return windowExprs(p).forEach(f);
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
    queryId: inputs.queryId,
    memoryLimit: inputs.memoryLimit,
    ...(inputs.lockRows === true ? { lockRows: true } : {}),
    db,
    partitions,
    fragment,
  };
}
