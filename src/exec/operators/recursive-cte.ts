import { invariant } from '../../common/assert.js';
import { SqlError } from '../../common/errors.js';
import type { PhysicalPlan } from '../../common/ir/physical.js';
import { valuesOf } from '../../common/vector.js';
import { selectRows, type Batch } from '../batch.js';
import { executionMemo, type ExecContext } from '../context.js';
import { batchBytes, keyBytes } from '../memory.js';
import { KeySet } from './key-map.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';
import { rowGroupKey } from './row-keys.js';

/** MySQL's default for @@cte_max_recursion_depth. */
const DEFAULT_MAX_DEPTH = 1000;

/** The execution memo's key for the rows of the previous round of recursive CTE `id`. */
const workKeys = new Map<number, object>();
function workKey(id: number): object {
  let k = workKeys.get(id);
  if (k === undefined) workKeys.set(id, (k = { workTable: id }));
  return k;
}

function maxDepth(ctx: ExecContext): number {
  const v = ctx.sessionValue('@@cte_max_recursion_depth');
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_MAX_DEPTH;
}

/**
 * WITH RECURSIVE, round by round: the seed's rows are round 0; each next round instantiates the
 * recursive part afresh over the rows the round before produced (its workTable reads them), and
 * the rounds end when one produces no rows. Rows stream out as they are made, so a LIMIT above
 * stops the rounds. Only two rounds are held at a time (the statement's working memory), plus
 * the rows seen so far under UNION DISTINCT. Between rounds it pauses when the slice is used up,
 * so a runaway recursion shares the thread and stops at KILL or max_execution_time; round
 * @@cte_max_recursion_depth + 1 ends it with 3636.
 */
export function recursiveCte(
  node: Extract<PhysicalPlan, { kind: 'recursiveCte' }>,
  ctx: ExecContext,
  build: (plan: PhysicalPlan, ctx: ExecContext) => Operator,
): Operator {
  const types = node.types;

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    const limit = maxDepth(ctx);
    const seen = node.distinct ? new KeySet() : null;
    const memo = executionMemo(ctx);
    const key = workKey(node.id);
    let next: Batch[] = [];
    let nextBytes = 0;
    let sel: number[] = [];

    /** New rows of b (all of them under UNION ALL). */
    const fresh = (b: Batch): Batch => {
      if (seen === null) return b;
      if (sel.length < b.length) sel = new Array<number>(b.length).fill(0);
      const cols = b.cols.map((c) => valuesOf(c, b.length));
      let m = 0;
      let bytes = 0;
      for (let i = 0; i < b.length; i++) {
        const k = rowGroupKey(cols, types, i);
        if (!seen.add(k)) continue;
        bytes += keyBytes(k);
        sel[m++] = i;
      }
      pacer.reserve(bytes);
      return m === b.length ? b : selectRows(b, sel, m);
    };

    function* drain(op: Operator): Generator<Batch | Pause, void, undefined> {
      for (;;) {
        const b = op.next();
        if (b === null) return;
        if (b === PAUSE) {
          yield PAUSE;
          continue;
        }
        const kept = fresh(b);
        if (kept.length === 0) continue;
        const bytes = batchBytes(kept);
        pacer.reserve(bytes);
        next.push(kept);
        nextBytes += bytes;
        yield kept;
      }
    }

    yield* drain(build(node.seed, ctx));
    for (let round = 1; next.length > 0; round++) {
      if (round > limit) {
        throw new SqlError('ER_CTE_MAX_RECURSION_DEPTH', `Recursive query aborted after ${round} iterations. Try increasing @@cte_max_recursion_depth to a larger value.`);
      }
      const previous = next;
      const previousBytes = nextBytes;
      memo.set(key, previous);
      next = [];
      nextBytes = 0;
      yield* drain(build(node.recursive, ctx));
      pacer.release(previousBytes);
      if (pacer.shouldPause()) yield PAUSE;
    }
    pacer.release(nextBytes);
    memo.delete(key);
  }

  return fromGenerator(run());
}

/** The rows of the previous round of the recursive CTE being run. */
export function workTable(node: Extract<PhysicalPlan, { kind: 'workTable' }>, ctx: ExecContext): Operator {
  const rows = executionMemo(ctx).get(workKey(node.id)) as Batch[] | undefined;
  invariant(rows !== undefined, `work table of ${node.name} read outside its recursive CTE`);
  let i = 0;
  let paused = true;
  return {
    next: () => {
      if (!paused && i < rows.length && ctx.pacer.shouldPause()) {
        paused = true;
        return PAUSE;
      }
      paused = false;
      return i < rows.length ? rows[i++]! : null;
    },
  };
}
