/**
 * DML aimed at a view. Tessera's views are read-only (see ddl/views.ts for the DDL).
 */
import type * as A from '../sql/ast.js';
import type { CatalogView } from '../cluster/catalog.js';
import { SqlError } from '../common/errors.js';
import { collectTableRefs } from './statement-tables.js';

/**
 * Tessera's views are read-only: INSERT through one fails with MySQL's 1471, UPDATE and DELETE
 * with 1288, the errors of a view MySQL cannot update.
 */
export function rejectViewTargets(catalog: CatalogView, db: string | null, st: A.Statement & { kind: 'insert' | 'update' | 'delete' | 'deleteMulti' }): void {
  const verb = st.kind === 'deleteMulti' ? 'DELETE' : st.kind.toUpperCase();
  const check = (t: { readonly db?: string; readonly name: string }): void => {
    const d = t.db ?? db;
    if (d === null || catalog.table(d, t.name) || !catalog.view(d, t.name)) return;
    if (st.kind === 'insert') throw new SqlError('ER_NON_INSERTABLE_TABLE', `The target table ${t.name} of the INSERT is not insertable-into`);
    throw new SqlError('ER_NON_UPDATABLE_TABLE', `The target table ${t.name} of the ${verb} is not updatable`);
  };
  if (st.kind === 'update') collectTableRefs(st.table, check);
  else if (st.kind === 'deleteMulti') {
    // A target names a FROM table by its alias or name: the views among those are refused.
    const targets = new Set(st.targets.map((t) => t.name.toLowerCase()));
    collectTableRefs(st.from, (t) => {
      const alias = (t as { readonly alias?: string }).alias ?? t.name;
      if (targets.has(alias.toLowerCase())) check(t);
    });
  } else check(st.table);
}
