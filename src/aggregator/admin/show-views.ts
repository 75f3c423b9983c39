/**
 * How views show: SHOW CREATE VIEW's row and MySQL's canonical CREATE text, and the rows views
 * add to SHOW FULL TABLES, SHOW TABLE STATUS and information_schema TABLES / VIEWS.
 */
import type { CatalogView, DatabaseDef, ViewDef } from '../../cluster/catalog.js';
import { T } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import type { SqlType } from '../../common/types.js';

/** A result set (show.ts's Rowset, which imports this file). */
interface Rowset {
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly rows: Value[][];
}

function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function account(v: ViewDef): string {
  return `${quoteIdent(v.definer.user)}@${quoteIdent(v.definer.host)}`;
}

/** CREATE ALGORITHM=… DEFINER=… SQL SECURITY … VIEW `v` [(`a`,…)] AS … [WITH … CHECK OPTION], as MySQL prints it. */
export function createViewText(v: ViewDef): string {
  const columns = v.columns ? `(${v.columns.map(quoteIdent).join(',')}) ` : '';
  const check = v.checkOption === 'NONE' ? '' : ` WITH ${v.checkOption} CHECK OPTION`;
  return `CREATE ALGORITHM=${v.algorithm} DEFINER=${account(v)} SQL SECURITY ${v.security} VIEW ${quoteIdent(v.name)} ${columns}AS ${v.queryText}${check}`;
}

export function showCreateView(v: ViewDef): Rowset {
  return {
    columns: [
      { name: 'View', type: T.varchar(64) },
      { name: 'Create View', type: T.text },
      { name: 'character_set_client', type: T.varchar(32) },
      { name: 'collation_connection', type: T.varchar(64) },
    ],
    rows: [[v.name, createViewText(v), v.charsetClient, v.collationConnection]],
  };
}

export function viewsOf(db: DatabaseDef): ViewDef[] {
  return [...db.views.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every view the session may see, database by database. */
export function allViews(catalog: CatalogView, canSee?: (db: string, name: string) => boolean): ViewDef[] {
  return catalog.databases().flatMap((db) => viewsOf(db).filter((v) => !canSee || canSee(v.db, v.name)));
}

/** A view's row of SHOW TABLE STATUS: all NULL but its name and the comment VIEW (MySQL). */
export function viewStatusRow(v: ViewDef): Value[] {
  return [v.name, ...new Array<Value>(16).fill(null), 'VIEW'];
}

/** A view's row of information_schema.TABLES (21 columns): no storage, TABLE_TYPE and comment VIEW. */
export function viewTablesRow(v: ViewDef, createTime: Value): Value[] {
  const row: Value[] = ['def', v.db, v.name, 'VIEW', ...new Array<Value>(17).fill(null)];
  row[14] = createTime;
  row[20] = 'VIEW';
  return row;
}

/** A view's row of information_schema.VIEWS. */
export function viewsRow(v: ViewDef): Value[] {
  return ['def', v.db, v.name, v.queryText, v.checkOption, 'NO', `${v.definer.user}@${v.definer.host}`, v.security, v.charsetClient, v.collationConnection];
}
