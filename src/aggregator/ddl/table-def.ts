import type {
  ColumnDef as AstColumnDef,
  Expr,
  IndexColumn,
  IndexDef as AstIndexDef,
  Literal,
  Statement,
  TypeName,
} from '../../sql/ast.js';
import { printExpr } from '../../sql/index.js';
import type { ColumnDef, ColumnDefault, IndexDef, TableDef } from '../../cluster/catalog.js';
import type { LeafTableSchema } from '../../net/leaf-api.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { Decimal } from '../../common/decimal.js';
import { isZeroDate, normalizeDate, normalizeDatetime, normalizeTime, parseDateTimeString } from '../../common/datetime.js';
import { SqlError, UnsupportedError } from '../../common/errors.js';
import { assertNever } from '../../common/assert.js';
import { decodeUtf8, encodeUtf8, isWellFormed } from '../../common/charset.js';

/**
 * CREATE TABLE → TableDef. Validation follows MySQL 8 (error codes and messages) plus
 * SingleStore's sharding rules. Foreign keys and FULLTEXT indexes are accepted and dropped:
 * Tessera does not enforce foreign keys.
 */

export type CreateTable = Extract<Statement, { kind: 'createTable' }>;

export interface BuildContext {
  readonly db: string;
  readonly id: number;
  readonly now: string;
  /** The database's default collation; tables without CHARSET/COLLATE take it. */
  readonly collation?: string;
}

export interface BuiltTable {
  readonly def: TableDef;
  /** AUTO_INCREMENT=n of the table options; 1 when not given. */
  readonly autoIncrementStart: bigint;
  /** The warning that names the shard key the unique keys chose, when several took part. */
  readonly shardKeyWarning?: string;
  /** Columns whose own character set or collation Tessera does not keep (one per table, today). */
  readonly collationWarnings: readonly string[];
}

export const DEFAULT_ENGINE = 'InnoDB';
export const DEFAULT_CHARSET = 'utf8mb4';
export const DEFAULT_COLLATION = 'utf8mb4_general_ci';

// ───────────────────────────── types ─────────────────────────────

const INT_BYTES: Readonly<Record<string, 1 | 2 | 3 | 4 | 8>> = {
  TINYINT: 1,
  SMALLINT: 2,
  MEDIUMINT: 3,
  INT: 4,
  INTEGER: 4,
  BIGINT: 8,
};
const INT_TEXT: Readonly<Record<1 | 2 | 3 | 4 | 8, string>> = { 1: 'tinyint', 2: 'smallint', 3: 'mediumint', 4: 'int', 8: 'bigint' };
/** Display widths MySQL assigns with ZEROFILL (which implies UNSIGNED). */
const ZEROFILL_WIDTH: Readonly<Record<1 | 2 | 3 | 4 | 8, number>> = { 1: 3, 2: 5, 3: 8, 4: 10, 8: 20 };

const TEXT_SIZES = [
  { max: 255, text: 'tinytext', blob: 'tinyblob', family: 'tinytext' },
  { max: 65535, text: 'text', blob: 'blob', family: 'text' },
  { max: 16777215, text: 'mediumtext', blob: 'mediumblob', family: 'mediumtext' },
  { max: 4294967295, text: 'longtext', blob: 'longblob', family: 'longtext' },
] as const;

/** utf8mb4: VARCHAR's 65535-byte row limit over 4 bytes per character. */
const MAX_VARCHAR_CHARS = 16383;
const MAX_CHAR = 255;
const MAX_VARBINARY = 65535;
const MAX_FSP = 6;

function suffix(unsigned: boolean, zerofill: boolean): string {
  return (unsigned || zerofill ? ' unsigned' : '') + (zerofill ? ' zerofill' : '');
}

function fsp(t: TypeName, column: string): number {
  const p = t.args[0] ?? 0;
  if (p > MAX_FSP) {
    throw new SqlError('ER_TOO_BIG_PRECISION', `Too-big precision ${p} specified for '${column}'. Maximum is ${MAX_FSP}.`);
  }
  return p;
}

function tooLong(column: string, max: number): SqlError {
  return new SqlError('ER_TOO_BIG_FIELDLENGTH', `Column length too big for column '${column}' (max = ${max}); use BLOB or TEXT instead`);
}

function quoteValue(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The engine type and the text MySQL 8.0.19+ prints for a column type (no integer display
 * widths except tinyint(1) and ZEROFILL). `column` names the column in error messages.
 */
export function typeFromTypeName(t: TypeName, column = ''): { type: SqlType; typeText: string } {
  const name = t.name.toUpperCase();
  const intBytes = INT_BYTES[name];
  if (intBytes !== undefined) {
    const unsigned = t.unsigned || t.zerofill;
    const width = t.args[0];
    if (width !== undefined && width > 255) {
      throw new SqlError('ER_TOO_BIG_DISPLAYWIDTH', `Display width out of range for column '${column}' (max = 255)`);
    }
    if (intBytes === 1 && width === 1 && !t.zerofill) {
      return { type: { kind: 'int', bytes: 1, unsigned, display: 1 }, typeText: 'tinyint(1)' + suffix(unsigned, false) };
    }
    if (t.zerofill) {
      const display = width ?? ZEROFILL_WIDTH[intBytes];
      return { type: { kind: 'int', bytes: intBytes, unsigned, display }, typeText: `${INT_TEXT[intBytes]}(${display})` + suffix(true, true) };
    }
    return { type: { kind: 'int', bytes: intBytes, unsigned }, typeText: INT_TEXT[intBytes] + suffix(unsigned, false) };
  }
  switch (name) {
    case 'BOOL':
    case 'BOOLEAN':
      return { type: { kind: 'int', bytes: 1, unsigned: false, display: 1 }, typeText: 'tinyint(1)' };
    case 'SERIAL':
      return { type: { kind: 'int', bytes: 8, unsigned: true }, typeText: 'bigint unsigned' };
    case 'DECIMAL':
    case 'NUMERIC':
    case 'DEC':
    case 'FIXED': {
      const precision = t.args[0] ?? 10;
      const scale = t.args[1] ?? 0;
      if (precision > 65) {
        throw new SqlError('ER_TOO_BIG_PRECISION', `Too-big precision ${precision} specified for '${column}'. Maximum is 65.`);
      }
      if (scale > 30) {
        throw new SqlError('ER_TOO_BIG_SCALE', `Too big scale ${scale} specified for column '${column}'. Maximum is 30.`);
      }
      if (scale > precision) throw mBiggerThanD(column);
      const unsigned = t.unsigned || t.zerofill;
      const type: SqlType = unsigned ? { kind: 'decimal', precision, scale, unsigned } : { kind: 'decimal', precision, scale };
      return { type, typeText: `decimal(${precision},${scale})` + suffix(unsigned, t.zerofill) };
    }
    case 'FLOAT':
    case 'DOUBLE':
    case 'REAL': {
      const unsigned = t.unsigned || t.zerofill;
      if (name === 'FLOAT' && t.args.length === 1) {
        // FLOAT(p): p is binary precision and picks the storage, as in MySQL.
        const p = t.args[0]!;
        if (p > 53) throw new SqlError('ER_WRONG_FIELD_SPEC', `Incorrect column specifier for column '${column}'`);
        const dbl = p > 24;
        return { type: dbl ? { kind: 'double' } : { kind: 'float' }, typeText: (dbl ? 'double' : 'float') + suffix(unsigned, t.zerofill) };
      }
      const kind = name === 'FLOAT' ? 'float' : 'double';
      let text: string = kind;
      if (t.args.length >= 2) {
        const [m, d] = t.args as [number, number];
        if (m > 255) throw new SqlError('ER_TOO_BIG_DISPLAYWIDTH', `Display width out of range for column '${column}' (max = 255)`);
        if (d > 30) throw new SqlError('ER_TOO_BIG_SCALE', `Too big scale ${d} specified for column '${column}'. Maximum is 30.`);
        if (d > m) throw mBiggerThanD(column);
        // Deprecated in MySQL 8 but still printed as written.
        text = `${kind}(${m},${d})`;
      }
      return { type: { kind }, typeText: text + suffix(unsigned, t.zerofill) };
    }
    case 'CHAR':
    case 'BINARY': {
      const n = t.args[0] ?? 1;
      if (n > MAX_CHAR) throw tooLong(column, MAX_CHAR);
      const binary = name === 'BINARY';
      return { type: { kind: 'string', family: 'char', length: n, binary }, typeText: `${binary ? 'binary' : 'char'}(${n})` };
    }
    case 'VARCHAR':
    case 'VARBINARY': {
      const n = t.args[0];
      if (n === undefined) {
        throw new SqlError('ER_PARSE', `You have an error in your SQL syntax; ${name} needs a length, e.g. ${name}(255), for column '${column}'`);
      }
      const binary = name === 'VARBINARY';
      const max = binary ? MAX_VARBINARY : MAX_VARCHAR_CHARS;
      if (n > max) throw tooLong(column, max);
      return { type: { kind: 'string', family: 'varchar', length: n, binary }, typeText: `${binary ? 'varbinary' : 'varchar'}(${n})` };
    }
    case 'TINYTEXT':
    case 'TEXT':
    case 'MEDIUMTEXT':
    case 'LONGTEXT':
    case 'TINYBLOB':
    case 'BLOB':
    case 'MEDIUMBLOB':
    case 'LONGBLOB': {
      const binary = name.endsWith('BLOB');
      const base = name.replace(/TEXT|BLOB/, '');
      let size = TEXT_SIZES[base === 'TINY' ? 0 : base === '' ? 1 : base === 'MEDIUM' ? 2 : 3];
      // TEXT(n) / BLOB(n): the smallest type that holds n characters (4 bytes each for utf8mb4).
      if (base === '' && t.args[0] !== undefined) {
        const bytes = t.args[0] * (binary ? 1 : 4);
        size = TEXT_SIZES.find((s) => bytes <= s.max) ?? TEXT_SIZES[3];
      }
      return {
        type: { kind: 'string', family: size.family, length: size.max, binary },
        typeText: binary ? size.blob : size.text,
      };
    }
    case 'DATE':
      return { type: { kind: 'date' }, typeText: 'date' };
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'TIME': {
      const p = fsp(t, column);
      const kind = name === 'DATETIME' ? 'datetime' : name === 'TIMESTAMP' ? 'timestamp' : 'time';
      return { type: { kind, fsp: p }, typeText: p > 0 ? `${kind}(${p})` : kind };
    }
    case 'YEAR':
      return { type: { kind: 'year' }, typeText: 'year' };
    case 'JSON':
      return { type: { kind: 'json' }, typeText: 'json' };
    case 'ENUM': {
      // MySQL strips trailing spaces from ENUM members and rejects duplicates (case-insensitively).
      const values = (t.values ?? []).map((v) => v.replace(/ +$/, ''));
      if (values.length === 0) throw new SqlError('ER_PARSE', `You have an error in your SQL syntax; ENUM of column '${column}' needs at least one value`);
      const seen = new Set<string>();
      for (const v of values) {
        const k = v.toLowerCase();
        if (seen.has(k)) throw new SqlError('ER_DUPLICATED_VALUE_IN_TYPE', `Column '${column}' has duplicated value '${v}' in ENUM`);
        seen.add(k);
      }
      return { type: { kind: 'enum', values }, typeText: `enum(${values.map(quoteValue).join(',')})` };
    }
    case 'SET':
      throw new UnsupportedError('SET column type');
    case 'BIT':
      throw new UnsupportedError('BIT column type');
    default:
      throw new UnsupportedError(`column type ${t.name}`);
  }
}

function mBiggerThanD(column: string): SqlError {
  return new SqlError('ER_M_BIGGER_THAN_D', `For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '${column}').`);
}

function isBlobLike(t: SqlType): boolean {
  return t.kind === 'json' || (t.kind === 'string' && t.family !== 'char' && t.family !== 'varchar');
}

// ───────────────────────────── defaults ─────────────────────────────

function invalidDefault(column: string): SqlError {
  return new SqlError('ER_INVALID_DEFAULT', `Invalid default value for '${column}'`);
}

const NOW_FUNCTIONS = new Set(['CURRENT_TIMESTAMP', 'NOW', 'LOCALTIME', 'LOCALTIMESTAMP']);

/** CURRENT_TIMESTAMP[(n)] / NOW([n]) → its fsp; undefined for anything else. */
function nowCall(e: Expr): number | undefined {
  if (e.kind !== 'call' || !NOW_FUNCTIONS.has(e.name.toUpperCase())) return undefined;
  const a = e.args[0];
  if (a === undefined) return 0;
  if (a.kind === 'literal' && a.value.type === 'int') return Number(a.value.text);
  return undefined;
}

/** A literal default, with a leading minus folded in (MySQL accepts `DEFAULT -1`). */
function literalOf(e: Expr): { lit: Literal; negative: boolean } | undefined {
  if (e.kind === 'literal') return { lit: e.value, negative: false };
  if (e.kind === 'unary' && (e.op === '-' || e.op === '+') && e.operand.kind === 'literal') {
    const t = e.operand.value.type;
    if (t === 'int' || t === 'decimal' || t === 'double') return { lit: e.operand.value, negative: e.op === '-' };
  }
  return undefined;
}

function hexToBytes(hex: string): Uint8Array {
  const h = hex.length % 2 ? '0' + hex : hex;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const INT_RANGE: Readonly<Record<1 | 2 | 3 | 4 | 8, { min: bigint; max: bigint; umax: bigint }>> = {
  1: { min: -128n, max: 127n, umax: 255n },
  2: { min: -32768n, max: 32767n, umax: 65535n },
  3: { min: -8388608n, max: 8388607n, umax: 16777215n },
  4: { min: -2147483648n, max: 2147483647n, umax: 4294967295n },
  8: { min: -9223372036854775808n, max: 9223372036854775807n, umax: 18446744073709551615n },
};

function intValue(v: bigint): Value {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** The numeric text of a literal, or undefined when it is not a number MySQL would accept as one. */
function numericText(lit: Literal, negative: boolean): string | undefined {
  let text: string | undefined;
  switch (lit.type) {
    case 'int':
    case 'decimal':
    case 'double':
      text = lit.text;
      break;
    case 'string':
      text = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(lit.value) ? lit.value.trim() : undefined;
      break;
    case 'bool':
      text = lit.value ? '1' : '0';
      break;
    case 'hex':
      text = lit.hex === '' ? '0' : BigInt('0x' + lit.hex).toString();
      break;
    case 'bit':
      text = lit.bits === '' ? '0' : BigInt('0b' + lit.bits).toString();
      break;
    case 'null':
    case 'temporal':
      text = undefined;
      break;
    default:
      return assertNever(lit, 'literal');
  }
  if (text === undefined) return undefined;
  return negative ? (text.startsWith('-') ? text.slice(1) : '-' + text) : text;
}

function literalText(lit: Literal): string | undefined {
  switch (lit.type) {
    case 'string':
      return lit.value;
    case 'int':
    case 'decimal':
    case 'double':
      return lit.text;
    case 'temporal':
      return lit.text;
    case 'bool':
      return lit.value ? '1' : '0';
    case 'hex':
      return decodeUtf8(hexToBytes(lit.hex));
    case 'bit':
      return undefined;
    case 'null':
      return undefined;
    default:
      return assertNever(lit, 'literal');
  }
}

/**
 * Converts a DEFAULT literal to the column type's Value. A small local conversion (not the
 * general cast in common/cast.ts): MySQL 8 in strict mode rejects defaults that do not fit,
 * so anything doubtful is 1067 here rather than a silent truncation.
 */
export function defaultLiteralValue(lit: Literal, negative: boolean, type: SqlType, column: string): Value {
  if (lit.type === 'null') return null;
  switch (type.kind) {
    case 'int':
    case 'year': {
      const text = numericText(lit, negative);
      const d = text === undefined ? null : Decimal.parse(text);
      if (!d) throw invalidDefault(column);
      let v = d.round(0).toBigInt();
      if (type.kind === 'year') {
        // A 1- or 2-digit string year maps to 2000–2069 / 1970–1999; numeric 0 stays 0.
        if (lit.type === 'string' && v < 100n) v = v < 70n ? 2000n + v : 1900n + v;
        else if (v > 0n && v < 70n) v += 2000n;
        else if (v >= 70n && v < 100n) v += 1900n;
        if (v !== 0n && (v < 1901n || v > 2155n)) throw invalidDefault(column);
        return Number(v);
      }
      const r = INT_RANGE[type.bytes];
      if (type.unsigned ? v < 0n || v > r.umax : v < r.min || v > r.max) throw invalidDefault(column);
      return intValue(v);
    }
    case 'decimal': {
      const text = numericText(lit, negative);
      const d = text === undefined ? null : Decimal.parse(text);
      if (!d) throw invalidDefault(column);
      const v = d.round(type.scale);
      if (!v.fits(type.precision, type.scale) || (type.unsigned && v.sign() < 0)) throw invalidDefault(column);
      return new Decimal(v.unscaled, type.scale);
    }
    case 'float':
    case 'double': {
      const text = numericText(lit, negative);
      const v = text === undefined ? NaN : Number(text);
      if (!Number.isFinite(v)) throw invalidDefault(column);
      return type.kind === 'float' ? Math.fround(v) : v;
    }
    case 'string': {
      if (isBlobLike(type)) {
        throw new SqlError('ER_BLOB_CANT_HAVE_DEFAULT', `BLOB, TEXT, GEOMETRY or JSON column '${column}' can't have a default value`);
      }
      if (negative) throw invalidDefault(column);
      if (type.binary) {
        let bytes: Uint8Array;
        if (lit.type === 'hex') bytes = hexToBytes(lit.hex);
        else {
          const text = literalText(lit);
          if (text === undefined) throw invalidDefault(column);
          bytes = new Uint8Array(encodeUtf8(text)); // the bytes the client sent, in a plain array the catalog can keep
        }
        if (bytes.length > type.length) throw invalidDefault(column);
        if (type.family === 'char' && bytes.length < type.length) {
          // BINARY(n) pads with zero bytes.
          const padded = new Uint8Array(type.length);
          padded.set(bytes);
          bytes = padded;
        }
        return bytes;
      }
      let text = literalText(lit);
      // bytes that are not UTF-8 (common/charset.ts) are no default for a character column
      if (text === undefined || !isWellFormed(text)) throw invalidDefault(column);
      // CHAR drops trailing spaces on read, so the stored default does too.
      if (type.family === 'char') text = text.replace(/ +$/, '');
      if ([...text].length > type.length) throw invalidDefault(column);
      return text;
    }
    case 'enum': {
      if (lit.type === 'int' && !negative) {
        const i = Number(lit.text);
        if (i >= 1 && i <= type.values.length) return type.values[i - 1]!;
        throw invalidDefault(column);
      }
      const text = literalText(lit);
      const hit = text === undefined ? undefined : type.values.find((v) => v.toLowerCase() === text.replace(/ +$/, '').toLowerCase());
      if (hit === undefined || negative) throw invalidDefault(column);
      return hit;
    }
    case 'json':
      throw new SqlError('ER_BLOB_CANT_HAVE_DEFAULT', `BLOB, TEXT, GEOMETRY or JSON column '${column}' can't have a default value`);
    case 'date':
    case 'datetime':
    case 'timestamp': {
      const text = negative ? undefined : literalText(lit);
      if (text === undefined) throw invalidDefault(column);
      const parsed = parseDateTimeString(text);
      // NO_ZERO_DATE / NO_ZERO_IN_DATE are in MySQL 8's default sql_mode.
      if (!parsed || isZeroDate(parsed.parts) || parsed.parts.month === 0 || parsed.parts.day === 0) throw invalidDefault(column);
      const v = type.kind === 'date' ? normalizeDate(text) : normalizeDatetime(text, type.fsp);
      if (v === null) throw invalidDefault(column);
      if (type.kind === 'timestamp' && (v < '1970-01-01 00:00:01' || v > '2038-01-19 03:14:07.999999')) throw invalidDefault(column);
      return v;
    }
    case 'time': {
      const text = literalText(lit);
      if (text === undefined) throw invalidDefault(column);
      const v = normalizeTime(negative ? '-' + text : text, type.fsp);
      if (v === null) throw invalidDefault(column);
      return v;
    }
    case 'null':
      return null;
    default:
      return assertNever(type, 'type');
  }
}

function columnDefault(c: AstColumnDef, type: SqlType, nullable: boolean): ColumnDefault {
  const e = c.default;
  if (e === undefined) {
    // A nullable column without DEFAULT has an implicit DEFAULT NULL; NOT NULL has none.
    return nullable && !c.autoIncrement ? { kind: 'value', value: null } : { kind: 'none' };
  }
  const now = nowCall(e);
  if (now !== undefined) {
    if (type.kind !== 'datetime' && type.kind !== 'timestamp') throw invalidDefault(c.name);
    if (now !== type.fsp) throw invalidDefault(c.name);
    return { kind: 'now', fsp: now };
  }
  const lit = literalOf(e);
  if (lit) {
    if (lit.lit.type === 'null') {
      if (!nullable) throw invalidDefault(c.name);
      return { kind: 'value', value: null };
    }
    if (c.autoIncrement) throw invalidDefault(c.name);
    return { kind: 'value', value: defaultLiteralValue(lit.lit, lit.negative, type, c.name) };
  }
  // MySQL 8 expression default: DEFAULT (expr), kept as SQL text for the executor to compile.
  return { kind: 'expr', sql: printExpr(e) };
}

// ───────────────────────────── table ─────────────────────────────

const ENGINE_NAMES: Readonly<Record<string, string>> = {
  innodb: 'InnoDB',
  myisam: 'MyISAM',
  memory: 'MEMORY',
  heap: 'MEMORY',
  csv: 'CSV',
  archive: 'ARCHIVE',
  columnstore: 'Columnstore',
};

/** Charset of a collation name: the part before the first '_' ('binary' stays 'binary'). */
export function charsetOfCollation(collation: string): string {
  const i = collation.indexOf('_');
  return i < 0 ? collation : collation.slice(0, i);
}

/** The collation Tessera uses when only a charset is named. */
export function defaultCollationOf(charset: string): string {
  switch (charset.toLowerCase()) {
    case 'utf8mb4':
      return DEFAULT_COLLATION;
    case 'utf8':
    case 'utf8mb3':
      return 'utf8mb3_general_ci';
    case 'latin1':
      return 'latin1_swedish_ci';
    case 'binary':
      return 'binary';
    case 'ascii':
      return 'ascii_general_ci';
    default:
      throw new SqlError('ER_UNKNOWN_CHARACTER_SET', `Unknown character set: '${charset}'`);
  }
}

function option(opts: Readonly<Record<string, string>>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = opts[k];
    if (v !== undefined) return v;
  }
  return undefined;
}

function tableCollation(opts: Readonly<Record<string, string>>, dbCollation: string): string {
  const collate = option(opts, 'COLLATE', 'DEFAULT COLLATE');
  const charset = option(opts, 'CHARSET', 'DEFAULT CHARSET', 'CHARACTER SET', 'DEFAULT CHARACTER SET', 'CHARACTER_SET');
  if (collate !== undefined) {
    const c = collate.toLowerCase().replace(/^utf8_/, 'utf8mb3_');
    if (charset !== undefined && charsetOfCollation(c) !== normalizeCharset(charset)) {
      throw new SqlError('ER_UNKNOWN_COLLATION', `COLLATION '${collate}' is not valid for CHARACTER SET '${charset}'`);
    }
    return c;
  }
  if (charset !== undefined) return defaultCollationOf(normalizeCharset(charset));
  return dbCollation;
}

function normalizeCharset(cs: string): string {
  const c = cs.toLowerCase();
  return c === 'utf8' ? 'utf8mb3' : c;
}

export interface PendingIndex {
  name: string;
  columns: number[];
  unique: boolean;
  primary: boolean;
  using: 'BTREE' | 'HASH';
}

export function buildTableDef(stmt: CreateTable, ctx: BuildContext): BuiltTable {
  if (stmt.columns.length === 0) throw new SqlError('ER_TABLE_MUST_HAVE_COLUMNS', 'A table must have at least 1 column');
  const name = stmt.table.name;
  const colIndex = new Map<string, number>();
  stmt.columns.forEach((c, i) => {
    const k = c.name.toLowerCase();
    if (colIndex.has(k)) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${c.name}'`);
    colIndex.set(k, i);
  });
  const position = (col: IndexColumn): number => {
    const i = colIndex.get(col.name.toLowerCase());
    if (i === undefined) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXIST', `Key column '${col.name}' doesn't exist in table`);
    return i;
  };

  const types = stmt.columns.map((c) => {
    const t = typeFromTypeName(c.type, c.name);
    const serial = c.type.name.toUpperCase() === 'SERIAL';
    return { ...t, serial };
  });

  // Indexes: column-level PRIMARY KEY / UNIQUE first (in column order), then table-level ones, as MySQL does.
  const astIndexes: AstIndexDef[] = [];
  stmt.columns.forEach((c, i) => {
    if (c.primaryKey) astIndexes.push({ kind: 'primary', columns: [{ name: c.name }] });
    if (c.unique || types[i]!.serial) astIndexes.push({ kind: 'unique', columns: [{ name: c.name }] });
  });
  astIndexes.push(...stmt.indexes);

  const pkColumns = new Set<number>();
  let shardSpec: readonly IndexColumn[] | undefined;
  let sortSpec: readonly IndexColumn[] | undefined;
  const pending: PendingIndex[] = [];
  const usedNames = new Set<string>();
  const unnamed: { idx: PendingIndex; first: string }[] = [];
  for (const ix of astIndexes) {
    switch (ix.kind) {
      case 'primary': {
        if (pending.some((p) => p.primary)) throw new SqlError('ER_MULTIPLE_PRI_KEY', 'Multiple primary key defined');
        const cols = ix.columns.map(position);
        cols.forEach((p) => pkColumns.add(p));
        checkKeyParts(ix.columns, cols, types);
        pending.push({ name: 'PRIMARY', columns: cols, unique: true, primary: true, using: ix.using ?? 'BTREE' });
        usedNames.add('primary');
        break;
      }
      case 'unique':
      case 'index': {
        const cols = ix.columns.map(position);
        checkKeyParts(ix.columns, cols, types);
        const idx: PendingIndex = { name: '', columns: cols, unique: ix.kind === 'unique', primary: false, using: ix.using ?? 'BTREE' };
        if (ix.name !== undefined) {
          if (usedNames.has(ix.name.toLowerCase())) throw new SqlError('ER_DUP_KEYNAME', `Duplicate key name '${ix.name}'`);
          usedNames.add(ix.name.toLowerCase());
          idx.name = ix.name;
        } else {
          unnamed.push({ idx, first: stmt.columns[cols[0]!]!.name });
        }
        pending.push(idx);
        break;
      }
      case 'fulltext':
        // Accepted so ORM DDL runs; Tessera has no full-text search, the index is dropped.
        ix.columns.forEach(position);
        break;
      case 'foreign':
        // Parsed and dropped: Tessera does not enforce foreign keys.
        ix.columns.forEach(position);
        break;
      case 'shard':
        if (shardSpec !== undefined) throw new SqlError('ER_MULTIPLE_PRI_KEY', 'Multiple shard keys defined');
        shardSpec = ix.columns;
        break;
      case 'sort':
        if (sortSpec !== undefined) throw new SqlError('ER_DUP_KEYNAME', 'Multiple sort keys defined');
        sortSpec = ix.columns;
        break;
      default:
        assertNever(ix, 'index');
    }
  }
  // MySQL names unnamed keys after their first column after all named keys are known: a, a_2, a_3…
  for (const { idx, first } of unnamed) {
    let candidate = first;
    for (let n = 2; usedNames.has(candidate.toLowerCase()); n++) candidate = `${first}_${n}`;
    usedNames.add(candidate.toLowerCase());
    idx.name = candidate;
  }

  const columns: ColumnDef[] = stmt.columns.map((c, i) => columnDefFrom(c, types[i]!, pkColumns.has(i)));

  // One AUTO_INCREMENT column, and it must lead some index (MySQL error 1075).
  const autoCols = columns.flatMap((c, i) => (c.autoIncrement ? [i] : []));
  if (autoCols.length > 1 || (autoCols.length === 1 && !pending.some((p) => p.columns[0] === autoCols[0]))) {
    throw new SqlError('ER_WRONG_AUTO_KEY', 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
  }

  const indexes = sortIndexes(pending, columns);

  const reference = stmt.reference === true;
  let shardKey: readonly number[];
  let singlePartition = false;
  if (reference) {
    if (shardSpec !== undefined) throw new UnsupportedError('SHARD KEY on a reference table (reference tables are copied to every leaf)');
    shardKey = [];
  } else if (shardSpec !== undefined) {
    shardKey = shardSpec.map(position);
  } else {
    // A primary key (or, without one, the first unique key) decides the partition; with more
    // unique keys, the columns they share. Without unique keys the table is keyless.
    ({ shardKey, singlePartition } = implicitShardKey(indexes));
  }
  if (!reference && !singlePartition) checkUniqueKeysCoverShardKey(indexes, shardKey, columns, shardSpec !== undefined);

  const sortKey = sortSpec ? sortSpec.map(position) : [];
  const storage: 'rowstore' | 'columnstore' = stmt.storage === 'columnstore' || sortSpec !== undefined ? 'columnstore' : 'rowstore';

  const engineOpt = option(stmt.options, 'ENGINE');
  const engine = engineOpt === undefined ? DEFAULT_ENGINE : (ENGINE_NAMES[engineOpt.toLowerCase()] ?? engineOpt);
  const autoOpt = option(stmt.options, 'AUTO_INCREMENT');
  let autoIncrementStart = 1n;
  if (autoOpt !== undefined) {
    if (!/^\d+$/.test(autoOpt.trim())) throw new SqlError('ER_PARSE', `You have an error in your SQL syntax near 'AUTO_INCREMENT=${autoOpt}'`);
    autoIncrementStart = BigInt(autoOpt.trim());
    if (autoIncrementStart < 1n) autoIncrementStart = 1n;
  }

  const def: TableDef = {
    id: ctx.id,
    db: ctx.db,
    name,
    columns,
    indexes,
    shardKey,
    ...(singlePartition ? { singlePartition } : {}),
    ...(shardSpec !== undefined ? { shardKeyExplicit: true } : {}),
    sortKey,
    reference,
    storage,
    comment: option(stmt.options, 'COMMENT') ?? '',
    engine,
    collation: tableCollation(stmt.options, ctx.collation ?? DEFAULT_COLLATION),
    createdAt: ctx.now,
  };
  const warning = shardKeyWarning(def);
  const collationWarnings = columnCollationWarnings(stmt, columns, def.collation);
  return { def, autoIncrementStart, collationWarnings, ...(warning !== undefined ? { shardKeyWarning: warning } : {}) };
}

/**
 * A character column written with a character set or collation of its own keeps the table's
 * (the catalog has one collation per table): said in a warning rather than dropped in silence.
 */
function columnCollationWarnings(stmt: CreateTable, columns: readonly ColumnDef[], tableCollation: string): string[] {
  const out: string[] = [];
  stmt.columns.forEach((c, i) => {
    const t = columns[i]!.type;
    const textual = (t.kind === 'string' && !t.binary) || t.kind === 'enum';
    if (!textual) return;
    let own: string | undefined;
    if (c.type.collation !== undefined) own = c.type.collation.toLowerCase().replace(/^utf8_/, 'utf8mb3_');
    else if (c.type.charset !== undefined) own = c.type.binary === true ? `${normalizeCharset(c.type.charset)}_bin` : defaultCollationOf(normalizeCharset(c.type.charset));
    else if (c.type.binary === true) own = `${charsetOfCollation(tableCollation)}_bin`;
    if (own === undefined || own === tableCollation) return;
    out.push(
      `This version of Tessera doesn't yet support a collation per column: column '${c.name}' compares and sorts with the table's ${tableCollation}, not ${own}`,
    );
  });
  return out;
}

/** A column of CREATE TABLE / ALTER TABLE ADD|MODIFY|CHANGE as the catalog keeps it. */
export function buildColumnDef(c: AstColumnDef, inPrimaryKey: boolean): ColumnDef {
  const t = typeFromTypeName(c.type, c.name);
  return columnDefFrom(c, { ...t, serial: c.type.name.toUpperCase() === 'SERIAL' }, inPrimaryKey);
}

function columnDefFrom(c: AstColumnDef, typed: { type: SqlType; typeText: string; serial: boolean }, inPrimaryKey: boolean): ColumnDef {
  const { type, typeText, serial } = typed;
  const autoIncrement = c.autoIncrement || serial;
  if (inPrimaryKey && c.nullable === true) {
    throw new SqlError('ER_PRIMARY_CANT_HAVE_NULL', 'All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead');
  }
  // PRIMARY KEY, AUTO_INCREMENT and SERIAL imply NOT NULL; otherwise columns are nullable by default.
  const nullable = inPrimaryKey || autoIncrement || serial ? false : c.nullable !== false;
  let onUpdateNow = false;
  if (c.onUpdate !== undefined) {
    const f = nowCall(c.onUpdate);
    const temporal = type.kind === 'datetime' || type.kind === 'timestamp';
    if (f === undefined || !temporal || f !== type.fsp) {
      throw new SqlError('ER_INVALID_ON_UPDATE', `Invalid ON UPDATE clause for '${c.name}' column`);
    }
    onUpdateNow = true;
  }
  if (autoIncrement && type.kind !== 'int' && type.kind !== 'float' && type.kind !== 'double') {
    throw new SqlError('ER_WRONG_FIELD_SPEC', `Incorrect column specifier for column '${c.name}'`);
  }
  return {
    name: c.name,
    type,
    nullable,
    default: columnDefault({ ...c, autoIncrement }, type, nullable),
    autoIncrement,
    onUpdateNow,
    comment: c.comment ?? '',
    typeText,
  };
}

/**
 * The shard key of a table whose unique keys decide it (no SHARD KEY clause). MySQL users expect
 * PRIMARY KEY (id) plus UNIQUE (email) to just work: shard on the columns every unique key
 * shares; when they share none, keep the table in one partition, where each unique key can be
 * enforced (a deviation from SingleStore, which rejects the table).
 */
export function implicitShardKey(indexes: readonly IndexDef[]): { shardKey: readonly number[]; singlePartition: boolean } {
  const uniques = indexes.filter((ix) => ix.unique);
  if (uniques.length === 0) return { shardKey: [], singlePartition: false };
  const base = uniques.find((ix) => ix.primary) ?? uniques[0]!;
  const shardKey = base.columns.filter((c) => uniques.every((u) => u.columns.includes(c)));
  return { shardKey, singlePartition: shardKey.length === 0 };
}

/**
 * The warning CREATE / ALTER TABLE gives when several unique keys chose the shard key: which
 * key it is, or that the table stays in one partition because the keys share no column. A
 * written SHARD KEY, a reference table and a table with at most one unique key get none.
 */
export function shardKeyWarning(t: TableDef): string | undefined {
  const uniques = t.indexes.filter((ix) => ix.unique);
  if (t.reference || t.shardKeyExplicit === true || uniques.length < 2) return undefined;
  const names = (cols: readonly number[]): string => cols.map((c) => '`' + t.columns[c]!.name + '`').join(',');
  const keys = uniques.map((ix) => `${ix.primary ? 'PRIMARY KEY' : '`' + ix.name + '`'} (${names(ix.columns)})`).join(', ');
  if (t.singlePartition === true) {
    return (
      `Table '${t.name}' keeps all its rows in one partition: its unique keys ${keys} share no column, and each unique key is ` +
      'enforced inside one partition, so no shard key can spread the rows and still enforce them all. ' +
      'To spread the table, make every unique key contain the same columns and name them in SHARD KEY (…)'
    );
  }
  return `Table '${t.name}' is sharded on (${names(t.shardKey)}), the columns its unique keys ${keys} all contain, so each unique key is enforced inside one partition`;
}

export function checkKeyParts(spec: readonly IndexColumn[], cols: readonly number[], types: readonly { type: SqlType }[]): void {
  spec.forEach((c, i) => {
    if (isBlobLike(types[cols[i]!]!.type) && c.length === undefined) {
      // Note: prefix lengths are validated but TableDef.IndexDef has no place for them yet.
      throw new SqlError('ER_BLOB_KEY_WITHOUT_LENGTH', `BLOB/TEXT column '${c.name}' used in key specification without a key length`);
    }
  });
}

/**
 * MySQL's key order (what SHOW CREATE TABLE and SHOW INDEX print): PRIMARY first, then unique
 * keys whose columns are all NOT NULL, then other unique keys, then plain keys; stable otherwise.
 */
export function sortIndexes(pending: readonly PendingIndex[], columns: readonly ColumnDef[]): IndexDef[] {
  const rank = (p: PendingIndex): number => {
    if (p.primary) return 0;
    if (p.unique) return p.columns.every((c) => !columns[c]!.nullable) ? 1 : 2;
    return 3;
  };
  return pending
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map(({ p }) => ({ name: p.name, columns: p.columns, unique: p.unique, primary: p.primary, using: p.using }));
}

export function checkUniqueKeysCoverShardKey(
  indexes: readonly IndexDef[],
  shardKey: readonly number[],
  columns: readonly ColumnDef[],
  explicit: boolean,
): void {
  const uniques = indexes.filter((ix) => ix.unique);
  if (shardKey.length === 0) {
    if (explicit && uniques.length > 0) {
      const ix = uniques[0]!;
      throw new SqlError(
        'ER_NONUNIQ_SHARD_KEY',
        `The ${ix.primary ? 'primary key' : `unique key named: '${ix.name}'`} cannot be enforced on a keyless table (SHARD KEY ()): ` +
          'rows are spread at random, so duplicates could land in different partitions. Declare a shard key whose columns the unique key contains.',
      );
    }
    return;
  }
  const names = shardKey.map((i) => '`' + columns[i]!.name + '`').join(', ');
  for (const ix of uniques) {
    if (shardKey.every((c) => ix.columns.includes(c))) continue;
    throw new SqlError(
      'ER_NONUNIQ_SHARD_KEY',
      `The ${ix.primary ? 'primary key' : `unique key named: '${ix.name}'`} must contain all columns of the shard key (${names}): ` +
        'uniqueness is enforced inside one partition, so equal keys must hash to the same partition. ' +
        'Add the shard key columns to the key, or choose a SHARD KEY whose columns are a subset of it.',
    );
  }
}

/** CREATE TABLE new LIKE src: the same columns, keys and options under a new name and id. */
export function tableDefLike(src: TableDef, db: string, name: string, id: number, now: string): TableDef {
  return { ...src, id, db, name, createdAt: now };
}

/** The storage-level schema a leaf keeps for a table. */
export function leafSchema(t: TableDef): LeafTableSchema {
  return {
    id: t.id,
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    indexes: t.indexes.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique, primary: i.primary })),
  };
}

/**
 * The value a column's declared DEFAULT gives at `now`, or undefined when it declares none
 * (the caller decides: NULL, MySQL's implicit default, or error 1364).
 */
export function declaredDefault(c: ColumnDef, now: string): Value | undefined {
  switch (c.default.kind) {
    case 'value':
      return c.default.value;
    case 'now':
      return now.slice(0, c.default.fsp > 0 ? 20 + c.default.fsp : 19);
    case 'expr':
      throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support expression defaults (column '${c.name}')`);
    case 'none':
      return undefined;
  }
}
