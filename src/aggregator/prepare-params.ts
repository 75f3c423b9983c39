/**
 * The types COM_STMT_PREPARE reports for its `?` parameters, as MySQL 8 infers them: the type
 * of what a parameter is compared with, assigned to or limits (`WHERE id = ?` on a BIGINT
 * column is LONGLONG), so drivers send integers as integers. SELECTs learn them from the
 * binder; INSERT, UPDATE and DELETE from their target table's columns here. A parameter with
 * nothing to go by is a VARCHAR, as MySQL reports one.
 */
import type * as A from '../sql/ast.js';
import type { CatalogView, TableDef } from '../cluster/catalog.js';
import type { SqlType } from '../common/types.js';

const VARCHAR_PARAM: SqlType = { kind: 'string', family: 'varchar', length: 0, binary: false };

/** What the parameter definition says for a parameter meeting a value of type t. */
export function reportedParamType(t: SqlType | undefined): SqlType {
  if (t === undefined) return VARCHAR_PARAM;
  switch (t.kind) {
    // MySQL pins integer parameters to BIGINT (keeping the unsigned flag).
    case 'int': return { kind: 'int', bytes: 8, unsigned: t.unsigned };
    case 'year': return { kind: 'int', bytes: 8, unsigned: false };
    case 'decimal': return t;
    case 'float': case 'double': return { kind: 'double' };
    case 'date': case 'datetime': case 'timestamp': case 'time': return t;
    case 'string': return t.binary ? { kind: 'string', family: 'varchar', length: 0, binary: true } : VARCHAR_PARAM;
    case 'enum': case 'json': case 'null': return VARCHAR_PARAM;
  }
}

/** Parameter hints of an INSERT, UPDATE or DELETE from its table's columns. */
export function dmlParamHints(st: A.Statement, catalog: CatalogView, db: string | null, hints: (SqlType | undefined)[]): void {
  const tableOf = (name: { db?: string; name: string }): TableDef | undefined => {
    const d = name.db ?? db;
    return d ? catalog.table(d, name.name) : undefined;
  };
  const columnType = (t: TableDef, name: string): SqlType | undefined => t.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
  const hint = (e: A.Expr | undefined, type: SqlType | undefined): void => {
    if (e?.kind === 'param' && type && hints[e.index] === undefined) hints[e.index] = type;
  };
  const where = (t: TableDef, e: A.Expr | undefined): void => {
    if (!e) return;
    const typeOf = (x: A.Expr): SqlType | undefined => (x.kind === 'column' ? columnType(t, x.name) : undefined);
    switch (e.kind) {
      case 'binary':
        if (e.op === 'AND' || e.op === 'OR' || e.op === 'XOR') {
          where(t, e.left);
          where(t, e.right);
        } else {
          hint(e.right, typeOf(e.left));
          hint(e.left, typeOf(e.right));
        }
        return;
      case 'unary': where(t, e.operand); return;
      case 'between': hint(e.low, typeOf(e.operand)); hint(e.high, typeOf(e.operand)); return;
      case 'inList': for (const x of e.list) hint(x, typeOf(e.operand)); return;
      default: return;
    }
  };
  const limit = (l: A.Limit | undefined): void => {
    if (!l) return;
    const big: SqlType = { kind: 'int', bytes: 8, unsigned: false };
    hint(l.count, big);
    hint(l.offset, big);
  };
  switch (st.kind) {
    case 'insert': {
      const t = tableOf(st.table);
      if (!t) return;
      const names = st.columns ?? t.columns.map((c) => c.name);
      if (st.source.kind === 'values') {
        for (const row of st.source.rows) row.forEach((e, i) => hint(e, names[i] === undefined ? undefined : columnType(t, names[i]!)));
      } else if (st.source.kind === 'set') {
        for (const a of st.source.assignments) hint(a.value, columnType(t, a.column.name));
      }
      for (const a of st.onDuplicate ?? []) hint(a.value, columnType(t, a.column.name));
      return;
    }
    case 'update': {
      if (st.table.kind !== 'table') return;
      const t = tableOf(st.table);
      if (!t) return;
      for (const a of st.set) hint(a.value, columnType(t, a.column.name));
      where(t, st.where);
      limit(st.limit);
      return;
    }
    case 'delete': {
      const t = tableOf(st.table);
      if (!t) return;
      where(t, st.where);
      limit(st.limit);
      return;
    }
    default:
      return;
  }
}
