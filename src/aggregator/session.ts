import type * as A from '../sql/ast.js';
import { fingerprint, parse, parseOne } from '../sql/index.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Decimal } from '../common/decimal.js';
import { SqlError, isSqlError, ParseError } from '../common/errors.js';
import { ErrorCodes, type ErrorCodeName } from '../common/error-codes.js';
import { assertNever } from '../common/assert.js';
import { formatForClient } from '../common/format.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { TableDef } from '../cluster/catalog.js';
import type { ExecInputs } from '../net/leaf-api.js';
import { PAUSE, Pacer, batchBytes, batchRows, batchesOperator, type Batch, type ExecContext, type Operator } from '../exec/index.js';
import { lookupFunction } from '../exec/functions/registry.js';
import { Binder, type BindContext } from '../planner/binder.js';
import { distribute } from '../planner/distribute.js';
import { literalValue } from '../planner/literals.js';
import type { OutputColumn } from '../planner/logical.js';
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
  StatementResult,
} from './mysql/session-api.js';
import { ClientFlags, ServerStatus } from './mysql/session-api.js';
import type { Engine } from './engine.js';
import { PlanCache } from './plan-cache.js';
import { runInsert, runModify } from './dml.js';
import { runDdl, isDdl } from './ddl.js';
import { runAdmin } from './admin-statements.js';
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

/** A statement's parameters, converted to values with types. */
export interface Params {
  readonly values: readonly Value[];
  readonly types: readonly SqlType[];
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
  lastInsertId: number | bigint = 0;
  rowCount: number | bigint = -1;
  foundRows = 0;
  warnings: Diagnostic[] = [];
  private readonly prepared = new Map<number, Prepared>();
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

  constructor(
    readonly engine: Engine,
    readonly conn: ConnectionInfo,
  ) {
    this.vars = new SystemVariables(engine.globals);
    this.multiStatements = conn.multiStatements;
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
    const parsed = parseOne(sql);
    const st = parsed.statement;
    const preparable = ['select', 'union', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'set', 'use', 'describe'].includes(st.kind) || st.kind.startsWith('show') || isDdl(st);
    if (!preparable) throw new SqlError('ER_UNSUPPORTED_PS', 'This command is not supported in the prepared statement protocol yet');
    const id = this.nextStmtId++;
    this.prepared.set(id, { id, parsed, paramCount: parsed.paramCount });
    let columns: readonly ColumnInfo[] = [];
    if (st.kind === 'select' || st.kind === 'union') {
      try {
        const types = Array.from({ length: parsed.paramCount }, () => varchar(255));
        columns = this.resultColumns(this.planQuery(parsed, types).columns);
      } catch {
        columns = [];
      }
    }
    return { statementId: id, paramCount: parsed.paramCount, columns };
  }

  async execute(statementId: number, params: readonly BoundParam[]): Promise<StatementResult> {
    this.engine.counters.questions++;
    const p = this.prepared.get(statementId);
    if (!p) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${statementId}) given to mysqld_stmt_execute`);
    if (params.length !== p.paramCount) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute');
    return this.runStatement(p.parsed, convertParams(params));
  }

  closeStatement(statementId: number): void {
    this.prepared.delete(statementId);
  }

  resetStatement(_statementId: number): void {}

  async useDatabase(db: string): Promise<void> {
    if (db.toLowerCase() !== INFORMATION_SCHEMA && !this.engine.catalog.database(db)) {
      throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
    }
    this.db = this.engine.catalog.database(db)?.name ?? INFORMATION_SCHEMA;
  }

  async fieldList(table: string, _wildcard: string): Promise<readonly ColumnInfo[]> {
    if (!this.db) throw new SqlError('ER_NO_DB', 'No database selected');
    const t = this.engine.catalog.table(this.db, table);
    if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${this.db}.${table}' doesn't exist`);
    return t.columns.map((c) => ({ name: c.name, orgName: c.name, table: t.name, orgTable: t.name, schema: t.db, type: c.type, nullable: c.nullable }));
  }

  async resetConnection(): Promise<void> {
    await this.endTxn(false);
    this.prepared.clear();
    this.userVars.clear();
    this.warnings = [];
    this.lastInsertId = 0;
  }

  setMultiStatements(on: boolean): void {
    this.multiStatements = on;
  }

  statusFlags(): number {
    let f = 0;
    if (this.txnId !== null) f |= ServerStatus.IN_TRANS;
    if (this.autocommit) f |= ServerStatus.AUTOCOMMIT;
    return f;
  }

  async close(): Promise<void> {
    try {
      await this.endTxn(false);
    } finally {
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

  /** Takes metadata locks; while it waits, SHOW PROCESSLIST says so (as MySQL does). */
  private async metadataLocks(shared: readonly string[], exclusive: readonly string[]): Promise<void> {
    this.waitingFor = 'Waiting for table metadata lock';
    try {
      if (exclusive.length > 0) await this.engine.mdl.exclusive(this, exclusive, this.lockWaitTimeoutForMetadata);
      if (shared.length > 0) await this.engine.mdl.shared(this, shared, this.lockWaitTimeoutForMetadata);
    } finally {
      this.waitingFor = null;
    }
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
    const errno = typeof code === 'number' ? code : ErrorCodes[code].errno;
    if (this.warnings.length < 64) this.warnings.push({ level, code: errno, message });
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
    this.info = ps.text.slice(0, 100);
    this.stateSince = Date.now();
    const keepWarnings = st.kind === 'showWarnings';
    if (!keepWarnings) this.warnings = [];
    const r = this.beginStatement(ps);
    let streaming = false;
    try {
      if (st.kind === 'set') this.limits = null;
      const result = await this.dispatch(ps, params);
      if (result.kind === 'stream') {
        // The statement goes on while the client reads; it ends with the stream.
        streaming = true;
        return result;
      }
      return result;
    } catch (e) {
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
    if (!isDdl(st)) {
      const { shared } = this.engine.shapes.tablesOf(ps, this.db, this.engine.catalog);
      if (shared.length > 0) await this.metadataLocks(shared, []);
    }
    switch (st.kind) {
      case 'select':
      case 'union':
        this.engine.counters.comSelect++;
        // A locking read takes row locks, so it needs a transaction (its own under autocommit).
        if (isLockingRead(st)) return this.inWriteTxn(() => this.runQuery(ps, params, true));
        return this.runQuery(ps, params);
      case 'insert':
        this.engine.counters.comInsert++;
        return this.inWriteTxn(() => runInsert(this, ps, st, params));
      case 'update':
        this.engine.counters.comUpdate++;
        return this.inWriteTxn(() => runModify(this, ps, st, params));
      case 'delete':
        this.engine.counters.comDelete++;
        return this.inWriteTxn(() => runModify(this, ps, st, params));
      case 'begin':
        await this.endTxn(true);
        this.txnId = this.engine.newTxnId();
        return ok();
      case 'commit':
        await this.endTxn(true);
        return ok();
      case 'rollback':
        await this.endTxn(false);
        return ok();
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
      {
        // DDL commits the open transaction first, as MySQL does, then waits for everyone else
        // to be done with the tables it changes (and holds off newcomers until it is).
        await this.endTxn(true);
        const { shared, exclusive } = this.engine.shapes.tablesOf(ps, this.db, this.engine.catalog);
        await this.metadataLocks(shared, exclusive);
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
      case 'flush':
      case 'analyzeTable':
      case 'optimizeTable':
      case 'clusterCommand':
        return runAdmin(this, ps, params);
      case 'empty':
        return ok();
      default:
        return assertNever(st, 'statement');
    }
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
    if (!ps.text.toLowerCase().includes('information_schema')) {
      this.engine.planCache.put(key, { plan, catalogVersion: version, baked: [...ctx.baked].map((s) => [s, ps.literals[s]!] as const) });
    }
    return plan;
  }

  bindContext(ps: A.ParsedStatement, paramTypes: readonly SqlType[]): BindContext & { baked: Set<number> } {
    return {
      catalog: this.engine.catalog,
      db: this.db,
      literals: ps.literals,
      paramTypes,
      baked: new Set<number>(),
      lookupFunction: (name) => lookupFunction(name),
      virtualTable: (db, name) => this.virtualTable(db, name),
      variableType: (name, scope) => {
        if (scope === 'user') return this.userVars.get(name.toLowerCase())?.type ?? varchar(255);
        try {
          return this.vars.typeOf(name);
        } catch {
          throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', `Unknown system variable '${name}'`);
        }
      },
    };
  }

  private virtualTable(db: string, name: string): Rowset | undefined {
    if (db.toLowerCase() !== INFORMATION_SCHEMA) return undefined;
    const t = informationSchemaTable(name, {
      catalog: this.engine.catalog,
      processlist: this.engine.processList(),
      nextAutoIncrement: (t) => this.engine.nextAutoIncrement(t),
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
          if (!lockRows) return this.streamResult(columns, new QueryRows(r.pacer, run, types, rows, () => this.warnings.length, (n, e) => this.finishStream(r, n, e)));
          await r.pacer.resume();
          continue;
        }
        if (lockRows) r.pacer.reserve(batchBytes(b));
        formatRows(b, types, rows);
        if (!lockRows && rows.length >= STREAM_AFTER_ROWS) return this.streamResult(columns, new QueryRows(r.pacer, run, types, rows, () => this.warnings.length, (n, e) => this.finishStream(r, n, e)));
      }
    } catch (e) {
      run.close();
      throw e;
    }
    run.close();
    this.foundRows = rows.length;
    return { kind: 'rows', columns, rows, warnings: this.warnings.length };
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
  finishStream(r: Running, rows: number, e: unknown): unknown {
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
    const sessionValues: Record<string, Value> = {};
    for (const n of sessionNames) sessionValues[n] = this.sessionValue(n);
    const r = this.running;
    return {
      slots: ps.literals.map(literalValue),
      params: params.values,
      now: nowText(),
      sessionValues,
      txnId: this.txnId,
      lockWaitTimeoutMs: this.lockWaitTimeoutMs,
      queryId: r?.queryId,
      memoryLimit: r?.pacer.memoryLimit,
    };
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
      sessionValue: (name) => (name in inputs.sessionValues ? inputs.sessionValues[name]! : this.sessionValue(name)),
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
        return `${this.conn.user}@%`;
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
    if (this.txnId === null) this.txnId = this.engine.newTxnId();
    const txnId = this.txnId;
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
    if (this.txnId === null) this.txnId = this.engine.newTxnId();
    const txnId = this.txnId;
    await Promise.all(this.engine.partitionMap.leaves().map((l) => l.savepoint(txnId, name, action, this.lockWaitTimeoutMs)));
    // The list mirrors the leaves': a name set again moves to the end; rolling back to one keeps
    // it and forgets those after it; releasing one forgets it and those after it.
    if (action === 'set') {
      if (at >= 0) this.savepoints.splice(at, 1);
      this.savepoints.push(name);
    } else this.savepoints.length = action === 'rollback' ? at + 1 : at;
    return ok();
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

/** Text that can start a SELECT or UNION (one led by a comment is simply parsed). */
const LOOKS_LIKE_QUERY = /^\s*(?:select\b|\()/i;

/** SELECT … FOR UPDATE / LOCK IN SHARE MODE anywhere in a query. */
function isLockingRead(q: A.Query): boolean {
  return q.kind === 'select' ? q.lock !== undefined : isLockingRead(q.left) || isLockingRead(q.right);
}

function typeSignature(t: SqlType): string {
  return t.kind === 'int' ? (t.unsigned ? 'u' : 'i') : t.kind === 'string' ? (t.binary ? 'b' : 's') : t.kind[0]!;
}

function sessionNamesOf(plan: PhysicalPlan): string[] {
  const names = new Set<string>();
  JSON.stringify(plan, (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { kind?: string }).kind === 'session') names.add((v as { name: string }).name);
    return typeof v === 'bigint' ? String(v) : v;
  });
  return [...names];
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
  engine.log.error({ err: e }, 'internal error while running a statement');
  const msg = e instanceof Error ? e.message : String(e);
  return new SqlError('ER_INTERNAL_ERROR', `Internal error: ${msg}. This is a bug in Tessera; the server log has the details.`);
}

export { ClientFlags };
