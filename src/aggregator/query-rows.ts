import { SqlError } from '../common/errors.js';
import { formatForClient } from '../common/format.js';
import type { SqlType } from '../common/types.js';
import { PAUSE, batchRows, type Batch, type Pacer } from '../exec/index.js';
import type { PlanRun } from './leaf-cursor.js';
import type { ResultValue, RowStream, StatementResult } from './mysql/session-api.js';

/** A batch's rows in the text form results carry, appended to `out`. */
export function formatRows(b: Batch, types: readonly SqlType[], out: ResultValue[][]): void {
  for (const row of batchRows(b)) {
    const f = row as unknown as ResultValue[];
    for (let i = 0; i < row.length; i++) f[i] = formatForClient(row[i]!, types[i]!) as ResultValue;
    out.push(f);
  }
}

/**
 * The rows of a SELECT that streams: the rows made so far, then a batch at a time as the
 * writer asks. Between batches the statement lets the event loop run when its slice is used up.
 */
export class QueryRows implements RowStream {
  private buffered: ResultValue[][] | null;
  private count: number;
  private done = false;
  readonly stopped: Promise<void>;

  constructor(
    private readonly pacer: Pacer,
    private readonly run: PlanRun,
    private readonly types: readonly SqlType[],
    first: ResultValue[][],
    private readonly warningCount: () => number,
    /** The statement ends: told the rows sent and the error, if any; returns the error to report. */
    private readonly onEnd: (rows: number, e: unknown) => unknown,
  ) {
    this.buffered = first.length > 0 ? first : null;
    this.count = first.length;
    this.stopped = new Promise<void>((resolve) => pacer.whenStopped(() => resolve()));
  }

  async next(): Promise<readonly (readonly ResultValue[])[] | null> {
    if (this.buffered !== null) {
      const rows = this.buffered;
      this.buffered = null;
      return rows;
    }
    if (this.done) return null;
    const pacer = this.pacer;
    try {
      for (;;) {
        if (pacer.shouldPause()) await pacer.resume();
        const b = this.run.op.next();
        if (b === PAUSE) {
          await pacer.resume();
          continue;
        }
        if (b === null) {
          this.finish(undefined);
          return null;
        }
        if (b.length === 0) continue;
        this.count += b.length;
        const rows: ResultValue[][] = [];
        formatRows(b, this.types, rows);
        return rows;
      }
    } catch (e) {
      throw this.finish(e);
    }
  }

  warnings(): number {
    return this.warningCount();
  }

  close(): void {
    if (!this.done) this.finish(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
  }

  private finish(e: unknown): unknown {
    if (this.done) return e;
    this.done = true;
    this.run.close();
    return this.onEnd(this.count, e);
  }
}

/** A streamed result read to its end, as a result held whole (internal callers of query()). */
export async function drainStream(r: Extract<StatementResult, { kind: 'stream' }>): Promise<StatementResult> {
  const rows: (readonly ResultValue[])[] = [];
  for (let chunk = await r.rows.next(); chunk !== null; chunk = await r.rows.next()) rows.push(...chunk);
  return { kind: 'rows', columns: r.columns, rows, warnings: r.rows.warnings() };
}
