import type { CatalogView, ColumnDef, DatabaseDef, TableDef } from '../../cluster/catalog.js';
import { allViews, viewTablesRow, viewsRow } from './show-views.js';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { assertNever } from '../../common/assert.js';
import {
  CHARSETS,
  COLLATIONS,
  ENGINES,
  autoIncrementOf,
  catalogTimeText,
  characterLengths,
  charsetOf,
  columnDefaultText,
  columnExtra,
  columnKeys,
  sizeOf,
  usesCollation,
  type ProcessInfo,
  type Rowset,
  type RowsetColumn,
  type TableStats,
} from './show.js';
import { TOOL_SCHEMAS, toolTableRows } from './information-schema-tools.js';

/**
 * information_schema as in-memory Rowsets built from the catalog; the planner runs the
 * user's SELECT over them. Column names and types follow MySQL 8's declarations.
 */

export interface InformationSchemaContext extends TableStats {
  readonly catalog: CatalogView;
  /** Connections for PROCESSLIST; empty when not given. */
  readonly processlist?: readonly ProcessInfo[];
  /** What the session may see (MySQL leaves out what it has no privilege on); absent: everything. */
  readonly visibility?: Visibility;
  /** Rows of USER_, SCHEMA_, TABLE_ and COLUMN_PRIVILEGES; none when not given. */
  readonly grants?: (table: PrivilegeTableName) => Value[][];
}

export interface Visibility {
  canSeeDatabase(db: string): boolean;
  canSeeTable(db: string, table: string): boolean;
  /** The session's privileges on a column, as COLUMNS.PRIVILEGES lists them; null hides the column. */
  columnPrivileges(db: string, table: string, column: string): string | null;
}

type PrivilegeTableName = 'USER_PRIVILEGES' | 'SCHEMA_PRIVILEGES' | 'TABLE_PRIVILEGES' | 'COLUMN_PRIVILEGES';

export const INFORMATION_SCHEMA = 'information_schema';

const V64 = T.varchar(64);
const V512 = T.varchar(512);
const U64 = T.ubigint;
const I64 = T.bigint;
const DT = T.datetime;
const TXT = T.text;

type Spec = readonly (readonly [string, SqlType])[];

const CORE_SCHEMAS = {
  SCHEMATA: [
    ['CATALOG_NAME', V64],
    ['SCHEMA_NAME', V64],
    ['DEFAULT_CHARACTER_SET_NAME', V64],
    ['DEFAULT_COLLATION_NAME', V64],
    ['SQL_PATH', V512],
    ['DEFAULT_ENCRYPTION', T.varchar(3)],
  ],
  TABLES: [
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['TABLE_TYPE', T.varchar(11)],
    ['ENGINE', V64],
    ['VERSION', T.int],
    ['ROW_FORMAT', T.varchar(10)],
    ['TABLE_ROWS', U64],
    ['AVG_ROW_LENGTH', U64],
    ['DATA_LENGTH', U64],
    ['MAX_DATA_LENGTH', U64],
    ['INDEX_LENGTH', U64],
    ['DATA_FREE', U64],
    ['AUTO_INCREMENT', U64],
    ['CREATE_TIME', DT],
    ['UPDATE_TIME', DT],
    ['CHECK_TIME', DT],
    ['TABLE_COLLATION', V64],
    ['CHECKSUM', I64],
    ['CREATE_OPTIONS', T.varchar(256)],
    ['TABLE_COMMENT', TXT],
  ],
  COLUMNS: [
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['COLUMN_NAME', V64],
    ['ORDINAL_POSITION', T.int],
    ['COLUMN_DEFAULT', TXT],
    ['IS_NULLABLE', T.varchar(3)],
    ['DATA_TYPE', TXT],
    ['CHARACTER_MAXIMUM_LENGTH', I64],
    ['CHARACTER_OCTET_LENGTH', I64],
    ['NUMERIC_PRECISION', U64],
    ['NUMERIC_SCALE', U64],
    ['DATETIME_PRECISION', T.int],
    ['CHARACTER_SET_NAME', V64],
    ['COLLATION_NAME', V64],
    ['COLUMN_TYPE', TXT],
    ['COLUMN_KEY', T.varchar(3)],
    ['EXTRA', T.varchar(256)],
    ['PRIVILEGES', T.varchar(154)],
    ['COLUMN_COMMENT', TXT],
    ['GENERATION_EXPRESSION', TXT],
    ['SRS_ID', T.int],
  ],
  STATISTICS: [
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['NON_UNIQUE', T.int],
    ['INDEX_SCHEMA', V64],
    ['INDEX_NAME', V64],
    ['SEQ_IN_INDEX', T.int],
    ['COLUMN_NAME', V64],
    ['COLLATION', T.varchar(1)],
    ['CARDINALITY', I64],
    ['SUB_PART', I64],
    ['PACKED', T.varchar(10)],
    ['NULLABLE', T.varchar(3)],
    ['INDEX_TYPE', T.varchar(11)],
    ['COMMENT', T.varchar(8)],
    ['INDEX_COMMENT', T.varchar(2048)],
    ['IS_VISIBLE', T.varchar(3)],
    ['EXPRESSION', TXT],
  ],
  KEY_COLUMN_USAGE: [
    ['CONSTRAINT_CATALOG', V64],
    ['CONSTRAINT_SCHEMA', V64],
    ['CONSTRAINT_NAME', V64],
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['COLUMN_NAME', V64],
    ['ORDINAL_POSITION', T.int],
    ['POSITION_IN_UNIQUE_CONSTRAINT', T.int],
    ['REFERENCED_TABLE_SCHEMA', V64],
    ['REFERENCED_TABLE_NAME', V64],
    ['REFERENCED_COLUMN_NAME', V64],
  ],
  TABLE_CONSTRAINTS: [
    ['CONSTRAINT_CATALOG', V64],
    ['CONSTRAINT_SCHEMA', V64],
    ['CONSTRAINT_NAME', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['CONSTRAINT_TYPE', T.varchar(11)],
    ['ENFORCED', T.varchar(3)],
  ],
  ENGINES: [
    ['ENGINE', V64],
    ['SUPPORT', T.varchar(8)],
    ['COMMENT', T.varchar(80)],
    ['TRANSACTIONS', T.varchar(3)],
    ['XA', T.varchar(3)],
    ['SAVEPOINTS', T.varchar(3)],
  ],
  CHARACTER_SETS: [
    ['CHARACTER_SET_NAME', V64],
    ['DEFAULT_COLLATE_NAME', V64],
    ['DESCRIPTION', T.varchar(2048)],
    ['MAXLEN', T.int],
  ],
  COLLATIONS: [
    ['COLLATION_NAME', V64],
    ['CHARACTER_SET_NAME', V64],
    ['ID', U64],
    ['IS_DEFAULT', T.varchar(3)],
    ['IS_COMPILED', T.varchar(3)],
    ['SORTLEN', T.int],
    ['PAD_ATTRIBUTE', T.varchar(9)],
  ],
  PROCESSLIST: [
    ['ID', U64],
    ['USER', T.varchar(32)],
    ['HOST', T.varchar(261)],
    ['DB', V64],
    ['COMMAND', T.varchar(16)],
    ['TIME', T.int],
    ['STATE', V64],
    ['INFO', TXT],
  ],
  REFERENTIAL_CONSTRAINTS: [
    ['CONSTRAINT_CATALOG', V64],
    ['CONSTRAINT_SCHEMA', V64],
    ['CONSTRAINT_NAME', V64],
    ['UNIQUE_CONSTRAINT_CATALOG', V64],
    ['UNIQUE_CONSTRAINT_SCHEMA', V64],
    ['UNIQUE_CONSTRAINT_NAME', V64],
    ['MATCH_OPTION', T.varchar(7)],
    ['UPDATE_RULE', T.varchar(11)],
    ['DELETE_RULE', T.varchar(11)],
    ['TABLE_NAME', V64],
    ['REFERENCED_TABLE_NAME', V64],
  ],
  VIEWS: [
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['VIEW_DEFINITION', TXT],
    ['CHECK_OPTION', T.varchar(8)],
    ['IS_UPDATABLE', T.varchar(3)],
    ['DEFINER', T.varchar(288)],
    ['SECURITY_TYPE', T.varchar(7)],
    ['CHARACTER_SET_CLIENT', V64],
    ['COLLATION_CONNECTION', V64],
  ],
  ROUTINES: [
    ['SPECIFIC_NAME', V64],
    ['ROUTINE_CATALOG', V64],
    ['ROUTINE_SCHEMA', V64],
    ['ROUTINE_NAME', V64],
    ['ROUTINE_TYPE', T.varchar(9)],
    ['DATA_TYPE', TXT],
    ['CHARACTER_MAXIMUM_LENGTH', I64],
    ['CHARACTER_OCTET_LENGTH', I64],
    ['NUMERIC_PRECISION', U64],
    ['NUMERIC_SCALE', U64],
    ['DATETIME_PRECISION', U64],
    ['CHARACTER_SET_NAME', V64],
    ['COLLATION_NAME', V64],
    ['DTD_IDENTIFIER', TXT],
    ['ROUTINE_BODY', T.varchar(3)],
    ['ROUTINE_DEFINITION', TXT],
    ['EXTERNAL_NAME', V64],
    ['EXTERNAL_LANGUAGE', V64],
    ['PARAMETER_STYLE', T.varchar(3)],
    ['IS_DETERMINISTIC', T.varchar(3)],
    ['SQL_DATA_ACCESS', T.varchar(17)],
    ['SQL_PATH', V64],
    ['SECURITY_TYPE', T.varchar(7)],
    ['CREATED', DT],
    ['LAST_ALTERED', DT],
    ['SQL_MODE', T.varchar(520)],
    ['ROUTINE_COMMENT', TXT],
    ['DEFINER', T.varchar(288)],
    ['CHARACTER_SET_CLIENT', V64],
    ['COLLATION_CONNECTION', V64],
    ['DATABASE_COLLATION', V64],
  ],
  TRIGGERS: [
    ['TRIGGER_CATALOG', V64],
    ['TRIGGER_SCHEMA', V64],
    ['TRIGGER_NAME', V64],
    ['EVENT_MANIPULATION', T.varchar(6)],
    ['EVENT_OBJECT_CATALOG', V64],
    ['EVENT_OBJECT_SCHEMA', V64],
    ['EVENT_OBJECT_TABLE', V64],
    ['ACTION_ORDER', U64],
    ['ACTION_CONDITION', TXT],
    ['ACTION_STATEMENT', TXT],
    ['ACTION_ORIENTATION', T.varchar(3)],
    ['ACTION_TIMING', T.varchar(6)],
    ['ACTION_REFERENCE_OLD_TABLE', TXT],
    ['ACTION_REFERENCE_NEW_TABLE', TXT],
    ['ACTION_REFERENCE_OLD_ROW', T.varchar(3)],
    ['ACTION_REFERENCE_NEW_ROW', T.varchar(3)],
    ['CREATED', DT],
    ['SQL_MODE', T.varchar(520)],
    ['DEFINER', T.varchar(288)],
    ['CHARACTER_SET_CLIENT', V64],
    ['COLLATION_CONNECTION', V64],
    ['DATABASE_COLLATION', V64],
  ],
  // Accounts and grants (MySQL 8's columns).
  USER_PRIVILEGES: [
    ['GRANTEE', T.varchar(292)],
    ['TABLE_CATALOG', V512],
    ['PRIVILEGE_TYPE', V64],
    ['IS_GRANTABLE', T.varchar(3)],
  ],
  SCHEMA_PRIVILEGES: [
    ['GRANTEE', T.varchar(292)],
    ['TABLE_CATALOG', V512],
    ['TABLE_SCHEMA', V64],
    ['PRIVILEGE_TYPE', V64],
    ['IS_GRANTABLE', T.varchar(3)],
  ],
  TABLE_PRIVILEGES: [
    ['GRANTEE', T.varchar(292)],
    ['TABLE_CATALOG', V512],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['PRIVILEGE_TYPE', V64],
    ['IS_GRANTABLE', T.varchar(3)],
  ],
  COLUMN_PRIVILEGES: [
    ['GRANTEE', T.varchar(292)],
    ['TABLE_CATALOG', V512],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['COLUMN_NAME', V64],
    ['PRIVILEGE_TYPE', V64],
    ['IS_GRANTABLE', T.varchar(3)],
  ],
} as const satisfies Record<string, Spec>;

/** The core tables above, and those dump and migration tools read (information-schema-tools.ts). */
const SCHEMAS = { ...CORE_SCHEMAS, ...TOOL_SCHEMAS };

export type InformationSchemaTableName = keyof typeof SCHEMAS;

const NAMES = Object.keys(SCHEMAS) as InformationSchemaTableName[];

/** The virtual tables, upper-case as MySQL 8 names them. */
export function informationSchemaTableNames(): readonly InformationSchemaTableName[] {
  return NAMES;
}

export function informationSchemaColumns(name: string): readonly RowsetColumn[] | undefined {
  const key = NAMES.find((n) => n === name.toUpperCase());
  return key ? columnsOf(key) : undefined;
}

function columnsOf(name: InformationSchemaTableName): RowsetColumn[] {
  return (SCHEMAS[name] as Spec).map(([n, type]) => ({ name: n, type }));
}

const DEF = 'def';

function* allTables(ctx: InformationSchemaContext): Generator<[DatabaseDef, TableDef]> {
  const v = ctx.visibility;
  for (const db of ctx.catalog.databases()) {
    const tables = [...db.tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const t of tables) if (!v || v.canSeeTable(db.name, t.name)) yield [db, t];
  }
}

/** MySQL's DATA_TYPE: the type name without arguments or attributes. */
function dataType(c: ColumnDef): string {
  return c.typeText.replace(/[ (].*$/, '');
}

function numericPrecision(t: SqlType): { precision: Value; scale: Value } {
  switch (t.kind) {
    case 'int': {
      const p = { 1: 3, 2: 5, 3: 7, 4: 10, 8: t.unsigned ? 20 : 19 }[t.bytes];
      return { precision: p, scale: 0 };
    }
    case 'decimal':
      return { precision: t.precision, scale: t.scale };
    case 'float':
      return { precision: 12, scale: null };
    case 'double':
      return { precision: 22, scale: null };
    default:
      return { precision: null, scale: null };
  }
}

function datetimePrecision(t: SqlType): Value {
  return t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time' ? t.fsp : null;
}

const PRIVILEGES = 'select,insert,update,references';

/** COLUMN_TYPE text of information_schema's own column types. */
function typeText(t: SqlType): string {
  switch (t.kind) {
    case 'int':
      return (t.bytes === 8 ? 'bigint' : 'int') + (t.unsigned ? ' unsigned' : '');
    case 'string':
      return t.family === 'varchar' ? `varchar(${t.length})` : t.family;
    case 'datetime':
      return 'datetime';
    default:
      return t.kind;
  }
}

function rowsOf(name: InformationSchemaTableName, ctx: InformationSchemaContext): Value[][] {
  switch (name) {
    case 'SCHEMATA': {
      const dbs: Value[][] = ctx.catalog
        .databases()
        .filter((d) => !ctx.visibility || ctx.visibility.canSeeDatabase(d.name))
        .map((d) => [DEF, d.name, d.charset, d.collation, null, 'NO']);
      return [[DEF, INFORMATION_SCHEMA, 'utf8mb3', 'utf8mb3_general_ci', null, 'NO'], ...dbs];
    }
    case 'TABLES': {
      // Views have no storage statistics: MySQL shows NULL for them.
      const own: Value[][] = NAMES.map((n) => [
        DEF, INFORMATION_SCHEMA, n, 'SYSTEM VIEW', null, 10, null, null, null, null, null, null, null, null, null, null, null, null, null, '', '',
      ]);
      const rows: Value[][] = [];
      for (const [db, t] of allTables(ctx)) {
        rows.push([
          DEF,
          db.name,
          t.name,
          'BASE TABLE',
          t.engine,
          10,
          'Dynamic',
          ...sizeOf(t, ctx),
          0,
          0,
          0,
          autoIncrementOf(t, ctx),
          catalogTimeText(t.createdAt),
          null,
          null,
          t.collation,
          null,
          '',
          t.comment,
        ]);
      }
      for (const v of allViews(ctx.catalog, ctx.visibility && ((db, t) => ctx.visibility!.canSeeTable(db, t)))) rows.push(viewTablesRow(v, catalogTimeText(v.createdAt)));
      return [...own, ...rows];
    }
    case 'COLUMNS': {
      const rows: Value[][] = [];
      // information_schema describes itself too (GUIs browse it like any schema).
      for (const n of NAMES) {
        columnsOf(n).forEach((c, i) => {
          const text = typeText(c.type);
          const len = c.type.kind === 'string' ? c.type.length : null;
          const str = len !== null;
          rows.push([
            DEF, INFORMATION_SCHEMA, n, c.name, i + 1, null, 'YES', text.replace(/[ (].*$/, ''), len, len === null ? null : len * 3,
            null, null, null, str ? 'utf8mb3' : null, str ? 'utf8mb3_general_ci' : null, text, '', '', 'select', '', '', null,
          ]);
        });
      }
      for (const [db, t] of allTables(ctx)) {
        const keys = columnKeys(t);
        t.columns.forEach((c, i) => {
          const privileges = ctx.visibility ? ctx.visibility.columnPrivileges(db.name, t.name, c.name) : PRIVILEGES;
          if (privileges === null) return;
          const len = characterLengths(c, t.collation);
          const num = numericPrecision(c.type);
          const coll = usesCollation(c.type) ? t.collation : null;
          rows.push([
            DEF,
            db.name,
            t.name,
            c.name,
            i + 1,
            columnDefaultText(c),
            c.nullable ? 'YES' : 'NO',
            dataType(c),
            len.chars,
            len.octets,
            num.precision,
            num.scale,
            datetimePrecision(c.type),
            coll === null ? null : charsetOf(coll),
            coll,
            c.typeText,
            keys[i]!,
            columnExtra(c),
            privileges,
            c.comment,
            '',
            null,
          ]);
        });
      }
      return rows;
    }
    case 'STATISTICS': {
      const rows: Value[][] = [];
      for (const [db, t] of allTables(ctx)) {
        for (const ix of t.indexes) {
          ix.columns.forEach((p, seq) => {
            const c = t.columns[p]!;
            rows.push([
              DEF, db.name, t.name, ix.unique ? 0 : 1, db.name, ix.name, seq + 1, c.name,
              ix.using === 'HASH' ? null : 'A', ctx.rowCount?.(t) ?? 0, null, null, c.nullable ? 'YES' : '',
              ix.using, '', '', 'YES', null,
            ]);
          });
        }
      }
      return rows;
    }
    case 'KEY_COLUMN_USAGE': {
      const rows: Value[][] = [];
      for (const [db, t] of allTables(ctx)) {
        for (const ix of t.indexes) {
          if (!ix.unique) continue;
          ix.columns.forEach((p, seq) => {
            rows.push([DEF, db.name, ix.name, DEF, db.name, t.name, t.columns[p]!.name, seq + 1, null, null, null, null]);
          });
        }
      }
      return rows;
    }
    case 'TABLE_CONSTRAINTS': {
      const rows: Value[][] = [];
      for (const [db, t] of allTables(ctx)) {
        for (const ix of t.indexes) {
          if (ix.unique) rows.push([DEF, db.name, ix.name, db.name, t.name, ix.primary ? 'PRIMARY KEY' : 'UNIQUE', 'YES']);
        }
      }
      return rows;
    }
    case 'ENGINES':
      return ENGINES.map((e) => [e.engine, e.support, e.comment, e.transactions, e.xa, e.savepoints]);
    case 'CHARACTER_SETS':
      return CHARSETS.map((c) => [c.name, c.defaultCollation, c.description, c.maxlen]);
    case 'COLLATIONS':
      return COLLATIONS.map((c) => [c.name, c.charset, c.id, c.isDefault ? 'Yes' : '', 'Yes', c.sortlen, c.pad]);
    case 'PROCESSLIST':
      return (ctx.processlist ?? []).map((p) => [p.id, p.user, p.host, p.db, p.command, p.time, p.state, p.info]);
    case 'VIEWS':
      return allViews(ctx.catalog, ctx.visibility && ((db, t) => ctx.visibility!.canSeeTable(db, t))).map(viewsRow);
    case 'REFERENTIAL_CONSTRAINTS':
    case 'ROUTINES':
    case 'TRIGGERS':
      // Tessera has no routines or triggers; foreign keys are parsed and dropped.
      return [];
    case 'FILES':
    case 'PARTITIONS':
    case 'EVENTS':
    case 'CHECK_CONSTRAINTS':
    case 'PARAMETERS':
    case 'COLUMN_STATISTICS':
      return toolTableRows(name, { tables: () => allTables(ctx), rowCount: (t) => ctx.rowCount?.(t) });
    case 'USER_PRIVILEGES':
    case 'SCHEMA_PRIVILEGES':
    case 'TABLE_PRIVILEGES':
    case 'COLUMN_PRIVILEGES':
      return ctx.grants?.(name) ?? [];
    default:
      return assertNever(name, 'information_schema table');
  }
}

/** information_schema.<name> (case-insensitive) as a Rowset, or undefined when there is no such table. */
export function informationSchemaTable(name: string, ctx: InformationSchemaContext): Rowset | undefined {
  const key = NAMES.find((n) => n === name.toUpperCase());
  if (!key) return undefined;
  return { columns: columnsOf(key), rows: rowsOf(key, ctx) };
}
