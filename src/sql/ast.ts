/**
 * The MySQL-dialect AST. Plain readonly data, discriminated by `kind`; the parser builds it,
 * the binder reads it. Names keep the case the user wrote; comparison of identifiers is the
 * binder's business.
 */

// ───────────────────────────── literals and expressions ─────────────────────────────

export type Literal =
  | { readonly type: 'null' }
  | { readonly type: 'bool'; readonly value: boolean }
  /** Decimal digits of an integer literal, without sign; exact however large. */
  | { readonly type: 'int'; readonly text: string }
  /** A literal with a point and no exponent: 1.50 is exact DECIMAL in MySQL. */
  | { readonly type: 'decimal'; readonly text: string }
  /** A literal with an exponent: 1e3 is DOUBLE. */
  | { readonly type: 'double'; readonly text: string }
  /** Unescaped text. charset is set by an introducer such as _utf8mb4'…' or _binary'…'. */
  | { readonly type: 'string'; readonly value: string; readonly charset?: string }
  /** X'0A1B' or 0x0A1B: a binary string; hex digits as written. */
  | { readonly type: 'hex'; readonly hex: string }
  /** b'0101' or 0b0101. */
  | { readonly type: 'bit'; readonly bits: string }
  /** DATE 'x', TIME 'x', TIMESTAMP 'x'. */
  | { readonly type: 'temporal'; readonly temporal: 'date' | 'time' | 'timestamp'; readonly text: string };

export type TimeUnit =
  | 'MICROSECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR'
  | 'SECOND_MICROSECOND' | 'MINUTE_MICROSECOND' | 'MINUTE_SECOND' | 'HOUR_MICROSECOND' | 'HOUR_SECOND'
  | 'HOUR_MINUTE' | 'DAY_MICROSECOND' | 'DAY_SECOND' | 'DAY_MINUTE' | 'DAY_HOUR' | 'YEAR_MONTH';

export type BinaryOp =
  | '+' | '-' | '*' | '/' | 'DIV' | '%'
  | '=' | '<=>' | '<>' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR' | 'XOR'
  | '&' | '|' | '^' | '<<' | '>>';

export type UnaryOp = '-' | '+' | '~' | 'NOT' | 'BINARY';

/** CAST(x AS …) / CONVERT(x, …) targets. */
export type CastTarget =
  | { readonly type: 'SIGNED' | 'UNSIGNED' | 'DATE' | 'JSON' | 'DOUBLE' | 'FLOAT' | 'REAL' }
  | { readonly type: 'DECIMAL'; readonly precision?: number; readonly scale?: number }
  | { readonly type: 'CHAR' | 'NCHAR' | 'BINARY'; readonly length?: number; readonly charset?: string }
  | { readonly type: 'DATETIME' | 'TIME'; readonly fsp?: number };

export type Expr =
  /**
   * slot: the index of this literal among the statement's literal tokens (numbers, strings,
   * hex and bit literals, in order of appearance; see ParsedStatement.literals). NULL, TRUE
   * and FALSE are keywords and get slot -1. The planner "bakes" a slot whose value shapes the
   * plan (an ORDER BY ordinal, say) and the plan cache then checks that value on a hit.
   */
  | { readonly kind: 'literal'; readonly value: Literal; readonly slot: number }
  /** A `?` placeholder; index counts from 0 in order of appearance in the statement. */
  | { readonly kind: 'param'; readonly index: number }
  | { readonly kind: 'column'; readonly db?: string; readonly table?: string; readonly name: string }
  /** `*` or `t.*` in a select list; also COUNT(*)'s argument. */
  | { readonly kind: 'star'; readonly table?: string; readonly db?: string }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  /** x IS [NOT] NULL */
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly not: boolean }
  /** x IS [NOT] TRUE|FALSE|UNKNOWN */
  | { readonly kind: 'isTruth'; readonly operand: Expr; readonly truth: 'TRUE' | 'FALSE' | 'UNKNOWN'; readonly not: boolean }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly not: boolean }
  | { readonly kind: 'inList'; readonly operand: Expr; readonly list: readonly Expr[]; readonly not: boolean }
  | { readonly kind: 'inQuery'; readonly operand: Expr; readonly query: Query; readonly not: boolean }
  | { readonly kind: 'like'; readonly operand: Expr; readonly pattern: Expr; readonly escape?: Expr; readonly not: boolean }
  | { readonly kind: 'regexp'; readonly operand: Expr; readonly pattern: Expr; readonly not: boolean }
  | { readonly kind: 'exists'; readonly query: Query }
  /** A subquery used as a scalar value: (SELECT …). */
  | { readonly kind: 'subquery'; readonly query: Query }
  /** x = ANY (SELECT …), x > ALL (SELECT …) */
  | { readonly kind: 'quantified'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly quantifier: 'ANY' | 'ALL'; readonly operand: Expr; readonly query: Query }
  | { readonly kind: 'case'; readonly operand?: Expr; readonly whens: readonly { readonly when: Expr; readonly then: Expr }[]; readonly else?: Expr }
  /**
   * A function or aggregate call; name is upper-cased. Special syntax is normalized by the
   * parser: POSITION(a IN b) → LOCATE(a, b); TRIM(LEADING x FROM y) → TRIM_LEADING(y, x) (and
   * TRIM_TRAILING, TRIM_BOTH); SUBSTRING(x FROM a FOR b) → SUBSTRING(x, a, b);
   * DATE_ADD(d, INTERVAL n u) → DATE_ADD(d, n, 'u') with the unit as a timeUnit node, same for
   * DATE_SUB/ADDDATE/SUBDATE; d + INTERVAL n u → DATE_ADD(d, n, u) and d - INTERVAL … → DATE_SUB;
   * EXTRACT(u FROM d) → EXTRACT(u, d); TIMESTAMPDIFF(u, a, b) / TIMESTAMPADD(u, n, d) keep the
   * unit as a timeUnit first argument; CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_TIME /
   * CURRENT_USER / LOCALTIME without parentheses become calls with no arguments;
   * CONVERT(x USING cs) → CONVERT_USING(x) with charset in `charset`; CHAR(… USING cs) keeps CHAR.
   */
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      /** COUNT(DISTINCT …), SUM(DISTINCT …), GROUP_CONCAT(DISTINCT …) */
      readonly distinct?: boolean;
      /** GROUP_CONCAT(… ORDER BY … SEPARATOR '…') */
      readonly orderBy?: readonly OrderItem[];
      readonly separator?: string;
      readonly charset?: string;
      /** OVER (…) / OVER w: a window function call (see WindowRef). */
      readonly over?: WindowRef;
    }
  | { readonly kind: 'timeUnit'; readonly unit: TimeUnit }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly target: CastTarget }
  /** @name (user), @@name / @@session.name / @@global.name (system). */
  | { readonly kind: 'variable'; readonly name: string; readonly scope: 'user' | 'session' | 'global' | 'default' }
  | { readonly kind: 'collate'; readonly operand: Expr; readonly collation: string }
  /** (a, b) row constructor, e.g. (a, b) IN ((1, 2), (3, 4)). */
  | { readonly kind: 'row'; readonly items: readonly Expr[] }
  /** DEFAULT in an INSERT/UPDATE value position, or DEFAULT(col). */
  | { readonly kind: 'default'; readonly column?: string }
  /** x MATCH … is not supported; MEMBER OF etc. likewise. Interval only as above. */
  | { readonly kind: 'interval'; readonly value: Expr; readonly unit: TimeUnit };

// ───────────────────────────── windows ─────────────────────────────

/** A frame bound; `value` is a number literal or an `interval` node (RANGE over a temporal key). */
export type FrameBound =
  | { readonly kind: 'unboundedPreceding' | 'unboundedFollowing' | 'currentRow' }
  | { readonly kind: 'preceding' | 'following'; readonly value: Expr };

export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly start: FrameBound;
  /** `ROWS 2 PRECEDING` (no BETWEEN) ends at CURRENT ROW. */
  readonly end: FrameBound;
}

/** The parenthesized part of OVER (…) or WINDOW w AS (…); `base` names the window it refines. */
export interface WindowSpec {
  readonly base?: string;
  readonly partitionBy?: readonly Expr[];
  readonly orderBy?: readonly OrderItem[];
  readonly frame?: WindowFrame;
}

/** OVER w (a window of the WINDOW clause as it is) or OVER (…). */
export type WindowRef = { readonly kind: 'named'; readonly name: string } | { readonly kind: 'spec'; readonly spec: WindowSpec };

export interface WindowDef {
  readonly name: string;
  readonly spec: WindowSpec;
}

// ───────────────────────────── queries ─────────────────────────────

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
}

/** LIMIT count OFFSET offset; both are literal ints or params. */
export interface Limit {
  readonly count: Expr;
  readonly offset?: Expr;
}

export type SelectItem =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias?: string; /** the text as written, for the column name */ readonly text: string }
  | { readonly kind: 'star'; readonly table?: string; readonly db?: string };

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'CROSS' | 'STRAIGHT';

export type TableRef =
  | { readonly kind: 'table'; readonly db?: string; readonly name: string; readonly alias?: string }
  /** LATERAL (SELECT …) AS d: the derived table may read the columns of the tables before it in its FROM. */
  | { readonly kind: 'derived'; readonly query: Query; readonly alias: string; readonly columns?: readonly string[]; readonly lateral?: boolean }
  /**
   * A name the parser resolved to a common table expression of an enclosing WITH (a table name
   * without a database that a WITH in scope defines: the CTE shadows a table of that name).
   */
  | { readonly kind: 'cte'; readonly name: string; readonly alias?: string }
  | {
      readonly kind: 'join';
      readonly type: JoinType;
      readonly natural: boolean;
      readonly left: TableRef;
      readonly right: TableRef;
      readonly on?: Expr;
      readonly using?: readonly string[];
    };

export interface Select {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** null for SELECT without FROM (or FROM DUAL). A comma list becomes CROSS joins. */
  readonly from: TableRef | null;
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly withRollup?: boolean;
  readonly having?: Expr;
  /** WINDOW w AS (…), … */
  readonly windows?: readonly WindowDef[];
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: Limit;
  /** FOR UPDATE / LOCK IN SHARE MODE / FOR SHARE */
  readonly lock?: 'update' | 'share';
  /** SQL_CALC_FOUND_ROWS and other modifiers the engine may ignore. */
  readonly calcFoundRows?: boolean;
  /** WITH … before this query. */
  readonly with?: WithClause;
}

/** One `name [(columns)] AS (query)` of a WITH clause. */
export interface CommonTableExpr {
  readonly name: string;
  readonly columns?: readonly string[];
  readonly query: Query;
}

/** WITH [RECURSIVE] cte, …: the CTEs are visible to the query it precedes and to the CTEs after each. */
export interface WithClause {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

/**
 * UNION, INTERSECT or EXCEPT of two queries (kind 'union' for all three, so code that only asks
 * "is this a query?" needs no change). INTERSECT binds tighter than UNION and EXCEPT, which are
 * left-associative (MySQL 8.0.31).
 */
export interface SetOperation {
  readonly kind: 'union';
  /** Absent: UNION. */
  readonly op?: 'INTERSECT' | 'EXCEPT';
  /** ALL when true; DISTINCT (the default) otherwise. */
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: Limit;
  /** WITH … before this query. */
  readonly with?: WithClause;
}

export type Query = Select | SetOperation;

// ───────────────────────────── DDL ─────────────────────────────

/** A column type as written: name upper-cased plus its arguments. */
export interface TypeName {
  /** TINYINT SMALLINT MEDIUMINT INT INTEGER BIGINT BOOL BOOLEAN DECIMAL NUMERIC DEC FIXED FLOAT
   *  DOUBLE REAL CHAR VARCHAR BINARY VARBINARY TINYTEXT TEXT MEDIUMTEXT LONGTEXT TINYBLOB BLOB
   *  MEDIUMBLOB LONGBLOB DATE DATETIME TIMESTAMP TIME YEAR JSON ENUM SET BIT SERIAL */
  readonly name: string;
  /** (n) or (p, s) */
  readonly args: readonly number[];
  readonly unsigned: boolean;
  readonly zerofill: boolean;
  /** ENUM('a', 'b') / SET(…) values */
  readonly values?: readonly string[];
  readonly charset?: string;
  readonly collation?: string;
  /** The BINARY attribute (CHAR(10) BINARY): the charset's _bin collation. */
  readonly binary?: boolean;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: TypeName;
  /** undefined when neither NULL nor NOT NULL was written. */
  readonly nullable?: boolean;
  readonly default?: Expr;
  readonly onUpdate?: Expr;
  readonly autoIncrement: boolean;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly comment?: string;
}

export interface IndexColumn {
  readonly name: string;
  readonly length?: number;
  readonly desc?: boolean;
}

export type IndexDef =
  | { readonly kind: 'primary'; readonly name?: string; readonly columns: readonly IndexColumn[]; readonly using?: 'BTREE' | 'HASH' }
  | { readonly kind: 'unique' | 'index' | 'fulltext'; readonly name?: string; readonly columns: readonly IndexColumn[]; readonly using?: 'BTREE' | 'HASH' }
  /** SHARD KEY (cols); an empty list means keyless (random) sharding. */
  | { readonly kind: 'shard'; readonly columns: readonly IndexColumn[] }
  /** SORT KEY (cols) — the columnstore order. */
  | { readonly kind: 'sort'; readonly columns: readonly IndexColumn[] }
  /** FOREIGN KEY … REFERENCES …: parsed so ORM DDL runs; not enforced. */
  | { readonly kind: 'foreign'; readonly name?: string; readonly columns: readonly IndexColumn[]; readonly refTable: string; readonly refColumns: readonly string[] };

export interface TableName {
  readonly db?: string;
  readonly name: string;
}

/** ENGINE=…, DEFAULT CHARSET=…, COLLATE=…, COMMENT='…', AUTO_INCREMENT=n; keys upper-cased. */
export type TableOptions = Readonly<Record<string, string>>;

/** Where ADD / MODIFY / CHANGE COLUMN puts the column: FIRST or AFTER another. */
export type ColumnPosition = { readonly first: true } | { readonly after: string };

export type AlterAction =
  | { readonly kind: 'addColumn'; readonly column: ColumnDef; readonly position?: ColumnPosition }
  | { readonly kind: 'dropColumn'; readonly name: string }
  /** MODIFY (oldName absent) or CHANGE old new. */
  | { readonly kind: 'modifyColumn'; readonly column: ColumnDef; readonly oldName?: string; readonly position?: ColumnPosition }
  /** RENAME COLUMN a TO b (MySQL 8). */
  | { readonly kind: 'renameColumn'; readonly from: string; readonly to: string }
  /** RENAME INDEX|KEY a TO b. */
  | { readonly kind: 'renameIndex'; readonly from: string; readonly to: string }
  | { readonly kind: 'addIndex'; readonly index: IndexDef }
  | { readonly kind: 'dropIndex'; readonly name: string }
  | { readonly kind: 'dropPrimaryKey' }
  | { readonly kind: 'renameTable'; readonly to: TableName }
  | { readonly kind: 'options'; readonly options: TableOptions };

// ───────────────────────────── statements ─────────────────────────────

export interface Assignment {
  readonly column: { readonly table?: string; readonly name: string };
  readonly value: Expr;
}

export type InsertSource =
  /** VALUES (…), (…) — a row item may be a { kind: 'default' } expression. */
  | { readonly kind: 'values'; readonly rows: readonly (readonly Expr[])[] }
  | { readonly kind: 'query'; readonly query: Query }
  /** INSERT … SET a = 1, b = 2 */
  | { readonly kind: 'set'; readonly assignments: readonly Assignment[] };

export type StoredObjectList = 'FUNCTION STATUS' | 'PROCEDURE STATUS' | 'TRIGGERS' | 'EVENTS';

/** One table of LOCK TABLES: READ [LOCAL] or [LOW_PRIORITY] WRITE. */
export interface LockTableItem {
  readonly table: TableName;
  readonly alias?: string;
  readonly mode: 'read' | 'write';
}

export type ShowStatement =
  | { readonly kind: 'showDatabases'; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showTables'; readonly db?: string; readonly full: boolean; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showColumns'; readonly table: TableName; readonly full: boolean; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showIndex'; readonly table: TableName }
  | { readonly kind: 'showCreateTable'; readonly table: TableName }
  | { readonly kind: 'showCreateDatabase'; readonly db: string; readonly ifNotExists?: boolean }
  | { readonly kind: 'showVariables'; readonly scope: 'session' | 'global'; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showStatus'; readonly scope: 'session' | 'global'; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showWarnings'; readonly errorsOnly: boolean; readonly limit?: Limit }
  | { readonly kind: 'showProcesslist'; readonly full: boolean }
  | { readonly kind: 'showTableStatus'; readonly db?: string; readonly like?: string }
  | { readonly kind: 'showCollation'; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showCharset'; readonly like?: string; readonly where?: Expr }
  | { readonly kind: 'showEngines' }
  | { readonly kind: 'showPlugins' }
  /** SHOW FUNCTION STATUS / PROCEDURE STATUS / TRIGGERS / EVENTS: Tessera has none of these objects. */
  | { readonly kind: 'showStoredObjects'; readonly what: StoredObjectList; readonly db?: string; readonly like?: string; readonly where?: Expr }
  /** SHOW LEAVES / PARTITIONS [ON db] / CLUSTER STATUS and the like: the words after SHOW. */
  | { readonly kind: 'showCluster'; readonly what: string; readonly db?: string };

// ───────────────────────────── accounts and privileges ─────────────────────────────

/** 'user'@'host' as written; a name without @host means host '%'. */
export interface UserName {
  readonly user: string;
  readonly host: string;
}

/** An account a statement names: 'user'@'host', or CURRENT_USER / CURRENT_USER() / USER(). */
export type AccountRef = { readonly kind: 'named'; readonly name: UserName } | { readonly kind: 'current' };

/** IDENTIFIED …: a cleartext password, a stored hash (BY PASSWORD / AS), or a plugin alone. */
export type AuthOption =
  | { readonly kind: 'password'; readonly password: string; readonly plugin?: string }
  | { readonly kind: 'hash'; readonly hash: string; readonly plugin?: string }
  | { readonly kind: 'plugin'; readonly plugin: string };

export interface UserSpec {
  readonly account: AccountRef;
  readonly auth?: AuthOption;
}

/** ON *.* / ON db.* / ON * (the current database) / ON db.t / ON t. */
export type PrivilegeLevel =
  | { readonly kind: 'global' }
  | { readonly kind: 'db'; readonly db?: string }
  | { readonly kind: 'table'; readonly db?: string; readonly table: string };

export interface PrivilegeItem {
  /** Upper-case words as written, single-spaced: 'SELECT', 'CREATE TEMPORARY TABLES', 'ALL', 'USAGE', 'GRANT OPTION', 'CONNECTION_ADMIN'. */
  readonly name: string;
  /** SELECT (c1, c2): a column-level grant. */
  readonly columns?: readonly string[];
}

/** SET ROLE / SET DEFAULT ROLE / ALTER USER … DEFAULT ROLE. */
export type RoleSelection =
  | { readonly kind: 'default' }
  | { readonly kind: 'none' }
  | { readonly kind: 'all'; readonly except: readonly UserName[] }
  | { readonly kind: 'list'; readonly roles: readonly UserName[] };

export type AccountStatement =
  | { readonly kind: 'createUser'; readonly ifNotExists: boolean; readonly users: readonly UserSpec[]; readonly defaultRoles?: readonly UserName[]; readonly lock?: boolean }
  | { readonly kind: 'alterUser'; readonly ifExists: boolean; readonly users: readonly UserSpec[]; readonly defaultRoles?: RoleSelection; readonly lock?: boolean }
  | { readonly kind: 'dropUser'; readonly ifExists: boolean; readonly users: readonly UserName[] }
  | { readonly kind: 'renameUser'; readonly pairs: readonly { readonly from: UserName; readonly to: UserName }[] }
  | { readonly kind: 'setPassword'; readonly account: AccountRef; readonly password: string }
  | { readonly kind: 'createRole'; readonly ifNotExists: boolean; readonly roles: readonly UserName[] }
  | { readonly kind: 'dropRole'; readonly ifExists: boolean; readonly roles: readonly UserName[] }
  | { readonly kind: 'grant'; readonly privileges: readonly PrivilegeItem[]; readonly level: PrivilegeLevel; readonly to: readonly AccountRef[]; readonly grantOption: boolean }
  | { readonly kind: 'revoke'; readonly privileges: readonly PrivilegeItem[]; readonly level: PrivilegeLevel; readonly from: readonly AccountRef[] }
  /** REVOKE ALL [PRIVILEGES], GRANT OPTION FROM …: every privilege and role at every level. */
  | { readonly kind: 'revokeAll'; readonly from: readonly AccountRef[] }
  | { readonly kind: 'grantRole'; readonly roles: readonly UserName[]; readonly to: readonly AccountRef[]; readonly adminOption: boolean }
  | { readonly kind: 'revokeRole'; readonly roles: readonly UserName[]; readonly from: readonly AccountRef[] }
  | { readonly kind: 'setRole'; readonly roles: RoleSelection }
  | { readonly kind: 'setDefaultRole'; readonly roles: RoleSelection; readonly to: readonly AccountRef[] }
  | { readonly kind: 'showGrants'; readonly for?: AccountRef; readonly using?: readonly UserName[] }
  | { readonly kind: 'showCreateUser'; readonly account: AccountRef };

/** CREATE / ALTER VIEW: what the view is and how it runs (MySQL 8's clauses). */
export interface ViewSpec {
  readonly view: TableName;
  readonly algorithm?: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE';
  readonly definer?: AccountRef;
  readonly security?: 'DEFINER' | 'INVOKER';
  readonly columns?: readonly string[];
  readonly query: Query;
  /** The SELECT as written, from its first token to its last. */
  readonly queryText: string;
  readonly checkOption?: 'CASCADED' | 'LOCAL';
}

export type ViewStatement =
  | { readonly kind: 'createView'; readonly orReplace: boolean; readonly spec: ViewSpec }
  | { readonly kind: 'alterView'; readonly spec: ViewSpec }
  | { readonly kind: 'dropView'; readonly views: readonly TableName[]; readonly ifExists: boolean }
  | { readonly kind: 'showCreateView'; readonly view: TableName };

export type Statement =
  | Query
  | ViewStatement
  | { readonly kind: 'insert'; readonly table: TableName; readonly columns?: readonly string[]; readonly source: InsertSource; readonly ignore: boolean; readonly replace: boolean; readonly onDuplicate?: readonly Assignment[]; /** INSERT … VALUES (…) AS new: the row alias ON DUPLICATE KEY UPDATE may name. */ readonly rowAlias?: string }
  | { readonly kind: 'update'; readonly table: TableRef; readonly set: readonly Assignment[]; readonly where?: Expr; readonly orderBy?: readonly OrderItem[]; readonly limit?: Limit; readonly ignore: boolean }
  /** DELETE t1[, t2] FROM refs … / DELETE FROM t1[, t2] USING refs …: targets name tables or aliases of `from`. */
  | { readonly kind: 'deleteMulti'; readonly targets: readonly TableName[]; readonly from: TableRef; readonly where?: Expr }
  | { readonly kind: 'delete'; readonly table: TableName; readonly alias?: string; readonly where?: Expr; readonly orderBy?: readonly OrderItem[]; readonly limit?: Limit }
  | { readonly kind: 'createDatabase'; readonly name: string; readonly ifNotExists: boolean; readonly options: TableOptions }
  | { readonly kind: 'dropDatabase'; readonly name: string; readonly ifExists: boolean }
  | {
      readonly kind: 'createTable';
      readonly table: TableName;
      readonly ifNotExists: boolean;
      readonly temporary: boolean;
      readonly columns: readonly ColumnDef[];
      readonly indexes: readonly IndexDef[];
      readonly options: TableOptions;
      /** CREATE REFERENCE TABLE / CREATE ROWSTORE TABLE (SingleStore) */
      readonly reference?: boolean;
      readonly storage?: 'rowstore' | 'columnstore';
      /** CREATE TABLE … AS SELECT / CREATE TABLE … SELECT */
      readonly asQuery?: Query;
    }
  | { readonly kind: 'createTableLike'; readonly table: TableName; readonly like: TableName; readonly ifNotExists: boolean }
  | { readonly kind: 'dropTable'; readonly tables: readonly TableName[]; readonly ifExists: boolean; readonly temporary: boolean }
  | { readonly kind: 'truncate'; readonly table: TableName }
  | { readonly kind: 'createIndex'; readonly table: TableName; readonly index: IndexDef }
  | { readonly kind: 'dropIndex'; readonly table: TableName; readonly name: string }
  | { readonly kind: 'alterTable'; readonly table: TableName; readonly actions: readonly AlterAction[] }
  | { readonly kind: 'renameTable'; readonly pairs: readonly { readonly from: TableName; readonly to: TableName }[] }
  | { readonly kind: 'use'; readonly db: string }
  | {
      readonly kind: 'set';
      readonly assignments: readonly (
        | { readonly kind: 'variable'; readonly name: string; readonly scope: 'user' | 'session' | 'global'; readonly value: Expr }
        | { readonly kind: 'names'; readonly charset: string; readonly collation?: string }
        | { readonly kind: 'charset'; readonly charset: string }
        | { readonly kind: 'transaction'; readonly scope: 'session' | 'global' | 'next'; readonly isolation?: string; readonly readOnly?: boolean }
      )[];
    }
  | ShowStatement
  | AccountStatement
  | { readonly kind: 'describe'; readonly table: TableName; readonly column?: string }
  | { readonly kind: 'explain'; readonly statement: Statement; readonly format?: string; readonly analyze?: boolean }
  | { readonly kind: 'begin'; readonly readOnly?: boolean; readonly consistentSnapshot?: boolean }
  /** AND CHAIN: a new transaction with the same characteristics starts at once. */
  | { readonly kind: 'commit'; readonly chain?: boolean }
  | { readonly kind: 'rollback'; readonly chain?: boolean }
  | { readonly kind: 'savepoint'; readonly name: string }
  | { readonly kind: 'rollbackToSavepoint'; readonly name: string }
  | { readonly kind: 'releaseSavepoint'; readonly name: string }
  | { readonly kind: 'kill'; readonly target: 'connection' | 'query'; readonly id: Expr }
  | { readonly kind: 'lockTables'; readonly tables: readonly LockTableItem[] }
  /** ALTER TABLE t DISABLE KEYS / ENABLE KEYS (what mysqldump writes around its INSERTs). */
  | { readonly kind: 'alterTableKeys'; readonly table: TableName; readonly enable: boolean }
  | { readonly kind: 'unlockTables' }
  | { readonly kind: 'flush'; readonly what: string }
  | { readonly kind: 'analyzeTable' | 'optimizeTable'; readonly tables: readonly TableName[] }
  /** SingleStore operator commands: ADD LEAF, REMOVE LEAF, REBALANCE PARTITIONS …; words as written. */
  | { readonly kind: 'clusterCommand'; readonly command: string; readonly args: readonly string[] }
  /** PREPARE / EXECUTE / DEALLOCATE PREPARE: prepared statements named in SQL (sql-prepare.ts). */
  | { readonly kind: 'sqlPrepared'; readonly command: SqlPreparedCommand }
  /** A statement that is only a comment, e.g. `/* ping *\/`; MySQL answers OK. */
  | { readonly kind: 'empty' };

/** What PREPARE, EXECUTE and DEALLOCATE PREPARE (or DROP PREPARE) ask for. */
export type SqlPreparedCommand =
  | { readonly kind: 'prepare'; readonly name: string; readonly source: { readonly kind: 'text'; readonly text: string } | { readonly kind: 'userVariable'; readonly name: string } }
  /** USING names user variables only, as in MySQL. */
  | { readonly kind: 'execute'; readonly name: string; readonly using: readonly string[] }
  | { readonly kind: 'deallocate'; readonly name: string };

/** One statement of a COM_QUERY text, with what the plan cache needs. */
export interface ParsedStatement {
  readonly statement: Statement;
  /** The statement's own text, trimmed, without the separating `;`. */
  readonly text: string;
  /**
   * The plan-cache key: the statement's tokens with every literal token replaced by a marker
   * of its kind (`@` for numbers, `^` for strings, `#` for hex/bit), whitespace and comments
   * normalized, keywords upper-cased, identifiers as written. Two statements with the same key
   * differ only in the values of their literal slots. A literal keeps its value in the key where
   * the value is more than a slot: anywhere in a select list (the text names the columns), a
   * string alias, a charset/collation/separator name, a CAST length, and every literal of a
   * statement that is not SELECT/INSERT/REPLACE/UPDATE/DELETE. Its slot is still counted.
   */
  readonly cacheKey: string;
  /** The values of the literal tokens, indexed by Expr literal `slot`. */
  readonly literals: readonly Literal[];
  /** Number of `?` placeholders. */
  readonly paramCount: number;
}
