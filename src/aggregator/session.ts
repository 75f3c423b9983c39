import type * as A from '../sql/ast.js';
import { fingerprint, parse, parseOne, printAccountStatement } from '../sql/index.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Decimal } from '../common/decimal.js';
import { SqlError, isSqlError, ParseError } from '../common/errors.js';
import { ErrorCodes, type ErrorCodeName } from '../common/error-codes.js';
import { assertNever } from '../common/assert.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { TableDef, ViewDef } from '../cluster/catalog.js';
import type { ExecInputs } from '../net/leaf-api.js';
import { PAUSE, Pacer, batchBytes, batchRows, batchesOperator, namedLocks, type Batch, type ExecContext, type Operator } from '../exec/index.js';
import { lookupFunction } from '../exec/functions/registry.js';
import { Binder, type BindContext } from '../planner/binder.js';
import { dmlParamHints, reportedParamType } from './prepare-params.js';
import { distribute } from '../planner/distribute.js';
import { sessionNamesOf } from '../planner/session-names.js';
import { literalValue } from '../planner/literals.js';
import type { LogicalPlan, OutputColumn } from '../planner/logical.js';
import { varchar, BIGINT, UBIGINT, DOUBLE, GROUP_CONCAT_RESULT, groupConcatResultType } from '../planner/typing.js';
import { SystemVariables } from './admin/variables.js';
import type { Diagnostic, ProcessInfo, Rowset } from './admin/show.js';
import { informationSchemaTable, INFORMATION_SCHEMA } from './admin/information-schema.js';
import type {
  BoundParam,
  ColumnInfo,
  ConnectionInfo,
  PreparedInfo,
  QueryOutcome,
  ResultReply,
  ResultValue,
  RowStream,
  ServerSession,
  SessionCharsets,
  StatementResult,
} from './mysql/session-api.js';
import { ClientFlags, ServerStatus } from './mysql/session-api.js';
import type { Engine } from './engine.js';
import { PlanCache } from './plan-cache.js';
import { nowText, ok, rowsetResult, type Params } from './statement-results.js';
import { runInsert, runModify } from './dml.js';
import { runMultiDelete, runMultiUpdate } from './dml-multi.js';
import { runDdl, isDdl } from './ddl.js';
import { rejectViewTargets } from './view-targets.js';
import { runAdmin } from './admin-statements.js';
import { NamedStatements, type PreparedStatementHost } from './sql-prepare.js';
import { TableLocks, lockRequests, lockedTablesUse } from './table-locks.js';
import { tableKey } from './metadata-locks.js';
import { SessionPrivileges } from './privileges/session-privileges.js';
import { runAccountStatement } from './privileges/account-statements.js';
import { isAccountStatement } from './privileges/requirements.js';
import { privilegeTableRows } from './privileges/grant-listing.js';
import { sameAccount } from '../cluster/accounts.js';
import type { PlanRun } from './leaf-cursor.js';
import { QueryRows, drainStream, formatRows } from './query-rows.js';
import { maxExecutionTimeHint } from './optimizer-hints.js';

export interface QueryPlan {
  readonly plan: PhysicalPlan;
  readonly columns: readonly OutputColumn[];
  /** Session expressions the plan reads (their values travel with each execution). */
  readonly sessionNames: readonly string[];
}

interface Prepared {
  readonly id: number;
  readonly parsed: A.ParsedStatement;
  readonly paramCount: number;
  /** Types of the last execution's parameters, for clients that do not resend them. */
  lastTypes?: readonly BoundParam[];
}

const NO_PARAMS: Params = { values: [], types: [] };

/** The statement a session runs now: what stops it (KILL, deadline, memory) and its id on the leaves. */
interface Running {
  readonly pacer: Pacer;
  readonly queryId: number;
  /** The statement's text, for the log line of one stopped over its memory limit. */
  readonly text: string;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Query ids name statements on the leaves (cancelQuery); unique within the process. */
let nextQueryId = 1;

/** A SELECT whose result passes this many rows streams to the client instead of being held whole. */
const STREAM_AFTER_ROWS = 4096;

/** One client connection's state: database, variables, transaction, prepared statements. */
export class Session implements ServerSession {
  db: string | null = null;
  readonly vars: SystemVariables;
  readonly userVars = new Map<string, { value: Value; type: SqlType }>();
  /** The open transaction: explicit (BEGIN) or implicit (autocommit off). */
  txnId: number | null = null;
  /** Savepoint names of the open transaction, oldest first. */
  private readonly savepoints: string[] = [];
  /** The open transaction's characteristics (READ ONLY refuses its writes with 1792). */
  private txnTraits: TxnTraits = { isolation: 'REPEATABLE-READ', readOnly: false };
  /** SET TRANSACTION without SESSION/GLOBAL: the next transaction's characteristics only. */
  nextTxnTraits: Partial<TxnTraits> | null = null;
  lastInsertId: number | bigint = 0;
  /**
   * The value LAST_INSERT_ID(expr) set during the running statement (null: it was not called);
   * an INSERT that generates no id, and an UPDATE, report it as their insert id.
   */
  insertIdArg: number | bigint | null = null;
  rowCount: number | bigint = -1;
  foundRows: number | bigint = 0;
  /** Row counts of the tables, loaded for a statement that reads information_schema. */
  private tableRows: ReadonlyMap<number, number> = new Map();
  warnings: Diagnostic[] = [];
  private readonly prepared = new Map<number, Prepared>();
  /** PREPARE name FROM …: names for some of `prepared` (sql-prepare.ts). */
  private readonly named = new NamedStatements();
  private nextStmtId = 1;
  private multiStatements: boolean;
  private running: Running | null = null;
  /** The session's statement limits, read once and again after any SET (the only way they change). */
  private limits: { memory: number; executionMs: number; statementS: number } | null = null;
  private command = 'Sleep';
  private info: string | null = null;
  private stateSince = Date.now();
  /** What the running statement waits for, as SHOW PROCESSLIST's State shows it. */
  private waitingFor: string | null = null;
  /** LOCK TABLES of this session. */
  private readonly tableLocks: TableLocks;
  /** The account, its active roles, and the check each statement passes. */
  readonly privileges: SessionPrivileges;
  /** The server's own session (recovery), not a client's. */
  readonly internal: boolean;

  constructor(
    readonly engine: Engine,
    readonly conn: ConnectionInfo,
    opts: { internal?: boolean } = {},
  ) {
    this.vars = new SystemVariables(engine.globals);
    this.multiStatements = conn.multiStatements;
    this.tableLocks = new TableLocks(engine.mdl);
    // The handshake's charset is the session's, as SET NAMES would make it.
    if (conn.charset) this.vars.setNames(conn.charset.name, conn.charset.collation);
    this.internal = opts.internal ?? false;
    this.privileges = new SessionPrivileges(engine, conn, { internal: this.internal });
  }

  // ───────────────────────────── ServerSession ─────────────────────────────

  async query(sql: string): Promise<QueryOutcome> {
    const results: StatementResult[] = [];
    const error = await this.run(sql, async (r) => {
      results.push(r.kind === 'stream' ? await drainStream(r) : r);
    });
    return error === undefined ? { results } : { results, error };
  }

  async run(sql: string, reply: ResultReply): Promise<SqlError | undefined> {
    this.engine.counters.questions++;
    try {
      const fast = this.cachedSelect(sql);
      if (fast !== null) {
        await reply(await this.runStatement(fast, NO_PARAMS), false);
        return undefined;
      }
      const statements = parse(sql);
      if (statements.length > 1 && !this.multiStatements) {
        const second = statements[1]!.text;
        return new ParseError(`You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${second.slice(0, 80)}' at line 1`);
      }
      for (let i = 0; i < statements.length; i++) await reply(await this.runStatement(statements[i]!, NO_PARAMS), i < statements.length - 1);
      return undefined;
    } catch (e) {
      return toSqlError(e, this.engine);
    }
  }

  /**
   * The parser-free path of COM_QUERY: a single SELECT whose shape was seen before and whose plan
   * is cached for these baked literals. Fingerprinting alone yields its literal values, and the
   * plan binds literals through slots, so the AST kept from the first parse (whose own literal
   * values are stale) is never bound again. Anything else returns null and is parsed.
   */
  private cachedSelect(sql: string): A.ParsedStatement | null {
    // Other statements go straight to the parser rather than being tokenized twice.
    if (!LOOKS_LIKE_QUERY.test(sql)) return null;
    let fps: ReturnType<typeof fingerprint>;
    try {
      fps = fingerprint(sql);
    } catch {
      return null; // the parser reports the error
    }
    if (fps.length !== 1) return null;
    const fp = fps[0]!;
    if (fp.paramCount !== 0) return null;
    const statement = this.engine.shapes.query(fp.cacheKey);
    if (statement === undefined) return null;
    if (!this.engine.planCache.has(PlanCache.key(this.db, fp.cacheKey, ''), this.engine.catalog.version, fp.literals)) return null;
    this.engine.counters.parserSkipped++;
    return { statement, text: fp.text, cacheKey: fp.cacheKey, literals: fp.literals, paramCount: 0 };
  }

  async prepare(sql: string): Promise<PreparedInfo> {
    let parsed: A.ParsedStatement;
    try {
      parsed = parseOne(sql);
    } catch (e) {
      throw toSqlError(e, this.engine);
    }
    const st = parsed.statement;
    const preparable = ['select', 'union', 'insert', 'update', 'delete', 'deleteMulti', 'begin', 'commit', 'rollback', 'set', 'use', 'describe'].includes(st.kind) || st.kind.startsWith('show') || isDdl(st) || isAccountStatement(st);
    if (!preparable) throw new SqlError('ER_UNSUPPORTED_PS', 'This command is not supported in the prepared statement protocol yet');
    // Checked here too (as MySQL does), or the reply's column definitions would describe a table
    // the user may not read; and again at each execute, since grants change.
    this.privileges.check(parsed, this.db);
    // One bound for the whole server, binary protocol and PREPARE alike (MySQL's).
    const max = Number(this.vars.get('max_prepared_stmt_count'));
    if (this.engine.counters.preparedStatements >= max) {
      throw new SqlError('ER_MAX_PREPARED_STMT_COUNT_REACHED', `Can't create more than max_prepared_stmt_count statements (current value: ${max})`);
    }
    let columns: readonly ColumnInfo[] = [];
    // What each `?` meets gives its type in the reply (prepare-params.ts).
    const hints: (SqlType | undefined)[] = [];
    if (st.kind === 'select' || st.kind === 'union') {
      try {
        const types = Array.from({ length: parsed.paramCount }, () => varchar(255));
        const bound = new Binder({ ...this.bindContext(parsed, types), paramHints: hints }).bindQuery(st);
        columns = this.resultColumns(bound.columns);
      } catch (e) {
        // A missing table is reported at prepare, as MySQL does; anything else waits for the values.
        if (isSqlError(e) && (e.code === 'ER_NO_SUCH_TABLE' || e.code === 'ER_BAD_DB')) throw e;
        columns = [];
      }
    } else {
      if (st.kind === 'insert' || st.kind === 'delete') this.table(st.table);
      else if (st.kind === 'update' && st.table.kind === 'table') this.table(st.table);
      dmlParamHints(st, this.engine.catalog, this.db, hints);
    }
    const paramTypes = Array.from({ length: parsed.paramCount }, (_, i) => reportedParamType(hints[i]));
    const id = this.nextStmtId++;
    this.prepared.set(id, { id, parsed, paramCount: parsed.paramCount });
    this.engine.counters.preparedStatements++;
    return { statementId: id, paramCount: parsed.paramCount, columns, paramTypes };
  }

  async execute(statementId: number, params: readonly BoundParam[]): Promise<StatementResult> {
    this.engine.counters.questions++;
    const p = this.prepared.get(statementId);
    if (!p) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${statementId}) given to mysqld_stmt_execute`);
    if (params.length !== p.paramCount) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute');
    try {
      return await this.runStatement(p.parsed, convertParams(params));
    } catch (e) {
      throw toSqlError(e, this.engine);
    }
  }

  closeStatement(statementId: number): void {
    if (this.prepared.delete(statementId)) this.engine.counters.preparedStatements--;
  }

  /** Drops every prepared statement of the connection (reset, close). */
  private dropPrepared(): void {
    this.engine.counters.preparedStatements -= this.prepared.size;
    this.prepared.clear();
    this.named.clear();
  }

  resetStatement(_statementId: number): void {}

  async useDatabase(db: string): Promise<void> {
    // Without a privilege there, a database that exists and one that does not look the same (1044).
    if (!this.privileges.canSeeDatabase(db)) throw this.privileges.dbDenied(db);
    if (db.toLowerCase() !== INFORMATION_SCHEMA && !this.engine.catalog.database(db)) {
      throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
    }
    this.db = this.engine.catalog.database(db)?.name ?? INFORMATION_SCHEMA;
  }

  async fieldList(table: string, _wildcard: string): Promise<readonly ColumnInfo[]> {
    if (!this.db) throw new SqlError('ER_NO_DB', 'No database selected');
    if (!this.privileges.canSeeTable(this.db, table)) throw this.privileges.tableDenied('SELECT', table);
    const t = this.engine.catalog.table(this.db, table);
    if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${this.db}.${table}' doesn't exist`);
    return t.columns.filter((c) => this.privileges.columnPrivileges(t.db, t.name, c.name) !== null).map((c) => ({ name: c.name, orgName: c.name, table: t.name, orgTable: t.name, schema: t.db, type: c.type, nullable: c.nullable }));
  }

  async resetConnection(): Promise<void> {
    await this.endTxn(false);
    this.tableLocks.unlock();
    this.nextTxnTraits = null;
    this.dropPrepared();
    this.userVars.clear();
    this.privileges.setActiveRoles(this.privileges.defaultRoles());
    this.warnings = [];
    this.lastInsertId = 0;
  }

  async killConnection(connectionId: number): Promise<void> {
    this.engine.kill(connectionId, false, this.privileges);
  }

  setMultiStatements(on: boolean): void {
    this.multiStatements = on;
  }

  characterSets(): SessionCharsets {
    const results = this.vars.get('character_set_results');
    return { client: String(this.vars.get('character_set_client')), results: results === null ? null : String(results) };
  }

  statusFlags(): number {
    let f = 0;
    if (this.txnId !== null) f |= ServerStatus.IN_TRANS;
    if (this.txnId !== null && this.txnTraits.readOnly) f |= ServerStatus.IN_TRANS_READONLY;
    if (this.autocommit) f |= ServerStatus.AUTOCOMMIT;
    return f;
  }

  async close(): Promise<void> {
    try {
      await this.endTxn(false);
    } finally {
      this.tableLocks.unlock();
      // User-level locks (GET_LOCK) go with the connection, as in MySQL.
      namedLocks.releaseAll(this.conn.connectionId);
      this.dropPrepared();
      this.engine.closed(this.conn.connectionId);
    }
  }

  // ───────────────────────────── state ─────────────────────────────

  get autocommit(): boolean {
    const v = this.vars.get('autocommit');
    return v === 1 || v === '1' || v === 'ON';
  }

  get strict(): boolean {
    return /STRICT_(TRANS|ALL)_TABLES/.test(String(this.vars.get('sql_mode') ?? ''));
  }

  /**
   * Takes metadata locks (`written`: those of `shared` whose rows change); while it waits, SHOW
   * PROCESSLIST says so (as MySQL does).
   */
  private async metadataLocks(shared: readonly string[], exclusive: readonly string[], written: readonly string[] = []): Promise<void> {
    this.waitingFor = 'Waiting for table metadata lock';
    try {
      if (exclusive.length > 0) await this.engine.mdl.exclusive(this, exclusive, this.lockWaitTimeoutForMetadata);
      const read = written.length === 0 ? shared : shared.filter((k) => !written.includes(k));
      if (read.length > 0) await this.engine.mdl.shared(this, read, this.lockWaitTimeoutForMetadata);
      if (written.length > 0) await this.engine.mdl.shared(this, written, this.lockWaitTimeoutForMetadata, 'write');
    } finally {
      this.waitingFor = null;
    }
  }

  /** LOCK TABLES: commits the open transaction first and lets go of earlier table locks, as MySQL does. */
  async lockTables(st: Extract<A.Statement, { kind: 'lockTables' }>): Promise<void> {
    const requests = lockRequests(st, this.db, this.engine.catalog);
    await this.endTxn(true);
    this.waitingFor = 'Waiting for table metadata lock';
    try {
      await this.tableLocks.lock(requests, this.lockWaitTimeoutForMetadata);
    } finally {
      this.waitingFor = null;
    }
  }

  /** FLUSH TABLES WITH READ LOCK (mysqldump --lock-all-tables): commits first, as FLUSH does. */
  async flushTablesWithReadLock(): Promise<void> {
    await this.endTxn(true);
    const keys = this.engine.catalog.databases().flatMap((d) => [...d.tables.values()].map((t) => tableKey(d.name, t.name)));
    this.waitingFor = 'Waiting for global read lock';
    try {
      await this.tableLocks.lockAll(keys, this.lockWaitTimeoutForMetadata);
    } finally {
      this.waitingFor = null;
    }
  }

  /** UNLOCK TABLES: commits the open transaction when table locks were held (MySQL's rule). */
  async unlockTables(): Promise<void> {
    if (this.tableLocks.active) await this.endTxn(true);
    this.tableLocks.unlock();
  }

  /** lock_wait_timeout (metadata locks), in ms. */
  get lockWaitTimeoutForMetadata(): number {
    return Number(this.vars.get('lock_wait_timeout') ?? 31536000) * 1000;
  }

  get lockWaitTimeoutMs(): number {
    return Number(this.vars.get('innodb_lock_wait_timeout') ?? 50) * 1000;
  }

  /** KILL QUERY / KILL CONNECTION / server shutdown: stops the running statement, if any. */
  interrupt(why: 'query' | 'connection' | 'shutdown'): void {
    const r = this.running;
    if (r === null) return;
    const err =
      why === 'query'
        ? new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted')
        : why === 'connection'
          ? new SqlError('ER_CONNECTION_KILLED', 'Connection was killed')
          : new SqlError('ER_SERVER_SHUTDOWN', 'Server shutdown in progress');
    this.stopRunning(r, err);
  }

  /** Stops a statement wherever it is: its operators, its leaves' work and its lock waits. */
  private stopRunning(r: Running, err: SqlError): void {
    if (r.pacer.stopped !== null) return;
    r.pacer.stop(err);
    for (const leaf of this.engine.partitionMap.leaves()) leaf.cancelQuery(r.queryId).catch(() => undefined);
    this.engine.mdl.cancelWaits(this, err);
  }

  /** The running statement's pacer; statement-less work (tests, recovery) gets one that never stops. */
  get pacer(): Pacer {
    return this.running?.pacer ?? new Pacer();
  }

  processInfo(): ProcessInfo {
    return {
      id: this.conn.connectionId,
      user: this.conn.user,
      host: this.conn.host,
      db: this.db,
      command: this.command,
      time: Math.floor((Date.now() - this.stateSince) / 1000),
      state: this.command === 'Query' ? this.waitingFor ?? 'executing' : null,
      info: this.info,
    };
  }

  warn(code: ErrorCodeName | number, message: string, level: Diagnostic['level'] = 'Warning'): void {
    // sql_notes = 0 (a dump's prologue sets it) keeps Notes out, as in MySQL.
    if (level === 'Note' && !isOn(this.vars.get('sql_notes'))) return;
    const errno = typeof code === 'number' ? code : ErrorCodes[code].errno;
    if (this.warnings.length < 64) this.warnings.push({ level, code: errno, message });
  }

  /** The view `name` names; 1347 for a table, 1146 when neither exists. */
  view(name: A.TableName): ViewDef {
    const v = this.viewOrNull(name);
    if (v) return v;
    const t = this.table(name);
    throw new SqlError('ER_WRONG_OBJECT', `'${t.db}.${t.name}' is not VIEW`);
  }

  /** A view's columns as a query reading it sees them (SHOW COLUMNS, DESCRIBE); 1356 if it no longer binds. */
  viewColumns(view: ViewDef): readonly { readonly name: string; readonly type: SqlType; readonly nullable: boolean }[] {
    const q = (s: string): string => `\`${s.replace(/`/g, '``')}\``;
    const parsed = parseOne(`SELECT * FROM ${q(view.db)}.${q(view.name)}`);
    if (parsed.statement.kind !== 'select') throw new Error('invariant: a SELECT parses as a select');
    return new Binder(this.bindContext(parsed, [])).bindQuery(parsed.statement).columns;
  }

  viewOrNull(name: A.TableName): ViewDef | undefined {
    const db = name.db ?? this.db;
    return db === null ? undefined : this.engine.catalog.view(db, name.name);
  }

  /** A table named by a statement: 1046 without a database, 1049 for an unknown one, 1146 for an unknown table. */
  table(name: A.TableName): TableDef {
    const db = name.db ?? this.db;
    if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
    if (!this.engine.catalog.database(db)) throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
    const t = this.engine.catalog.table(db, name.name);
    if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name.name}' doesn't exist`);
    return t;
  }

  // ───────────────────────────── statements ─────────────────────────────

  private async runStatement(ps: A.ParsedStatement, params: Params): Promise<StatementResult> {
    const st = ps.statement;
    this.command = 'Query';
    // Passwords in account statements never show in SHOW PROCESSLIST.
    this.info = (isAccountStatement(st) ? printAccountStatement(st, { redact: true }) : ps.text).slice(0, 100);
    this.stateSince = Date.now();
    const keepWarnings = st.kind === 'showWarnings';
    if (!keepWarnings) this.warnings = [];
    this.insertIdArg = null;
    const r = this.beginStatement(ps);
    let streaming = false;
    try {
      if (st.kind === 'set') this.limits = null;
      const result = await this.dispatch(ps, params);
      // ROW_COUNT(): the affected rows of the statement before, -1 after one that returned rows
      // (FOUND_ROWS() then counts them; a SELECT sets it itself, see runQuery).
      if (result.kind === 'ok') this.rowCount = result.affectedRows;
      else {
        this.rowCount = -1;
        if (result.kind === 'rows' && st.kind !== 'select' && st.kind !== 'union') this.foundRows = result.rows.length;
      }
      if (result.kind === 'stream') {
        // The statement goes on while the client reads; it ends with the stream.
        streaming = true;
      }
      return result;
    } catch (e) {
      this.rowCount = -1;
      throw this.stopReason(r, e);
    } finally {
      if (!streaming) this.endStatement(r);
    }
  }

  /** Starts the statement's pacer: its memory limit and, if any applies, its deadline. */
  private beginStatement(ps: A.ParsedStatement): Running {
    const limits = (this.limits ??= {
      memory: Number(this.vars.get('tessera_query_memory_limit')),
      executionMs: Number(this.vars.get('max_execution_time')),
      statementS: Number(this.vars.get('max_statement_time')),
    });
    const deadline = this.deadlineOf(ps, limits);
    const pacer = new Pacer(
      deadline === null
        ? { memoryLimit: limits.memory > 0 ? limits.memory : Infinity }
        : { memoryLimit: limits.memory > 0 ? limits.memory : Infinity, deadline: { at: performance.now() + deadline.ms, error: deadline.error } },
    );
    const r: Running = { pacer, queryId: nextQueryId++, text: ps.text, timer: null };
    // The pacer sees the deadline at its checks; the timer reaches a statement that waits (a lock, a leaf).
    if (deadline !== null) r.timer = setTimeout(() => this.stopRunning(r, deadline.error()), deadline.ms);
    this.running = r;
    return r;
  }

  /**
   * MySQL's max_execution_time (or the MAX_EXECUTION_TIME(n) hint) bounds a SELECT, ending it
   * with 3024; MariaDB's max_statement_time bounds any statement, with 1969. The nearer wins.
   */
  private deadlineOf(ps: A.ParsedStatement, limits: { executionMs: number; statementS: number }): { ms: number; error: () => SqlError } | null {
    const kind = ps.statement.kind;
    let best: { ms: number; error: () => SqlError } | null = null;
    if (kind === 'select' || kind === 'union') {
      const ms = maxExecutionTimeHint(ps.text) ?? limits.executionMs;
      if (ms > 0) best = { ms, error: () => new SqlError('ER_QUERY_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded') };
    }
    const seconds = limits.statementS;
    if (seconds > 0 && (best === null || seconds * 1000 < best.ms)) {
      best = { ms: seconds * 1000, error: () => new SqlError('ER_STATEMENT_TIMEOUT', 'Query execution was interrupted (max_statement_time exceeded)') };
    }
    return best;
  }

  /** A stopped statement fails with why it was stopped, whatever error the stop caused on the way out. */
  private stopReason(r: Running, e: unknown): unknown {
    const err = r.pacer.stopped ?? e;
    if (isSqlError(err) && err.code === 'ER_QUERY_MEMORY_LIMIT') {
      this.engine.log.warn(
        { conn: this.conn.connectionId, user: this.conn.user, statement: r.text.slice(0, 200), memoryLimit: r.pacer.memoryLimit, memoryPeak: r.pacer.memoryPeak },
        'statement stopped: over its working-memory limit',
      );
    }
    return err;
  }

  private endStatement(r: Running): void {
    if (r.timer !== null) clearTimeout(r.timer);
    if (this.running === r) this.running = null;
    // Outside a transaction a statement's metadata locks end with it (see metadata-locks.ts).
    if (this.txnId === null) this.engine.mdl.release(this);
    this.command = 'Sleep';
    this.info = null;
    this.stateSince = Date.now();
  }

  private async dispatch(ps: A.ParsedStatement, params: Params): Promise<StatementResult> {
    const st = ps.statement;
    // At execution, not at prepare: grants may have changed since.
    this.privileges.check(ps, this.db);
    const tables = this.engine.shapes.tablesOf(ps, this.db, this.engine.catalog);
    let readsTables = false;
    if (this.tableLocks.active) {
      // Under LOCK TABLES every table it may touch is held already (see table-locks.ts).
      const use = lockedTablesUse(st, this.db, tables);
      this.tableLocks.check(use.used, use.written);
      readsTables = use.used.length > 0;
    } else if (!isDdl(st)) {
      const { shared, written } = tables;
      const writes = (st.kind === 'select' || st.kind === 'union') && isLockingRead(st) ? shared : written;
      if (shared.length > 0) await this.metadataLocks(shared, [], writes);
      readsTables = shared.length > 0;
    }
    if (tables.shared.some((k) => k.startsWith(`${INFORMATION_SCHEMA}.`))) {
      this.tableRows = await this.rowCounts(this.engine.catalog.databases().flatMap((d) => [...d.tables.values()]));
    }
    switch (st.kind) {
      case 'select':
      case 'union':
        this.engine.counters.comSelect++;
        // A locking read takes row locks, so it needs a transaction (its own under autocommit).
        if (isLockingRead(st)) return this.inWriteTxn(() => this.runQuery(ps, params, true));
        // With autocommit off the first statement that reads a table opens a transaction (its
        // REPEATABLE READ view lasts until COMMIT), as in InnoDB.
        if (readsTables && this.txnId === null) {
          if (!this.autocommit) await this.openTxn();
          else this.nextTxnTraits = null; // this read was the next transaction
        }
        return this.runQuery(ps, params);
      case 'insert':
        rejectViewTargets(this.engine.catalog, this.db, st);
        this.engine.counters.comInsert++;
        return this.inWriteTxn(() => runInsert(this, ps, st, params));
      case 'update':
        rejectViewTargets(this.engine.catalog, this.db, st);
        this.engine.counters.comUpdate++;
        if (st.table.kind !== 'table') return this.inWriteTxn(() => runMultiUpdate(this, ps, st, params));
        return this.inWriteTxn(() => runModify(this, ps, st, params));
      case 'delete':
        rejectViewTargets(this.engine.catalog, this.db, st);
        this.engine.counters.comDelete++;
        return this.inWriteTxn(() => runModify(this, ps, st, params));
      case 'deleteMulti':
        rejectViewTargets(this.engine.catalog, this.db, st);
        this.engine.counters.comDelete++;
        return this.inWriteTxn(() => runMultiDelete(this, ps, st, params));
      case 'begin':
        await this.endTxn(true);
        // START TRANSACTION ends LOCK TABLES (an implicit UNLOCK TABLES), as in MySQL.
        this.tableLocks.startTransaction();
        await this.openTxn({ ...(st.readOnly !== undefined ? { readOnly: st.readOnly } : {}), consistentSnapshot: st.consistentSnapshot === true });
        return ok();
      case 'commit':
      case 'rollback': {
        const traits = this.txnTraits;
        await this.endTxn(st.kind === 'commit');
        // AND CHAIN: the next transaction starts at once, with the same characteristics.
        if (st.chain) await this.openTxn(traits);
        return ok();
      }
      case 'savepoint':
        return this.savepoint(st.name, 'set');
      case 'rollbackToSavepoint':
        return this.savepoint(st.name, 'rollback');
      case 'releaseSavepoint':
        return this.savepoint(st.name, 'release');
      case 'createDatabase':
      case 'dropDatabase':
      case 'createTable':
      case 'createTableLike':
      case 'dropTable':
      case 'truncate':
      case 'createIndex':
      case 'dropIndex':
      case 'alterTable':
      case 'renameTable':
      case 'createView':
      case 'alterView':
      case 'dropView':
      {
        // DDL commits the open transaction first, as MySQL does, then waits for everyone else
        // to be done with the tables it changes (and holds off newcomers until it is).
        await this.endTxn(true);
        if (!this.tableLocks.active) {
          const { shared, exclusive } = this.engine.shapes.tablesOf(ps, this.db, this.engine.catalog);
          await this.metadataLocks(shared, exclusive);
        }
        return runDdl(this, st);
      }
      case 'use':
        await this.useDatabase(st.db);
        return ok();
      case 'set':
      case 'showDatabases':
      case 'showTables':
      case 'showColumns':
      case 'showIndex':
      case 'showCreateTable':
      case 'showCreateView':
      case 'showCreateDatabase':
      case 'showVariables':
      case 'showStatus':
      case 'showWarnings':
      case 'showProcesslist':
      case 'showTableStatus':
      case 'showCollation':
      case 'showCharset':
      case 'showEngines':
      case 'showPlugins':
      case 'showCluster':
      case 'describe':
      case 'kill':
      case 'explain':
      case 'lockTables':
      case 'unlockTables':
      case 'alterTableKeys':
      case 'showStoredObjects':
      case 'flush':
      case 'analyzeTable':
      case 'optimizeTable':
      case 'clusterCommand':
        return runAdmin(this, ps, params);
      case 'createUser':
      case 'alterUser':
      case 'dropUser':
      case 'renameUser':
      case 'setPassword':
      case 'createRole':
      case 'dropRole':
      case 'grant':
      case 'revoke':
      case 'revokeAll':
      case 'grantRole':
      case 'revokeRole':
      case 'setRole':
      case 'setDefaultRole':
      case 'showGrants':
      case 'showCreateUser': {
        // Account management commits the open transaction first, as in MySQL.
        if (st.kind !== 'showGrants' && st.kind !== 'showCreateUser' && st.kind !== 'setRole') await this.endTxn(true);
        const rs = runAccountStatement(this.accountContext(), st);
        return rs === null ? ok(0, { warnings: this.warnings.length }) : rowsetResult(rs, this.warnings.length);
      }
      case 'sqlPrepared':
        return this.named.run(this.preparedHost(), st.command);
      case 'empty':
        return ok();
      default:
        return assertNever(st, 'statement');
    }
  }

  /** What PREPARE / EXECUTE / DEALLOCATE PREPARE use of the session. */
  private preparedHost(): PreparedStatementHost {
    return {
      prepare: (sql) => this.prepare(sql),
      closeStatement: (id) => this.closeStatement(id),
      executePrepared: (id, params) => {
        const p = this.prepared.get(id);
        if (!p) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${id}) given to EXECUTE`);
        // Within this EXECUTE: its locks, privileges and transaction are the statement's own.
        return this.dispatch(p.parsed, params);
      },
      userVariable: (name) => this.userVars.get(name),
    };
  }

  private accountContext(): Parameters<typeof runAccountStatement>[0] {
    return {
      accounts: this.engine.accounts,
      catalog: this.engine.catalog,
      privileges: this.privileges,
      db: this.db,
      defaultPlugin: String(this.vars.get('default_authentication_plugin')),
      warn: (code, message, level) => this.warn(code, message, level),
    };
  }

  // ───────────────────────────── queries ─────────────────────────────

  /** Binds, distributes and caches the plan of a SELECT. */
  planQuery(ps: A.ParsedStatement, paramTypes: readonly SqlType[]): QueryPlan {
    return this.cachedPlan(ps, paramTypes, (ctx) => {
      const bound = new Binder(ctx).bindQuery(ps.statement as A.Query);
      const plan = distribute(bound.plan);
      return { plan, columns: bound.columns, sessionNames: sessionNamesOf(plan) };
    });
  }

  /**
   * The plan of a statement from the plan cache, or built by `build` and cached. The key is the
   * parameterized text with the database and parameter types; the catalog version and the
   * literals the plan baked in must match too.
   */
  cachedPlan<P>(ps: A.ParsedStatement, paramTypes: readonly SqlType[], build: (ctx: BindContext & { baked: Set<number> }) => P): P {
    const key = PlanCache.key(this.db, ps.cacheKey, paramTypes.map(typeSignature).join(','));
    const version = this.engine.catalog.version;
    const hit = this.engine.planCache.get<P>(key, version, ps.literals);
    if (hit) return hit;
    const ctx = this.bindContext(ps, paramTypes);
    const plan = build(ctx);
    // A virtual table's rows are read when the plan is built: such a plan is never reused (it
    // also holds this session's privilege-filtered view of information_schema).
    if (!ctx.readsVirtualTables) {
      this.engine.planCache.put(key, { plan, catalogVersion: version, baked: [...ctx.baked].map((s) => [s, ps.literals[s]!] as const) });
    }
    return plan;
  }

  bindContext(ps: A.ParsedStatement, paramTypes: readonly SqlType[]): BindContext & { baked: Set<number>; readsVirtualTables: boolean } {
    const ctx: BindContext & { baked: Set<number>; readsVirtualTables: boolean } = {
      readsVirtualTables: false,
      catalog: this.engine.catalog,
      db: this.db,
      literals: ps.literals,
      paramTypes,
      baked: new Set<number>(),
      lookupFunction: (name) => lookupFunction(name),
      virtualTable: (db, name) => {
        const t = this.virtualTable(db, name);
        if (t) ctx.readsVirtualTables = true;
        return t;
      },
      checkView: (view, query) => {
        // DEFINER views read their tables with the definer's rights, checked when it was created.
        if (view.security !== 'INVOKER') return;
        this.privileges.check({ statement: query, text: '', cacheKey: '', literals: [], paramCount: 0 }, view.nameDb);
        // Not cached: the plan cache is shared by every account, and the caller's rights decide.
        ctx.readsVirtualTables = true;
      },
      variableType: (name, scope) => {
        if (scope === 'user') return this.userVars.get(name.toLowerCase())?.type ?? varchar(255);
        try {
          return this.vars.typeOf(name);
        } catch {
          throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', `Unknown system variable '${name}'`);
        }
      },
    };
    return ctx;
  }

  private virtualTable(db: string, name: string): Rowset | undefined {
    if (db.toLowerCase() !== INFORMATION_SCHEMA) return undefined;
    const p = this.privileges;
    const t = informationSchemaTable(name, {
      catalog: this.engine.catalog,
      processlist: this.engine.processList().filter((x) => p.canSeeThreadOf(x.user)),
      nextAutoIncrement: (t) => this.engine.nextAutoIncrement(t),
      ...(p.unrestricted ? {} : { visibility: p }),
      grants: (table) => privilegeTableRows(this.engine.accounts.state, table, (a) => p.readsGrantTables || sameAccount(a, p.account)),
      rowCount: (t) => this.tableRows.get(t.id) ?? 0,
    });
    if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Unknown table '${name.toUpperCase()}' in information_schema`);
    return t;
  }

  /**
   * Runs a SELECT. A small result is returned whole; once it passes STREAM_AFTER_ROWS rows, or
   * the statement has to pause (it is long), the result becomes a stream the client reads as it
   * is made. A locking read is held whole: its transaction commits when this returns.
   */
  private async runQuery(ps: A.ParsedStatement, params: Params, lockRows = false): Promise<StatementResult> {
    const qp = this.planQuery(ps, params.types);
    const q = ps.statement as A.Query;
    // SQL_CALC_FOUND_ROWS … LIMIT: FOUND_ROWS() is the count without the LIMIT, counted first.
    const calcFound = calcFoundRows(q) && q.limit !== undefined ? await this.countWithoutLimit(ps, params) : null;
    const run = await this.startPlan(qp, ps, params, lockRows);
    const r = this.running!;
    const types = qp.columns.map((c) => c.type);
    const columns = this.resultColumns(qp.columns);
    const rows: ResultValue[][] = [];
    try {
      for (;;) {
        const b = run.op.next();
        if (b === null) break;
        if (b === PAUSE) {
          if (!lockRows) return this.streamResult(columns, new QueryRows(r.pacer, run, types, rows, () => this.warnings.length, (n, e) => this.finishStream(r, calcFound ?? n, e)));
          await r.pacer.resume();
          continue;
        }
        if (lockRows) r.pacer.reserve(batchBytes(b));
        formatRows(b, types, rows);
        if (!lockRows && rows.length >= STREAM_AFTER_ROWS) return this.streamResult(columns, new QueryRows(r.pacer, run, types, rows, () => this.warnings.length, (n, e) => this.finishStream(r, calcFound ?? n, e)));
      }
    } catch (e) {
      run.close();
      throw e;
    }
    run.close();
    this.foundRows = calcFound ?? rows.length;
    return { kind: 'rows', columns, rows, warnings: this.warnings.length };
  }

  /**
   * SELECT SQL_CALC_FOUND_ROWS … LIMIT n: FOUND_ROWS() is the number of rows without the LIMIT
   * (of the whole UNION when the first SELECT asks). The query runs again as a COUNT(*) over
   * itself without its outer ORDER BY and LIMIT; the plan is cached under its own key.
   */
  private async countWithoutLimit(ps: A.ParsedStatement, params: Params): Promise<number | bigint> {
    const { limit: _limit, orderBy: _orderBy, ...unlimited } = ps.statement as A.Query;
    const counted: A.ParsedStatement = { ...ps, statement: unlimited as A.Query, cacheKey: `${ps.cacheKey}\u0000found_rows` };
    const qp = this.cachedPlan(counted, params.types, (ctx): QueryPlan => {
      const bound = new Binder(ctx).bindQuery(unlimited as A.Query);
      const count: LogicalPlan = {
        kind: 'aggregate',
        input: bound.plan,
        groupBy: [],
        aggs: [{ fn: 'countStar', args: [], distinct: false, type: BIGINT }],
        types: [BIGINT],
      };
      const plan = distribute(count);
      return { plan, columns: [], sessionNames: sessionNamesOf(plan) };
    });
    const rows = await this.executePlan(qp, counted, params);
    const n = rows[0]?.[0];
    return typeof n === 'number' || typeof n === 'bigint' ? n : 0;
  }

  /** A query's columns as the client is told them: a GROUP_CONCAT column's type follows group_concat_max_len. */
  private resultColumns(columns: readonly OutputColumn[]): readonly OutputColumn[] {
    if (!columns.some((c) => c.type === GROUP_CONCAT_RESULT)) return columns;
    const t = groupConcatResultType(Number(this.vars.get('group_concat_max_len')));
    return columns.map((c) => (c.type === GROUP_CONCAT_RESULT ? { ...c, type: t } : c));
  }

  private streamResult(columns: readonly ColumnInfo[], rows: RowStream): StatementResult {
    return { kind: 'stream', columns, rows };
  }

  /** A streamed SELECT ended (read to its end, failed or closed): its statement ends. Returns the error to report. */
  finishStream(r: Running, rows: number | bigint, e: unknown): unknown {
    this.foundRows = rows;
    const err = e === undefined ? undefined : this.stopReason(r, e);
    this.endStatement(r);
    return err;
  }

  /** Starts a query plan on the leaves and the aggregator (see LeafCursor.start). */
  private startPlan(qp: QueryPlan, ps: A.ParsedStatement, params: Params, lockRows: boolean): Promise<PlanRun> {
    const base = this.execInputs(ps, params, qp.sessionNames);
    const inputs = lockRows ? { ...base, lockRows } : base;
    return this.engine.cursor.start(qp.plan, inputs, (gathered) => this.execContext(inputs, gathered));
  }

  /** Runs a query plan and returns its rows (held whole: they count as the statement's working memory). */
  async executePlan(qp: QueryPlan, ps: A.ParsedStatement, params: Params, lockRows = false): Promise<Value[][]> {
    const rows: Value[][] = [];
    await this.forEachBatch(qp, ps, params, lockRows, async (b, pacer) => {
      pacer.reserve(batchBytes(b));
      for (const r of batchRows(b)) rows.push(r);
    });
    return rows;
  }

  /** Runs a query plan, handing its batches to `each` as they come; shares the thread between them. */
  async forEachBatch(qp: QueryPlan, ps: A.ParsedStatement, params: Params, lockRows: boolean, each: (b: Batch, pacer: Pacer) => Promise<void>): Promise<void> {
    const run = await this.startPlan(qp, ps, params, lockRows);
    const pacer = this.pacer;
    try {
      for (;;) {
        const b = run.op.next();
        if (b === null) return;
        if (b === PAUSE) {
          await pacer.resume();
          continue;
        }
        if (b.length > 0) await each(b, pacer);
        if (pacer.shouldPause()) await pacer.resume();
      }
    } finally {
      run.close();
    }
  }

  execInputs(ps: A.ParsedStatement, params: Params, sessionNames: readonly string[]): ExecInputs {
    const r = this.running;
    return {
      slots: ps.literals.map(literalValue),
      params: params.values,
      now: nowText(),
      sessionValues: this.sessionValues(sessionNames),
      txnId: this.txnId,
      lockWaitTimeoutMs: this.lockWaitTimeoutMs,
      queryId: r?.queryId,
      memoryLimit: r?.pacer.memoryLimit,
    };
  }

  /** The values of session expressions, by name, as they travel to the leaves. */
  sessionValues(names: readonly string[]): Record<string, Value> {
    const values: Record<string, Value> = {};
    for (const n of names) values[n] = this.sessionValue(n);
    return values;
  }

  /** The running statement's ids for leaf requests built by hand, so KILL, timeouts and the memory limit reach them. */
  statementIds(): Pick<ExecInputs, 'queryId' | 'memoryLimit'> {
    const r = this.running;
    return { queryId: r?.queryId, memoryLimit: r?.pacer.memoryLimit };
  }

  /** The executor's context for a statement; `gathered` reads its gathers (batches held whole, or a stream). */
  execContext(inputs: ExecInputs, gathered: (node: Extract<PhysicalPlan, { kind: 'gather' }>) => Operator | readonly Batch[]): ExecContext {
    return {
      slots: inputs.slots,
      params: inputs.params,
      now: inputs.now,
      sessionValue: (name) => {
        // LAST_INSERT_ID() after LAST_INSERT_ID(expr) in the same statement sees the new value.
        if (name === 'last_insert_id' && this.insertIdArg !== null) return this.lastInsertId;
        return Object.hasOwn(inputs.sessionValues, name) ? (inputs.sessionValues[name] as Value) : this.sessionValue(name);
      },
      setLastInsertId: (id) => this.setInsertIdArg(id),
      warn: (code, message) => this.warn(code, message),
      scan: () => {
        throw new SqlError('ER_INTERNAL_ERROR', 'a scan cannot run on an aggregator');
      },
      gathered: (node) => {
        const g = gathered(node);
        return Array.isArray(g) ? batchesOperator(g) : (g as Operator);
      },
      pacer: this.pacer,
    };
  }

  /** Runs a SELECT-shaped AST (two-phase UPDATE, CREATE TABLE … SELECT) and returns typed rows. */
  async runSubquery(ps: A.ParsedStatement, q: A.Query, params: Params): Promise<{ rows: Value[][]; columns: readonly OutputColumn[] }> {
    const sub = this.subquery(ps, q, params);
    const rows: Value[][] = [];
    await sub.forEachBatch(async (b, pacer) => {
      pacer.reserve(batchBytes(b));
      for (const r of batchRows(b)) rows.push(r);
    });
    return { rows, columns: sub.columns };
  }

  /** A SELECT-shaped AST bound and planned; its rows come a batch at a time (INSERT … SELECT inserts them so). */
  subquery(ps: A.ParsedStatement, q: A.Query, params: Params): { columns: readonly OutputColumn[]; forEachBatch(each: (b: Batch, pacer: Pacer) => Promise<void>): Promise<void> } {
    const ctx = this.bindContext(ps, params.types);
    const bound = new Binder(ctx).bindQuery(q);
    const plan = distribute(bound.plan);
    const qp: QueryPlan = { plan, columns: bound.columns, sessionNames: sessionNamesOf(plan) };
    return { columns: bound.columns, forEachBatch: (each) => this.forEachBatch(qp, ps, params, isLockingRead(q), each) };
  }

  /** LAST_INSERT_ID(expr), evaluated here or reported by a leaf: the session's value from now on. */
  setInsertIdArg(id: number | bigint): void {
    this.lastInsertId = id;
    this.insertIdArg = id;
  }

  /** Row counts of tables by id, for information_schema and SHOW (one cheap call per table and leaf). */
  async rowCounts(tables: readonly TableDef[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    const leaves = this.engine.partitionMap.leaves();
    for (const t of tables) {
      let n = 0;
      for (const leaf of leaves) n += await leaf.rowCount(t.db, t.id);
      counts.set(t.id, n);
    }
    return counts;
  }

  sessionValue(name: string): Value {
    switch (name) {
      case 'database':
      case 'schema':
        return this.db;
      case 'user':
      case 'session_user':
      case 'system_user':
        return `${this.conn.user}@${this.conn.host.replace(/:\d+$/, '')}`;
      case 'current_user':
        return `${this.privileges.account.user}@${this.privileges.account.host}`;
      case 'current_role':
        return this.privileges.activeRoles.length === 0 ? 'NONE' : this.privileges.activeRoles.map((r) => `\`${r.user}\`@\`${r.host}\``).join(',');
      case 'connection_id':
        return this.conn.connectionId;
      case 'last_insert_id':
        return this.lastInsertId;
      case 'row_count':
        return this.rowCount;
      case 'found_rows':
        return this.foundRows;
    }
    if (name.startsWith('@@')) {
      const global = name.startsWith('@@global.');
      const v = name.slice(global ? 9 : 2);
      return this.vars.get(v, global ? 'global' : 'default');
    }
    if (name.startsWith('@')) return this.userVars.get(name.slice(1))?.value ?? null;
    return null;
  }

  // ───────────────────────────── transactions ─────────────────────────────

  /**
   * Runs a write inside the open transaction, or in its own when autocommit is on. A failed
   * statement is undone on its own; a deadlock rolls back the whole transaction (InnoDB).
   */
  private async inWriteTxn(run: () => Promise<StatementResult>): Promise<StatementResult> {
    const implicit = this.txnId === null && this.autocommit;
    // A READ ONLY transaction refuses writes and locking reads (1792, as MariaDB does).
    if (implicit) {
      // A statement under autocommit is a transaction of its own: SET TRANSACTION applies to it
      // (and is used up by it, unless it is refused).
      if (this.nextTraits().readOnly) throw readOnlyTxnError();
      this.nextTxnTraits = null;
      this.txnId = this.engine.newTxnId();
    } else {
      if (this.txnId === null) await this.openTxn();
      if (this.txnTraits.readOnly) throw readOnlyTxnError();
    }
    const txnId = this.txnId!;
    const leaves = this.engine.partitionMap.leaves();
    await Promise.all(leaves.map((l) => l.beginStatement(txnId, this.lockWaitTimeoutMs)));
    try {
      const r = await run();
      if (implicit) await this.endTxn(true);
      return r;
    } catch (e) {
      if (implicit || (isSqlError(e) && e.code === 'ER_LOCK_DEADLOCK')) await this.endTxn(false);
      else await Promise.all(leaves.map((l) => l.rollbackStatement(txnId)));
      throw e;
    }
  }

  /**
   * Savepoints of the open transaction, on every leaf. Under autocommit with no transaction open
   * there is nothing to mark (MySQL accepts SAVEPOINT and forgets it at once).
   */
  private async savepoint(name: string, action: 'set' | 'rollback' | 'release'): Promise<StatementResult> {
    if (this.txnId === null && this.autocommit && action === 'set') return ok();
    const at = this.savepoints.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (action !== 'set' && at < 0) throw new SqlError('ER_SP_DOES_NOT_EXIST', `SAVEPOINT ${name} does not exist`);
    const txnId = this.txnId ?? (await this.openTxn());
    await Promise.all(this.engine.partitionMap.leaves().map((l) => l.savepoint(txnId, name, action, this.lockWaitTimeoutMs)));
    // The list mirrors the leaves': a name set again moves to the end; rolling back to one keeps
    // it and forgets those after it; releasing one forgets it and those after it.
    if (action === 'set') {
      if (at >= 0) this.savepoints.splice(at, 1);
      this.savepoints.push(name);
    } else this.savepoints.length = action === 'rollback' ? at + 1 : at;
    return ok();
  }

  /** The characteristics the next transaction gets: SET TRANSACTION's, else the session's. */
  private nextTraits(): TxnTraits {
    const next = this.nextTxnTraits;
    const ro = this.vars.get('transaction_read_only');
    return {
      isolation: next?.isolation ?? String(this.vars.get('transaction_isolation')),
      readOnly: next?.readOnly ?? (ro === 1 || ro === '1' || ro === 'ON'),
    };
  }

  /**
   * Opens a transaction that spans statements (BEGIN, or the first statement with autocommit off)
   * and tells every leaf its isolation level before anything runs in it.
   */
  private async openTxn(opts: { readOnly?: boolean; consistentSnapshot?: boolean; isolation?: string } = {}): Promise<number> {
    const traits = this.nextTraits();
    this.nextTxnTraits = null;
    this.txnTraits = { isolation: opts.isolation ?? traits.isolation, readOnly: opts.readOnly ?? traits.readOnly };
    const id = this.engine.newTxnId();
    this.txnId = id;
    // READ UNCOMMITTED runs as READ COMMITTED; SERIALIZABLE cannot be set (variables.ts).
    const isolation = this.txnTraits.isolation === 'REPEATABLE-READ' ? 'repeatable-read' : 'read-committed';
    const leaf = { isolation, consistentSnapshot: opts.consistentSnapshot === true, lockWaitTimeoutMs: this.lockWaitTimeoutMs } as const;
    await Promise.all(this.engine.partitionMap.leaves().map((l) => l.beginTransaction(id, leaf)));
    return id;
  }

  async endTxn(commit: boolean): Promise<void> {
    const id = this.txnId;
    this.savepoints.length = 0;
    if (id === null) return;
    this.txnId = null;
    const leaves = this.engine.partitionMap.leaves();
    try {
      await Promise.all(leaves.map((l) => (commit ? l.commit(id) : l.rollback(id))));
    } finally {
      this.engine.mdl.release(this);
    }
  }
}

// ───────────────────────────── helpers ─────────────────────────────

/** A transaction's characteristics: isolation as @@transaction_isolation spells it, READ ONLY. */
interface TxnTraits {
  readonly isolation: string;
  readonly readOnly: boolean;
}

function readOnlyTxnError(): SqlError {
  return new SqlError('ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'Cannot execute statement in a READ ONLY transaction.');
}


function isOn(v: Value): boolean {
  return v === 1 || v === 1n || v === '1' || v === 'ON';
}

/** Text that can start a SELECT or UNION (one led by a comment is simply parsed). */
const LOOKS_LIKE_QUERY = /^\s*(?:select\b|\()/i;

/** SELECT … FOR UPDATE / LOCK IN SHARE MODE anywhere in a query. */
function isLockingRead(q: A.Query): boolean {
  return q.kind === 'select' ? q.lock !== undefined : isLockingRead(q.left) || isLockingRead(q.right);
}

function typeSignature(t: SqlType): string {
  return t.kind === 'int' ? (t.unsigned ? 'u' : 'i') : t.kind === 'string' ? (t.binary ? 'b' : 's') : t.kind[0]!;
}

/** SELECT SQL_CALC_FOUND_ROWS: asked by the query's first SELECT. */
function calcFoundRows(q: A.Query): boolean {
  return q.kind === 'select' ? q.calcFoundRows === true : calcFoundRows(q.left);
}

/** MySQL binary-protocol parameter types → values and SQL types. */
function convertParams(params: readonly BoundParam[]): Params {
  const values: Value[] = [];
  const types: SqlType[] = [];
  for (const p of params) {
    const v = p.value;
    switch (p.mysqlType) {
      case 1:
      case 2:
      case 3:
      case 8:
      case 9:
      case 13:
        values.push(v as number | bigint | null);
        types.push(p.unsigned ? UBIGINT : BIGINT);
        break;
      case 4:
      case 5:
        values.push(v === null ? null : Number(v));
        types.push(DOUBLE);
        break;
      case 0:
      case 246: {
        const text = v === null ? null : String(v);
        const d = text === null ? null : decimalOf(text);
        values.push(d);
        types.push(d ? { kind: 'decimal', precision: 65, scale: d.scale } : DOUBLE);
        break;
      }
      case 10:
        values.push(v as string | null);
        types.push({ kind: 'date' });
        break;
      case 7:
      case 12:
        values.push(v as string | null);
        types.push({ kind: 'datetime', fsp: typeof v === 'string' && v.includes('.') ? 6 : 0 });
        break;
      case 11:
        values.push(v as string | null);
        types.push({ kind: 'time', fsp: 6 });
        break;
      case 6:
        values.push(null);
        types.push({ kind: 'null' });
        break;
      default:
        if (v instanceof Uint8Array) {
          values.push(v);
          types.push({ kind: 'string', family: 'longtext', length: 4294967295, binary: true });
        } else {
          values.push(v === null ? null : String(v));
          types.push(varchar(65535));
        }
    }
  }
  return { values, types };
}

function decimalOf(text: string): Decimal | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[3] ?? '';
  return new Decimal(BigInt(`${m[1] === '-' ? '-' : ''}${m[2] || '0'}${frac}`), frac.length);
}

export function toSqlError(e: unknown, engine: Engine): SqlError {
  if (isSqlError(e)) return e;
  if (isStackOverflow(e)) {
    // A statement nested deeper than the checks in the parser foresaw (sql/parser.ts MAX_*).
    engine.log.warn('a statement ran out of stack; answered 1436');
    return stackOverrun();
  }
  engine.log.error({ err: e }, 'internal error while running a statement');
  return new SqlError('ER_INTERNAL_ERROR', `Internal error: ${clientText(e)}. This is a bug in Tessera; the server log has the details.`);
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function stackOverrun(): SqlError {
  return new SqlError('ER_STACK_OVERRUN_NEED_MORE', 'Thread stack overrun: the statement is nested too deeply to evaluate. Simplify its expressions or subqueries');
}

/** What an internal error may tell the client: its first line, short, without plans or values. */
function clientText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n', 1)[0]!;
  const cut = line.search(/[{[]/);
  const text = cut >= 0 ? line.slice(0, cut).replace(/[\s:]+$/, '') : line;
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

export { ClientFlags };
