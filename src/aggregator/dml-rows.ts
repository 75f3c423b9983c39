/**
 * What the writers of rows share (single-table DML in dml.ts, multi-table in dml-multi.ts): column
 * lookup, a column's default, the row key writes name rows by, ON UPDATE CURRENT_TIMESTAMP columns,
 * and whether the client counts matched rows. It sees the session only through WriterSession,
 * so the writers' imports of it make no cycle through session.ts.
 */
import type { Value } from '../common/value.js';
import { SqlError } from '../common/errors.js';
import type { TableDef, ColumnDef } from '../cluster/catalog.js';
import type { ColumnValue } from '../net/leaf-api.js';
import { ClientFlags } from './mysql/session-api.js';
import type { ErrorCodeName } from '../common/error-codes.js';
import { implicitDefault } from '../common/implicit-default.js';
import { declaredDefault } from './ddl/table-def.js';

/** What these helpers read of the session. */
export interface WriterSession {
  readonly strict: boolean;
  readonly conn: { readonly clientFlags: number };
  warn(code: ErrorCodeName, message: string): void;
}

export function columnIndex(t: TableDef, name: string, clause = 'field list'): number {
  const i = t.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new SqlError('ER_BAD_FIELD', `Unknown column '${name}' in '${clause}'`);
  return i;
}

/** The value a column takes when the statement gives none. */
export function defaultValue(session: WriterSession, c: ColumnDef, now: string): Value {
  const v = declaredDefault(c, now);
  if (v !== undefined) return v;
  if (c.nullable || c.autoIncrement) return null;
  if (session.strict) throw new SqlError('ER_NO_DEFAULT_FOR_FIELD', `Field '${c.name}' doesn't have a default value`);
  session.warn('ER_NO_DEFAULT_FOR_FIELD', `Field '${c.name}' doesn't have a default value`);
  return implicitDefault(c.type);
}

export function foundRows(session: WriterSession): boolean {
  return (session.conn.clientFlags & ClientFlags.FOUND_ROWS) !== 0;
}

/** ON UPDATE CURRENT_TIMESTAMP columns the assignments leave alone, with the statement time in their precision. */
export function touchedColumns(t: TableDef, assignments: readonly { readonly column: number }[], now: string): ColumnValue[] {
  const out: ColumnValue[] = [];
  t.columns.forEach((c, i) => {
    if (!c.onUpdateNow || assignments.some((a) => a.column === i)) return;
    const fsp = c.type.kind === 'datetime' || c.type.kind === 'timestamp' ? c.type.fsp : 0;
    out.push({ column: i, value: now.slice(0, fsp > 0 ? 20 + fsp : 19) });
  });
  return out;
}

/** The key two-phase writes name rows by: the primary key, else a unique key on NOT NULL columns. */
export function rowKey(t: TableDef): TableDef['indexes'][number] | undefined {
  return t.indexes.find((ix) => ix.primary) ?? t.indexes.find((ix) => ix.unique && ix.columns.every((c) => !t.columns[c]!.nullable));
}
