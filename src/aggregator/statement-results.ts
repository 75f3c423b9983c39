/**
 * What every statement runner returns and shares: OK and rowset results, the statement clock and
 * a statement's parameters. Its own module so the runners (dml, ddl, admin) need nothing of the
 * session itself.
 */
import { formatForClient } from '../common/format.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { Rowset } from './admin/show.js';
import type { ResultValue, StatementResult } from './mysql/session-api.js';

/** A statement's parameters, converted to values with types. */
export interface Params {
  readonly values: readonly Value[];
  readonly types: readonly SqlType[];
}

export function ok(affectedRows: number | bigint = 0, opts: { insertId?: number | bigint; info?: string; warnings?: number } = {}): StatementResult {
  return { kind: 'ok', affectedRows, insertId: opts.insertId ?? 0, warnings: opts.warnings ?? 0, ...(opts.info !== undefined ? { info: opts.info } : {}) };
}

export function rowsetResult(rs: Rowset, warnings = 0): StatementResult {
  return {
    kind: 'rows',
    columns: rs.columns.map((c) => ({ name: c.name, orgName: c.name, table: '', orgTable: '', schema: '', type: c.type, nullable: true })),
    rows: rs.rows.map((r) => r.map((v, i) => formatForClient(v, rs.columns[i]!.type) as ResultValue)),
    warnings,
  };
}

let nowMs = -1;
let nowString = '';

/** The statement clock, 'YYYY-MM-DD hh:mm:ss.ffffff' (millisecond precision), formatted once per millisecond. */
export function nowText(): string {
  const ms = Date.now();
  if (ms !== nowMs) {
    const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
    nowString = `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
    nowMs = ms;
  }
  return nowString;
}
