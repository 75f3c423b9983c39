import type * as A from '../sql/ast.js';
import type { Value } from '../common/value.js';
import type { SqlType } from '../common/types.js';
import { showCreateView } from './admin/show-views.js';
import { SqlError } from '../common/errors.js';
import { assertNever } from '../common/assert.js';
import { evalConst, collectRows } from '../exec/index.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import { describeWindow } from '../common/ir/window.js';
import { Binder, walkAst } from '../planner/binder.js';
import { distribute } from '../planner/distribute.js';
import { varchar } from '../planner/typing.js';
import { SET_DEFAULT, serializableRefused } from './admin/variables.js';
import * as show from './admin/show.js';
import type { Rowset } from './admin/show.js';
import type { StatementResult } from './mysql/session-api.js';
import type { Session } from './session.js';
import type { ViewDef } from '../cluster/catalog.js';
import { ok, rowsetResult, type Params } from './statement-results.js';
import { evaluateOnAggregator, hasSubquery } from './dml-subqueries.js';
import { sessionNamesOf } from '../planner/session-names.js';

/** SET, SHOW, DESCRIBE, KILL, EXPLAIN and the statements MySQL clients send in passing. */
export async function runAdmin(session: Session, ps: A.ParsedStatement, params: Params): Promise<StatementResult> {
  const engine = session.engine;
  const st = ps.statement;
  const evalExpr = (e: A.Expr): Value => {
    const ctx = session.bindContext(ps, params.types);
    const bound = new Binder(ctx).bindExpr(e, { columns: [], parent: null }, 'field list');
    const inputs = session.execInputs(ps, params, []);
    return evalConst(bound, session.execContext(inputs, () => []));
  };
  const filtered = async (rs: Rowset, where?: A.Expr): Promise<StatementResult> => rowsetResult(where ? await filterRowset(session, ps, rs, where, params) : rs, session.warnings.length);
  // Rows naming databases or tables the session has no privilege on are left out (as MySQL does).
  const p = session.privileges;
  const visible = (rs: Rowset, keep: (name: string) => boolean): Rowset => (p.unrestricted ? rs : { ...rs, rows: rs.rows.filter((r) => keep(String(r[0]))) });

  switch (st.kind) {
    case 'set': {
      // MySQL evaluates every right-hand side before it assigns any variable: in
      // SET @a = @a + 1, @b = @a the second reads the old @a.
      const values: { value: Value | typeof SET_DEFAULT; type: SqlType }[] = [];
      for (const a of st.assignments) {
        if (a.kind !== 'variable') continue;
        const isDefault = a.scope !== 'user' && a.value.kind === 'literal' && a.value.value.type === 'string' && a.value.slot < 0 && a.value.value.value.toUpperCase() === 'DEFAULT';
        if (isDefault) values.push({ value: SET_DEFAULT, type: varchar(7) });
        else if (a.scope !== 'user' && a.value.kind === 'column' && a.value.table === undefined) values.push({ value: a.value.name, type: varchar(64) }); // SET x = ON: a bare word
        else values.push(await evaluate(session, ps, params, a.value));
      }
      let next = 0;
      for (const a of st.assignments) {
        switch (a.kind) {
          case 'variable': {
            const { value, type } = values[next++]!;
            if (a.scope === 'user') {
              session.userVars.set(a.name.toLowerCase(), { value: value as Value, type });
              break;
            }
            const wasAutocommit = session.autocommit;
            const warnings = session.vars.set(a.name, a.scope, value);
            for (const w of warnings) session.warn(w.code, w.message, w.level);
            // Turning autocommit on commits the open transaction, as in MySQL.
            if (!wasAutocommit && session.autocommit && session.txnId !== null) await session.endTxn(true);
            break;
          }
          case 'names':
            session.vars.setNames(a.charset, a.collation);
            break;
          case 'charset':
            session.vars.setNames(a.charset);
            break;
          case 'transaction': {
            // SET [GLOBAL | SESSION] TRANSACTION ISOLATION LEVEL … , READ ONLY | READ WRITE
            const level = a.isolation?.toUpperCase().replace(/ /g, '-');
            if (a.scope === 'next') {
              if (session.txnId !== null) throw new SqlError('ER_CANT_CHANGE_TX_CHARACTERISTICS', 'Transaction characteristics can\'t be changed while a transaction is in progress');
              if (level === 'SERIALIZABLE') throw serializableRefused();
              session.nextTxnTraits = { ...session.nextTxnTraits, ...(level !== undefined ? { isolation: level } : {}), ...(a.readOnly !== undefined ? { readOnly: a.readOnly } : {}) };
              break;
            }
            if (level !== undefined) for (const w of session.vars.set('transaction_isolation', a.scope, level)) session.warn(w.code, w.message, w.level);
            if (a.readOnly !== undefined) for (const w of session.vars.set('transaction_read_only', a.scope, a.readOnly ? 1 : 0)) session.warn(w.code, w.message, w.level);
            break;
          }
          default:
            return assertNever(a, 'SET assignment');
        }
      }
      return ok(0, { warnings: session.warnings.length });
    }
    case 'showDatabases':
      return filtered(visible(show.showDatabases(engine.catalog, st.like), (d) => p.canSeeDatabase(d)), st.where);
    case 'showTables': {
      const dbName = st.db ?? session.db;
      if (dbName === null) throw new SqlError('ER_NO_DB', 'No database selected');
      const db = engine.catalog.database(dbName);
      if (!db) throw new SqlError('ER_BAD_DB', `Unknown database '${dbName}'`);
      return filtered(visible(show.showTables(db, { full: st.full, ...(st.like !== undefined ? { like: st.like } : {}) }), (t) => p.canSeeTable(db.name, t)), st.where);
    }
    case 'showColumns': {
      const view = viewNamed(session, st.table);
      if (view) return filtered(show.showViewColumns(session.viewColumns(view), viewCollation(session, view), { full: st.full, ...(st.like !== undefined ? { like: st.like } : {}) }), st.where);
      const t = session.table(st.table);
      return filtered(visible(show.showColumns(t, { full: st.full, ...(st.like !== undefined ? { like: st.like } : {}) }), (c) => p.columnPrivileges(t.db, t.name, c) !== null), st.where);
    }
    case 'describe': {
      const view = viewNamed(session, st.table);
      if (view) {
        const rs = show.showViewColumns(session.viewColumns(view), viewCollation(session, view));
        return rowsetResult(st.column ? { ...rs, rows: rs.rows.filter((r) => show.likeMatch(st.column!, String(r[0]))) } : rs);
      }
      const t = session.table(st.table);
      const rs = visible(show.showColumns(t), (c) => p.columnPrivileges(t.db, t.name, c) !== null);
      return rowsetResult(st.column ? { ...rs, rows: rs.rows.filter((r) => show.likeMatch(st.column!, String(r[0]))) } : rs);
    }
    case 'showIndex': {
      const t = session.table(st.table);
      return rowsetResult(show.showIndex(t, { rowCount: (await session.rowCounts([t])).get(t.id) ?? 0 }));
    }
    case 'showCreateView':
      return rowsetResult(showCreateView(session.view(st.view)));
    case 'showCreateTable': {
      // MySQL answers SHOW CREATE TABLE on a view as SHOW CREATE VIEW (mysqldump relies on it).
      const view = session.viewOrNull(st.table);
      if (view) return rowsetResult(showCreateView(view));
      const t = session.table(st.table);
      return rowsetResult(show.showCreateTable(t, t.columns.some((c) => c.autoIncrement) ? engine.nextAutoIncrement(t) : undefined));
    }
    case 'showCreateDatabase': {
      const db = engine.catalog.database(st.db);
      if (!db) throw new SqlError('ER_BAD_DB', `Unknown database '${st.db}'`);
      return rowsetResult(show.showCreateDatabase(db, st.ifNotExists === true));
    }
    case 'showVariables':
      return filtered(show.showVariables(session.vars.list(st.scope, st.like), undefined), st.where);
    case 'showStatus': {
      const c = engine.counters;
      const counters = {
        Uptime: Math.floor((Date.now() - engine.startedAt) / 1000),
        Threads_connected: engine.sessions.size,
        Threads_running: 1,
        Questions: c.questions,
        Queries: c.questions,
        Connections: c.connections,
        Com_select: c.comSelect,
        Com_insert: c.comInsert,
        Com_update: c.comUpdate,
        Com_delete: c.comDelete,
        Prepared_stmt_count: c.preparedStatements,
        Tessera_plan_cache_hits: engine.planCache.hits,
        Tessera_plan_cache_misses: engine.planCache.misses,
        Tessera_plan_cache_entries: engine.planCache.size,
        Tessera_parser_skipped: c.parserSkipped,
      };
      return filtered(show.showStatus(counters, st.like), st.where);
    }
    case 'showWarnings': {
      const limit = st.limit ? Number(evalExpr(st.limit.count)) : undefined;
      const offset = st.limit?.offset ? Number(evalExpr(st.limit.offset)) : 0;
      return rowsetResult(show.showWarnings(session.warnings, { errorsOnly: st.errorsOnly, offset, ...(limit !== undefined ? { count: limit } : {}) }));
    }
    case 'showProcesslist':
      return rowsetResult(show.showProcesslist(engine.processList().filter((x) => p.canSeeThreadOf(x.user)), st.full));
    case 'showTableStatus': {
      const dbName = st.db ?? session.db;
      if (dbName === null) throw new SqlError('ER_NO_DB', 'No database selected');
      const db = engine.catalog.database(dbName);
      if (!db) throw new SqlError('ER_BAD_DB', `Unknown database '${dbName}'`);
      const rows = await session.rowCounts([...db.tables.values()]);
      return rowsetResult(visible(show.showTableStatus(db, { ...(st.like !== undefined ? { like: st.like } : {}), nextAutoIncrement: (t) => engine.nextAutoIncrement(t), rowCount: (t) => rows.get(t.id) ?? 0 }), (t) => p.canSeeTable(db.name, t)));
    }
    case 'showCollation':
      return filtered(show.showCollation(st.like), st.where);
    case 'showCharset':
      return filtered(show.showCharset(st.like), st.where);
    case 'showEngines':
      return rowsetResult(show.showEngines());
    case 'showPlugins':
      return rowsetResult(show.showPlugins());
    case 'showCluster':
      throw new SqlError('ER_NOT_SUPPORTED_YET', `SHOW ${st.what.toUpperCase()} arrives with the cluster (aggregator and leaves as separate processes); this build runs the leaves inside the aggregator`);
    case 'kill': {
      if (containsSubquery(st.id)) throw new SqlError('ER_SUBQUERIES_NOT_SUPPORTED', 'KILL does not support subqueries or stored functions');
      const id = Number(evalExpr(st.id));
      engine.kill(id, st.target === 'query', session.privileges);
      return ok(0);
    }
    case 'explain':
      return explain(session, { ...ps, statement: st.statement }, params);
    case 'lockTables':
      await session.lockTables(st);
      return ok(0);
    case 'unlockTables':
      await session.unlockTables();
      return ok(0);
    case 'alterTableKeys': {
      // Indexes are always kept up to date: there are no keys to disable, as with InnoDB.
      const t = session.table(st.table);
      session.warn('ER_ILLEGAL_HA', `Table storage engine for '${t.name}' doesn't have this option`, 'Note');
      return ok(0, { warnings: session.warnings.length });
    }
    case 'showStoredObjects':
      // Tessera has no stored functions, procedures, triggers or events: MySQL's columns, no rows.
      return filtered(show.showStoredObjects(st.what), st.where);
    case 'flush':
      // FLUSH TABLES WITH READ LOCK holds every table READ; other FLUSHes have nothing to do.
      if (/^TABLES\s+WITH\s+READ\s+LOCK$/i.test(st.what)) await session.flushTablesWithReadLock();
      return ok(0);
    case 'analyzeTable':
    case 'optimizeTable': {
      const op = st.kind === 'analyzeTable' ? 'analyze' : 'optimize';
      const rows = st.tables.map((t): Value[] => [`${t.db ?? session.db}.${t.name}`, op, 'status', 'OK']);
      return rowsetResult({ columns: ['Table', 'Op', 'Msg_type', 'Msg_text'].map((name) => ({ name, type: varchar(64) })), rows });
    }
    case 'clusterCommand':
      throw new SqlError('ER_NOT_SUPPORTED_YET', `${st.command.toUpperCase()} arrives with the cluster (aggregator and leaves as separate processes); this build runs the leaves inside the aggregator`);
    default:
      throw new SqlError('ER_INTERNAL_ERROR', `not an administrative statement: ${st.kind}`);
  }
}

function containsSubquery(e: A.Expr): boolean {
  let found = false;
  walkAst(e, (n) => {
    if (n.kind === 'subquery' || n.kind === 'exists' || n.kind === 'inQuery' || n.kind === 'quantified') found = true;
  });
  return found;
}

/** The value of a SET right-hand side, with its type; subqueries run first (dml-subqueries.ts). */
async function evaluate(session: Session, ps: A.ParsedStatement, params: Params, e: A.Expr): Promise<{ value: Value; type: SqlType }> {
  const bound = new Binder(session.bindContext(ps, params.types)).bindExpr(e, { columns: [], parent: null }, 'field list');
  if (hasSubquery(bound)) return { value: (await evaluateOnAggregator(session, ps, params, [bound]))[0]!, type: bound.type };
  return { value: evalConst(bound, session.execContext(session.execInputs(ps, params, []), () => [])), type: bound.type };
}

/** SHOW … WHERE: the rowset's columns are in scope by name. */
async function filterRowset(session: Session, ps: A.ParsedStatement, rs: Rowset, where: A.Expr, params: Params): Promise<Rowset> {
  const ctx = session.bindContext(ps, params.types);
  const scope = { columns: rs.columns.map((c) => ({ name: c.name, table: '', db: '', orgName: c.name, orgTable: '', type: c.type, nullable: true })), parent: null };
  const pred = new Binder(ctx).bindExpr(where, scope, 'where clause');
  const types = rs.columns.map((c) => c.type);
  if (hasSubquery(pred)) {
    // SHOW … WHERE x IN (SELECT …): planned and run like a SELECT over the rowset.
    const plan = distribute({ kind: 'filter', input: { kind: 'rowset', rows: rs.rows, types }, predicate: pred, types });
    return { columns: rs.columns, rows: await session.executePlan({ plan, columns: [], sessionNames: sessionNamesOf(plan) }, ps, params) };
  }
  const plan: PhysicalPlan = { kind: 'filter', input: { kind: 'rowset', rows: rs.rows, types }, predicate: pred, types };
  const inputs = session.execInputs(ps, params, []);
  return { columns: rs.columns, rows: collectRows(plan, session.execContext(inputs, () => [])) };
}

/** EXPLAIN: the distributed plan as an indented tree, one operator per row. */
function explain(session: Session, ps: A.ParsedStatement, params: Params): StatementResult {
  const st = ps.statement;
  if (st.kind !== 'select' && st.kind !== 'union') {
    if (st.kind === 'describe') return rowsetResult(show.showColumns(session.table(st.table)));
    throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support EXPLAIN of this statement");
  }
  const bound = new Binder(session.bindContext(ps, params.types)).bindQuery(st);
  const plan = distribute(bound.plan);
  const lines: string[] = [];
  const columnNames = (scan: Extract<PhysicalPlan, { kind: 'scan' }>): string[] => {
    const t = session.engine.catalog.table(scan.db, scan.table);
    return scan.columns.map((c) => t?.columns[c]?.name ?? `#${c}`);
  };
  describePlan(plan, 0, lines, columnNames);
  return rowsetResult({ columns: [{ name: 'EXPLAIN', type: varchar(1024) }], rows: lines.map((l) => [l]) });
}

type ScanColumnNames = (scan: Extract<PhysicalPlan, { kind: 'scan' }>) => string[];

export function describePlan(p: PhysicalPlan, depth: number, out: string[], columnNames: ScanColumnNames): void {
  const pad = '  '.repeat(depth);
  out.push(pad + describeNode(p, columnNames));
  const inner = p.kind === 'gather' ? [p.fragment] : planInputs(p);
  for (const i of inner) describePlan(i, depth + 1, out, columnNames);
}

function describeNode(p: PhysicalPlan, columnNames: ScanColumnNames): string {
  switch (p.kind) {
    case 'scan': {
      const a = p.access;
      const how = a.kind === 'full' ? 'TableScan' : a.kind === 'point' ? `IndexSeek index:${a.index}` : `IndexRangeScan index:${a.index}`;
      // The columns the scan reads: only those the plan above it uses.
      return `${how} ${p.db}.${p.table} columns:${columnNames(p).join(',') || '-'}`;
    }
    case 'gather':
      return `Gather partitions:${p.routing.kind === 'all' ? 'all' : p.routing.kind === 'shardKey' || p.routing.kind === 'partition' ? 'single' : 'some'}`;
    case 'values':
      return `Values rows:${p.rows.length}`;
    case 'rowset':
      return `Rowset rows:${p.rows.length}`;
    case 'filter':
      return 'Filter';
    case 'project':
      return `Project columns:${p.exprs.length}`;
    case 'hashAgg':
      return `HashAggregate[${p.mode}] groups:${p.groupBy.length} aggregates:${p.aggs.map((a) => a.fn).join(',') || '-'}`;
    case 'sort':
      return `Sort keys:${p.keys.length}`;
    case 'topN':
      return `TopN keys:${p.keys.length}`;
    case 'limit':
      return 'Limit';
    case 'distinct':
      return 'Distinct';
    case 'hashJoin':
      return `HashJoin[${p.type}] keys:${p.leftKeys.length}`;
    case 'nestedLoopJoin':
      return `NestedLoopJoin[${p.type}]`;
    case 'unionAll':
      return `UnionAll inputs:${p.inputs.length}`;
    case 'setOp':
      return `${p.op === 'intersect' ? 'Intersect' : 'Except'}[${p.all ? 'all' : 'distinct'}]`;
    case 'recursiveCte':
      return `RecursiveCTE[${p.distinct ? 'union distinct' : 'union all'}] id:${p.id} (seed, then recursive part per round)`;
    case 'workTable':
      return `WorkTable ${p.name} id:${p.id} (previous round)`;
    case 'apply':
      return `LateralJoin[${p.type}] (right side per left row)`;
    case 'window':
      return describeWindow(p);
    default:
      return assertNever(p, 'plan');
  }
}

/** The view a SHOW COLUMNS / DESCRIBE names, when it names a view (a table of the name wins, as it cannot coexist). */
function viewNamed(session: Session, name: A.TableName): ViewDef | undefined {
  const db = name.db ?? session.db;
  if (db === null || session.engine.catalog.table(db, name.name)) return undefined;
  return session.viewOrNull(name);
}

function viewCollation(session: Session, view: ViewDef): string {
  return session.engine.catalog.database(view.db)?.collation ?? 'utf8mb4_0900_ai_ci';
}
