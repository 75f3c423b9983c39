/**
 * Locking reads (SELECT … FOR UPDATE / LOCK IN SHARE MODE) on a leaf.
 *
 * The fragment pipeline is synchronous and a lock may have to wait, so a locking read runs in
 * two passes, as InnoDB's read committed does in effect:
 *  1. for every scan of the fragment, walk its access path, keep the rows that pass the filter
 *     sitting right on the scan, lock each one (waiting if need be) and re-check it on its
 *     latest committed version;
 *  2. run the fragment over a fresh view, returning only rows locked in pass 1.
 * Both passes read the latest committed versions (a current read), also in a REPEATABLE READ
 * transaction whose plain reads see its snapshot, as InnoDB's locking reads do.
 * A row that starts to match after pass 1 is not returned (a phantom, which read committed
 * allows); a row that stops matching while we waited is left out, its lock kept until commit.
 * Shared locks are taken as exclusive ones: stricter than MySQL, never wrong.
 */
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { Access, PhysicalPlan } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import type { ReadView, RowTable, Txn, TxnManager } from '../storage/index.js';
import type { Batch, ExecContext } from '../exec/index.js';
import { boxedBatch, compileExpr, isTrue, rowBatch } from '../exec/index.js';
import { valuesOf } from '../common/vector.js';

type ScanNode = Extract<PhysicalPlan, { kind: 'scan' }>;

/** Row slots locked by pass 1, per table object (one per partition). */
export type LockedRows = Map<RowTable, Set<number>>;

export type RowSource = (
  table: RowTable,
  access: Access,
  view: ReadView,
  columns: readonly number[],
) => Iterable<{ readonly length: number; readonly refs: readonly number[]; readonly columns: Value[][] }>;

/** Every scan of a fragment with the filter applied directly on top of it, if any. */
export function scansOf(plan: PhysicalPlan): { scan: ScanNode; filter: BoundExpr | null }[] {
  const out: { scan: ScanNode; filter: BoundExpr | null }[] = [];
  const walk = (p: PhysicalPlan): void => {
    if (p.kind === 'scan') {
      out.push({ scan: p, filter: null });
      return;
    }
    if (p.kind === 'filter' && p.input.kind === 'scan') {
      out.push({ scan: p.input, filter: p.predicate });
      return;
    }
    for (const c of planInputs(p)) walk(c);
  };
  walk(plan);
  return out;
}

/** Pass 1: locks the rows each scan would return from the given tables. */
export async function lockScannedRows(
  plan: PhysicalPlan,
  tablesOf: (scan: ScanNode) => readonly RowTable[],
  txn: Txn,
  txns: TxnManager,
  rows: RowSource,
  ctx: ExecContext,
): Promise<LockedRows> {
  const locked: LockedRows = new Map();
  for (const { scan, filter } of scansOf(plan)) {
    const keep = filter === null ? null : compileExpr(filter);
    const passes = (batch: Batch): readonly Value[] | null => (keep === null ? null : valuesOf(keep(batch, ctx), batch.length));
    for (const table of tablesOf(scan)) {
      const set = locked.get(table) ?? new Set<number>();
      locked.set(table, set);
      const candidates: number[] = [];
      const view = txns.currentView(txn);
      try {
        for (const chunk of rows(table, scan.access, view, scan.columns)) {
          const ok = passes(boxedBatch(chunk.columns, chunk.length));
          for (let i = 0; i < chunk.length; i++) if (ok === null || isTrue(ok[i]!)) candidates.push(chunk.refs[i]!);
        }
      } finally {
        txns.release(view);
      }
      for (const ref of candidates) {
        const wait = table.lockRow(txn, ref);
        if (wait instanceof Promise) await wait;
        const latest = table.readLatest(txn, ref);
        if (latest === null) continue; // deleted while we waited
        const one = rowBatch(scan.columns.map((c) => latest[c]!));
        const ok = passes(one);
        if (ok === null || isTrue(ok[0]!)) set.add(ref);
      }
    }
  }
  return locked;
}

/** Pass 2: keeps the rows of a chunk whose slots pass 1 locked. */
export function onlyLocked<C extends { readonly length: number; readonly refs: readonly number[]; readonly columns: Value[][] }>(
  chunk: C,
  set: ReadonlySet<number> | undefined,
): { length: number; refs: readonly number[]; columns: Value[][] } {
  if (set === undefined) return { length: 0, refs: [], columns: chunk.columns.map(() => []) };
  let all = true;
  for (let i = 0; i < chunk.length && all; i++) all = set.has(chunk.refs[i]!);
  if (all) return chunk;
  const refs: number[] = [];
  const columns: Value[][] = chunk.columns.map(() => []);
  for (let i = 0; i < chunk.length; i++) {
    if (!set.has(chunk.refs[i]!)) continue;
    refs.push(chunk.refs[i]!);
    for (let c = 0; c < columns.length; c++) columns[c]!.push(chunk.columns[c]![i]!);
  }
  return { length: refs.length, refs, columns };
}
