/**
 * Recursive-descent parser for the MySQL 8 dialect (plus SingleStore's cluster words).
 * One Parser instance reads the tokens of one statement; the literal slots come from the lexer
 * so that parse() and fingerprint() agree by construction.
 */
import type {
  AccountRef, AccountStatement, AlterAction, Assignment, AuthOption, PrivilegeItem, PrivilegeLevel, RoleSelection, UserName, UserSpec,
  CastTarget, ColumnDef, CommonTableExpr, WithClause, ColumnPosition, Expr, IndexColumn, IndexDef, InsertSource, Limit, Literal,
  LockTableItem, OrderItem, ParsedStatement, Query, Select, SelectItem, ShowStatement, Statement, TableName, TableOptions,
  TableRef, TimeUnit, TypeName, ViewSpec,
} from './ast.js';
import { assertNever } from '../common/assert.js';
import { ParseError, SqlError, UnsupportedError } from '../common/errors.js';
import { parseCallTail, parseWindowClause, type WindowParserHost } from './parse-window.js';
import { AGGREGATES, isTimeUnit, NILADIC, RESERVED, RESERVED_FUNCTIONS } from './keywords.js';
import { cacheKeyOf, invalidNameError, splitTokens, tokenize, type Token } from './lexer.js';
import { treeDepth } from './depth.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const COMPARISONS: Record<string, '=' | '<=>' | '<>' | '<' | '<=' | '>' | '>='> = {
  '=': '=', '<=>': '<=>', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};

/** Words that end a select item, so they can't be a bare alias even though unreserved. */
const NOT_ALIAS = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'FOR', 'LOCK', 'INTO', 'WINDOW']);

const INT_SYNONYMS: Record<string, string> = {
  INT1: 'TINYINT', INT2: 'SMALLINT', INT3: 'MEDIUMINT', INT4: 'INT', INT8: 'BIGINT', MIDDLEINT: 'MEDIUMINT',
  FLOAT4: 'FLOAT', FLOAT8: 'DOUBLE',
};

const DATA_TYPES = new Set([
  'TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT', 'BOOL', 'BOOLEAN', 'DECIMAL', 'NUMERIC', 'DEC',
  'FIXED', 'FLOAT', 'DOUBLE', 'REAL', 'CHAR', 'VARCHAR', 'BINARY', 'VARBINARY', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT',
  'LONGTEXT', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB', 'DATE', 'DATETIME', 'TIMESTAMP', 'TIME', 'YEAR', 'JSON',
  'ENUM', 'SET', 'BIT', 'SERIAL', 'NCHAR', 'NVARCHAR', 'CHARACTER', 'NATIONAL', 'LONG', 'INT1', 'INT2', 'INT3',
  'INT4', 'INT8', 'MIDDLEINT', 'FLOAT4', 'FLOAT8',
]);

const UNSUPPORTED_STATEMENTS = new Set([
  'DO', 'HANDLER', 'CALL', 'LOAD', 'CHECKSUM', 'CHECK',
  'REPAIR', 'INSTALL', 'UNINSTALL', 'RESET', 'PURGE', 'CHANGE', 'XA', 'SIGNAL', 'RESIGNAL', 'VALUES', 'TABLE',
  'HELP', 'SHUTDOWN', 'RESTART', 'CLONE', 'IMPORT', 'BINLOG', 'CACHE',
]);

const UNSUPPORTED_SHOW = new Set([
  'OPEN', 'PRIVILEGES', 'MASTER', 'SLAVE', 'REPLICA',
  'REPLICAS', 'BINARY', 'BINLOG', 'RELAYLOG', 'PROFILES', 'PROFILE', 'ENGINE', 'COUNT',
]);

/**
 * How deeply a statement may nest. MariaDB allows 64 levels of SELECT (error 1473 beyond) and
 * runs out of stack (1436) near 600 levels of nested expressions. Tessera checks both before
 * anything walks the tree: every later pass (binder, planner, executor, EXPLAIN) recurses over
 * it, and these bounds keep each of them within Node's stack.
 */
export const MAX_SELECT_NESTING = 64;
/** Expressions inside expressions: function arguments, CASE, subqueries, parentheses around operators. */
export const MAX_EXPRESSION_NESTING = 256;
/** Levels of the whole statement's tree, operator chains such as 1 + 1 + … included (sql/depth.ts). */
export const MAX_TREE_DEPTH = 1000;

function tooDeep(): SqlError {
  return new SqlError(
    'ER_STACK_OVERRUN_NEED_MORE',
    `Thread stack overrun: the statement nests too deeply (at most ${MAX_EXPRESSION_NESTING} levels of nested expressions and ${MAX_TREE_DEPTH} of operators); simplify it`,
  );
}

/** Reads one statement: tokens [start, end) of the shared token array. */
class Parser {
  private pos: number;
  private params = 0;
  /** expr() calls in progress: how deeply the expression being read is nested. */
  private nesting = 0;
  /** SELECTs being read: 1 in the statement's own, 2 in a subquery of it, … */
  private selects = 0;
  /**
   * An operand already read that the next primary() returns: the inside of `(…)` when the
   * expression continues around it (see parenthesized).
   */
  private pending: Expr | null = null;
  /** Names (lower case) of the common table expressions in scope, innermost last. */
  private readonly cteNames: string[] = [];
  private windowPrimitives: WindowParserHost | undefined;

  constructor(
    private readonly src: string,
    private readonly toks: readonly Token[],
    start: number,
    private readonly end: number,
    private readonly eof: Token,
    /** where the statement's text ends (trimmed), for the `near '…'` text */
    private readonly textEnd: number,
    /** line of the statement's first character, to number lines as MySQL does */
    private readonly baseLine: number,
  ) {
    this.pos = start;
  }

  // ───────────── token helpers ─────────────

  private peek(k = 0): Token {
    const p = this.pos + k;
    return p < this.end ? this.toks[p]! : this.eof;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.end) this.pos++;
    return t;
  }

  private isWord(up: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.up === up;
  }

  private accept(up: string): boolean {
    if (this.isWord(up)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(up: string): void {
    if (!this.accept(up)) this.fail();
  }

  private isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === op;
  }

  private acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail();
  }

  /** The MySQL syntax error, pointing at token t. */
  fail(t: Token = this.peek()): never {
    const badName = invalidNameError(t);
    if (badName) throw badName;
    const near = t.kind === 'eof' ? '' : this.src.slice(t.start, Math.max(t.start, this.textEnd)).slice(0, 80);
    let line = t.line;
    if (t.kind === 'eof') {
      line = 1;
      for (let k = 0; k < t.start; k++) if (this.src.charCodeAt(k) === 10) line++;
    }
    line = line - this.baseLine + 1;
    throw new ParseError(
      `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near}' at line ${line}`,
    );
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** An identifier: backquoted, or an unreserved word. */
  private ident(): string {
    const t = this.peek();
    if (t.kind === 'qident') {
      this.pos++;
      return t.text;
    }
    if (t.kind === 'word' && !RESERVED.has(t.up)) {
      this.pos++;
      return t.text;
    }
    return this.fail();
  }

  private isIdent(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'qident' || (t.kind === 'word' && !RESERVED.has(t.up));
  }

  /** After a `.`, any word is a name (t.select is fine in MySQL). */
  private anyName(): string {
    const t = this.peek();
    if (t.kind === 'qident' || t.kind === 'word') {
      this.pos++;
      return t.text;
    }
    return this.fail();
  }

  /** A name or a string: charset names, collation names, option values. */
  private nameOrString(): string {
    const t = this.peek();
    if (t.kind === 'lit' && t.lit!.type === 'string') {
      this.pos++;
      return t.lit!.value;
    }
    if (t.kind === 'word' || t.kind === 'qident') {
      this.pos++;
      return t.text;
    }
    return this.fail();
  }

  private string(): string {
    const t = this.peek();
    if (t.kind === 'lit' && t.lit!.type === 'string') {
      this.pos++;
      return t.lit!.value;
    }
    return this.fail();
  }

  private int(): number {
    const t = this.peek();
    if (t.kind === 'lit' && t.lit!.type === 'int') {
      this.pos++;
      return Number(t.lit!.text);
    }
    return this.fail();
  }

  private tableName(): TableName {
    const a = this.ident();
    if (this.acceptOp('.')) return { db: a, name: this.anyName() };
    return { name: a };
  }

  private identList(): string[] {
    this.expectOp('(');
    const out: string[] = [];
    if (this.acceptOp(')')) return out;
    do out.push(this.ident());
    while (this.acceptOp(','));
    this.expectOp(')');
    return out;
  }

  private unsupported(what: string): never {
    throw new UnsupportedError(what);
  }

  // ───────────── statements ─────────────

  statement(): Statement {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '(') return this.query();
    if (t.kind !== 'word') return this.fail();
    switch (t.up) {
      case 'SELECT':
        return this.query();
      case 'INSERT':
      case 'REPLACE':
        return this.insert();
      case 'UPDATE':
        return this.update();
      case 'DELETE':
        return this.delete();
      case 'CREATE':
        return this.create();
      case 'DROP':
        return this.drop();
      case 'ALTER':
        return this.alter();
      case 'TRUNCATE':
        this.next();
        this.accept('TABLE');
        return { kind: 'truncate', table: this.tableName() };
      case 'RENAME':
        return this.rename();
      case 'GRANT':
        return this.grant();
      case 'REVOKE':
        return this.revoke();
      case 'USE':
        this.next();
        return { kind: 'use', db: this.ident() };
      case 'SET':
        return this.set();
      case 'SHOW':
        return this.show();
      case 'DESCRIBE':
      case 'DESC':
      case 'EXPLAIN':
        return this.explain();
      case 'BEGIN':
        this.next();
        this.accept('WORK');
        return { kind: 'begin' };
      case 'START':
        return this.startTransaction();
      case 'COMMIT':
        this.next();
        this.accept('WORK');
        return this.chainRelease({ kind: 'commit' });
      case 'ROLLBACK':
        return this.rollback();
      case 'SAVEPOINT':
        this.next();
        return { kind: 'savepoint', name: this.ident() };
      case 'RELEASE':
        this.next();
        this.expect('SAVEPOINT');
        return { kind: 'releaseSavepoint', name: this.ident() };
      case 'KILL': {
        this.next();
        let target: 'connection' | 'query' = 'connection';
        if (this.accept('QUERY')) target = 'query';
        else this.accept('CONNECTION');
        return { kind: 'kill', target, id: this.expr() };
      }
      case 'LOCK':
        return this.lockTables();
      case 'UNLOCK':
        this.next();
        if (!this.accept('TABLES')) this.expect('TABLE');
        return { kind: 'unlockTables' };
      case 'FLUSH': {
        this.next();
        const words: string[] = [];
        while (!this.atEnd()) words.push(this.next().text);
        if (words.length === 0) this.fail();
        return { kind: 'flush', what: words.join(' ') };
      }
      case 'ANALYZE':
      case 'OPTIMIZE': {
        this.next();
        if (!this.accept('NO_WRITE_TO_BINLOG')) this.accept('LOCAL');
        if (!this.accept('TABLES')) this.expect('TABLE');
        const tables = [this.tableName()];
        while (this.acceptOp(',')) tables.push(this.tableName());
        return { kind: t.up === 'ANALYZE' ? 'analyzeTable' : 'optimizeTable', tables };
      }
      case 'ADD':
      case 'REMOVE':
        if (this.isWord('LEAF', 1) || this.isWord('AGGREGATOR', 1)) return this.clusterCommand(2);
        return this.fail();
      case 'REBALANCE':
        if (this.isWord('PARTITIONS', 1)) return this.clusterCommand(2);
        return this.fail();
      case 'WITH':
        return this.query();
      case 'PREPARE':
      case 'EXECUTE':
      case 'DEALLOCATE':
        return this.sqlPrepared();
      default:
        // valid MySQL that Tessera has no statement for: say so rather than call it a syntax error
        if (UNSUPPORTED_STATEMENTS.has(t.up)) return this.unsupported(t.up);
        return this.fail();
    }
  }

  /** PREPARE name FROM {'text' | @var}, EXECUTE name [USING @a, …], DEALLOCATE PREPARE name. */
  private sqlPrepared(): Statement {
    const verb = this.next().up;
    if (verb === 'DEALLOCATE') {
      this.expect('PREPARE');
      return { kind: 'sqlPrepared', command: { kind: 'deallocate', name: this.ident() } };
    }
    const name = this.ident();
    if (verb === 'EXECUTE') {
      const using: string[] = [];
      if (this.accept('USING')) {
        do {
          const t = this.peek();
          if (t.kind !== 'uvar') return this.fail();
          this.next();
          using.push(t.text);
        } while (this.acceptOp(','));
      }
      return { kind: 'sqlPrepared', command: { kind: 'execute', name, using } };
    }
    this.expect('FROM');
    const t = this.next();
    if (t.kind === 'uvar') return { kind: 'sqlPrepared', command: { kind: 'prepare', name, source: { kind: 'userVariable', name: t.text } } };
    if (t.kind === 'lit' && t.lit!.type === 'string') return { kind: 'sqlPrepared', command: { kind: 'prepare', name, source: { kind: 'text', text: t.lit!.value } } };
    return this.fail(t);
  }

  /** LOCK TABLE[S] t [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE}, … */
  private lockTables(): Statement {
    this.next();
    if (!this.accept('TABLES')) this.expect('TABLE');
    const tables: LockTableItem[] = [];
    do {
      const table = this.tableName();
      let alias: string | undefined;
      if (this.accept('AS')) alias = this.ident();
      else if (this.isIdent() && !this.isWord('READ') && !this.isWord('WRITE') && !this.isWord('LOW_PRIORITY')) alias = this.ident();
      let mode: 'read' | 'write';
      if (this.accept('READ')) {
        this.accept('LOCAL');
        mode = 'read';
      } else {
        this.accept('LOW_PRIORITY');
        this.expect('WRITE');
        mode = 'write';
      }
      tables.push(alias !== undefined ? { table, alias, mode } : { table, mode });
    } while (this.acceptOp(','));
    return { kind: 'lockTables', tables };
  }

  /** [AND [NO] CHAIN] [[NO] RELEASE] after COMMIT / ROLLBACK. */
  private chainRelease<S extends Extract<Statement, { kind: 'commit' | 'rollback' }>>(s: S): S {
    let chain = false;
    if (this.accept('AND')) {
      chain = !this.accept('NO');
      this.expect('CHAIN');
    }
    if (this.accept('NO')) this.expect('RELEASE');
    else if (this.isWord('RELEASE')) this.unsupported(`${s.kind.toUpperCase()} RELEASE (ending the connection)`);
    return chain ? { ...s, chain: true } : s;
  }

  /** The verb is `nWords` words; what follows are args, touching tokens glued, strings unquoted. */
  private clusterCommand(nWords: number): Statement {
    const words: string[] = [];
    for (let k = 0; k < nWords; k++) words.push(this.next().up);
    const args: string[] = [];
    let prevEnd = -1;
    while (!this.atEnd()) {
      const t = this.next();
      let s: string;
      if (t.kind === 'lit') s = t.lit!.type === 'string' ? t.lit!.value : this.src.slice(t.start, t.end);
      else if (t.kind === 'uvar') s = '@' + t.text;
      else if (t.kind === 'qident') s = t.text;
      else if (t.kind === 'bad') return this.fail(t);
      else s = t.kind === 'word' && RESERVED.has(t.up) ? t.up : t.text;
      if (t.start === prevEnd && args.length > 0) args[args.length - 1] += s;
      else args.push(s);
      prevEnd = t.end;
    }
    return { kind: 'clusterCommand', command: words.join(' '), args };
  }

  private startTransaction(): Statement {
    this.next();
    this.expect('TRANSACTION');
    let readOnly: boolean | undefined;
    let consistentSnapshot: boolean | undefined;
    if (!this.atEnd()) {
      do {
        if (this.accept('READ')) {
          if (this.accept('ONLY')) readOnly = true;
          else {
            this.expect('WRITE');
            readOnly = false;
          }
        } else {
          this.expect('WITH');
          this.expect('CONSISTENT');
          this.expect('SNAPSHOT');
          consistentSnapshot = true;
        }
      } while (this.acceptOp(','));
    }
    const s: Mutable<Extract<Statement, { kind: 'begin' }>> = { kind: 'begin' };
    if (readOnly !== undefined) s.readOnly = readOnly;
    if (consistentSnapshot) s.consistentSnapshot = true;
    return s;
  }

  private rollback(): Statement {
    this.next();
    this.accept('WORK');
    if (this.accept('TO')) {
      this.accept('SAVEPOINT');
      return { kind: 'rollbackToSavepoint', name: this.ident() };
    }
    return this.chainRelease({ kind: 'rollback' });
  }

  // ───────────── queries ─────────────

  private startsQuery(k = 0): boolean {
    return this.isWord('SELECT', k) || this.isWord('WITH', k);
  }

  query(): Query {
    if (!this.isWord('WITH')) return this.queryExpression();
    const depth = this.cteNames.length;
    try {
      const w = this.withClause();
      if (this.isWord('UPDATE') || this.isWord('DELETE')) this.unsupported(`WITH … ${this.peek().up}`);
      const q = this.queryExpression();
      // WITH … (WITH … SELECT …): the AST keeps one WITH per query
      if (q.with) this.unsupported('a WITH clause on a query that has its own');
      return { ...q, with: w };
    } finally {
      this.cteNames.length = depth;
    }
  }

  /** WITH [RECURSIVE] name [(cols)] AS (query), …; leaves the names in scope (query() drops them). */
  private withClause(): WithClause {
    this.expect('WITH');
    const recursive = this.accept('RECURSIVE');
    const ctes: CommonTableExpr[] = [];
    do {
      const name = this.ident();
      const columns = this.isOp('(') ? this.identList() : undefined;
      this.expect('AS');
      this.expectOp('(');
      // A recursive CTE reads itself; any CTE reads those before it.
      if (recursive) this.cteNames.push(name.toLowerCase());
      const query = this.query();
      this.expectOp(')');
      if (!recursive) this.cteNames.push(name.toLowerCase());
      ctes.push(columns ? { name, columns, query } : { name, query });
    } while (this.acceptOp(','));
    return { recursive, ctes };
  }

  /**
   * Set operations with MySQL 8.0.31's precedence: INTERSECT binds tighter than UNION and
   * EXCEPT, which are left-associative; then the ORDER BY / LIMIT of the whole.
   */
  private queryExpression(): Query {
    let q = this.intersectTerm();
    while (this.isWord('UNION') || this.isWord('EXCEPT')) {
      const op = this.next().up === 'EXCEPT' ? 'EXCEPT' : undefined;
      const all = this.setQuantifier();
      const right = this.intersectTerm();
      q = op ? { kind: 'union', op, all, left: q, right } : { kind: 'union', all, left: q, right };
    }
    const orderBy = this.isWord('ORDER') ? this.orderBy() : undefined;
    const limit = this.isWord('LIMIT') ? this.limit() : undefined;
    if (orderBy || limit) {
      const m = q as Mutable<Query>;
      // (SELECT … LIMIT 1) ORDER BY …: the AST has no place for both (a set operation built
      // here has neither yet, so one that has them was parenthesized)
      if (m.orderBy || m.limit) this.unsupported('ORDER BY/LIMIT on a parenthesized query that has its own');
      if (orderBy) m.orderBy = orderBy;
      if (limit) m.limit = limit;
    }
    const lock = this.lockClause();
    if (lock) {
      if (q.kind !== 'select') this.fail();
      (q as Mutable<Select>).lock = lock;
    }
    return q;
  }

  private lockClause(): 'update' | 'share' | undefined {
    let lock: 'update' | 'share' | undefined;
    if (this.isWord('FOR') && (this.isWord('UPDATE', 1) || this.isWord('SHARE', 1))) {
      this.next();
      lock = this.next().up === 'UPDATE' ? 'update' : 'share';
      if (this.accept('OF')) {
        this.ident();
        while (this.acceptOp(',')) this.ident();
      }
      if (this.accept('NOWAIT')) {
        /* accepted; locks don't wait here anyway */
      } else if (this.accept('SKIP')) this.expect('LOCKED');
    } else if (this.isWord('LOCK') && this.isWord('IN', 1)) {
      this.next();
      this.next();
      this.expect('SHARE');
      this.expect('MODE');
      lock = 'share';
    }
    return lock;
  }

  /** [ALL | DISTINCT] after a set operator; DISTINCT is the default. */
  private setQuantifier(): boolean {
    if (this.accept('ALL')) return true;
    this.accept('DISTINCT');
    return false;
  }

  private intersectTerm(): Query {
    let q = this.queryTerm();
    while (this.isWord('INTERSECT')) {
      this.next();
      const all = this.setQuantifier();
      q = { kind: 'union', op: 'INTERSECT', all, left: q, right: this.queryTerm() };
    }
    return q;
  }

  private queryTerm(): Query {
    if (this.acceptOp('(')) {
      const q = this.query();
      this.expectOp(')');
      return q;
    }
    return this.selectCore();
  }

  private selectCore(): Select {
    if (++this.selects > MAX_SELECT_NESTING) throw new SqlError('ER_TOO_HIGH_LEVEL_OF_NESTING_FOR_SELECT', 'Too high level of nesting for select');
    const s = this.selectBody();
    this.selects--;
    return s;
  }

  private selectBody(): Select {
    this.expect('SELECT');
    let distinct = false;
    let calcFoundRows = false;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'word') break;
      const u = t.up;
      if (u === 'ALL') {
        /* the default */
      } else if (u === 'DISTINCT' || u === 'DISTINCTROW') distinct = true;
      else if (u === 'SQL_CALC_FOUND_ROWS') calcFoundRows = true;
      else if (
        u !== 'HIGH_PRIORITY' && u !== 'STRAIGHT_JOIN' && u !== 'SQL_SMALL_RESULT' && u !== 'SQL_BIG_RESULT' &&
        u !== 'SQL_BUFFER_RESULT' && u !== 'SQL_NO_CACHE' && u !== 'SQL_CACHE'
      )
        break;
      this.next();
    }
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptOp(','));
    if (this.isWord('INTO')) this.unsupported('SELECT … INTO');
    const s: Mutable<Select> = { kind: 'select', distinct, items, from: null };
    if (calcFoundRows) {
      // FOUND_ROWS() counts the rows of the statement's own SELECT only (MySQL's 1234 elsewhere).
      if (this.selects > 1) throw new SqlError('ER_CANT_USE_OPTION_HERE', "Incorrect usage/placement of 'SQL_CALC_FOUND_ROWS'");
      s.calcFoundRows = true;
    }
    if (this.accept('FROM')) {
      if (!this.accept('DUAL')) s.from = this.tableRefs();
    }
    if (this.accept('WHERE')) s.where = this.expr();
    if (this.isWord('GROUP')) {
      this.next();
      this.expect('BY');
      const g: Expr[] = [];
      do {
        g.push(this.expr());
        if (!this.accept('ASC')) this.accept('DESC');
      } while (this.acceptOp(','));
      s.groupBy = g;
      if (this.isWord('WITH') && this.isWord('ROLLUP', 1)) {
        this.next();
        this.next();
        s.withRollup = true;
      }
    }
    if (this.accept('HAVING')) s.having = this.expr();
    if (this.isWord('WINDOW')) s.windows = parseWindowClause(this.windowHost());
    return s;
  }

  private selectItem(): SelectItem {
    if (this.acceptOp('*')) return { kind: 'star' };
    if (this.isIdent() && this.isOp('.', 1)) {
      if (this.isOp('*', 2)) {
        const table = this.ident();
        this.next();
        this.next();
        return { kind: 'star', table };
      }
      const t2 = this.peek(2);
      if ((t2.kind === 'word' || t2.kind === 'qident') && this.isOp('.', 3) && this.isOp('*', 4)) {
        const db = this.ident();
        this.next();
        const table = this.anyName();
        this.next();
        this.next();
        return { kind: 'star', db, table };
      }
    }
    const first = this.peek();
    const expr = this.expr();
    const last = this.toks[this.pos - 1]!;
    const text = this.src.slice(first.start, last.end).trim();
    let alias: string | undefined;
    if (this.accept('AS')) alias = this.alias();
    else {
      const t = this.peek();
      if (t.kind === 'qident' || (t.kind === 'lit' && t.lit!.type === 'string') || (t.kind === 'word' && !RESERVED.has(t.up) && !NOT_ALIAS.has(t.up)))
        alias = this.alias();
    }
    return alias !== undefined ? { kind: 'expr', expr, alias, text } : { kind: 'expr', expr, text };
  }

  private alias(): string {
    const t = this.peek();
    if (t.kind === 'lit' && t.lit!.type === 'string') {
      this.next();
      return t.lit!.value;
    }
    return this.ident();
  }

  private orderBy(): OrderItem[] {
    this.expect('ORDER');
    this.expect('BY');
    const out: OrderItem[] = [];
    do {
      const expr = this.expr();
      let desc = false;
      if (this.accept('DESC')) desc = true;
      else this.accept('ASC');
      out.push({ expr, desc });
    } while (this.acceptOp(','));
    return out;
  }

  private limitValue(): Expr {
    const t = this.peek();
    if (t.kind === 'lit' && t.lit!.type === 'int') {
      this.next();
      return { kind: 'literal', value: t.lit!, slot: t.slot };
    }
    if (t.kind === 'param') {
      this.next();
      return { kind: 'param', index: this.params++ };
    }
    if (t.kind === 'uvar') {
      this.next();
      return { kind: 'variable', name: t.text, scope: 'user' };
    }
    return this.fail();
  }

  private limit(): Limit {
    this.expect('LIMIT');
    const a = this.limitValue();
    if (this.acceptOp(',')) return { count: this.limitValue(), offset: a };
    if (this.accept('OFFSET')) return { count: a, offset: this.limitValue() };
    return { count: a };
  }

  // ───────────── FROM ─────────────

  private tableRefs(): TableRef {
    let left = this.tableRef();
    while (this.acceptOp(',')) {
      const right = this.tableRef();
      left = { kind: 'join', type: 'CROSS', natural: false, left, right };
    }
    return left;
  }

  private tableRef(): TableRef {
    let left = this.tableFactor();
    for (;;) {
      const u = this.peek().kind === 'word' ? this.peek().up : '';
      if (u === 'JOIN' || u === 'INNER' || u === 'CROSS') {
        this.next();
        if (u !== 'JOIN') this.expect('JOIN');
        const right = this.tableFactor();
        left = this.joinSpec(u === 'CROSS' ? 'CROSS' : 'INNER', false, left, right, false);
      } else if (u === 'STRAIGHT_JOIN') {
        this.next();
        const right = this.tableFactor();
        left = this.joinSpec('STRAIGHT', false, left, right, false);
      } else if (u === 'LEFT' || u === 'RIGHT') {
        this.next();
        this.accept('OUTER');
        this.expect('JOIN');
        const right = this.tableRef();
        left = this.joinSpec(u, false, left, right, true);
      } else if (u === 'NATURAL') {
        this.next();
        let type: 'INNER' | 'LEFT' | 'RIGHT' = 'INNER';
        if (this.accept('LEFT')) type = 'LEFT';
        else if (this.accept('RIGHT')) type = 'RIGHT';
        else this.accept('INNER');
        if (type !== 'INNER') this.accept('OUTER');
        this.expect('JOIN');
        const right = this.tableFactor();
        left = { kind: 'join', type, natural: true, left, right };
      } else break;
    }
    return left;
  }

  private joinSpec(type: 'INNER' | 'CROSS' | 'STRAIGHT' | 'LEFT' | 'RIGHT', natural: boolean, left: TableRef, right: TableRef, required: boolean): TableRef {
    if (this.accept('ON')) {
      const on = this.expr();
      return { kind: 'join', type: type === 'CROSS' ? 'INNER' : type, natural, left, right, on };
    }
    if (type !== 'STRAIGHT' && this.accept('USING')) {
      return { kind: 'join', type: type === 'CROSS' ? 'INNER' : type, natural, left, right, using: this.identList() };
    }
    if (required) this.fail();
    return { kind: 'join', type, natural, left, right };
  }

  private tableFactor(): TableRef {
    if (this.accept('LATERAL')) {
      // LATERAL applies to a derived table only (MySQL 8.0.14)
      if (!this.isOp('(') || !this.startsQuery(1)) this.fail();
      this.next();
      const query = this.query();
      this.expectOp(')');
      return { ...(this.derived(query) as Extract<TableRef, { kind: 'derived' }>), lateral: true };
    }
    if (this.isOp('(')) {
      if (this.startsQuery(1)) {
        this.next();
        const query = this.query();
        this.expectOp(')');
        return this.derived(query);
      }
      if (this.isOp('(', 1)) {
        // ((SELECT …) UNION …) AS d, or ((t1 JOIN t2)): try the query first
        const save = this.pos;
        const saveParams = this.params;
        try {
          this.next();
          const query = this.query();
          this.expectOp(')');
          return this.derived(query);
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
          this.pos = save;
          this.params = saveParams;
        }
      }
      this.next();
      const refs = this.tableRefs();
      this.expectOp(')');
      return refs;
    }
    const tn = this.tableName();
    if (this.accept('PARTITION')) this.identList();
    let alias: string | undefined;
    if (this.accept('AS')) alias = this.ident();
    else if (this.isIdent() && !this.isTableFollower()) alias = this.ident();
    this.indexHints();
    if (tn.db === undefined && this.cteNames.includes(tn.name.toLowerCase())) {
      return alias !== undefined ? { kind: 'cte', name: tn.name, alias } : { kind: 'cte', name: tn.name };
    }
    const r: Mutable<Extract<TableRef, { kind: 'table' }>> = { kind: 'table', name: tn.name };
    if (tn.db !== undefined) r.db = tn.db;
    if (alias !== undefined) r.alias = alias;
    return r;
  }

  /** Unreserved words that may follow a table name without being its alias. */
  private isTableFollower(): boolean {
    const t = this.peek();
    return t.kind === 'word' && (t.up === 'WINDOW' || t.up === 'OFFSET');
  }

  private derived(query: Query): TableRef {
    this.accept('AS');
    // MySQL answers a missing alias with ER_DERIVED_MUST_HAVE_ALIAS; the binder sees ''.
    const alias = this.isIdent() ? this.ident() : '';
    if (alias !== '' && this.isOp('(')) return { kind: 'derived', query, alias, columns: this.identList() };
    return { kind: 'derived', query, alias };
  }

  private indexHints(): void {
    for (;;) {
      const u = this.peek().up;
      if (this.peek().kind !== 'word' || (u !== 'USE' && u !== 'FORCE' && u !== 'IGNORE')) return;
      if (!this.isWord('INDEX', 1) && !this.isWord('KEY', 1)) return;
      this.next();
      this.next();
      if (this.accept('FOR')) {
        if (this.accept('JOIN')) {
          /* for join */
        } else {
          if (!this.accept('ORDER')) this.expect('GROUP');
          this.expect('BY');
        }
      }
      this.expectOp('(');
      if (!this.acceptOp(')')) {
        do {
          if (!this.accept('PRIMARY')) this.ident();
        } while (this.acceptOp(','));
        this.expectOp(')');
      }
      this.acceptOp(',');
    }
  }

  // ───────────── expressions ─────────────

  expr(): Expr {
    if (++this.nesting > MAX_EXPRESSION_NESTING) throw tooDeep();
    const e = this.orExpr();
    this.nesting--;
    return e;
  }

  // AND, OR and XOR chains (a WHERE of thousands of terms) are read in a loop and kept as a
  // balanced tree: associative operators, evaluated left to right once the binder flattens them,
  // and no pass over the tree recurses deeper than log2 of their length.

  private orExpr(): Expr {
    const first = this.xorExpr();
    if (!this.isWord('OR') && !this.isOp('||')) return first;
    const terms = [first];
    while (this.isWord('OR') || this.isOp('||')) {
      this.next();
      terms.push(this.xorExpr());
    }
    return balanced('OR', terms, 0, terms.length);
  }

  private xorExpr(): Expr {
    const first = this.andExpr();
    if (!this.isWord('XOR')) return first;
    const terms = [first];
    while (this.accept('XOR')) terms.push(this.andExpr());
    return balanced('XOR', terms, 0, terms.length);
  }

  private andExpr(): Expr {
    const first = this.notExpr();
    if (!this.isWord('AND') && !this.isOp('&&')) return first;
    const terms = [first];
    while (this.isWord('AND') || this.isOp('&&')) {
      this.next();
      terms.push(this.notExpr());
    }
    return balanced('AND', terms, 0, terms.length);
  }

  private notExpr(): Expr {
    if (this.pending === null && this.accept('NOT')) return { kind: 'unary', op: 'NOT', operand: this.notExpr() };
    return this.boolPrimary();
  }

  private boolPrimary(): Expr {
    let left = this.predicate();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'word' && t.up === 'IS') {
        this.next();
        const not = this.accept('NOT');
        const w = this.next();
        if (w.kind === 'word' && w.up === 'NULL') left = { kind: 'isNull', operand: left, not };
        else if (w.kind === 'word' && (w.up === 'TRUE' || w.up === 'FALSE' || w.up === 'UNKNOWN'))
          left = { kind: 'isTruth', operand: left, truth: w.up, not };
        else this.fail(w);
        continue;
      }
      const op = t.kind === 'op' ? COMPARISONS[t.text] : undefined;
      if (!op) return left;
      this.next();
      const q = this.peek();
      if (q.kind === 'word' && (q.up === 'ANY' || q.up === 'SOME' || q.up === 'ALL') && this.isOp('(', 1) && this.startsQuery(2)) {
        if (op === '<=>') this.fail(q);
        this.next();
        this.next();
        const query = this.query();
        this.expectOp(')');
        left = { kind: 'quantified', op, quantifier: q.up === 'ALL' ? 'ALL' : 'ANY', operand: left, query };
        continue;
      }
      left = { kind: 'binary', op, left, right: this.predicate() };
    }
  }

  private predicate(): Expr {
    const operand = this.bitOr();
    let not = false;
    if (this.isWord('NOT')) {
      const n = this.peek(1);
      if (n.kind === 'word' && (n.up === 'IN' || n.up === 'BETWEEN' || n.up === 'LIKE' || n.up === 'REGEXP' || n.up === 'RLIKE')) {
        this.next();
        not = true;
      } else return operand;
    }
    const t = this.peek();
    if (t.kind !== 'word') return operand;
    switch (t.up) {
      case 'IN': {
        this.next();
        this.expectOp('(');
        if (this.startsQuery()) {
          const query = this.query();
          this.expectOp(')');
          return { kind: 'inQuery', operand, query, not };
        }
        const list = this.exprList();
        this.expectOp(')');
        return { kind: 'inList', operand, list, not };
      }
      case 'BETWEEN': {
        this.next();
        const low = this.bitOr();
        this.expect('AND');
        const high = this.predicate();
        return { kind: 'between', operand, low, high, not };
      }
      case 'LIKE': {
        this.next();
        const pattern = this.bitOr();
        if (this.accept('ESCAPE')) return { kind: 'like', operand, pattern, escape: this.unary(), not };
        return { kind: 'like', operand, pattern, not };
      }
      case 'REGEXP':
      case 'RLIKE':
        this.next();
        return { kind: 'regexp', operand, pattern: this.bitOr(), not };
      case 'MEMBER':
        if (not) return this.fail();
        this.next();
        this.expect('OF');
        this.expectOp('(');
        {
          const arr = this.expr();
          this.expectOp(')');
          return { kind: 'call', name: 'MEMBER OF', args: [operand, arr] };
        }
      case 'SOUNDS':
        if (not) return this.fail();
        this.next();
        this.expect('LIKE');
        {
          const right = this.bitOr();
          return {
            kind: 'binary', op: '=',
            left: { kind: 'call', name: 'SOUNDEX', args: [operand] },
            right: { kind: 'call', name: 'SOUNDEX', args: [right] },
          };
        }
      default:
        if (not) return this.fail();
        return operand;
    }
  }

  private bitOr(): Expr {
    let left = this.bitAnd();
    while (this.isOp('|')) {
      this.next();
      left = { kind: 'binary', op: '|', left, right: this.bitAnd() };
    }
    return left;
  }

  private bitAnd(): Expr {
    let left = this.shift();
    while (this.isOp('&')) {
      this.next();
      left = { kind: 'binary', op: '&', left, right: this.shift() };
    }
    return left;
  }

  private shift(): Expr {
    let left = this.additive();
    while (this.isOp('<<') || this.isOp('>>')) {
      const op = this.next().text as '<<' | '>>';
      left = { kind: 'binary', op, left, right: this.additive() };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      if (this.isWord('INTERVAL') && !this.isOp('(', 1)) {
        this.next();
        const value = this.expr();
        const unit = this.timeUnit();
        left = { kind: 'call', name: op === '+' ? 'DATE_ADD' : 'DATE_SUB', args: [left, value, { kind: 'timeUnit', unit }] };
        continue;
      }
      left = { kind: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.bitXor();
    for (;;) {
      const t = this.peek();
      let op: '*' | '/' | '%' | 'DIV' | undefined;
      if (t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%')) op = t.text;
      else if (t.kind === 'word' && t.up === 'DIV') op = 'DIV';
      else if (t.kind === 'word' && t.up === 'MOD' && !this.isOp('(', 1)) op = '%';
      if (!op) return left;
      this.next();
      left = { kind: 'binary', op, left, right: this.bitXor() };
    }
  }

  private bitXor(): Expr {
    let left = this.unary();
    while (this.isOp('^')) {
      this.next();
      left = { kind: 'binary', op: '^', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.pending !== null) return this.collate();
    const t = this.peek();
    if (t.kind === 'op') {
      if (t.text === '-' || t.text === '+' || t.text === '~') {
        this.next();
        return { kind: 'unary', op: t.text, operand: this.unary() };
      }
      if (t.text === '!') {
        this.next();
        return { kind: 'unary', op: 'NOT', operand: this.unary() };
      }
    } else if (t.kind === 'word' && t.up === 'BINARY') {
      this.next();
      return { kind: 'unary', op: 'BINARY', operand: this.unary() };
    }
    return this.collate();
  }

  private collate(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.accept('COLLATE')) {
        e = { kind: 'collate', operand: e, collation: this.nameOrString() };
      } else if (this.isOp('->') || this.isOp('->>')) {
        const unquote = this.next().text === '->>';
        const path = this.primary();
        e = { kind: 'call', name: 'JSON_EXTRACT', args: [e, path] };
        if (unquote) e = { kind: 'call', name: 'JSON_UNQUOTE', args: [e] };
      } else return e;
    }
  }

  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.acceptOp(',')) out.push(this.expr());
    return out;
  }

  private timeUnit(): TimeUnit {
    const t = this.peek();
    if (t.kind === 'word') {
      const u = t.up.startsWith('SQL_TSI_') ? t.up.slice(8) : t.up;
      if (isTimeUnit(u)) {
        this.next();
        return u;
      }
    }
    return this.fail();
  }

  private primary(): Expr {
    if (this.pending !== null) {
      const e = this.pending;
      this.pending = null;
      return e;
    }
    const t = this.peek();
    switch (t.kind) {
      case 'lit':
        this.next();
        return { kind: 'literal', value: t.lit!, slot: t.slot };
      case 'param':
        this.next();
        return { kind: 'param', index: this.params++ };
      case 'uvar':
        this.next();
        if (this.isOp(':=')) {
          throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support assigning a user variable inside an expression (@x := …, deprecated in MySQL 8); use SET @x = … instead");
        }
        return { kind: 'variable', name: t.text, scope: 'user' };
      case 'svar':
        this.next();
        return { kind: 'variable', name: t.text, scope: t.scope === 'quoted' || t.scope === '' ? 'default' : t.scope };
      case 'qident':
        return this.columnRef();
      case 'word':
        return this.wordPrimary(t);
      case 'op':
        if (t.text === '(') {
          if (!this.startsQuery(1)) return this.parenthesized();
          this.next();
          const query = this.query();
          this.expectOp(')');
          return { kind: 'subquery', query };
        }
        return this.fail();
      case 'bad':
      case 'eof':
        return this.fail();
      default:
        return assertNever(t.kind, 'token kind');
    }
  }

  /**
   * `((…))`: a run of opening parentheses is read in a loop, innermost contents first, each
   * outer level continuing the expression around what is inside it (this.pending), so that 2,000
   * nested parentheses cost no more stack than one.
   */
  private parenthesized(): Expr {
    let open = 0;
    while (this.isOp('(') && !this.startsQuery(1)) {
      this.next();
      open++;
    }
    let e = this.parenContents();
    for (let level = 1; level < open; level++) {
      this.pending = e;
      e = this.parenContents();
    }
    return e;
  }

  /** What is inside one pair of parentheses, up to and including the `)`: an expression or a row. */
  private parenContents(): Expr {
    const items = this.exprList();
    this.expectOp(')');
    return items.length === 1 ? items[0]! : { kind: 'row', items };
  }

  private columnRef(): Expr {
    const a = this.anyName();
    if (!this.isOp('.')) return { kind: 'column', name: a };
    this.next();
    if (this.acceptOp('*')) return { kind: 'star', table: a };
    const b = this.anyName();
    if (!this.isOp('.')) return { kind: 'column', table: a, name: b };
    this.next();
    if (this.acceptOp('*')) return { kind: 'star', db: a, table: b };
    return { kind: 'column', db: a, table: b, name: this.anyName() };
  }

  private wordPrimary(t: Token): Expr {
    const u = t.up;
    const call = this.isOp('(', 1);
    switch (u) {
      case 'NULL':
        this.next();
        return { kind: 'literal', value: { type: 'null' }, slot: -1 };
      case 'TRUE':
      case 'FALSE':
        this.next();
        return { kind: 'literal', value: { type: 'bool', value: u === 'TRUE' }, slot: -1 };
      case 'CASE':
        return this.caseExpr();
      case 'EXISTS': {
        this.next();
        this.expectOp('(');
        const query = this.query();
        this.expectOp(')');
        return { kind: 'exists', query };
      }
      case 'INTERVAL':
        if (call && !this.intervalAhead()) break;
        {
          this.next();
          const value = this.expr();
          const unit = this.timeUnit();
          if (this.acceptOp('+')) {
            const rhs = this.multiplicative();
            return { kind: 'call', name: 'DATE_ADD', args: [rhs, value, { kind: 'timeUnit', unit }] };
          }
          return { kind: 'interval', value, unit };
        }
      case 'ROW':
        if (!call) break;
        this.next();
        this.next();
        {
          const items = this.exprList();
          this.expectOp(')');
          return { kind: 'row', items };
        }
      case 'DEFAULT':
        this.next();
        if (this.acceptOp('(')) {
          const column = this.ident();
          this.expectOp(')');
          return { kind: 'default', column };
        }
        return { kind: 'default' };
      case 'CAST':
        if (call) return this.castExpr();
        break;
      case 'CONVERT':
        if (call) return this.convertExpr();
        break;
      case 'MATCH':
        if (call) this.unsupported('MATCH … AGAINST');
        break;
      default:
        if (NILADIC.has(u) && !call) {
          this.next();
          return { kind: 'call', name: u, args: [] };
        }
    }
    if (call) {
      if (RESERVED.has(u) && !RESERVED_FUNCTIONS.has(u)) return this.fail();
      return this.functionCall(t);
    }
    if (RESERVED.has(u)) return this.fail();
    return this.columnRef();
  }

  /** INTERVAL(…) is a function unless it reads `INTERVAL (expr) unit`. */
  private intervalAhead(): boolean {
    let depth = 0;
    for (let k = 1; this.pos + k < this.end; k++) {
      const t = this.peek(k);
      if (t.kind === 'op' && t.text === '(') depth++;
      else if (t.kind === 'op' && t.text === ')') {
        depth--;
        if (depth === 0) {
          const n = this.peek(k + 1);
          return n.kind === 'word' && isTimeUnit(n.up);
        }
      }
    }
    return false;
  }

  private caseExpr(): Expr {
    this.next();
    let operand: Expr | undefined;
    if (!this.isWord('WHEN')) operand = this.expr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.accept('WHEN')) {
      const when = this.expr();
      this.expect('THEN');
      whens.push({ when, then: this.expr() });
    }
    if (whens.length === 0) this.fail();
    let els: Expr | undefined;
    if (this.accept('ELSE')) els = this.expr();
    this.expect('END');
    const e: Mutable<Extract<Expr, { kind: 'case' }>> = { kind: 'case', whens };
    if (operand) e.operand = operand;
    if (els) e.else = els;
    return e;
  }

  private castExpr(): Expr {
    this.next();
    this.next();
    const operand = this.expr();
    this.expect('AS');
    const target = this.castTarget();
    this.accept('ARRAY');
    this.expectOp(')');
    return { kind: 'cast', operand, target };
  }

  private convertExpr(): Expr {
    this.next();
    this.next();
    const operand = this.expr();
    if (this.accept('USING')) {
      const charset = this.nameOrString();
      this.expectOp(')');
      return { kind: 'call', name: 'CONVERT_USING', args: [operand], charset };
    }
    this.expectOp(',');
    const target = this.castTarget();
    this.expectOp(')');
    return { kind: 'cast', operand, target };
  }

  private optLength(): number | undefined {
    if (!this.acceptOp('(')) return undefined;
    const n = this.int();
    this.expectOp(')');
    return n;
  }

  private castTarget(): CastTarget {
    const t = this.next();
    if (t.kind !== 'word') return this.fail(t);
    switch (t.up) {
      case 'SIGNED':
      case 'UNSIGNED':
        if (!this.accept('INTEGER')) this.accept('INT');
        return { type: t.up };
      case 'DATE':
      case 'JSON':
      case 'REAL':
        return { type: t.up };
      case 'DOUBLE':
        this.accept('PRECISION');
        return { type: 'DOUBLE' };
      case 'FLOAT': {
        const p = this.optLength();
        return { type: p !== undefined && p > 24 ? 'DOUBLE' : 'FLOAT' };
      }
      case 'DECIMAL':
      case 'DEC':
      case 'NUMERIC':
      case 'FIXED': {
        if (!this.acceptOp('(')) return { type: 'DECIMAL' };
        const precision = this.int();
        if (this.acceptOp(',')) {
          const scale = this.int();
          this.expectOp(')');
          return { type: 'DECIMAL', precision, scale };
        }
        this.expectOp(')');
        return { type: 'DECIMAL', precision };
      }
      case 'CHAR':
      case 'NCHAR':
      case 'BINARY': {
        const length = this.optLength();
        let charset: string | undefined;
        if (t.up === 'CHAR') {
          if (this.accept('CHARSET')) charset = this.nameOrString();
          else if (this.isWord('CHARACTER') && this.isWord('SET', 1)) {
            this.next();
            this.next();
            charset = this.nameOrString();
          } else if (this.accept('ASCII')) charset = 'latin1';
          else if (this.accept('UNICODE')) charset = 'ucs2';
          else if (this.accept('BINARY')) charset = 'binary';
        }
        const r: { type: 'CHAR' | 'NCHAR' | 'BINARY'; length?: number; charset?: string } = { type: t.up };
        if (length !== undefined) r.length = length;
        if (charset !== undefined) r.charset = charset;
        return r;
      }
      case 'DATETIME':
      case 'TIME': {
        const fsp = this.optLength();
        return fsp !== undefined ? { type: t.up, fsp } : { type: t.up };
      }
      default:
        return this.fail(t);
    }
  }

  private functionCall(t: Token): Expr {
    const name = t.up;
    this.next();
    this.next();
    switch (name) {
      case 'EXTRACT': {
        const unit = this.timeUnit();
        this.expect('FROM');
        const d = this.expr();
        this.expectOp(')');
        return { kind: 'call', name, args: [{ kind: 'timeUnit', unit }, d] };
      }
      case 'POSITION': {
        const a = this.bitOr();
        this.expect('IN');
        const b = this.expr();
        this.expectOp(')');
        return { kind: 'call', name: 'LOCATE', args: [a, b] };
      }
      case 'TRIM':
        return this.trimCall();
      case 'SUBSTRING':
      case 'SUBSTR': {
        const s = this.expr();
        const args = [s];
        if (this.accept('FROM')) {
          args.push(this.expr());
          if (this.accept('FOR')) args.push(this.expr());
        } else {
          this.expectOp(',');
          args.push(this.expr());
          if (this.acceptOp(',')) args.push(this.expr());
        }
        this.expectOp(')');
        return { kind: 'call', name: 'SUBSTRING', args };
      }
      case 'DATE_ADD':
      case 'DATE_SUB':
      case 'ADDDATE':
      case 'SUBDATE': {
        const d = this.expr();
        this.expectOp(',');
        if (this.isWord('INTERVAL') && !this.isOp('(', 1)) {
          this.next();
          const n = this.expr();
          const unit = this.timeUnit();
          this.expectOp(')');
          return { kind: 'call', name, args: [d, n, { kind: 'timeUnit', unit }] };
        }
        const n = this.expr();
        this.expectOp(')');
        return { kind: 'call', name, args: [d, n] };
      }
      case 'TIMESTAMPDIFF':
      case 'TIMESTAMPADD': {
        const unit = this.timeUnit();
        this.expectOp(',');
        const a = this.expr();
        this.expectOp(',');
        const b = this.expr();
        this.expectOp(')');
        return { kind: 'call', name, args: [{ kind: 'timeUnit', unit }, a, b] };
      }
      case 'CHAR': {
        const args = this.exprList();
        let charset: string | undefined;
        if (this.accept('USING')) charset = this.nameOrString();
        this.expectOp(')');
        return charset !== undefined ? { kind: 'call', name, args, charset } : { kind: 'call', name, args };
      }
      default:
        break;
    }
    if (this.acceptOp(')')) return parseCallTail(this.windowHost(), { kind: 'call', name, args: [] });
    let distinct = false;
    if (AGGREGATES.has(name)) {
      if (this.accept('DISTINCT') || this.accept('DISTINCTROW')) distinct = true;
      else this.accept('ALL');
    }
    let args: Expr[];
    if (name === 'COUNT' && !distinct && this.isOp('*')) {
      this.next();
      args = [{ kind: 'star' }];
    } else args = this.exprList();
    const e: Mutable<Extract<Expr, { kind: 'call' }>> = { kind: 'call', name, args };
    if (distinct) e.distinct = true;
    if (name === 'GROUP_CONCAT') {
      if (this.isWord('ORDER')) e.orderBy = this.orderBy();
      if (this.accept('SEPARATOR')) e.separator = this.string();
    }
    this.expectOp(')');
    return parseCallTail(this.windowHost(), e);
  }

  /** The token primitives the window syntax (parse-window.ts) reads with. */
  private windowHost(): WindowParserHost {
    return (this.windowPrimitives ??= {
      isWord: (up, k) => this.isWord(up, k),
      accept: (up) => this.accept(up),
      expect: (up) => this.expect(up),
      acceptOp: (op) => this.acceptOp(op),
      expectOp: (op) => this.expectOp(op),
      isOp: (op, k) => this.isOp(op, k),
      ident: () => this.ident(),
      expr: () => this.expr(),
      orderBy: () => this.orderBy(),
      frameOffset: () => {
        const t = this.peek();
        if (this.isWord('INTERVAL')) {
          this.next();
          const value = this.expr();
          return { kind: 'interval', value, unit: this.timeUnit() };
        }
        if (t.kind === 'lit' || t.kind === 'param') return this.primary();
        return this.fail();
      },
      fail: () => this.fail(),
    });
  }

  private trimCall(): Expr {
    let dir = 'BOTH';
    let explicit = false;
    const w = this.peek();
    if (w.kind === 'word' && (w.up === 'LEADING' || w.up === 'TRAILING' || w.up === 'BOTH')) {
      this.next();
      dir = w.up;
      explicit = true;
    }
    if (explicit && this.accept('FROM')) {
      const s = this.expr();
      this.expectOp(')');
      return { kind: 'call', name: 'TRIM_' + dir, args: [s] };
    }
    const first = this.expr();
    if (this.accept('FROM')) {
      const s = this.expr();
      this.expectOp(')');
      return { kind: 'call', name: 'TRIM_' + dir, args: [s, first] };
    }
    if (explicit) this.fail();
    this.expectOp(')');
    return { kind: 'call', name: 'TRIM', args: [first] };
  }

  // ───────────── DML ─────────────

  private assignment(): Assignment {
    const a = this.ident();
    let column: Assignment['column'] = { name: a };
    if (this.acceptOp('.')) {
      const b = this.anyName();
      column = { table: a, name: b };
      if (this.acceptOp('.')) column = { table: b, name: this.anyName() };
    }
    if (!this.acceptOp('=')) this.expectOp(':=');
    return { column, value: this.expr() };
  }

  private assignments(): Assignment[] {
    const out = [this.assignment()];
    while (this.acceptOp(',')) out.push(this.assignment());
    return out;
  }

  private insert(): Statement {
    const replace = this.next().up === 'REPLACE';
    if (!this.accept('LOW_PRIORITY') && !this.accept('DELAYED')) this.accept('HIGH_PRIORITY');
    const ignore = this.accept('IGNORE');
    this.accept('INTO');
    const table = this.tableName();
    if (this.accept('PARTITION')) this.identList();
    let columns: string[] | undefined;
    if (this.isOp('(') && !this.startsQuery(1) && !this.isOp('(', 1)) columns = this.identList();
    let source: InsertSource;
    if (this.accept('VALUES') || this.accept('VALUE')) {
      const rows: Expr[][] = [];
      do {
        this.accept('ROW');
        this.expectOp('(');
        if (this.acceptOp(')')) rows.push([]);
        else {
          rows.push(this.exprList());
          this.expectOp(')');
        }
      } while (this.acceptOp(','));
      source = { kind: 'values', rows };
    } else if (this.accept('SET')) {
      source = { kind: 'set', assignments: this.assignments() };
    } else if (this.startsQuery() || this.isOp('(')) {
      source = { kind: 'query', query: this.query() };
    } else return this.fail();
    const s: Mutable<Extract<Statement, { kind: 'insert' }>> = { kind: 'insert', table, source, ignore, replace };
    if (columns) s.columns = columns;
    if (source.kind !== 'query' && this.accept('AS')) {
      s.rowAlias = this.ident();
      if (this.isOp('(')) this.identList();
    }
    if (this.accept('ON')) {
      this.expect('DUPLICATE');
      this.expect('KEY');
      this.expect('UPDATE');
      s.onDuplicate = this.assignments();
    }
    return s;
  }

  private update(): Statement {
    this.next();
    this.accept('LOW_PRIORITY');
    const ignore = this.accept('IGNORE');
    const table = this.tableRefs();
    this.expect('SET');
    const set = this.assignments();
    const s: Mutable<Extract<Statement, { kind: 'update' }>> = { kind: 'update', table, set, ignore };
    if (this.accept('WHERE')) s.where = this.expr();
    if (this.isWord('ORDER')) s.orderBy = this.orderBy();
    if (this.isWord('LIMIT')) s.limit = this.limit();
    return s;
  }

  private delete(): Statement {
    this.next();
    for (;;) if (!this.accept('LOW_PRIORITY') && !this.accept('QUICK') && !this.accept('IGNORE')) break;
    if (!this.isWord('FROM')) {
      // DELETE t1[, t2] FROM refs [WHERE …]
      const targets = this.deleteTargets();
      this.expect('FROM');
      return this.deleteMulti(targets);
    }
    this.next();
    if (this.isMultiDeleteTarget()) {
      // DELETE FROM t1[, t2] USING refs [WHERE …]
      const targets = this.deleteTargets();
      this.expect('USING');
      return this.deleteMulti(targets);
    }
    const table = this.tableName();
    const s: Mutable<Extract<Statement, { kind: 'delete' }>> = { kind: 'delete', table };
    if (this.accept('AS')) s.alias = this.ident();
    else if (this.isIdent()) s.alias = this.ident();
    if (this.accept('PARTITION')) this.identList();
    if (this.accept('WHERE')) s.where = this.expr();
    if (this.isWord('ORDER')) s.orderBy = this.orderBy();
    if (this.isWord('LIMIT')) s.limit = this.limit();
    return s;
  }

  /** After DELETE FROM: a target list (`t.*`, `t1, t2`, `t USING`) rather than one table. */
  private isMultiDeleteTarget(): boolean {
    let k = 1;
    if (this.isOp('.', k)) k += 2; // db.t or t.*
    if (this.isOp('.', k)) k += 2; // db.t.*
    return this.isOp(',', k) || this.isWord('USING', k) || (k > 1 && this.isOp('*', k - 1));
  }

  /** t[.*] | db.t[.*], …: the tables (or aliases) a multi-table DELETE deletes from. */
  private deleteTargets(): TableName[] {
    const out: TableName[] = [];
    do {
      const first = this.ident();
      let target: TableName = { name: first };
      if (this.acceptOp('.')) {
        if (!this.acceptOp('*')) {
          target = { db: first, name: this.ident() };
          if (this.acceptOp('.')) this.expectOp('*');
        }
      }
      out.push(target);
    } while (this.acceptOp(','));
    return out;
  }

  private deleteMulti(targets: TableName[]): Statement {
    const from = this.tableRefs();
    const s: Mutable<Extract<Statement, { kind: 'deleteMulti' }>> = { kind: 'deleteMulti', targets, from };
    if (this.accept('WHERE')) s.where = this.expr();
    return s;
  }

  // ───────────── DDL ─────────────

  private ifNotExists(): boolean {
    if (!this.isWord('IF')) return false;
    this.next();
    this.expect('NOT');
    this.expect('EXISTS');
    return true;
  }

  private ifExists(): boolean {
    if (!this.isWord('IF')) return false;
    this.next();
    this.expect('EXISTS');
    return true;
  }

  private create(): Statement {
    this.next();
    if (this.isWord('DATABASE') || this.isWord('SCHEMA')) {
      this.next();
      const ifNotExists = this.ifNotExists();
      const name = this.ident();
      return { kind: 'createDatabase', name, ifNotExists, options: this.tableOptions() };
    }
    if (this.isWord('INDEX') || this.isWord('UNIQUE') || this.isWord('FULLTEXT') || this.isWord('SPATIAL')) return this.createIndex();
    if (this.accept('USER')) return this.createUser();
    if (this.accept('ROLE')) return { kind: 'createRole', ifNotExists: this.ifNotExists(), roles: this.userNameList() };
    if (this.isWord('OR') && this.isWord('REPLACE', 1)) {
      this.pos += 2;
      return { kind: 'createView', orReplace: true, spec: this.viewSpec() };
    }
    if (['VIEW', 'ALGORITHM', 'DEFINER', 'SQL'].includes(this.peek().up) && this.peek().kind === 'word') {
      return { kind: 'createView', orReplace: false, spec: this.viewSpec() };
    }
    const temporary = this.accept('TEMPORARY');
    let storage: 'rowstore' | 'columnstore' | undefined;
    if (this.accept('ROWSTORE')) storage = 'rowstore';
    else if (this.accept('COLUMNSTORE')) storage = 'columnstore';
    const reference = this.accept('REFERENCE');
    if (!this.isWord('TABLE')) {
      const w = this.peek();
      if (w.kind === 'word' && ['VIEW', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'USER', 'ROLE', 'EVENT', 'OR', 'ALGORITHM', 'DEFINER'].includes(w.up))
        this.unsupported('CREATE ' + w.up);
      return this.fail();
    }
    this.next();
    const ifNotExists = this.ifNotExists();
    const table = this.tableName();
    if (this.accept('LIKE')) return { kind: 'createTableLike', table, like: this.tableName(), ifNotExists };
    if (this.isOp('(') && this.isWord('LIKE', 1)) {
      this.next();
      this.next();
      const like = this.tableName();
      this.expectOp(')');
      return { kind: 'createTableLike', table, like, ifNotExists };
    }
    const columns: ColumnDef[] = [];
    const indexes: IndexDef[] = [];
    let asQuery: Query | undefined;
    if (this.isOp('(') && !this.startsQuery(1)) {
      this.next();
      do {
        const idx = this.tableConstraint();
        if (idx !== undefined) {
          if (idx !== null) indexes.push(idx);
        } else columns.push(this.columnDef());
      } while (this.acceptOp(','));
      this.expectOp(')');
    }
    const options = this.tableOptions();
    if (this.accept('PARTITION')) this.unsupported('PARTITION BY');
    if (!this.accept('IGNORE')) this.accept('REPLACE');
    this.accept('AS');
    if (this.startsQuery() || this.isOp('(')) asQuery = this.query();
    if (columns.length === 0 && !asQuery) this.fail();
    const s: Mutable<Extract<Statement, { kind: 'createTable' }>> = {
      kind: 'createTable', table, ifNotExists, temporary, columns, indexes, options,
    };
    if (reference) s.reference = true;
    if (storage) s.storage = storage;
    if (asQuery) s.asQuery = asQuery;
    return s;
  }

  private createIndex(): Statement {
    let kind: 'index' | 'unique' | 'fulltext' = 'index';
    if (this.accept('UNIQUE')) kind = 'unique';
    else if (this.accept('FULLTEXT')) kind = 'fulltext';
    else this.accept('SPATIAL');
    this.expect('INDEX');
    const name = this.ident();
    let using = this.indexUsing();
    this.expect('ON');
    const table = this.tableName();
    const columns = this.indexColumns();
    using = this.indexOptions() ?? using;
    this.lockAlgorithm();
    const index: Mutable<Extract<IndexDef, { kind: 'unique' | 'index' | 'fulltext' }>> = { kind, name, columns };
    if (using) index.using = using;
    return { kind: 'createIndex', table, index };
  }

  private lockAlgorithm(): void {
    while (this.isWord('ALGORITHM') || this.isWord('LOCK')) {
      this.next();
      this.acceptOp('=');
      this.next();
    }
  }

  private indexUsing(): 'BTREE' | 'HASH' | undefined {
    if (!this.accept('USING')) return undefined;
    const t = this.next();
    if (t.up === 'BTREE' || t.up === 'HASH') return t.up;
    return this.fail(t);
  }

  /** USING …, COMMENT '…', KEY_BLOCK_SIZE = n, VISIBLE, INVISIBLE after the column list. */
  private indexOptions(): 'BTREE' | 'HASH' | undefined {
    let using: 'BTREE' | 'HASH' | undefined;
    for (;;) {
      if (this.isWord('USING')) using = this.indexUsing();
      else if (this.accept('COMMENT')) this.string();
      else if (this.accept('KEY_BLOCK_SIZE')) {
        this.acceptOp('=');
        this.int();
      } else if (!this.accept('VISIBLE') && !this.accept('INVISIBLE')) return using;
    }
  }

  private indexColumns(): IndexColumn[] {
    this.expectOp('(');
    const out: IndexColumn[] = [];
    if (this.acceptOp(')')) return out;
    do {
      const c: Mutable<IndexColumn> = { name: this.ident() };
      if (this.acceptOp('(')) {
        c.length = this.int();
        this.expectOp(')');
      }
      if (this.accept('DESC')) c.desc = true;
      else this.accept('ASC');
      out.push(c);
    } while (this.acceptOp(','));
    this.expectOp(')');
    return out;
  }

  /** A constraint item of CREATE TABLE; undefined when the item is a column, null when dropped. */
  private tableConstraint(): IndexDef | null | undefined {
    const t = this.peek();
    if (t.kind !== 'word') return undefined;
    let name: string | undefined;
    if (t.up === 'CONSTRAINT') {
      this.next();
      if (this.isIdent()) name = this.ident();
    }
    if (this.peek().kind !== 'word') return this.fail();
    const u = this.peek().up;
    if (u === 'PRIMARY') {
      this.next();
      this.expect('KEY');
      let using = this.indexUsing();
      const columns = this.indexColumns();
      using = this.indexOptions() ?? using;
      const d: Mutable<Extract<IndexDef, { kind: 'primary' }>> = { kind: 'primary', columns };
      if (name !== undefined) d.name = name;
      if (using) d.using = using;
      return d;
    }
    if (u === 'UNIQUE' || u === 'KEY' || u === 'INDEX' || u === 'FULLTEXT' || u === 'SPATIAL') {
      this.next();
      let kind: 'unique' | 'index' | 'fulltext' = u === 'UNIQUE' ? 'unique' : u === 'FULLTEXT' ? 'fulltext' : 'index';
      if (u === 'UNIQUE' || u === 'FULLTEXT' || u === 'SPATIAL') if (!this.accept('KEY')) this.accept('INDEX');
      let iname = name;
      if (this.isIdent()) iname = this.ident();
      let using = this.indexUsing();
      const columns = this.indexColumns();
      if (kind === 'index' && this.isWord('USING') && this.isWord('CLUSTERED', 1)) {
        this.next();
        this.next();
        this.expect('COLUMNSTORE');
        return { kind: 'sort', columns };
      }
      using = this.indexOptions() ?? using;
      if (u === 'SPATIAL') kind = 'index';
      const d: Mutable<Extract<IndexDef, { kind: 'unique' | 'index' | 'fulltext' }>> = { kind, columns };
      if (iname !== undefined) d.name = iname;
      if (using) d.using = using;
      return d;
    }
    if (u === 'FOREIGN') {
      this.next();
      this.expect('KEY');
      let iname = name;
      if (this.isIdent()) iname = this.ident();
      const columns = this.indexColumns();
      const ref = this.references();
      const d: Mutable<Extract<IndexDef, { kind: 'foreign' }>> = { kind: 'foreign', columns, refTable: ref.table, refColumns: ref.columns };
      if (iname !== undefined) d.name = iname;
      return d;
    }
    if (u === 'CHECK') {
      this.checkClause();
      return null;
    }
    if ((u === 'SHARD' || u === 'SORT') && this.isWord('KEY', 1)) {
      this.next();
      this.next();
      if (this.isIdent()) this.ident();
      const columns = this.indexColumns();
      return { kind: u === 'SHARD' ? 'shard' : 'sort', columns };
    }
    if (name !== undefined || t.up === 'CONSTRAINT') return this.fail();
    return undefined;
  }

  private checkClause(): void {
    this.expect('CHECK');
    this.expectOp('(');
    this.expr();
    this.expectOp(')');
    if (this.accept('NOT')) this.expect('ENFORCED');
    else this.accept('ENFORCED');
  }

  private references(): { table: string; columns: string[] } {
    this.expect('REFERENCES');
    const tn = this.tableName();
    const columns = this.identList();
    for (;;) {
      if (this.accept('MATCH')) {
        this.next();
      } else if (this.isWord('ON') && (this.isWord('DELETE', 1) || this.isWord('UPDATE', 1))) {
        this.next();
        this.next();
        if (this.accept('SET')) {
          if (!this.accept('NULL')) this.expect('DEFAULT');
        } else if (this.accept('NO')) this.expect('ACTION');
        else if (!this.accept('RESTRICT')) this.expect('CASCADE');
      } else break;
    }
    return { table: tn.db !== undefined ? tn.db + '.' + tn.name : tn.name, columns };
  }

  private charsetName(): string {
    if (this.accept('BINARY')) return 'binary';
    return this.nameOrString();
  }

  /** CHARACTER SET x / CHARSET x; undefined when neither is next. */
  private charsetClause(): string | undefined {
    if (this.accept('CHARSET')) return this.charsetName();
    if (this.isWord('CHARACTER') && this.isWord('SET', 1)) {
      this.next();
      this.next();
      return this.charsetName();
    }
    return undefined;
  }

  private dataType(): TypeName {
    const t = this.next();
    if (t.kind !== 'word' || !DATA_TYPES.has(t.up)) return this.fail(t);
    let name = INT_SYNONYMS[t.up] ?? t.up;
    if (name === 'DOUBLE') this.accept('PRECISION');
    else if (name === 'NATIONAL') {
      const w = this.next();
      if (w.up === 'CHAR' || w.up === 'CHARACTER') name = this.accept('VARYING') ? 'NVARCHAR' : 'NCHAR';
      else if (w.up === 'VARCHAR') name = 'NVARCHAR';
      else return this.fail(w);
    } else if (name === 'CHARACTER') name = this.accept('VARYING') ? 'VARCHAR' : 'CHAR';
    else if (name === 'CHAR' && this.accept('VARYING')) name = 'VARCHAR';
    else if (name === 'LONG') {
      if (this.accept('VARBINARY')) name = 'MEDIUMBLOB';
      else {
        this.accept('VARCHAR');
        name = 'MEDIUMTEXT';
      }
    }
    const ty: Mutable<TypeName> = { name, args: [], unsigned: false, zerofill: false };
    if (this.acceptOp('(')) {
      if (name === 'ENUM' || name === 'SET') {
        const values: string[] = [];
        do values.push(this.string());
        while (this.acceptOp(','));
        ty.values = values;
      } else {
        const args = [this.int()];
        if (this.acceptOp(',')) args.push(this.int());
        ty.args = args;
      }
      this.expectOp(')');
    }
    for (;;) {
      if (this.accept('UNSIGNED')) ty.unsigned = true;
      else if (this.accept('SIGNED')) ty.unsigned = false;
      else if (this.accept('ZEROFILL')) {
        ty.zerofill = true;
        ty.unsigned = true;
      } else if (this.accept('BINARY')) ty.binary = true;
      else if (this.accept('ASCII')) ty.charset = 'latin1';
      else if (this.accept('UNICODE')) ty.charset = 'ucs2';
      else if (this.isWord('COLLATE')) {
        this.next();
        ty.collation = this.nameOrString();
      } else {
        const cs = this.charsetClause();
        if (cs === undefined) break;
        ty.charset = cs;
      }
    }
    return ty;
  }

  private columnDef(): ColumnDef {
    const name = this.ident();
    const type = this.dataType() as Mutable<TypeName>;
    const c: Mutable<ColumnDef> = { name, type, autoIncrement: false, primaryKey: false, unique: false };
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'word') break;
      switch (t.up) {
        case 'NOT':
          this.next();
          this.expect('NULL');
          c.nullable = false;
          continue;
        case 'NULL':
          this.next();
          c.nullable = true;
          continue;
        case 'DEFAULT':
          this.next();
          c.default = this.defaultValue();
          continue;
        case 'ON':
          this.next();
          this.expect('UPDATE');
          c.onUpdate = this.unary();
          continue;
        case 'AUTO_INCREMENT':
          this.next();
          c.autoIncrement = true;
          continue;
        case 'PRIMARY':
          this.next();
          this.expect('KEY');
          c.primaryKey = true;
          continue;
        case 'KEY':
          this.next();
          c.primaryKey = true;
          continue;
        case 'UNIQUE':
          this.next();
          this.accept('KEY');
          c.unique = true;
          continue;
        case 'COMMENT':
          this.next();
          c.comment = this.string();
          continue;
        case 'COLLATE':
          this.next();
          type.collation = this.nameOrString();
          continue;
        case 'CHARSET':
        case 'CHARACTER':
          {
            const cs = this.charsetClause();
            if (cs === undefined) return this.fail();
            type.charset = cs;
          }
          continue;
        case 'CONSTRAINT':
          this.next();
          if (this.isIdent()) this.ident();
          this.checkClause();
          continue;
        case 'CHECK':
          this.checkClause();
          continue;
        case 'REFERENCES':
          this.references();
          continue;
        case 'VISIBLE':
        case 'INVISIBLE':
          this.next();
          continue;
        case 'COLUMN_FORMAT':
        case 'STORAGE':
          this.next();
          this.next();
          continue;
        case 'SERIAL':
          this.next();
          this.expect('DEFAULT');
          this.expect('VALUE');
          c.autoIncrement = true;
          c.nullable = false;
          c.unique = true;
          continue;
        case 'GENERATED':
        case 'AS':
          return this.unsupported('generated columns');
        default:
          break;
      }
      break;
    }
    return c;
  }

  private defaultValue(): Expr {
    if (this.acceptOp('(')) {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    return this.unary();
  }

  /** Table (or database) options until something else; `=` and commas optional; keys upper-cased. */
  private tableOptions(): TableOptions {
    const opts: Record<string, string> = {};
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'word') break;
      let key: string;
      if (t.up === 'DEFAULT') {
        const n = this.peek(1);
        if (n.kind !== 'word') break;
        this.next();
        continue;
      }
      if (t.up === 'CHARSET' || (t.up === 'CHARACTER' && this.isWord('SET', 1))) {
        this.next();
        if (t.up === 'CHARACTER') this.next();
        key = 'CHARSET';
      } else if (t.up === 'COLLATE') {
        this.next();
        key = 'COLLATE';
      } else if (
        t.up === 'ENGINE' || t.up === 'COMMENT' || t.up === 'AUTO_INCREMENT' || t.up === 'ROW_FORMAT' ||
        t.up === 'KEY_BLOCK_SIZE' || t.up === 'PARTITIONS' || t.up === 'AVG_ROW_LENGTH' || t.up === 'CHECKSUM' ||
        t.up === 'COMPRESSION' || t.up === 'CONNECTION' || t.up === 'DELAY_KEY_WRITE' || t.up === 'ENCRYPTION' ||
        t.up === 'INSERT_METHOD' || t.up === 'MAX_ROWS' || t.up === 'MIN_ROWS' || t.up === 'PACK_KEYS' ||
        t.up === 'PASSWORD' || t.up === 'STATS_AUTO_RECALC' || t.up === 'STATS_PERSISTENT' ||
        t.up === 'STATS_SAMPLE_PAGES' || t.up === 'TABLESPACE' || t.up === 'AUTOSTATS_ENABLED'
      ) {
        this.next();
        key = t.up;
      } else break;
      this.acceptOp('=');
      const v = this.next();
      let value: string;
      if (v.kind === 'lit') value = v.lit!.type === 'string' ? v.lit!.value : this.src.slice(v.start, v.end);
      else if (v.kind === 'word' || v.kind === 'qident') value = v.text;
      else return this.fail(v);
      opts[key] = value;
      this.acceptOp(',');
    }
    return opts;
  }

  private drop(): Statement {
    this.next();
    if (this.accept('USER')) return { kind: 'dropUser', ifExists: this.ifExists(), users: this.userNameList() };
    if (this.accept('ROLE')) return { kind: 'dropRole', ifExists: this.ifExists(), roles: this.userNameList() };
    if (this.accept('PREPARE')) return { kind: 'sqlPrepared', command: { kind: 'deallocate', name: this.ident() } };
    if (this.accept('DATABASE') || this.accept('SCHEMA')) {
      const ifExists = this.ifExists();
      return { kind: 'dropDatabase', name: this.ident(), ifExists };
    }
    if (this.accept('INDEX')) {
      const name = this.isWord('PRIMARY') ? this.next().text : this.ident();
      this.expect('ON');
      const table = this.tableName();
      this.lockAlgorithm();
      return { kind: 'dropIndex', table, name };
    }
    if (this.accept('VIEW')) {
      const ifExists = this.ifExists();
      const views = [this.tableName()];
      while (this.acceptOp(',')) views.push(this.tableName());
      if (!this.accept('RESTRICT')) this.accept('CASCADE');
      return { kind: 'dropView', views, ifExists };
    }
    const temporary = this.accept('TEMPORARY');
    if (!this.accept('TABLE')) this.expect('TABLES');
    const ifExists = this.ifExists();
    const tables = [this.tableName()];
    while (this.acceptOp(',')) tables.push(this.tableName());
    if (!this.accept('RESTRICT')) this.accept('CASCADE');
    return { kind: 'dropTable', tables, ifExists, temporary };
  }

  /**
   * `[ALGORITHM = …] [DEFINER = …] [SQL SECURITY …] VIEW name [(cols)] AS select [WITH [CASCADED |
   * LOCAL] CHECK OPTION]`, after CREATE [OR REPLACE] / ALTER.
   */
  private viewSpec(): ViewSpec {
    let algorithm: ViewSpec['algorithm'];
    let definer: AccountRef | undefined;
    let security: ViewSpec['security'];
    if (this.accept('ALGORITHM')) {
      this.expectOp('=');
      const a = this.next().up;
      if (a !== 'UNDEFINED' && a !== 'MERGE' && a !== 'TEMPTABLE') this.fail(this.toks[this.pos - 1]);
      algorithm = a;
    }
    if (this.accept('DEFINER')) {
      this.expectOp('=');
      definer = this.accountRef();
    }
    if (this.accept('SQL')) {
      this.expect('SECURITY');
      const w = this.next().up;
      if (w !== 'DEFINER' && w !== 'INVOKER') this.fail(this.toks[this.pos - 1]);
      security = w;
    }
    if (!this.isWord('VIEW')) {
      const w = this.peek();
      if (w.kind === 'word' && ['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT'].includes(w.up)) this.unsupported('CREATE ' + w.up);
      this.fail();
    }
    this.next();
    const view = this.tableName();
    const columns = this.isOp('(') ? this.identList() : undefined;
    this.expect('AS');
    const first = this.peek();
    const query = this.query();
    const last = this.toks[this.pos - 1]!;
    const queryText = this.src.slice(first.start, last.end);
    let checkOption: ViewSpec['checkOption'];
    if (this.accept('WITH')) {
      checkOption = this.accept('LOCAL') ? 'LOCAL' : 'CASCADED';
      if (checkOption === 'CASCADED') this.accept('CASCADED');
      this.expect('CHECK');
      this.expect('OPTION');
    }
    return {
      view,
      query,
      queryText,
      ...(algorithm && { algorithm }),
      ...(definer && { definer }),
      ...(security && { security }),
      ...(columns && { columns }),
      ...(checkOption && { checkOption }),
    };
  }

  private rename(): Statement {
    this.next();
    if (this.accept('USER')) {
      const pairs: { from: UserName; to: UserName }[] = [];
      do {
        const from = this.userName();
        this.expect('TO');
        pairs.push({ from, to: this.userName() });
      } while (this.acceptOp(','));
      return { kind: 'renameUser', pairs };
    }
    if (!this.accept('TABLE')) this.expect('TABLES');
    const pairs: { from: TableName; to: TableName }[] = [];
    do {
      const from = this.tableName();
      this.expect('TO');
      pairs.push({ from, to: this.tableName() });
    } while (this.acceptOp(','));
    return { kind: 'renameTable', pairs };
  }

  private columnPosition(): ColumnPosition | undefined {
    if (this.accept('FIRST')) return { first: true };
    if (this.accept('AFTER')) return { after: this.ident() };
    return undefined;
  }

  private alter(): Statement {
    this.next();
    if (this.accept('USER')) return this.alterUser();
    if (['VIEW', 'ALGORITHM', 'DEFINER', 'SQL'].includes(this.peek().up) && this.peek().kind === 'word') return { kind: 'alterView', spec: this.viewSpec() };
    if (!this.accept('TABLE')) {
      const w = this.peek();
      if (w.kind === 'word' && ['DATABASE', 'SCHEMA', 'VIEW', 'USER', 'EVENT', 'PROCEDURE', 'FUNCTION'].includes(w.up))
        this.unsupported('ALTER ' + w.up);
      return this.fail();
    }
    const table = this.tableName();
    if ((this.isWord('DISABLE') || this.isWord('ENABLE')) && this.isWord('KEYS', 1)) {
      const enable = this.next().up === 'ENABLE';
      this.next();
      return { kind: 'alterTableKeys', table, enable };
    }
    const actions: AlterAction[] = [];
    do actions.push(...this.alterAction());
    while (this.acceptOp(','));
    return { kind: 'alterTable', table, actions };
  }

  private alterAction(): AlterAction[] {
    const t = this.peek();
    if (t.kind !== 'word') return this.fail();
    switch (t.up) {
      case 'ADD': {
        this.next();
        const idx = this.isWord('COLUMN') ? undefined : this.tableConstraint();
        if (idx === null) return [];
        if (idx !== undefined) return [{ kind: 'addIndex', index: idx }];
        this.accept('COLUMN');
        if (this.acceptOp('(')) {
          const out: AlterAction[] = [];
          do out.push({ kind: 'addColumn', column: this.columnDef() });
          while (this.acceptOp(','));
          this.expectOp(')');
          return out;
        }
        const column = this.columnDef();
        const position = this.columnPosition();
        return [position ? { kind: 'addColumn', column, position } : { kind: 'addColumn', column }];
      }
      case 'DROP': {
        this.next();
        if (this.accept('PRIMARY')) {
          this.expect('KEY');
          return [{ kind: 'dropPrimaryKey' }];
        }
        if (this.accept('INDEX') || this.accept('KEY')) return [{ kind: 'dropIndex', name: this.ident() }];
        if (this.accept('FOREIGN')) {
          this.expect('KEY');
          this.ident();
          return [];
        }
        if (this.accept('CHECK') || this.accept('CONSTRAINT')) {
          this.ident();
          return [];
        }
        this.accept('COLUMN');
        return [{ kind: 'dropColumn', name: this.ident() }];
      }
      case 'MODIFY': {
        this.next();
        this.accept('COLUMN');
        const column = this.columnDef();
        const position = this.columnPosition();
        return [position ? { kind: 'modifyColumn', column, position } : { kind: 'modifyColumn', column }];
      }
      case 'CHANGE': {
        this.next();
        this.accept('COLUMN');
        const oldName = this.ident();
        const column = this.columnDef();
        const position = this.columnPosition();
        return [position ? { kind: 'modifyColumn', column, oldName, position } : { kind: 'modifyColumn', column, oldName }];
      }
      case 'RENAME': {
        this.next();
        if (this.accept('COLUMN')) {
          const from = this.ident();
          this.expect('TO');
          return [{ kind: 'renameColumn', from, to: this.ident() }];
        }
        if (this.accept('INDEX') || this.accept('KEY')) {
          const from = this.ident();
          this.expect('TO');
          return [{ kind: 'renameIndex', from, to: this.ident() }];
        }
        if (!this.accept('TO')) this.accept('AS');
        return [{ kind: 'renameTable', to: this.tableName() }];
      }
      case 'ALGORITHM':
      case 'LOCK':
        this.lockAlgorithm();
        return [];
      default: {
        const options = this.tableOptions();
        if (Object.keys(options).length === 0) return this.fail();
        return [{ kind: 'options', options }];
      }
    }
  }

  // ───────────── accounts and privileges ─────────────

  /** 'user'@'host', user@host, `user`@`host`, "user" (host '%'); the host keeps its case here. */
  private userName(): UserName {
    const t = this.peek();
    let user: string;
    if (t.kind === 'lit' && t.lit!.type === 'string') user = t.lit!.value;
    else if (t.kind === 'qident' || (t.kind === 'word' && !RESERVED.has(t.up))) user = t.text;
    else return this.fail();
    this.pos++;
    const at = this.peek();
    if (at.kind !== 'uvar') return { user, host: '%' };
    this.pos++;
    if (at.text !== '' || at.scope === 'quoted') return { user, host: at.text };
    // `'u' @ 'h'`: the @ stood alone, the host is the next token
    const h = this.peek();
    if (h.kind === 'lit' && h.lit!.type === 'string') {
      this.pos++;
      return { user, host: h.lit!.value };
    }
    return { user, host: this.anyName() };
  }

  private userNameList(): UserName[] {
    const out = [this.userName()];
    while (this.acceptOp(',')) out.push(this.userName());
    return out;
  }

  /** A user name, or CURRENT_USER [()] / USER() for the session's own account. */
  private accountRef(): AccountRef {
    if (this.isWord('CURRENT_USER') || (this.isWord('USER') && this.isOp('(', 1))) {
      const word = this.next().up;
      if (this.acceptOp('(')) this.expectOp(')');
      else if (word === 'USER') this.fail();
      return { kind: 'current' };
    }
    return { kind: 'named', name: this.userName() };
  }

  private accountRefList(): AccountRef[] {
    const out = [this.accountRef()];
    while (this.acceptOp(',')) out.push(this.accountRef());
    return out;
  }

  /** IDENTIFIED BY 'pw' | BY PASSWORD 'hash' | WITH plugin [BY 'pw' | AS 'hash'], when present. */
  private authOption(): AuthOption | undefined {
    if (!this.accept('IDENTIFIED')) return undefined;
    if (this.accept('BY')) {
      if (this.accept('PASSWORD')) return { kind: 'hash', hash: this.string() };
      if (this.isWord('RANDOM')) this.unsupported('IDENTIFIED BY RANDOM PASSWORD');
      return { kind: 'password', password: this.string() };
    }
    if (this.accept('VIA')) this.unsupported('IDENTIFIED VIA');
    this.expect('WITH');
    const plugin = this.nameOrString().toLowerCase();
    if (this.accept('BY')) {
      if (this.isWord('RANDOM')) this.unsupported('IDENTIFIED BY RANDOM PASSWORD');
      return { kind: 'password', password: this.string(), plugin };
    }
    if (this.accept('AS')) return { kind: 'hash', hash: this.string(), plugin };
    return { kind: 'plugin', plugin };
  }

  private userSpecs(allowCurrent: boolean): UserSpec[] {
    const out: UserSpec[] = [];
    do {
      const account: AccountRef = allowCurrent ? this.accountRef() : { kind: 'named', name: this.userName() };
      const auth = this.authOption();
      out.push(auth ? { account, auth } : { account });
    } while (this.acceptOp(','));
    return out;
  }

  /**
   * What may follow the accounts of CREATE / ALTER USER: ACCOUNT LOCK | UNLOCK, REQUIRE NONE,
   * and MySQL's PASSWORD … DEFAULT clauses (SHOW CREATE USER prints them). TLS requirements,
   * resource limits and password policies are refused: Tessera would not enforce them.
   */
  private accountOptions(): { lock?: boolean } {
    const out: { lock?: boolean } = {};
    while (!this.atEnd()) {
      if (this.accept('ACCOUNT')) {
        if (this.accept('LOCK')) out.lock = true;
        else {
          this.expect('UNLOCK');
          out.lock = false;
        }
      } else if (this.accept('REQUIRE')) {
        if (!this.accept('NONE')) this.unsupported('REQUIRE SSL/X509 (this server does not offer TLS)');
      } else if (this.accept('PASSWORD')) {
        if (this.accept('EXPIRE')) {
          if (!this.accept('DEFAULT')) this.unsupported('PASSWORD EXPIRE');
        } else if (this.accept('HISTORY')) {
          this.expect('DEFAULT');
        } else if (this.accept('REUSE')) {
          this.expect('INTERVAL');
          this.expect('DEFAULT');
        } else {
          this.expect('REQUIRE');
          this.expect('CURRENT');
          if (!this.accept('DEFAULT')) this.unsupported('PASSWORD REQUIRE CURRENT');
        }
      } else if (this.isWord('WITH') || this.isWord('FAILED_LOGIN_ATTEMPTS') || this.isWord('PASSWORD_LOCK_TIME') || this.isWord('COMMENT') || this.isWord('ATTRIBUTE')) {
        this.unsupported(`CREATE/ALTER USER … ${this.peek().up}`);
      } else return this.fail();
    }
    return out;
  }

  private createUser(): Statement {
    const ifNotExists = this.ifNotExists();
    const users = this.userSpecs(false);
    let defaultRoles: UserName[] | undefined;
    if (this.accept('DEFAULT')) {
      this.expect('ROLE');
      defaultRoles = this.userNameList();
    }
    const s: Mutable<Extract<AccountStatement, { kind: 'createUser' }>> = { kind: 'createUser', ifNotExists, users, ...this.accountOptions() };
    if (defaultRoles) s.defaultRoles = defaultRoles;
    return s;
  }

  private alterUser(): Statement {
    const ifExists = this.ifExists();
    const first = this.accountRef();
    if (this.accept('DEFAULT')) {
      this.expect('ROLE');
      return { kind: 'alterUser', ifExists, users: [{ account: first }], defaultRoles: this.roleSelection(false) };
    }
    const auth = this.authOption();
    const users: UserSpec[] = [auth ? { account: first, auth } : { account: first }];
    if (this.acceptOp(',')) users.push(...this.userSpecs(true));
    return { kind: 'alterUser', ifExists, users, ...this.accountOptions() };
  }

  /** NONE | ALL [EXCEPT roles] | roles, and DEFAULT where SET ROLE allows it. */
  private roleSelection(allowDefault: boolean): RoleSelection {
    if (allowDefault && this.accept('DEFAULT')) return { kind: 'default' };
    if (this.accept('NONE')) return { kind: 'none' };
    if (this.accept('ALL')) return { kind: 'all', except: this.accept('EXCEPT') ? this.userNameList() : [] };
    return { kind: 'list', roles: this.userNameList() };
  }

  /** SET PASSWORD / SET ROLE / SET DEFAULT ROLE, or null for an ordinary SET. */
  private setAccountStatement(): Statement | null {
    if (this.isWord('PASSWORD') && (this.isOp('=', 1) || this.isWord('FOR', 1))) {
      this.next();
      const account: AccountRef = this.accept('FOR') ? this.accountRef() : { kind: 'current' };
      this.expectOp('=');
      if (this.isWord('PASSWORD') && this.isOp('(', 1)) {
        this.next();
        this.next();
        const password = this.string();
        this.expectOp(')');
        return { kind: 'setPassword', account, password };
      }
      if (this.isWord('TO')) this.unsupported('SET PASSWORD TO RANDOM');
      return { kind: 'setPassword', account, password: this.string() };
    }
    if (this.isWord('ROLE') && !this.isOp('=', 1)) {
      this.next();
      return { kind: 'setRole', roles: this.roleSelection(true) };
    }
    if (this.isWord('DEFAULT') && this.isWord('ROLE', 1)) {
      this.next();
      this.next();
      const roles = this.roleSelection(false);
      this.expect('TO');
      return { kind: 'setDefaultRole', roles, to: this.accountRefList() };
    }
    return null;
  }

  /** Whether word `stop` (TO or FROM) comes before ON: privileges are granted ON a level, roles are not. */
  private privilegesAhead(stop: string): boolean {
    for (let k = 0; this.pos + k < this.end; k++) {
      const t = this.peek(k);
      if (t.kind !== 'word') continue;
      if (t.up === 'ON') return true;
      if (t.up === stop) return false;
    }
    return false;
  }

  private privilegeItems(): PrivilegeItem[] {
    const out: PrivilegeItem[] = [];
    do {
      const words: string[] = [];
      while (this.peek().kind === 'word' && !this.isWord('ON')) words.push(this.next().up);
      if (words.length === 0) this.fail();
      let name = words.join(' ');
      if (name === 'ALL PRIVILEGES') name = 'ALL';
      out.push(this.isOp('(') ? { name, columns: this.identList() } : { name });
    } while (this.acceptOp(','));
    return out;
  }

  private privilegeLevel(): PrivilegeLevel {
    if (this.isWord('FUNCTION') || this.isWord('PROCEDURE')) this.unsupported(`GRANT ON ${this.peek().up}`);
    this.accept('TABLE');
    if (this.acceptOp('*')) {
      if (!this.acceptOp('.')) return { kind: 'db' };
      this.expectOp('*');
      return { kind: 'global' };
    }
    const first = this.ident();
    if (!this.acceptOp('.')) return { kind: 'table', table: first };
    if (this.acceptOp('*')) return { kind: 'db', db: first };
    return { kind: 'table', db: first, table: this.anyName() };
  }

  private grant(): Statement {
    this.next();
    if (this.isWord('PROXY')) this.unsupported('GRANT PROXY');
    if (!this.privilegesAhead('TO')) {
      const roles = this.userNameList();
      this.expect('TO');
      const to = this.accountRefList();
      let adminOption = false;
      if (this.accept('WITH')) {
        this.expect('ADMIN');
        this.expect('OPTION');
        adminOption = true;
      }
      return { kind: 'grantRole', roles, to, adminOption };
    }
    const privileges = this.privilegeItems();
    this.expect('ON');
    const level = this.privilegeLevel();
    this.expect('TO');
    const to = this.accountRefList();
    let grantOption = false;
    if (this.accept('WITH')) {
      if (!this.isWord('GRANT')) this.unsupported(`GRANT … WITH ${this.peek().up} (resource limits)`);
      this.expect('GRANT');
      this.expect('OPTION');
      grantOption = true;
    }
    if (this.isWord('AS')) this.unsupported('GRANT … AS user');
    return { kind: 'grant', privileges, level, to, grantOption };
  }

  private revoke(): Statement {
    this.next();
    if (this.isWord('PROXY')) this.unsupported('REVOKE PROXY');
    if (this.isWord('ALL') && !this.privilegesAhead('FROM')) {
      this.next();
      this.accept('PRIVILEGES');
      this.expectOp(',');
      this.expect('GRANT');
      this.expect('OPTION');
      this.expect('FROM');
      return { kind: 'revokeAll', from: this.accountRefList() };
    }
    if (!this.privilegesAhead('FROM')) {
      const roles = this.userNameList();
      this.expect('FROM');
      return { kind: 'revokeRole', roles, from: this.accountRefList() };
    }
    const privileges = this.privilegeItems();
    this.expect('ON');
    const level = this.privilegeLevel();
    this.expect('FROM');
    return { kind: 'revoke', privileges, level, from: this.accountRefList() };
  }

  // ───────────── SET / SHOW / EXPLAIN ─────────────

  private set(): Statement {
    this.next();
    const account = this.setAccountStatement();
    if (account) return account;
    type SetItem = Extract<Statement, { kind: 'set' }>['assignments'][number];
    const items: SetItem[] = [];
    do {
      const t = this.peek();
      const u = t.kind === 'word' ? t.up : '';
      if (u === 'NAMES') {
        this.next();
        if (this.accept('DEFAULT')) items.push({ kind: 'names', charset: 'DEFAULT' });
        else {
          const charset = this.nameOrString();
          if (this.accept('COLLATE')) items.push({ kind: 'names', charset, collation: this.nameOrString() });
          else items.push({ kind: 'names', charset });
        }
        continue;
      }
      if (u === 'CHARSET' || (u === 'CHARACTER' && this.isWord('SET', 1))) {
        const charset = this.accept('DEFAULT') ? 'DEFAULT' : this.charsetClause()!;
        items.push({ kind: 'charset', charset });
        continue;
      }
      let scope: 'session' | 'global' | undefined;
      if ((u === 'GLOBAL' || u === 'PERSIST' || u === 'PERSIST_ONLY') && this.peek(1).kind !== 'op') {
        this.next();
        scope = 'global';
      } else if ((u === 'SESSION' || u === 'LOCAL') && this.peek(1).kind !== 'op') {
        this.next();
        scope = 'session';
      }
      if (this.isWord('TRANSACTION')) {
        this.next();
        items.push(this.transactionCharacteristics(scope ?? 'next'));
        continue;
      }
      const v = this.peek();
      let name: string;
      let vscope: 'user' | 'session' | 'global';
      if (v.kind === 'uvar' && scope === undefined) {
        this.next();
        name = v.text;
        vscope = 'user';
      } else if (v.kind === 'svar' && scope === undefined) {
        this.next();
        name = v.text;
        vscope = v.scope === 'global' ? 'global' : 'session';
      } else {
        name = this.ident();
        while (this.acceptOp('.')) name += '.' + this.anyName();
        vscope = scope ?? 'session';
      }
      if (!this.acceptOp('=')) this.expectOp(':=');
      items.push({ kind: 'variable', name, scope: vscope, value: this.setValue() });
    } while (this.acceptOp(','));
    return { kind: 'set', assignments: items };
  }

  private setValue(): Expr {
    const t = this.peek();
    if (t.kind === 'word' && (t.up === 'ON' || t.up === 'OFF' || t.up === 'DEFAULT' || t.up === 'ALL' || t.up === 'BINARY')) {
      const n = this.peek(1);
      if (n.kind === 'eof' || (n.kind === 'op' && n.text === ',')) {
        this.next();
        return { kind: 'literal', value: { type: 'string', value: t.up }, slot: -1 };
      }
    }
    return this.expr();
  }

  private transactionCharacteristics(scope: 'session' | 'global' | 'next'): Extract<Statement, { kind: 'set' }>['assignments'][number] {
    let isolation: string | undefined;
    let readOnly: boolean | undefined;
    do {
      if (this.accept('ISOLATION')) {
        this.expect('LEVEL');
        if (this.accept('READ')) {
          if (this.accept('COMMITTED')) isolation = 'READ COMMITTED';
          else {
            this.expect('UNCOMMITTED');
            isolation = 'READ UNCOMMITTED';
          }
        } else if (this.accept('REPEATABLE')) {
          this.expect('READ');
          isolation = 'REPEATABLE READ';
        } else {
          this.expect('SERIALIZABLE');
          isolation = 'SERIALIZABLE';
        }
      } else {
        this.expect('READ');
        if (this.accept('ONLY')) readOnly = true;
        else {
          this.expect('WRITE');
          readOnly = false;
        }
      }
    } while (this.isOp(',') && (this.isWord('ISOLATION', 1) || this.isWord('READ', 1)) && this.next());
    const r: { kind: 'transaction'; scope: 'session' | 'global' | 'next'; isolation?: string; readOnly?: boolean } = { kind: 'transaction', scope };
    if (isolation !== undefined) r.isolation = isolation;
    if (readOnly !== undefined) r.readOnly = readOnly;
    return r;
  }

  private likeOrWhere(): { like?: string; where?: Expr } {
    if (this.accept('LIKE')) return { like: this.string() };
    if (this.accept('WHERE')) return { where: this.expr() };
    return {};
  }

  private fromDb(): string | undefined {
    if (this.accept('FROM') || this.accept('IN')) return this.ident();
    return undefined;
  }

  private show(): Statement {
    this.next();
    const t = this.next();
    if (t.kind !== 'word') return this.fail(t);
    const u = t.up;
    switch (u) {
      case 'DATABASES':
      case 'SCHEMAS':
        return { kind: 'showDatabases', ...this.likeOrWhere() };
      case 'FULL':
      case 'TABLES':
      case 'COLUMNS':
      case 'FIELDS':
      case 'PROCESSLIST': {
        const full = u === 'FULL';
        const w = full ? this.next() : t;
        switch (w.up) {
          case 'TABLES': {
            const db = this.fromDb();
            const s: ShowStatement = { kind: 'showTables', full, ...this.likeOrWhere() };
            return db !== undefined ? { ...s, db } : s;
          }
          case 'COLUMNS':
          case 'FIELDS': {
            if (!this.accept('FROM')) this.expect('IN');
            let table = this.tableName();
            const db = this.fromDb();
            if (db !== undefined) table = { db, name: table.name };
            return { kind: 'showColumns', table, full, ...this.likeOrWhere() };
          }
          case 'PROCESSLIST':
            return { kind: 'showProcesslist', full };
          default:
            return this.fail(w);
        }
      }
      case 'INDEX':
      case 'INDEXES':
      case 'KEYS': {
        if (!this.accept('FROM')) this.expect('IN');
        let table = this.tableName();
        const db = this.fromDb();
        if (db !== undefined) table = { db, name: table.name };
        if (this.accept('WHERE')) this.expr();
        return { kind: 'showIndex', table };
      }
      case 'CREATE':
        if (this.accept('TABLE')) return { kind: 'showCreateTable', table: this.tableName() };
        if (this.accept('DATABASE') || this.accept('SCHEMA')) {
          // mysqldump --databases asks IF NOT EXISTS, and the answer carries it.
          if (this.ifNotExists()) return { kind: 'showCreateDatabase', db: this.ident(), ifNotExists: true };
          return { kind: 'showCreateDatabase', db: this.ident() };
        }
        if (this.accept('USER')) return { kind: 'showCreateUser', account: this.accountRef() };
        if (this.accept('VIEW')) return { kind: 'showCreateView', view: this.tableName() };
        if (['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT'].includes(this.peek().up)) return this.unsupported('SHOW CREATE ' + this.peek().up);
        return this.fail();
      case 'GLOBAL':
      case 'SESSION':
      case 'LOCAL':
      case 'VARIABLES':
      case 'STATUS': {
        const scope = u === 'GLOBAL' ? 'global' : 'session';
        const w = u === 'VARIABLES' || u === 'STATUS' ? t : this.next();
        if (w.up === 'VARIABLES') return { kind: 'showVariables', scope, ...this.likeOrWhere() };
        if (w.up === 'STATUS') return { kind: 'showStatus', scope, ...this.likeOrWhere() };
        return this.fail(w);
      }
      case 'WARNINGS':
      case 'ERRORS': {
        const s: Mutable<Extract<ShowStatement, { kind: 'showWarnings' }>> = { kind: 'showWarnings', errorsOnly: u === 'ERRORS' };
        if (this.isWord('LIMIT')) s.limit = this.limit();
        return s;
      }
      case 'TABLE': {
        this.expect('STATUS');
        const db = this.fromDb();
        const lw = this.likeOrWhere();
        const s: Mutable<Extract<ShowStatement, { kind: 'showTableStatus' }>> = { kind: 'showTableStatus' };
        if (db !== undefined) s.db = db;
        if (lw.like !== undefined) s.like = lw.like;
        return s;
      }
      case 'COLLATION':
        return { kind: 'showCollation', ...this.likeOrWhere() };
      case 'CHARACTER':
        this.expect('SET');
        return { kind: 'showCharset', ...this.likeOrWhere() };
      case 'CHARSET':
        return { kind: 'showCharset', ...this.likeOrWhere() };
      case 'STORAGE':
        this.expect('ENGINES');
        return { kind: 'showEngines' };
      case 'ENGINES':
        return { kind: 'showEngines' };
      case 'PLUGINS':
        return { kind: 'showPlugins' };
      case 'FUNCTION':
      case 'PROCEDURE':
      case 'TRIGGERS':
      case 'EVENTS': {
        if (u === 'FUNCTION' || u === 'PROCEDURE') {
          if (!this.isWord('STATUS')) return this.unsupported('SHOW ' + u + ' ' + this.peek().text);
          this.next();
          return { kind: 'showStoredObjects', what: u === 'FUNCTION' ? 'FUNCTION STATUS' : 'PROCEDURE STATUS', ...this.likeOrWhere() };
        }
        const db = this.fromDb();
        const s: ShowStatement = { kind: 'showStoredObjects', what: u, ...this.likeOrWhere() };
        return db !== undefined ? { ...s, db } : s;
      }
      case 'GRANTS': {
        if (!this.accept('FOR')) return { kind: 'showGrants' };
        const account = this.accountRef();
        if (!this.accept('USING')) return { kind: 'showGrants', for: account };
        return { kind: 'showGrants', for: account, using: this.userNameList() };
      }
      case 'LEAVES':
      case 'AGGREGATORS':
      case 'PARTITIONS':
      case 'CLUSTER':
      case 'REBALANCE': {
        let what = u;
        if (u === 'CLUSTER' || u === 'REBALANCE') {
          this.expect('STATUS');
          what += ' STATUS';
        }
        if (this.accept('ON')) return { kind: 'showCluster', what, db: this.ident() };
        return { kind: 'showCluster', what };
      }
      default:
        if (UNSUPPORTED_SHOW.has(u)) return this.unsupported('SHOW ' + u);
        return this.fail(t);
    }
  }

  private explain(): Statement {
    this.next();
    const t = this.peek();
    const isStmt =
      t.kind === 'op' ? t.text === '(' :
      t.kind === 'word' && ['SELECT', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'WITH', 'FORMAT', 'ANALYZE', 'EXTENDED', 'REBALANCE'].includes(t.up);
    if (!isStmt || (t.kind === 'word' && (t.up === 'FORMAT' || t.up === 'ANALYZE') && this.isOp('.', 1))) {
      const table = this.tableName();
      if (this.atEnd()) return { kind: 'describe', table };
      const c = this.peek();
      if (c.kind === 'lit' && c.lit!.type === 'string') {
        this.next();
        return { kind: 'describe', table, column: c.lit!.value };
      }
      return { kind: 'describe', table, column: this.ident() };
    }
    if (this.isWord('REBALANCE') && this.isWord('PARTITIONS', 1)) {
      const s = this.clusterCommand(2) as Extract<Statement, { kind: 'clusterCommand' }>;
      return { ...s, command: 'EXPLAIN ' + s.command };
    }
    let format: string | undefined;
    let analyze: boolean | undefined;
    for (;;) {
      if (this.accept('FORMAT')) {
        this.expectOp('=');
        format = this.nameOrString().toUpperCase();
      } else if (this.accept('ANALYZE')) analyze = true;
      else if (this.accept('EXTENDED')) {
        /* MySQL 5 word, now the default */
      } else break;
    }
    const statement = this.statement();
    const s: Mutable<Extract<Statement, { kind: 'explain' }>> = { kind: 'explain', statement };
    if (format !== undefined) s.format = format;
    if (analyze) s.analyze = true;
    return s;
  }
}

// ───────────── public entry points ─────────────

interface Segment {
  /** token range */
  readonly s: number;
  readonly e: number;
  /** source range of the raw statement text (untrimmed) */
  readonly textStart: number;
  readonly textEnd: number;
}

function segmentsOf(sql: string, toks: readonly Token[]): Segment[] {
  const ranges = splitTokens(toks);
  const out: Segment[] = [];
  for (let k = 0; k < ranges.length; k++) {
    const [s, e] = ranges[k]!;
    const textStart = s === 0 ? 0 : toks[s - 1]!.end;
    const textEnd = e < toks.length ? toks[e]!.start : sql.length;
    // the empty tail after a final `;` is not a statement
    if (s === e && k === ranges.length - 1 && k > 0) continue;
    out.push({ s, e, textStart, textEnd });
  }
  return out;
}

function emptyQuery(): SqlError {
  return new SqlError('ER_EMPTY_QUERY', 'Query was empty');
}

function trimmedRange(sql: string, a: number, b: number): [number, number] {
  while (a < b && sql.charCodeAt(a) <= 32) a++;
  while (b > a && sql.charCodeAt(b - 1) <= 32) b--;
  return [a, b];
}

function lineOf(toks: readonly Token[], seg: Segment): number {
  return seg.s === 0 ? 1 : toks[seg.s - 1]!.line;
}

function parseSegment(sql: string, toks: readonly Token[], seg: Segment): ParsedStatement {
  const [ts, te] = trimmedRange(sql, seg.textStart, seg.textEnd);
  const text = sql.slice(ts, te);
  const baseLine = lineOf(toks, seg);
  if (seg.s === seg.e) {
    if (seg.textEnd < sql.length) {
      // `;;`: MySQL reports the stray separator
      const p = new Parser(sql, toks, seg.e, seg.e + 1, eofAt(te), sql.length, baseLine);
      p.fail(toks[seg.e]!);
    }
    return { statement: { kind: 'empty' }, text, cacheKey: '', literals: [], paramCount: 0 };
  }
  const eof = eofAt(te);
  const p = new Parser(sql, toks, seg.s, seg.e, eof, te, baseLine);
  const statement = p.statement();
  if (!p.atEnd()) p.fail();
  // Every node takes a token at least: a short statement cannot be deep.
  if (seg.e - seg.s > MAX_TREE_DEPTH && treeDepth(statement) > MAX_TREE_DEPTH) throw tooDeep();
  return { statement, ...keyParts(toks, seg), text };
}

/** A balanced tree of `op` over terms[lo, hi) (left to right in order). */
function balanced(op: 'AND' | 'OR' | 'XOR', terms: readonly Expr[], lo: number, hi: number): Expr {
  if (hi - lo === 1) return terms[lo]!;
  const mid = (lo + hi) >>> 1;
  return { kind: 'binary', op, left: balanced(op, terms, lo, mid), right: balanced(op, terms, mid, hi) };
}

function eofAt(pos: number): Token {
  return { kind: 'eof', start: pos, end: pos, line: 0, text: '', up: '', lit: null, slot: -1, scope: '' };
}

function keyParts(toks: readonly Token[], seg: Segment): { cacheKey: string; literals: Literal[]; paramCount: number } {
  const literals: Literal[] = [];
  let paramCount = 0;
  for (let k = seg.s; k < seg.e; k++) {
    const t = toks[k]!;
    if (t.kind === 'lit') literals.push(t.lit!);
    else if (t.kind === 'param') paramCount++;
  }
  return { cacheKey: cacheKeyOf(toks, seg.s, seg.e), literals, paramCount };
}

/** Parses a COM_QUERY text that may hold several statements separated by `;`. Throws ParseError. */
export function parse(sql: string): ParsedStatement[] {
  const toks = tokenize(sql);
  if (toks.length === 0) {
    if (sql.trim() === '') throw emptyQuery();
    return [{ statement: { kind: 'empty' }, text: sql.trim(), cacheKey: '', literals: [], paramCount: 0 }];
  }
  const segs = segmentsOf(sql, toks);
  const out: ParsedStatement[] = [];
  for (const seg of segs) out.push(parseSegment(sql, toks, seg));
  return out;
}

/** Exactly one statement (a trailing `;` is allowed); for COM_STMT_PREPARE. */
export function parseOne(sql: string): ParsedStatement {
  const all = parse(sql);
  if (all.length !== 1) {
    const toks = tokenize(sql);
    const semi = toks.findIndex((t) => t.kind === 'op' && t.text === ';');
    const bad = toks[semi + 1] ?? toks[semi]!;
    new Parser(sql, toks, 0, toks.length, eofAt(sql.length), sql.trimEnd().length, 1).fail(bad);
  }
  return all[0]!;
}

/**
 * The fast path of the plan cache: split and fingerprint without building an AST. Produces the
 * same text, cacheKey, literals and paramCount as parse() for each statement.
 */
export function fingerprint(sql: string): { text: string; cacheKey: string; literals: Literal[]; paramCount: number }[] {
  const toks = tokenize(sql);
  if (toks.length === 0) {
    if (sql.trim() === '') throw emptyQuery();
    return [{ text: sql.trim(), cacheKey: '', literals: [], paramCount: 0 }];
  }
  const out: { text: string; cacheKey: string; literals: Literal[]; paramCount: number }[] = [];
  for (const seg of segmentsOf(sql, toks)) {
    for (let k = seg.s; k < seg.e; k++) if (toks[k]!.kind === 'bad') parseSegment(sql, toks, seg);
    if (seg.s === seg.e && seg.textEnd < sql.length) parseSegment(sql, toks, seg);
    const [ts, te] = trimmedRange(sql, seg.textStart, seg.textEnd);
    out.push({ text: sql.slice(ts, te), ...keyParts(toks, seg) });
  }
  return out;
}
