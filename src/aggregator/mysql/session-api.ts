import type { SqlType } from '../../common/types.js';
import type { SqlError } from '../../common/errors.js';

/**
 * The seam between the MySQL wire protocol (this folder) and the SQL engine (the session).
 * The protocol layer knows packets and nothing about SQL; the session knows SQL and nothing
 * about packets.
 */

/** One column of a result set, as the client's column-definition packet describes it. */
export interface ColumnInfo {
  /** The name the client sees (alias or expression text). */
  readonly name: string;
  /** The underlying column's name, '' for expressions. */
  readonly orgName: string;
  /** Table alias as written in the query, '' for expressions. */
  readonly table: string;
  readonly orgTable: string;
  /** Database of the table, '' for expressions. */
  readonly schema: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly primaryKey?: boolean;
  readonly uniqueKey?: boolean;
  /** Part of a non-unique index. */
  readonly multipleKey?: boolean;
  readonly autoIncrement?: boolean;
}

/**
 * A value in a result row, already in the text form MySQL's text protocol would send
 * (e.g. DECIMAL(10,2) 5 → '5.00', DATETIME → '2024-01-02 03:04:05'); binary strings as bytes.
 * The binary protocol converts from this form using the column's type.
 */
export type ResultValue = string | Uint8Array | null;

export type StatementResult =
  | {
      readonly kind: 'ok';
      readonly affectedRows: number | bigint;
      readonly insertId: number | bigint;
      readonly warnings: number;
      /** e.g. 'Records: 3  Duplicates: 0  Warnings: 0' or 'Rows matched: 1  Changed: 1  Warnings: 0'. */
      readonly info?: string;
    }
  | {
      readonly kind: 'rows';
      readonly columns: readonly ColumnInfo[];
      readonly rows: readonly (readonly ResultValue[])[];
      readonly warnings: number;
    }
  /** A big result: rows made while the client reads them. The statement ends when the stream does. */
  | {
      readonly kind: 'stream';
      readonly columns: readonly ColumnInfo[];
      readonly rows: RowStream;
    };

/**
 * The rows of a running SELECT, pulled as the reply is written, so a client that reads slowly
 * holds its statement back instead of piling rows up in the server. Read it to its end (null)
 * or close() it; until then the statement runs and its session runs nothing else.
 */
export interface RowStream {
  /** The next rows; null at the end. Rejects with the SqlError that stopped the statement (the reply then ends with ERR after the rows sent). */
  next(): Promise<readonly (readonly ResultValue[])[] | null>;
  /** The statement's warning count, once next() gave null. */
  warnings(): number;
  /** Resolves when the statement is stopped (KILL, timeout): a writer waiting for the client stops waiting. */
  readonly stopped: Promise<void>;
  /** Ends the statement early (the client is gone); idempotent. */
  close(): void;
}

/** The result of a COM_QUERY text: results of the statements that ran, then the error that stopped it, if any. */
export interface QueryOutcome {
  readonly results: readonly StatementResult[];
  readonly error?: SqlError;
}

/**
 * A parameter of COM_STMT_EXECUTE, decoded from the binary protocol. `mysqlType` is the type
 * byte the client sent (MYSQL_TYPE_LONGLONG = 8, …) so the engine can type the parameter.
 * Integers: number when safe, else bigint; DOUBLE/FLOAT: number; DECIMAL, strings: string
 * (decoded by character_set_client, bytes that are not text kept: common/charset.ts); BLOB-ish
 * types: Uint8Array; DATE/DATETIME/
 * TIMESTAMP: canonical string 'YYYY-MM-DD[ hh:mm:ss[.ffffff]]'; TIME: '[-]hh:mm:ss[.ffffff]'.
 */
export interface BoundParam {
  readonly value: null | number | bigint | string | Uint8Array;
  readonly mysqlType: number;
  readonly unsigned: boolean;
}

export interface PreparedInfo {
  readonly statementId: number;
  readonly paramCount: number;
  /** Result columns when known at prepare time; [] for statements without a result set. */
  readonly columns: readonly ColumnInfo[];
  /** Each parameter's inferred type for its definition in the reply (VARCHAR where absent). */
  readonly paramTypes?: readonly SqlType[];
}

/** An account as `'user'@'host'`: the host is a pattern ('%', 'localhost', '10.0.0.%'). */
export interface AccountId {
  readonly user: string;
  readonly host: string;
}

/** Connection-level facts the session needs from the handshake. */
export interface ConnectionInfo {
  readonly connectionId: number;
  /** The user name the client logged in with. */
  readonly user: string;
  /** The client's address. */
  readonly host: string;
  /** The account authentication matched (what CURRENT_USER() returns). */
  readonly account: AccountId;
  readonly database: string | null;
  /** Client capability flags after negotiation (CLIENT_FOUND_ROWS changes affected rows). */
  readonly clientFlags: number;
  readonly multiStatements: boolean;
  /**
   * The character set the handshake named (its collation id's), and that collation's name when
   * Tessera knows it: the session's character_set_client/connection/results start as these.
   */
  readonly charset?: { readonly name: string; readonly collation?: string };
}

/** The session's character_set_client and character_set_results (null: send values as stored). */
export interface SessionCharsets {
  readonly client: string;
  readonly results: string | null;
}

/**
 * Takes each result of a COM_QUERY text as its statement finishes (a stream: as it starts), and
 * writes it before the next statement runs; `more` says another statement follows.
 */
export type ResultReply = (result: StatementResult, more: boolean) => Promise<void>;

/** One per client connection, created after authentication succeeds. */
export interface ServerSession {
  /** COM_QUERY: one text, possibly several statements (when multi-statements is on), every result kept. */
  query(sql: string): Promise<QueryOutcome>;
  /**
   * COM_QUERY as the protocol runs it: each result goes to `reply` before the next statement
   * runs. Resolves with the error that stopped the text (a statement's, or one `reply` threw).
   */
  run(sql: string, reply: ResultReply): Promise<SqlError | undefined>;
  /** KILL: stops the running statement, if any (`connection`: the connection is closing too). */
  interrupt(why: 'query' | 'connection'): void;
  /** COM_STMT_PREPARE. Throws SqlError (ER_UNSUPPORTED_PS 1295 for statements that cannot be prepared). */
  prepare(sql: string): Promise<PreparedInfo>;
  /** COM_STMT_EXECUTE. Throws SqlError. */
  execute(statementId: number, params: readonly BoundParam[]): Promise<StatementResult>;
  /** COM_STMT_CLOSE (no reply). */
  closeStatement(statementId: number): void;
  /** COM_STMT_RESET: forget long data sent for the statement. */
  resetStatement(statementId: number): void;
  /** COM_INIT_DB. Throws SqlError 1049 for an unknown database. */
  useDatabase(db: string): Promise<void>;
  /** COM_FIELD_LIST: columns of a table in the current database. */
  fieldList(table: string, wildcard: string): Promise<readonly ColumnInfo[]>;
  /** COM_RESET_CONNECTION: roll back, drop prepared statements, reset variables. */
  resetConnection(): Promise<void>;
  /** COM_PROCESS_KILL: as KILL CONNECTION id, with its privilege check. */
  killConnection(connectionId: number): Promise<void>;
  /** COM_SET_OPTION: multi-statements on or off. */
  setMultiStatements(on: boolean): void;
  /** How the next command's text is decoded and its results' text encoded (SET NAMES changes it). */
  characterSets(): SessionCharsets;
  /** The server status flags for the next OK/EOF (SERVER_STATUS_IN_TRANS, AUTOCOMMIT, …), without MORE_RESULTS. */
  statusFlags(): number;
  /** The connection closed (COM_QUIT, socket closed, or killed): roll back and release everything. */
  close(): Promise<void>;
}

/** What the protocol server needs from the engine. */
export interface SessionFactory {
  /** Stored credentials of an account, or undefined if there is no such user. */
  lookupUser(user: string, host: string): UserCredentials | undefined;
  /** Called after authentication; throws SqlError (1049 for an unknown initial database, 1040 past max_connections). */
  openSession(info: ConnectionInfo): Promise<ServerSession>;
  /** Limits read when a connection starts, so SET GLOBAL changes them for new connections. */
  connectionLimits(): ConnectionLimits;
  /** A new connection id (also the KILL target). */
  nextConnectionId(): number;
  /** The version string the handshake announces, e.g. '8.0.32-tessera-0.1.0'. */
  readonly serverVersion: string;
}

export interface ConnectionLimits {
  /** Connections past this (plus one held back for an administrator) get 1040 before the handshake. */
  readonly maxConnections: number;
  /** connect_timeout: the whole handshake and authentication must finish within it. */
  readonly connectTimeoutMs: number;
  /** max_allowed_packet: the largest packet, and the largest parameter sent as long data. */
  readonly maxAllowedPacket: number;
}

/** Password hashes as MySQL keeps them; an account with an empty password has both undefined. */
export interface UserCredentials {
  /** The account these belong to. */
  readonly account: AccountId;
  /** ACCOUNT LOCK (and roles): the password may be right, the login is still refused (3118). */
  readonly locked: boolean;
  /** SHA1(SHA1(password)) for mysql_native_password. */
  readonly nativeHash?: Uint8Array;
  /** SHA256(SHA256(password)) for the caching_sha2_password fast path. */
  readonly sha2Hash?: Uint8Array;
  /** Verifies a cleartext password (caching_sha2 full authentication after the RSA exchange). */
  verifyPassword(password: string): boolean;
}

/** Server status flags (protocol constants) the session sets. */
export const ServerStatus = {
  IN_TRANS: 0x0001,
  AUTOCOMMIT: 0x0002,
  MORE_RESULTS_EXISTS: 0x0008,
  NO_GOOD_INDEX_USED: 0x0010,
  NO_INDEX_USED: 0x0020,
  CURSOR_EXISTS: 0x0040,
  LAST_ROW_SENT: 0x0080,
  DB_DROPPED: 0x0100,
  NO_BACKSLASH_ESCAPES: 0x0200,
  IN_TRANS_READONLY: 0x2000,
  SESSION_STATE_CHANGED: 0x4000,
} as const;

export const ClientFlags = {
  FOUND_ROWS: 0x2,
  MULTI_STATEMENTS: 1 << 16,
} as const;
