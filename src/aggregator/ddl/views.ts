/**
 * CREATE [OR REPLACE] VIEW, ALTER VIEW and DROP VIEW. A view is catalog metadata only: its
 * SELECT text, bound once here to check it (the tables and columns it names exist now, its
 * column list fits), and bound again wherever a query reads it (planner/bind-view.ts).
 */
import type * as A from '../../sql/ast.js';
import { SqlError } from '../../common/errors.js';
import type { Catalog, ViewDef } from '../../cluster/catalog.js';
import type { Value } from '../../common/value.js';
import type { ErrorCodeName } from '../../common/error-codes.js';
import { readTables } from '../statement-tables.js';
import { tableKey } from '../metadata-locks.js';
import { Binder, type BindContext } from '../../planner/binder.js';
import { assertNoVariables, viewQueryOf } from '../../planner/bind-view.js';
import type { StatementResult } from '../mysql/session-api.js';
import { nowText, ok } from '../statement-results.js';
import { INFORMATION_SCHEMA } from '../admin/information-schema.js';

type ViewDdl = A.ViewStatement & { kind: 'createView' | 'alterView' | 'dropView' };

/** What view DDL needs of the session running it. */
export interface ViewDdlSession {
  readonly engine: { readonly catalog: Catalog };
  readonly db: string | null;
  readonly conn: { readonly user: string };
  readonly privileges: { readonly account: { readonly user: string; readonly host: string } };
  readonly vars: { get(name: string): Value };
  readonly warnings: readonly unknown[];
  warn(code: ErrorCodeName, message: string, level: 'Note'): void;
  bindContext(ps: A.ParsedStatement, paramTypes: readonly []): BindContext;
}

export function runViewDdl(session: ViewDdlSession, st: ViewDdl): StatementResult {
  switch (st.kind) {
    case 'createView':
    case 'alterView':
      return putView(session, st);
    case 'dropView':
      return dropViews(session, st);
    default:
      throw new SqlError('ER_INTERNAL_ERROR', 'not a view statement');
  }
}

function viewDb(session: ViewDdlSession, name: A.TableName): string {
  const db = name.db ?? session.db;
  if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
  if (db.toLowerCase() === INFORMATION_SCHEMA) throw new SqlError('ER_DBACCESS_DENIED', `Access denied for user '${session.conn.user}'@'%' to database '${INFORMATION_SCHEMA}'`);
  const def = session.engine.catalog.database(db);
  if (!def) throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
  return def.name;
}

function notView(db: string, name: string): SqlError {
  return new SqlError('ER_WRONG_OBJECT', `'${db}.${name}' is not VIEW`);
}

function putView(session: ViewDdlSession, st: ViewDdl & { kind: 'createView' | 'alterView' }): StatementResult {
  const catalog = session.engine.catalog;
  const spec = st.spec;
  const db = viewDb(session, spec.view);
  const name = spec.view.name;
  const old = catalog.view(db, name);
  if (catalog.table(db, name)) {
    // A plain CREATE names the clash; one that would replace says the table is no view (MySQL).
    if (st.kind === 'createView' && !st.orReplace) throw new SqlError('ER_TABLE_EXISTS', `Table '${name}' already exists`);
    throw notView(db, name);
  }
  if (st.kind === 'createView' && !st.orReplace && old) throw new SqlError('ER_TABLE_EXISTS', `Table '${name}' already exists`);
  if (st.kind === 'alterView' && !old) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
  assertNoVariables(spec.query);
  const self = tableKey(db, name);
  if (readTables(catalog, spec.query, session.db ?? db).has(self)) throw new SqlError('ER_VIEW_RECURSIVE', `\`${db}\`.\`${name}\` contains view recursion`);

  // Bound now, in the session's database, to check it as MySQL does at CREATE time.
  const ps: A.ParsedStatement = { statement: spec.query, text: spec.queryText, cacheKey: '', literals: [], paramCount: 0 };
  const bound = new Binder(session.bindContext(ps, [])).bindQuery(viewQueryOf(spec.query));
  const names = spec.columns ?? bound.columns.map((c) => c.name);
  if (names.length !== bound.columns.length) {
    throw new SqlError('ER_VIEW_WRONG_LIST', 'In definition of view, derived table or common table expression, SELECT list and column names list have different column counts');
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${n}'`);
    seen.add(n.toLowerCase());
  }

  // ALTER VIEW keeps what it does not restate, as MySQL does; CREATE starts from the defaults.
  const base = st.kind === 'alterView' ? old : undefined;
  const account = session.privileges.account;
  const definer = spec.definer?.kind === 'named' ? { user: spec.definer.name.user, host: spec.definer.name.host } : spec.definer ? { user: account.user, host: account.host } : (base?.definer ?? { user: account.user, host: account.host });
  const def: ViewDef = {
    db,
    name,
    nameDb: session.db ?? db,
    queryText: spec.queryText,
    ...(spec.columns && { columns: spec.columns }),
    algorithm: spec.algorithm ?? base?.algorithm ?? 'UNDEFINED',
    definer,
    security: spec.security ?? base?.security ?? 'DEFINER',
    checkOption: spec.checkOption ?? 'NONE',
    charsetClient: String(session.vars.get('character_set_client')),
    collationConnection: String(session.vars.get('collation_connection')),
    createdAt: old?.createdAt ?? nowText().slice(0, 19),
  };
  catalog.putView(def);
  return ok(0);
}

function dropViews(session: ViewDdlSession, st: ViewDdl & { kind: 'dropView' }): StatementResult {
  const catalog = session.engine.catalog;
  const found: { db: string; name: string }[] = [];
  const missing: string[] = [];
  for (const v of st.views) {
    const db = v.db ?? session.db;
    if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
    if (catalog.table(db, v.name)) throw notView(db, v.name);
    const view = catalog.view(db, v.name);
    if (view) found.push(view);
    else missing.push(`${db}.${v.name}`);
  }
  // MySQL drops nothing when a named view is missing (without IF EXISTS).
  if (missing.length > 0 && !st.ifExists) throw new SqlError('ER_BAD_TABLE', `Unknown table '${missing.join(',')}'`);
  for (const v of found) catalog.removeView(v.db, v.name);
  for (const m of missing) session.warn('ER_BAD_TABLE', `Unknown table '${m}'`, 'Note');
  return ok(0, { warnings: session.warnings.length });
}
