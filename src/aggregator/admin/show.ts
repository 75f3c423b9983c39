import type { CatalogView, ColumnDef, DatabaseDef, TableDef } from '../../cluster/catalog.js';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { Decimal } from '../../common/decimal.js';
import { assertNever } from '../../common/assert.js';
import { sqlTypeText } from '../../common/type-text.js';
import { implicitShardKey } from '../ddl/table-def.js';
import type { StoredObjectList } from '../../sql/ast.js';
import { viewStatusRow, viewsOf } from './show-views.js';

/**
 * Result sets of the SHOW family, with MySQL 8's column names and order. LIKE is applied
 * here (on the first column); WHERE is the caller's job, over these rows.
 */

export interface RowsetColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface Rowset {
  readonly columns: readonly RowsetColumn[];
  readonly rows: Value[][];
}

const V64 = T.varchar(64);
const V3 = T.varchar(3);

function cols(...spec: [string, SqlType][]): RowsetColumn[] {
  return spec.map(([name, type]) => ({ name, type }));
}

// ───────────────────────────── LIKE ─────────────────────────────

/** SQL LIKE: % any run, _ one character, \ escapes; case-insensitive (the general_ci way). */
export function likeMatch(pattern: string, text: string): boolean {
  const p = [...pattern.toLowerCase()];
  const s = [...text.toLowerCase()];
  // Iterative matcher with backtracking to the last %: linear for the usual patterns.
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const c = p[pi];
    if (c === '%') {
      starP = pi++;
      starS = si;
      continue;
    }
    if (c !== undefined) {
      const escaped = c === '\\' && pi + 1 < p.length;
      const lit = escaped ? p[pi + 1] : c;
      if ((!escaped && c === '_') || lit === s[si]) {
        pi += escaped ? 2 : 1;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (p[pi] === '%') pi++;
  return pi === p.length;
}

function filterLike(rows: Value[][], like: string | undefined): Value[][] {
  if (like === undefined) return rows;
  return rows.filter((r) => typeof r[0] === 'string' && likeMatch(like, r[0]));
}

function byName(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

// ───────────────────────────── character sets, collations, engines ─────────────────────────────

export interface CollationInfo {
  readonly name: string;
  readonly charset: string;
  readonly id: number;
  readonly isDefault: boolean;
  readonly sortlen: number;
  readonly pad: 'PAD SPACE' | 'NO PAD';
}

/** The collations Tessera knows. utf8mb4_general_ci is its default (MySQL 8's is 0900_ai_ci). */
export const COLLATIONS: readonly CollationInfo[] = [
  { name: 'ascii_general_ci', charset: 'ascii', id: 11, isDefault: true, sortlen: 1, pad: 'PAD SPACE' },
  { name: 'binary', charset: 'binary', id: 63, isDefault: true, sortlen: 1, pad: 'NO PAD' },
  { name: 'latin1_swedish_ci', charset: 'latin1', id: 8, isDefault: true, sortlen: 1, pad: 'PAD SPACE' },
  { name: 'utf8mb3_general_ci', charset: 'utf8mb3', id: 33, isDefault: true, sortlen: 1, pad: 'PAD SPACE' },
  { name: 'utf8mb4_0900_ai_ci', charset: 'utf8mb4', id: 255, isDefault: false, sortlen: 0, pad: 'NO PAD' },
  { name: 'utf8mb4_bin', charset: 'utf8mb4', id: 46, isDefault: false, sortlen: 1, pad: 'PAD SPACE' },
  { name: 'utf8mb4_general_ci', charset: 'utf8mb4', id: 45, isDefault: true, sortlen: 1, pad: 'PAD SPACE' },
  { name: 'utf8mb4_unicode_ci', charset: 'utf8mb4', id: 224, isDefault: false, sortlen: 8, pad: 'PAD SPACE' },
];

export interface CharsetInfo {
  readonly name: string;
  readonly description: string;
  readonly defaultCollation: string;
  readonly maxlen: number;
}

export const CHARSETS: readonly CharsetInfo[] = [
  { name: 'ascii', description: 'US ASCII', defaultCollation: 'ascii_general_ci', maxlen: 1 },
  { name: 'binary', description: 'Binary pseudo charset', defaultCollation: 'binary', maxlen: 1 },
  { name: 'latin1', description: 'cp1252 West European', defaultCollation: 'latin1_swedish_ci', maxlen: 1 },
  { name: 'utf8mb3', description: 'UTF-8 Unicode', defaultCollation: 'utf8mb3_general_ci', maxlen: 3 },
  { name: 'utf8mb4', description: 'UTF-8 Unicode', defaultCollation: 'utf8mb4_general_ci', maxlen: 4 },
];

export interface EngineInfo {
  readonly engine: string;
  readonly support: 'DEFAULT' | 'YES' | 'NO';
  readonly comment: string;
  readonly transactions: 'YES' | 'NO' | null;
  readonly xa: 'YES' | 'NO' | null;
  readonly savepoints: 'YES' | 'NO' | null;
}

/** What is true today: every table lives in the rowstore whatever ENGINE says. */
export const ENGINES: readonly EngineInfo[] = [
  {
    engine: 'InnoDB',
    support: 'DEFAULT',
    comment: 'Tessera rowstore: in-memory rows, transaction log, read committed; every ENGINE maps here',
    transactions: 'YES',
    xa: 'NO',
    savepoints: 'YES',
  },
  {
    engine: 'Columnstore',
    support: 'NO',
    comment: 'Tessera columnstore (planned): SORT KEY tables are kept in the rowstore for now',
    transactions: null,
    xa: null,
    savepoints: null,
  },
];

export function charsetOf(collation: string): string {
  return COLLATIONS.find((c) => c.name === collation)?.charset ?? collation.split('_')[0]!;
}

function maxlenOf(charset: string): number {
  return CHARSETS.find((c) => c.name === charset)?.maxlen ?? 4;
}

// ───────────────────────────── column presentation ─────────────────────────────

export type ColumnKey = 'PRI' | 'UNI' | 'MUL' | '';

/**
 * DESCRIBE's Key column for every column, as MySQL derives it: PRI for the primary key's
 * columns (or, without one, those of the first unique key whose columns are all NOT NULL,
 * which InnoDB promotes); UNI for the column of a one-column unique key; MUL for the first
 * column of any other key.
 */
export function columnKeys(table: TableDef): ColumnKey[] {
  const pri = new Set<number>();
  const uni = new Set<number>();
  const mul = new Set<number>();
  const primary =
    table.indexes.find((ix) => ix.primary) ?? table.indexes.find((ix) => ix.unique && ix.columns.every((c) => !table.columns[c]!.nullable));
  for (const ix of table.indexes) {
    if (ix === primary) ix.columns.forEach((c) => pri.add(c));
    const first = ix.columns[0];
    if (first === undefined) continue;
    if (ix.unique && ix.columns.length === 1) uni.add(first);
    else mul.add(first);
  }
  return table.columns.map((_, i) => (pri.has(i) ? 'PRI' : uni.has(i) ? 'UNI' : mul.has(i) ? 'MUL' : ''));
}

function temporalFsp(t: SqlType): number {
  return t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time' ? t.fsp : 0;
}

function nowText(fsp: number): string {
  return fsp > 0 ? `CURRENT_TIMESTAMP(${fsp})` : 'CURRENT_TIMESTAMP';
}

/** DESCRIBE's Extra. */
export function columnExtra(c: ColumnDef): string {
  const parts: string[] = [];
  if (c.autoIncrement) parts.push('auto_increment');
  if (c.default.kind === 'now' || c.default.kind === 'expr') parts.push('DEFAULT_GENERATED');
  if (c.onUpdateNow) parts.push('on update ' + nowText(temporalFsp(c.type)));
  return parts.join(' ');
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** A value as text, the way MySQL shows a stored default. */
export function valueText(v: Exclude<Value, null>, type: SqlType): string {
  if (v instanceof Uint8Array) return '0x' + hex(v);
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'number') return type.kind === 'float' ? String(Number(v.toPrecision(6))) : String(v);
  return String(v);
}

/** DESCRIBE's Default / information_schema COLUMN_DEFAULT: text, or null for none / NULL. */
export function columnDefaultText(c: ColumnDef): string | null {
  const d = c.default;
  switch (d.kind) {
    case 'none':
      return null;
    case 'value':
      return d.value === null ? null : valueText(d.value, c.type);
    case 'now':
      return nowText(d.fsp);
    case 'expr':
      return d.sql;
    default:
      return assertNever(d, 'default');
  }
}

function isBlobLike(t: SqlType): boolean {
  return t.kind === 'json' || (t.kind === 'string' && t.family !== 'char' && t.family !== 'varchar');
}

function usesCollation(t: SqlType): boolean {
  return (t.kind === 'string' && !t.binary) || t.kind === 'enum';
}

export function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export function quoteString(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
}

function toDatetime(s: string): string | null {
  if (s === '') return null;
  // Catalog times may be ISO strings; MySQL shows 'YYYY-MM-DD hh:mm:ss'.
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(s)) return s.slice(0, 10) + ' ' + s.slice(11, 19);
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 19).replace('T', ' ');
}

// ───────────────────────────── SHOW builders ─────────────────────────────

const INFORMATION_SCHEMA = 'information_schema';

export function showDatabases(catalog: CatalogView, like?: string): Rowset {
  const names = [INFORMATION_SCHEMA, ...catalog.databases().map((d) => d.name)].sort(byName);
  return {
    columns: cols([like === undefined ? 'Database' : `Database (${like})`, V64]),
    rows: filterLike(
      names.map((n) => [n]),
      like,
    ),
  };
}

export function showTables(db: DatabaseDef, opts: { full?: boolean; like?: string } = {}): Rowset {
  const head = `Tables_in_${db.name}` + (opts.like === undefined ? '' : ` (${opts.like})`);
  const names: [string, string][] = [...[...db.tables.values()].map((t): [string, string] => [t.name, 'BASE TABLE']), ...[...db.views.values()].map((v): [string, string] => [v.name, 'VIEW'])];
  names.sort((a, b) => byName(a[0], b[0]));
  const columns = opts.full ? cols([head, V64], ['Table_type', V64]) : cols([head, V64]);
  const rows = names.map(([n, type]): Value[] => (opts.full ? [n, type] : [n]));
  return { columns, rows: filterLike(rows, opts.like) };
}

const PRIVILEGES = 'select,insert,update,references';

/** SHOW [FULL] COLUMNS / DESCRIBE of a view: its columns as a query reads them, with no keys or defaults. */
export function showViewColumns(
  viewColumns: readonly { readonly name: string; readonly type: SqlType; readonly nullable: boolean }[],
  collation: string,
  opts: { full?: boolean; like?: string } = {},
): Rowset {
  const rows = viewColumns.map((c): Value[] => {
    const nul = c.nullable ? 'YES' : 'NO';
    const type = sqlTypeText(c.type);
    if (!opts.full) return [c.name, type, nul, '', null, ''];
    return [c.name, type, usesCollation(c.type) ? collation : null, nul, '', null, '', PRIVILEGES, ''];
  });
  return { columns: columnsHeader(opts.full === true), rows: filterLike(rows, opts.like) };
}

function columnsHeader(full: boolean): Rowset['columns'] {
  return full
    ? cols(
        ['Field', V64],
        ['Type', T.text],
        ['Collation', V64],
        ['Null', V3],
        ['Key', V3],
        ['Default', T.text],
        ['Extra', T.varchar(256)],
        ['Privileges', T.varchar(154)],
        ['Comment', T.text],
      )
    : cols(['Field', V64], ['Type', T.text], ['Null', V3], ['Key', V3], ['Default', T.text], ['Extra', T.varchar(256)]);
}

/** SHOW [FULL] COLUMNS / DESCRIBE t [col] (col is a LIKE pattern, as in MySQL). */
export function showColumns(table: TableDef, opts: { full?: boolean; like?: string } = {}): Rowset {
  const keys = columnKeys(table);
  const columns = columnsHeader(opts.full === true);
  const rows = table.columns.map((c, i): Value[] => {
    const nul = c.nullable ? 'YES' : 'NO';
    const def = columnDefaultText(c);
    if (!opts.full) return [c.name, c.typeText, nul, keys[i]!, def, columnExtra(c)];
    const coll = usesCollation(c.type) ? table.collation : null;
    return [c.name, c.typeText, coll, nul, keys[i]!, def, columnExtra(c), PRIVILEGES, c.comment];
  });
  return { columns, rows: filterLike(rows, opts.like) };
}

export function showIndex(table: TableDef, opts: { rowCount?: number | bigint } = {}): Rowset {
  const columns = cols(
    ['Table', V64],
    ['Non_unique', T.int],
    ['Key_name', V64],
    ['Seq_in_index', T.int],
    ['Column_name', V64],
    ['Collation', T.varchar(1)],
    ['Cardinality', T.bigint],
    ['Sub_part', T.bigint],
    ['Packed', T.varchar(10)],
    ['Null', V3],
    ['Index_type', T.varchar(11)],
    ['Comment', T.varchar(8)],
    ['Index_comment', T.varchar(2048)],
    ['Visible', V3],
    ['Expression', T.text],
  );
  const rows: Value[][] = [];
  for (const ix of table.indexes) {
    ix.columns.forEach((c, seq) => {
      const col = table.columns[c]!;
      rows.push([
        table.name,
        ix.unique ? 0 : 1,
        ix.name,
        seq + 1,
        col.name,
        ix.using === 'HASH' ? null : 'A',
        opts.rowCount === undefined ? 0 : opts.rowCount,
        null,
        null,
        col.nullable ? 'YES' : '',
        ix.using,
        '',
        '',
        'YES',
        null,
      ]);
    });
  }
  return { columns, rows };
}

/** MySQL 8's compiled default collation per charset; COLLATE= is printed when the table differs (and always for utf8mb4). */
const COMPILED_DEFAULT: Readonly<Record<string, string>> = {
  ascii: 'ascii_general_ci',
  binary: 'binary',
  latin1: 'latin1_swedish_ci',
  utf8mb3: 'utf8mb3_general_ci',
  utf8mb4: 'utf8mb4_0900_ai_ci',
};

function columnLine(c: ColumnDef): string {
  let s = `  ${quoteIdent(c.name)} ${c.typeText}`;
  if (!c.nullable) s += ' NOT NULL';
  else if (c.type.kind === 'timestamp') s += ' NULL';
  const d = c.default;
  switch (d.kind) {
    case 'none':
      break;
    case 'value':
      if (d.value === null) {
        if (c.nullable && !isBlobLike(c.type)) s += ' DEFAULT NULL';
      } else if (d.value instanceof Uint8Array) {
        s += ' DEFAULT 0x' + hex(d.value);
      } else {
        s += ' DEFAULT ' + quoteString(valueText(d.value, c.type));
      }
      break;
    case 'now':
      s += ' DEFAULT ' + nowText(d.fsp);
      break;
    case 'expr':
      s += ` DEFAULT (${d.sql})`;
      break;
    default:
      assertNever(d, 'default');
  }
  if (c.onUpdateNow) s += ' ON UPDATE ' + nowText(temporalFsp(c.type));
  if (c.autoIncrement) s += ' AUTO_INCREMENT';
  if (c.comment !== '') s += ' COMMENT ' + quoteString(c.comment);
  return s;
}

function columnList(table: TableDef, positions: readonly number[]): string {
  return '(' + positions.map((p) => quoteIdent(table.columns[p]!.name)).join(',') + ')';
}

function sameColumns(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The version of the comments Tessera's own clauses print in: inside SingleStore's range, which
 * MySQL and MariaDB skip and Tessera runs (TESSERA_COMMENT_VERSION in sql/lexer.ts).
 */
export const TESSERA_CLAUSE_VERSION = 90621;

function tesseraClause(text: string): string {
  return `/*!${TESSERA_CLAUSE_VERSION} ${text} */`;
}

/**
 * Whether SHOW CREATE TABLE prints the shard key: when it was written (so that it is written
 * again on restore), or when the keys would not choose it again (a catalog from before written
 * shard keys were recorded). One the keys chose is left out: they choose it again.
 */
function printsShardKey(table: TableDef): boolean {
  if (table.reference) return false;
  if (table.shardKeyExplicit === true) return true;
  const chosen = implicitShardKey(table.indexes);
  return chosen.singlePartition !== (table.singlePartition === true) || !sameColumns(chosen.shardKey, table.shardKey);
}

/**
 * The CREATE TABLE text MySQL 8 prints. Tessera's own clauses (REFERENCE, a written SHARD KEY,
 * SORT KEY) go in version comments that MySQL skips, as SingleStore prints its own, so the
 * text is valid MySQL and restores into Tessera as it was.
 * nextAutoIncrement: the table's next auto-increment value; printed when > 1.
 */
export function createTableSql(table: TableDef, nextAutoIncrement?: bigint): string {
  const lines = table.columns.map(columnLine);
  for (const ix of table.indexes) {
    const using = ix.using === 'HASH' ? ' USING HASH' : '';
    if (ix.primary) lines.push(`  PRIMARY KEY ${columnList(table, ix.columns)}${using}`);
    else lines.push(`  ${ix.unique ? 'UNIQUE KEY' : 'KEY'} ${quoteIdent(ix.name)} ${columnList(table, ix.columns)}${using}`);
  }
  // Each clause carries its own comma, inside the comment, so MySQL sees no trailing comma.
  const clauses: string[] = [];
  if (printsShardKey(table)) clauses.push(tesseraClause(`, SHARD KEY ${columnList(table, table.shardKey)}`));
  if (table.storage === 'columnstore') clauses.push(tesseraClause(`, SORT KEY ${columnList(table, table.sortKey)}`));
  const body = lines.join(',\n') + clauses.map((c) => '\n  ' + c).join('');
  const charset = charsetOf(table.collation);
  let opts = `ENGINE=${table.engine}`;
  if (nextAutoIncrement !== undefined && nextAutoIncrement > 1n) opts += ` AUTO_INCREMENT=${nextAutoIncrement}`;
  opts += ` DEFAULT CHARSET=${charset}`;
  if (charset === 'utf8mb4' || COMPILED_DEFAULT[charset] !== table.collation) opts += ` COLLATE=${table.collation}`;
  if (table.comment !== '') opts += ` COMMENT=${quoteString(table.comment)}`;
  const create = table.reference ? `CREATE ${tesseraClause('REFERENCE')} TABLE` : 'CREATE TABLE';
  return `${create} ${quoteIdent(table.name)} (\n${body}\n) ${opts}`;
}

export function showCreateTable(table: TableDef, nextAutoIncrement?: bigint): Rowset {
  return {
    columns: cols(['Table', V64], ['Create Table', T.text]),
    rows: [[table.name, createTableSql(table, nextAutoIncrement)]],
  };
}

export function showCreateDatabase(db: DatabaseDef, ifNotExists = false): Rowset {
  const text =
    `CREATE DATABASE ${ifNotExists ? '/*!32312 IF NOT EXISTS*/ ' : ''}${quoteIdent(db.name)} ` +
    `/*!40100 DEFAULT CHARACTER SET ${db.charset} COLLATE ${db.collation} */ /*!80016 DEFAULT ENCRYPTION='N' */`;
  return { columns: cols(['Database', V64], ['Create Database', T.text]), rows: [[db.name, text]] };
}

/** SHOW VARIABLES from SystemVariables.list() (already LIKE-filtered and sorted there, or here). */
export function showVariables(list: readonly (readonly [string, string])[], like?: string): Rowset {
  const rows = [...list].sort((a, b) => byName(a[0], b[0])).map(([n, v]): Value[] => [n, v]);
  return { columns: cols(['Variable_name', V64], ['Value', T.varchar(1024)]), rows: filterLike(rows, like) };
}

/** Server counters for SHOW STATUS: Uptime, Threads_connected, Questions, Com_select, … */
export type StatusCounters = Readonly<Record<string, number | bigint | string>>;

export function showStatus(counters: StatusCounters, like?: string): Rowset {
  const rows = Object.entries(counters)
    .sort((a, b) => byName(a[0], b[0]))
    .map(([n, v]): Value[] => [n, String(v)]);
  return { columns: cols(['Variable_name', V64], ['Value', T.varchar(1024)]), rows: filterLike(rows, like) };
}

export interface Diagnostic {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

export function showWarnings(list: readonly Diagnostic[], opts: { errorsOnly?: boolean; offset?: number; count?: number } = {}): Rowset {
  let items = opts.errorsOnly ? list.filter((d) => d.level === 'Error') : [...list];
  const offset = opts.offset ?? 0;
  items = items.slice(offset, opts.count === undefined ? undefined : offset + opts.count);
  return {
    columns: cols(['Level', T.varchar(7)], ['Code', T.int], ['Message', T.varchar(512)]),
    rows: items.map((d): Value[] => [d.level, d.code, d.message]),
  };
}

/** One connection as SHOW PROCESSLIST / information_schema.PROCESSLIST show it. */
export interface ProcessInfo {
  readonly id: number;
  readonly user: string;
  /** 'host:port' of the client. */
  readonly host: string;
  readonly db: string | null;
  /** 'Query', 'Sleep', 'Daemon', … */
  readonly command: string;
  /** Seconds in the current state. */
  readonly time: number;
  readonly state: string | null;
  readonly info: string | null;
}

export function showProcesslist(list: readonly ProcessInfo[], full = false): Rowset {
  return {
    columns: cols(
      ['Id', T.ubigint],
      ['User', T.varchar(32)],
      ['Host', T.varchar(261)],
      ['db', V64],
      ['Command', T.varchar(16)],
      ['Time', T.int],
      ['State', V64],
      ['Info', T.text],
    ),
    rows: list.map((p): Value[] => [
      p.id,
      p.user,
      p.host,
      p.db,
      p.command,
      p.time,
      p.state,
      p.info === null || full ? p.info : p.info.slice(0, 100),
    ]),
  };
}

/** Per-table facts only the storage side knows; all optional. */
export interface TableStats {
  rowCount?(t: TableDef): number | bigint | undefined;
  /** Next AUTO_INCREMENT value, for tables with an auto-increment column. */
  nextAutoIncrement?(t: TableDef): bigint | undefined;
}

/**
 * Avg_row_length: an estimate from the declared column types (MySQL's storage sizes; a
 * variable-length column counts at a nominal width), not a measurement of the stored rows.
 */
export function estimatedRowLength(t: TableDef): number {
  let n = 0;
  for (const c of t.columns) n += columnWidth(c.type);
  return n;
}

function columnWidth(t: SqlType): number {
  switch (t.kind) {
    case 'int': return t.bytes;
    case 'decimal': return Math.ceil(t.precision / 2) + 1;
    case 'float': return 4;
    case 'double': return 8;
    case 'date': return 3;
    case 'datetime': return 5 + Math.ceil(t.fsp / 2);
    case 'timestamp': return 4 + Math.ceil(t.fsp / 2);
    case 'time': return 3 + Math.ceil(t.fsp / 2);
    case 'year': return 1;
    case 'enum': return t.values.length > 255 ? 2 : 1;
    case 'string': return t.family === 'char' ? t.length : 2 + Math.min(t.length, 32);
    case 'json': return 32;
    case 'null': return 0;
  }
}

/** Rows, Avg_row_length and Data_length of a table (the latter two estimated). */
export function sizeOf(t: TableDef, stats: TableStats): [rows: number | bigint, avgRowLength: number, dataLength: number | bigint] {
  const rows = stats.rowCount?.(t) ?? 0;
  if (rows === 0 || rows === 0n) return [0, 0, 0];
  const avg = estimatedRowLength(t);
  return [rows, avg, typeof rows === 'bigint' ? rows * BigInt(avg) : rows * avg];
}

function autoIncrementOf(t: TableDef, stats: TableStats): Value {
  if (!t.columns.some((c) => c.autoIncrement)) return null;
  const v = stats.nextAutoIncrement?.(t);
  return v === undefined ? 1 : v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function showTableStatus(db: DatabaseDef, opts: { like?: string } & TableStats = {}): Rowset {
  const columns = cols(
    ['Name', V64],
    ['Engine', V64],
    ['Version', T.int],
    ['Row_format', T.varchar(10)],
    ['Rows', T.ubigint],
    ['Avg_row_length', T.ubigint],
    ['Data_length', T.ubigint],
    ['Max_data_length', T.ubigint],
    ['Index_length', T.ubigint],
    ['Data_free', T.ubigint],
    ['Auto_increment', T.ubigint],
    ['Create_time', T.datetime],
    ['Update_time', T.datetime],
    ['Check_time', T.datetime],
    ['Collation', V64],
    ['Checksum', T.bigint],
    ['Create_options', T.varchar(256)],
    ['Comment', T.text],
  );
  const tables = [...db.tables.values()].sort((a, b) => byName(a.name, b.name));
  const rows = tables.map((t): Value[] => [
    t.name,
    t.engine,
    10,
    'Dynamic',
    ...sizeOf(t, opts),
    0,
    0,
    0,
    autoIncrementOf(t, opts),
    toDatetime(t.createdAt),
    null,
    null,
    t.collation,
    null,
    '',
    t.comment,
  ]);
  rows.push(...viewsOf(db).map(viewStatusRow));
  rows.sort((a, b) => byName(String(a[0]), String(b[0])));
  return { columns, rows: filterLike(rows, opts.like) };
}

export function showCollation(like?: string): Rowset {
  const rows = [...COLLATIONS]
    .sort((a, b) => byName(a.name, b.name))
    .map((c): Value[] => [c.name, c.charset, c.id, c.isDefault ? 'Yes' : '', 'Yes', c.sortlen, c.pad]);
  return {
    columns: cols(
      ['Collation', V64],
      ['Charset', V64],
      ['Id', T.ubigint],
      ['Default', V3],
      ['Compiled', V3],
      ['Sortlen', T.int],
      ['Pad_attribute', T.varchar(9)],
    ),
    rows: filterLike(rows, like),
  };
}

export function showCharset(like?: string): Rowset {
  return {
    columns: cols(['Charset', V64], ['Description', T.varchar(2048)], ['Default collation', V64], ['Maxlen', T.int]),
    rows: filterLike(
      CHARSETS.map((c): Value[] => [c.name, c.description, c.defaultCollation, c.maxlen]),
      like,
    ),
  };
}

export function showEngines(): Rowset {
  return {
    columns: cols(
      ['Engine', V64],
      ['Support', T.varchar(8)],
      ['Comment', T.varchar(80)],
      ['Transactions', V3],
      ['XA', V3],
      ['Savepoints', V3],
    ),
    rows: ENGINES.map((e): Value[] => [e.engine, e.support, e.comment, e.transactions, e.xa, e.savepoints]),
  };
}

export function showPlugins(): Rowset {
  const plugins: Value[][] = [
    ['mysql_native_password', 'ACTIVE', 'AUTHENTICATION', null, 'GPL'],
    ['caching_sha2_password', 'ACTIVE', 'AUTHENTICATION', null, 'GPL'],
    ['InnoDB', 'ACTIVE', 'STORAGE ENGINE', null, 'GPL'],
  ];
  return {
    columns: cols(['Name', V64], ['Status', T.varchar(10)], ['Type', T.varchar(80)], ['Library', T.varchar(4096)], ['License', T.varchar(80)]),
    rows: plugins,
  };
}

const STORED_OBJECT_COLUMNS: Readonly<Record<StoredObjectList, readonly [string, SqlType][]>> = {
  'FUNCTION STATUS': routineStatusColumns(),
  'PROCEDURE STATUS': routineStatusColumns(),
  TRIGGERS: [
    ['Trigger', V64],
    ['Event', T.varchar(6)],
    ['Table', V64],
    ['Statement', T.text],
    ['Timing', T.varchar(6)],
    ['Created', { kind: 'timestamp', fsp: 2 }],
    ['sql_mode', T.varchar(8192)],
    ['Definer', T.varchar(288)],
    ['character_set_client', T.varchar(32)],
    ['collation_connection', V64],
    ['Database Collation', V64],
  ],
  EVENTS: [
    ['Db', V64],
    ['Name', V64],
    ['Definer', T.varchar(288)],
    ['Time zone', V64],
    ['Type', T.varchar(9)],
    ['Execute at', T.datetime],
    ['Interval value', T.varchar(256)],
    ['Interval field', T.varchar(18)],
    ['Starts', T.datetime],
    ['Ends', T.datetime],
    ['Status', T.varchar(18)],
    ['Originator', { kind: 'int', bytes: 4, unsigned: true }],
    ['character_set_client', T.varchar(32)],
    ['collation_connection', V64],
    ['Database Collation', V64],
  ],
};

function routineStatusColumns(): [string, SqlType][] {
  return [
    ['Db', V64],
    ['Name', V64],
    ['Type', T.varchar(9)],
    ['Definer', T.varchar(288)],
    ['Modified', { kind: 'timestamp', fsp: 0 }],
    ['Created', { kind: 'timestamp', fsp: 0 }],
    ['Security_type', T.varchar(7)],
    ['Comment', T.text],
    ['character_set_client', T.varchar(32)],
    ['collation_connection', V64],
    ['Database Collation', V64],
  ];
}

/** SHOW FUNCTION STATUS / PROCEDURE STATUS / TRIGGERS / EVENTS: Tessera has none of these objects. */
export function showStoredObjects(what: StoredObjectList): Rowset {
  return { columns: cols(...STORED_OBJECT_COLUMNS[what]), rows: [] };
}

/** Shared with information_schema: octet length of a character column in its charset. */
export function characterLengths(c: ColumnDef, collation: string): { chars: number | null; octets: number | null } {
  const t = c.type;
  if (t.kind === 'string') {
    if (t.binary || (t.family !== 'char' && t.family !== 'varchar')) return { chars: t.length, octets: t.length };
    return { chars: t.length, octets: t.length * maxlenOf(charsetOf(collation)) };
  }
  if (t.kind === 'enum') {
    const n = Math.max(0, ...t.values.map((v) => [...v].length));
    return { chars: n, octets: n * maxlenOf(charsetOf(collation)) };
  }
  if (t.kind === 'json') return { chars: null, octets: null };
  return { chars: null, octets: null };
}

export { toDatetime as catalogTimeText, usesCollation, autoIncrementOf };
