/**
 * What a statement needs: the privileges, per database, table and column, that MySQL checks
 * before it runs one. Worked out from the AST and the catalog's column lists, so a SELECT names
 * the columns it reads wherever they appear (select list, WHERE, ORDER BY, joins, subqueries),
 * an UPDATE the columns it writes and those it reads, and DDL the table-level rights it uses.
 * It depends on the statement's shape, the current database and the catalog only, so the
 * result is shared by every session and literal value of that shape.
 */
import type * as A from '../../sql/ast.js';
import type { CatalogView, TableDef } from '../../cluster/catalog.js';
import { Priv } from '../../cluster/privileges.js';
import { assertNever } from '../../common/assert.js';

/** Commands as MySQL names them in 1142/1143 ("SELECT command denied …"). */
export type Command = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'CREATE' | 'DROP' | 'ALTER' | 'INDEX' | 'SHOW' | 'CREATE VIEW' | 'SHOW VIEW';

export type Requirement =
  /** One of these global privileges, or one of these dynamic ones (1227 names them). */
  | { readonly kind: 'global'; readonly privs: number; readonly dynamic: readonly string[]; readonly names: string }
  /** A database-level privilege (CREATE / DROP DATABASE, CREATE TEMPORARY TABLES, LOCK TABLES): 1044. */
  | { readonly kind: 'db'; readonly db: string; readonly priv: number }
  /** Some privilege in the database (SHOW TABLES FROM db, SHOW CREATE DATABASE): 1044. */
  | { readonly kind: 'dbVisible'; readonly db: string }
  /** A table-level privilege (DELETE, DROP, ALTER, INDEX, CREATE): 1142. */
  | { readonly kind: 'table'; readonly db: string; readonly table: string; readonly priv: number; readonly command: Command }
  /**
   * SELECT / INSERT / UPDATE of columns: the table-level privilege, or the column-level one on
   * each column (1143). `star`: every column (SELECT *, INSERT without a column list). No
   * columns and no star: some column of the table carries it.
   */
  | {
      readonly kind: 'columns';
      readonly db: string;
      readonly table: string;
      readonly priv: number;
      readonly command: Command;
      readonly columns: readonly string[];
      readonly star: boolean;
    }
  /**
   * Some privilege on the table, or (`columnsCount`) on one of its columns (DESCRIBE lists only
   * those; SHOW CREATE TABLE would show them all, so it needs a table-level one): 1142.
   */
  | { readonly kind: 'tableVisible'; readonly db: string; readonly table: string; readonly command: Command; readonly columnsCount: boolean };

const INFORMATION_SCHEMA = 'information_schema';

interface ColumnNeed {
  readonly db: string;
  readonly table: string;
  readonly priv: number;
  readonly command: Command;
  readonly columns: Set<string>;
  star: boolean;
}

/** A table in a FROM clause (or an UPDATE/DELETE target) as column references see it. */
interface ScopeEntry {
  /** What `t.col` names it by, lower-case: the alias, else the table name. */
  readonly alias: string;
  readonly db?: string;
  readonly table?: string;
  readonly def?: TableDef;
  /** A derived table's column names, lower-case. */
  readonly derived?: ReadonlySet<string>;
  /** information_schema: free to read, columns unknown here. */
  readonly opaque?: boolean;
}

type Scope = ScopeEntry[];

class Collector {
  private readonly needs = new Map<string, ColumnNeed>();
  private readonly others: Requirement[] = [];
  /** FROM items the walk resolved, so the final sweep knows which it did not. */
  readonly seen = new Set<object>();

  constructor(
    private readonly catalog: CatalogView,
    private readonly currentDb: string | null,
  ) {}

  dbOf(t: { readonly db?: string }): string | null {
    return t.db ?? this.currentDb;
  }

  add(r: Requirement): void {
    this.others.push(r);
  }

  columns(db: string, table: string, priv: number, command: Command): ColumnNeed {
    const key = `${priv}\u0000${db.toLowerCase()}\u0000${table.toLowerCase()}`;
    let n = this.needs.get(key);
    if (n === undefined) {
      n = { db, table, priv, command, columns: new Set(), star: false };
      this.needs.set(key, n);
    }
    return n;
  }

  tableLevel(t: A.TableName, priv: number, command: Command): void {
    const db = this.dbOf(t);
    if (db === null || db.toLowerCase() === INFORMATION_SCHEMA) return;
    this.others.push({ kind: 'table', db, table: t.name, priv, command });
  }

  result(): Requirement[] {
    const cols: Requirement[] = [...this.needs.values()].map((n) => ({
      kind: 'columns',
      db: n.db,
      table: n.table,
      priv: n.priv,
      command: n.command,
      columns: [...n.columns],
      star: n.star,
    }));
    return [...cols, ...this.others];
  }

  // ───────────── name resolution ─────────────

  entryFor(t: { readonly db?: string; readonly name: string; readonly alias?: string }): ScopeEntry | null {
    const db = this.dbOf(t);
    const alias = (t.alias ?? t.name).toLowerCase();
    if (db === null) return null;
    if (db.toLowerCase() === INFORMATION_SCHEMA) return { alias, db, table: t.name, opaque: true };
    const def = this.catalog.table(db, t.name);
    return def ? { alias, db, table: t.name, def } : { alias, db, table: t.name };
  }

  /** The entries a column reference may name, nearest scope first; [] when none. */
  resolve(c: { readonly db?: string; readonly table?: string; readonly name: string }, scopes: readonly Scope[]): ScopeEntry[] {
    const name = c.name.toLowerCase();
    for (const scope of scopes) {
      if (c.table !== undefined) {
        const t = c.table.toLowerCase();
        const hit = scope.find((e) => e.alias === t && (c.db === undefined || (e.db ?? '').toLowerCase() === c.db.toLowerCase()));
        if (hit) return [hit];
        continue;
      }
      const hits = scope.filter((e) => e.opaque || e.derived?.has(name) || e.def?.columns.some((col) => col.name.toLowerCase() === name));
      if (hits.length > 0) return hits;
    }
    return [];
  }

  /** Reading a column: SELECT on it for each base table it may belong to. */
  read(c: { readonly db?: string; readonly table?: string; readonly name: string }, scopes: readonly Scope[]): void {
    for (const e of this.resolve(c, scopes)) {
      if (e.db !== undefined && e.table !== undefined && !e.opaque) this.columns(e.db, e.table, Priv.SELECT, 'SELECT').columns.add(c.name.toLowerCase());
    }
  }

  // ───────────── queries and expressions ─────────────

  /** A query (top level, derived table or subquery); returns its output column names. */
  query(q: A.Query, outer: readonly Scope[]): string[] {
    for (const cte of q.with?.ctes ?? []) this.query(cte.query, outer);
    if (q.kind === 'union') {
      const names = this.query(q.left, outer);
      this.query(q.right, outer);
      // ORDER BY / LIMIT of a UNION name its output columns; only subqueries there read tables.
      this.expr([q.orderBy, q.limit], [[], ...outer], true);
      return names;
    }
    const scope: Scope = [];
    const deferred: (() => void)[] = [];
    if (q.from) this.tableRef(q.from, scope, outer, deferred, true);
    const scopes = [scope, ...outer];
    for (const run of deferred) run();
    const names: string[] = [];
    for (const item of q.items) {
      if (item.kind === 'star') {
        this.star(item.table, item.db, scope);
        continue;
      }
      this.expr(item.expr, scopes);
      names.push((item.alias ?? (item.expr.kind === 'column' ? item.expr.name : item.text)).toLowerCase());
    }
    this.expr([q.where, q.groupBy, q.having, q.orderBy, q.limit], scopes);
    return names;
  }

  private star(table: string | undefined, db: string | undefined, scope: Scope): void {
    for (const e of scope) {
      if (table !== undefined && (e.alias !== table.toLowerCase() || (db !== undefined && (e.db ?? '').toLowerCase() !== db.toLowerCase()))) continue;
      if (e.db !== undefined && e.table !== undefined && !e.opaque) this.columns(e.db, e.table, Priv.SELECT, 'SELECT').star = true;
    }
  }

  /** Adds a FROM item's tables to `scope`; ON and USING are resolved once the scope is complete. */
  tableRef(ref: A.TableRef, scope: Scope, outer: readonly Scope[], deferred: (() => void)[], reads: boolean): void {
    switch (ref.kind) {
      case 'table': {
        this.seen.add(ref);
        const e = this.entryFor(ref);
        if (e === null) return;
        scope.push(e);
        if (reads && e.table !== undefined && !e.opaque) this.columns(e.db!, e.table, Priv.SELECT, 'SELECT');
        return;
      }
      case 'cte':
        // A WITH's name: its body's tables were checked with the WITH (query()); its columns are free.
        scope.push({ alias: (ref.alias ?? ref.name).toLowerCase(), opaque: true });
        return;
      case 'derived': {
        const names = this.query(ref.query, outer);
        scope.push({ alias: ref.alias.toLowerCase(), derived: new Set((ref.columns ?? names).map((n) => n.toLowerCase())) });
        return;
      }
      case 'join':
        this.tableRef(ref.left, scope, outer, deferred, reads);
        this.tableRef(ref.right, scope, outer, deferred, reads);
        deferred.push(() => {
          const scopes = [scope, ...outer];
          if (ref.on) this.expr(ref.on, scopes);
          for (const u of ref.using ?? []) this.read({ name: u }, scopes);
        });
        return;
      default:
        return assertNever(ref, 'table ref');
    }
  }

  /**
   * Every column an expression (or a list of them) reads, and every subquery in it. Generic over
   * the node shapes, so a new expression kind is still searched. `subqueriesOnly` skips column
   * references (UNION ORDER BY names output columns).
   */
  expr(node: unknown, scopes: readonly Scope[], subqueriesOnly = false): void {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) this.expr(x, scopes, subqueriesOnly);
      return;
    }
    const kind = (node as { kind?: unknown }).kind;
    if (kind === 'column') {
      if (!subqueriesOnly) this.read(node as A.Expr & { kind: 'column' }, scopes);
      return;
    }
    if (kind === 'select' || kind === 'union') {
      this.query(node as A.Query, scopes);
      return;
    }
    if (kind === 'default') return; // DEFAULT / DEFAULT(col) reads the column's default, not its data
    for (const v of Object.values(node)) if (v !== null && typeof v === 'object') this.expr(v, scopes, subqueriesOnly);
  }
}

const SET_GLOBAL: Requirement = { kind: 'global', privs: Priv.SUPER, dynamic: ['SYSTEM_VARIABLES_ADMIN'], names: 'SUPER or SYSTEM_VARIABLES_ADMIN' };

function global(priv: number, name: string): Requirement {
  return { kind: 'global', privs: priv, dynamic: [], names: name };
}

/** The privileges a statement needs before it runs. */
export function requirementsOf(st: A.Statement, currentDb: string | null, catalog: CatalogView): Requirement[] {
  const c = new Collector(catalog, currentDb);
  analyze(c, st, currentDb);
  sweep(c, st);
  return c.result();
}

/**
 * A safety net for syntax the walk above does not know yet (a WITH clause, say): any table
 * named anywhere in the statement that the walk did not resolve still needs some SELECT on it.
 */
function sweep(c: Collector, node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) sweep(c, x);
    return;
  }
  const o = node as { readonly kind?: unknown; readonly name?: unknown; readonly db?: unknown };
  if (o.kind === 'table' && typeof o.name === 'string' && !c.seen.has(node)) {
    const t = node as { readonly db?: string; readonly name: string };
    const db = c.dbOf(t);
    if (db !== null && db.toLowerCase() !== INFORMATION_SCHEMA) c.columns(db, t.name, Priv.SELECT, 'SELECT');
  }
  for (const v of Object.values(node)) if (v !== null && typeof v === 'object') sweep(c, v);
}

function analyze(c: Collector, st: A.Statement, currentDb: string | null): void {
  switch (st.kind) {
    case 'select':
    case 'union':
      c.query(st, []);
      return;
    case 'insert':
      insert(c, st);
      return;
    case 'update':
      update(c, st);
      return;
    case 'deleteMulti':
      deleteMulti(c, st);
      return;
    case 'delete': {
      const e = c.entryFor({ ...st.table, ...(st.alias !== undefined ? { alias: st.alias } : {}) });
      c.tableLevel(st.table, Priv.DELETE, 'DELETE');
      c.expr([st.where, st.orderBy, st.limit], [e ? [e] : []]);
      return;
    }
    case 'createDatabase':
      c.add({ kind: 'db', db: st.name, priv: Priv.CREATE });
      return;
    case 'dropDatabase':
      c.add({ kind: 'db', db: st.name, priv: Priv.DROP });
      return;
    case 'createTable': {
      const db = c.dbOf(st.table);
      if (st.temporary) {
        if (db !== null) c.add({ kind: 'db', db, priv: Priv.CREATE_TEMPORARY_TABLES });
      } else c.tableLevel(st.table, Priv.CREATE, 'CREATE');
      if (st.asQuery) {
        c.tableLevel(st.table, Priv.INSERT, 'INSERT');
        c.query(st.asQuery, []);
      }
      return;
    }
    case 'createTableLike': {
      c.tableLevel(st.table, Priv.CREATE, 'CREATE');
      const src = c.dbOf(st.like);
      if (src !== null) c.columns(src, st.like.name, Priv.SELECT, 'SELECT');
      return;
    }
    case 'dropTable':
      for (const t of st.tables) c.tableLevel(t, Priv.DROP, 'DROP');
      return;
    case 'createView':
    case 'alterView':
      // MySQL: CREATE VIEW, DROP too when it may replace one, and SELECT on what the view reads.
      c.tableLevel(st.spec.view, Priv.CREATE_VIEW, 'CREATE VIEW');
      if (st.kind === 'alterView' || st.orReplace) c.tableLevel(st.spec.view, Priv.DROP, 'DROP');
      c.query(st.spec.query, []);
      return;
    case 'dropView':
      for (const t of st.views) c.tableLevel(t, Priv.DROP, 'DROP');
      return;
    case 'showCreateView':
      c.tableLevel(st.view, Priv.SHOW_VIEW, 'SHOW VIEW');
      c.tableLevel(st.view, Priv.SELECT, 'SELECT');
      return;
    case 'truncate':
      c.tableLevel(st.table, Priv.DROP, 'DROP');
      return;
    case 'createIndex':
    case 'dropIndex':
      c.tableLevel(st.table, Priv.INDEX, 'INDEX');
      return;
    case 'alterTable': {
      // MySQL: ALTER, CREATE and INSERT on the table; a rename also DROP on the old name and
      // ALTER, CREATE and INSERT on the new one.
      for (const [p, cmd] of [[Priv.ALTER, 'ALTER'], [Priv.CREATE, 'CREATE'], [Priv.INSERT, 'INSERT']] as const) c.tableLevel(st.table, p, cmd);
      for (const a of st.actions) {
        if (a.kind !== 'renameTable') continue;
        c.tableLevel(st.table, Priv.DROP, 'DROP');
        const to = { db: a.to.db ?? st.table.db, name: a.to.name };
        for (const [p, cmd] of [[Priv.ALTER, 'ALTER'], [Priv.CREATE, 'CREATE'], [Priv.INSERT, 'INSERT']] as const) c.tableLevel(to, p, cmd);
      }
      return;
    }
    case 'alterTableKeys': // DISABLE / ENABLE KEYS: an ALTER TABLE, as MySQL checks it
      c.tableLevel(st.table, Priv.ALTER, 'ALTER');
      return;
    case 'renameTable':
      for (const p of st.pairs) {
        c.tableLevel(p.from, Priv.ALTER, 'ALTER');
        c.tableLevel(p.from, Priv.DROP, 'DROP');
        c.tableLevel(p.to, Priv.CREATE, 'CREATE');
        c.tableLevel(p.to, Priv.INSERT, 'INSERT');
      }
      return;
    case 'set':
      for (const a of st.assignments) {
        if ((a.kind === 'variable' || a.kind === 'transaction') && a.scope === 'global') c.add(SET_GLOBAL);
        if (a.kind === 'variable') c.expr(a.value, []);
      }
      return;
    case 'showTables':
    case 'showTableStatus': {
      const db = st.db ?? currentDb;
      if (db !== null && db.toLowerCase() !== INFORMATION_SCHEMA) c.add({ kind: 'dbVisible', db });
      return;
    }
    case 'showCreateDatabase':
      if (st.db.toLowerCase() !== INFORMATION_SCHEMA) c.add({ kind: 'dbVisible', db: st.db });
      return;
    case 'showColumns':
    case 'showIndex':
    case 'showCreateTable':
    case 'describe': {
      const db = c.dbOf(st.table);
      const whole = st.kind === 'showCreateTable' || st.kind === 'showIndex';
      if (db !== null && db.toLowerCase() !== INFORMATION_SCHEMA) c.add({ kind: 'tableVisible', db, table: st.table.name, command: whole ? 'SHOW' : 'SELECT', columnsCount: !whole });
      return;
    }
    case 'explain':
      analyze(c, st.statement, currentDb);
      return;
    case 'lockTables':
      c.add(currentDb !== null ? { kind: 'db', db: currentDb, priv: Priv.LOCK_TABLES } : global(Priv.LOCK_TABLES, 'LOCK TABLES'));
      return;
    case 'flush':
      c.add(global(Priv.RELOAD, 'RELOAD'));
      return;
    case 'analyzeTable':
    case 'optimizeTable':
      for (const t of st.tables) {
        c.tableLevel(t, Priv.SELECT, 'SELECT');
        c.tableLevel(t, Priv.INSERT, 'INSERT');
      }
      return;
    case 'clusterCommand':
      c.add(global(Priv.SUPER, 'SUPER'));
      return;
    case 'kill': // the target's owner decides (Engine.kill)
    case 'showProcesslist': // filtered to the user's own threads without PROCESS
    case 'showDatabases': // filtered to the databases the user can see
    case 'use': // checked where every path to a database goes (Session.useDatabase)
    case 'showVariables':
    case 'showStatus':
    case 'showWarnings':
    case 'showCollation':
    case 'showCharset':
    case 'showEngines':
    case 'showPlugins':
    case 'showStoredObjects': // Tessera has no routines, triggers or events: always empty
    case 'showCluster':
    case 'begin':
    case 'commit':
    case 'rollback':
    case 'savepoint':
    case 'rollbackToSavepoint':
    case 'releaseSavepoint':
    case 'unlockTables':
    case 'sqlPrepared': // PREPARE and EXECUTE check the prepared statement itself (Session)
    case 'empty':
      return;
    default:
      if (isAccountStatement(st)) return; // authorized by the account statements themselves
      return assertNever(st, 'statement');
  }
}

/** Account statements check their own rights, which depend on the accounts they name. */
export function isAccountStatement(st: A.Statement): st is A.AccountStatement {
  return ACCOUNT_KINDS.has(st.kind);
}

const ACCOUNT_KIND: Readonly<Record<A.AccountStatement['kind'], true>> = {
  createUser: true, alterUser: true, dropUser: true, renameUser: true, setPassword: true, createRole: true, dropRole: true,
  grant: true, revoke: true, revokeAll: true, grantRole: true, revokeRole: true, setRole: true, setDefaultRole: true,
  showGrants: true, showCreateUser: true,
};
const ACCOUNT_KINDS: ReadonlySet<string> = new Set(Object.keys(ACCOUNT_KIND));

function insert(c: Collector, st: Extract<A.Statement, { kind: 'insert' }>): void {
  const db = c.dbOf(st.table);
  if (db === null || db.toLowerCase() === INFORMATION_SCHEMA) return;
  const target = c.entryFor(st.table);
  const need = c.columns(db, st.table.name, Priv.INSERT, 'INSERT');
  const src = st.source;
  if (src.kind === 'set') for (const a of src.assignments) need.columns.add(a.column.name.toLowerCase());
  else if (st.columns) for (const col of st.columns) need.columns.add(col.toLowerCase());
  else need.star = true;
  switch (src.kind) {
    case 'values':
      c.expr(src.rows, [[]]);
      break;
    case 'set':
      c.expr(src.assignments.map((a) => a.value), [[]]);
      break;
    case 'query':
      c.query(src.query, []);
      break;
    default:
      assertNever(src, 'insert source');
  }
  if (st.replace) c.tableLevel(st.table, Priv.DELETE, 'DELETE');
  if (st.onDuplicate) {
    const upd = c.columns(db, st.table.name, Priv.UPDATE, 'UPDATE');
    const alias = st.rowAlias?.toLowerCase();
    for (const a of st.onDuplicate) {
      upd.columns.add(a.column.name.toLowerCase());
      // VALUES(col) and new.col are the row being inserted, not data read from the table.
      c.expr(stripInsertedRow(a.value, alias), [target ? [target] : []]);
    }
  }
}

function stripInsertedRow(e: A.Expr, alias: string | undefined): unknown {
  const walk = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(walk);
    const o = n as { kind?: string; name?: string; table?: string };
    if (o.kind === 'call' && o.name === 'VALUES') return null;
    if (o.kind === 'column' && alias !== undefined && o.table?.toLowerCase() === alias) return null;
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, walk(v)]));
  };
  return walk(e);
}

/** DELETE on each target table, SELECT on the others it reads (as for a multi-table UPDATE). */
function deleteMulti(c: Collector, st: Extract<A.Statement, { kind: 'deleteMulti' }>): void {
  const scope: Scope = [];
  const deferred: (() => void)[] = [];
  c.tableRef(st.from, scope, [], deferred, false);
  for (const run of deferred) run();
  const deleted = new Set<ScopeEntry>();
  for (const t of st.targets) {
    const e = scope.find((x) => x.alias === t.name.toLowerCase() && !x.opaque);
    if (e?.db === undefined || e.table === undefined) continue;
    c.tableLevel({ db: e.db, name: e.table }, Priv.DELETE, 'DELETE');
    deleted.add(e);
  }
  c.expr([st.where], [scope]);
  for (const e of scope) if (!deleted.has(e) && e.db !== undefined && e.table !== undefined && !e.opaque) c.columns(e.db, e.table, Priv.SELECT, 'SELECT');
}

function update(c: Collector, st: Extract<A.Statement, { kind: 'update' }>): void {
  const scope: Scope = [];
  const deferred: (() => void)[] = [];
  c.tableRef(st.table, scope, [], deferred, false);
  for (const run of deferred) run();
  const updated = new Set<ScopeEntry>();
  for (const a of st.set) {
    const hits = c.resolve(a.column, [scope]);
    for (const e of hits.length > 0 ? hits : scope.slice(0, 1)) {
      if (e.db === undefined || e.table === undefined || e.opaque) continue;
      c.columns(e.db, e.table, Priv.UPDATE, 'UPDATE').columns.add(a.column.name.toLowerCase());
      updated.add(e);
    }
  }
  c.expr([st.set.map((a) => a.value), st.where, st.orderBy, st.limit], [scope]);
  // The other tables of a multi-table UPDATE are read.
  for (const e of scope) if (!updated.has(e) && e.db !== undefined && e.table !== undefined && !e.opaque) c.columns(e.db, e.table, Priv.SELECT, 'SELECT');
}
