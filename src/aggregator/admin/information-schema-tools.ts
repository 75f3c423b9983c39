/**
 * The information_schema tables that dump tools, migration tools and ORMs read besides the
 * core ones: FILES, PARTITIONS, EVENTS, CHECK_CONSTRAINTS, PARAMETERS, COLUMN_STATISTICS, with
 * MySQL 8's columns in MySQL 8's order. Tessera has no tablespaces, routines, events, histograms
 * or enforced CHECK constraints, so most answer no rows (what MySQL answers without them);
 * PARTITIONS answers one row per table, as MySQL does for tables without PARTITION BY (Tessera's
 * own hash partitions are not MySQL partitions: no PARTITION BY clause recreates them).
 *
 * Rows are functions of the catalog at the time of the query, like the core tables'.
 */
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { assertNever } from '../../common/assert.js';
import type { DatabaseDef, TableDef } from '../../cluster/catalog.js';
import { catalogTimeText } from './show.js';

type Spec = readonly (readonly [string, SqlType])[];

const V64 = T.varchar(64);
const U64 = T.ubigint;
const I64 = T.bigint;
const DT = T.datetime;
const TXT = T.text;

export const TOOL_SCHEMAS = {
  FILES: [
    ['FILE_ID', I64],
    ['FILE_NAME', TXT],
    ['FILE_TYPE', T.varchar(256)],
    ['TABLESPACE_NAME', T.varchar(268)],
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['LOGFILE_GROUP_NAME', T.varchar(256)],
    ['LOGFILE_GROUP_NUMBER', I64],
    ['ENGINE', V64],
    ['FULLTEXT_KEYS', V64],
    ['DELETED_ROWS', I64],
    ['UPDATE_COUNT', I64],
    ['FREE_EXTENTS', I64],
    ['TOTAL_EXTENTS', I64],
    ['EXTENT_SIZE', I64],
    ['INITIAL_SIZE', I64],
    ['MAXIMUM_SIZE', I64],
    ['AUTOEXTEND_SIZE', I64],
    ['CREATION_TIME', DT],
    ['LAST_UPDATE_TIME', DT],
    ['LAST_ACCESS_TIME', DT],
    ['RECOVER_TIME', I64],
    ['TRANSACTION_COUNTER', I64],
    ['VERSION', I64],
    ['ROW_FORMAT', T.varchar(256)],
    ['TABLE_ROWS', I64],
    ['AVG_ROW_LENGTH', I64],
    ['DATA_LENGTH', I64],
    ['MAX_DATA_LENGTH', I64],
    ['INDEX_LENGTH', I64],
    ['DATA_FREE', I64],
    ['CREATE_TIME', DT],
    ['UPDATE_TIME', DT],
    ['CHECK_TIME', DT],
    ['CHECKSUM', I64],
    ['STATUS', T.varchar(256)],
    ['EXTRA', T.varchar(256)],
  ],
  PARTITIONS: [
    ['TABLE_CATALOG', V64],
    ['TABLE_SCHEMA', V64],
    ['TABLE_NAME', V64],
    ['PARTITION_NAME', V64],
    ['SUBPARTITION_NAME', V64],
    ['PARTITION_ORDINAL_POSITION', U64],
    ['SUBPARTITION_ORDINAL_POSITION', U64],
    ['PARTITION_METHOD', T.varchar(13)],
    ['SUBPARTITION_METHOD', T.varchar(13)],
    ['PARTITION_EXPRESSION', TXT],
    ['SUBPARTITION_EXPRESSION', TXT],
    ['PARTITION_DESCRIPTION', TXT],
    ['TABLE_ROWS', U64],
    ['AVG_ROW_LENGTH', U64],
    ['DATA_LENGTH', U64],
    ['MAX_DATA_LENGTH', U64],
    ['INDEX_LENGTH', U64],
    ['DATA_FREE', U64],
    ['CREATE_TIME', DT],
    ['UPDATE_TIME', DT],
    ['CHECK_TIME', DT],
    ['CHECKSUM', I64],
    ['PARTITION_COMMENT', TXT],
    ['NODEGROUP', T.varchar(256)],
    ['TABLESPACE_NAME', T.varchar(268)],
  ],
  EVENTS: [
    ['EVENT_CATALOG', V64],
    ['EVENT_SCHEMA', V64],
    ['EVENT_NAME', V64],
    ['DEFINER', T.varchar(288)],
    ['TIME_ZONE', V64],
    ['EVENT_BODY', T.varchar(3)],
    ['EVENT_DEFINITION', TXT],
    ['EVENT_TYPE', T.varchar(9)],
    ['EXECUTE_AT', DT],
    ['INTERVAL_VALUE', T.varchar(256)],
    ['INTERVAL_FIELD', T.varchar(18)],
    ['SQL_MODE', T.varchar(520)],
    ['STARTS', DT],
    ['ENDS', DT],
    ['STATUS', T.varchar(21)],
    ['ON_COMPLETION', T.varchar(12)],
    ['CREATED', { kind: 'timestamp', fsp: 0 }],
    ['LAST_ALTERED', { kind: 'timestamp', fsp: 0 }],
    ['LAST_EXECUTED', DT],
    ['EVENT_COMMENT', T.varchar(2048)],
    ['ORIGINATOR', { kind: 'int', bytes: 4, unsigned: true }],
    ['CHARACTER_SET_CLIENT', V64],
    ['COLLATION_CONNECTION', V64],
    ['DATABASE_COLLATION', V64],
  ],
  CHECK_CONSTRAINTS: [
    ['CONSTRAINT_CATALOG', V64],
    ['CONSTRAINT_SCHEMA', V64],
    ['CONSTRAINT_NAME', V64],
    ['CHECK_CLAUSE', TXT],
  ],
  PARAMETERS: [
    ['SPECIFIC_CATALOG', V64],
    ['SPECIFIC_SCHEMA', V64],
    ['SPECIFIC_NAME', V64],
    ['ORDINAL_POSITION', { kind: 'int', bytes: 8, unsigned: true }],
    ['PARAMETER_MODE', T.varchar(5)],
    ['PARAMETER_NAME', V64],
    ['DATA_TYPE', TXT],
    ['CHARACTER_MAXIMUM_LENGTH', I64],
    ['CHARACTER_OCTET_LENGTH', I64],
    ['NUMERIC_PRECISION', { kind: 'int', bytes: 4, unsigned: true }],
    ['NUMERIC_SCALE', I64],
    ['DATETIME_PRECISION', { kind: 'int', bytes: 4, unsigned: true }],
    ['CHARACTER_SET_NAME', V64],
    ['COLLATION_NAME', V64],
    ['DTD_IDENTIFIER', TXT],
    ['ROUTINE_TYPE', T.varchar(9)],
  ],
  /** MySQL 8's mysqldump reads it (--column-statistics, on by default). */
  COLUMN_STATISTICS: [
    ['SCHEMA_NAME', V64],
    ['TABLE_NAME', V64],
    ['COLUMN_NAME', V64],
    ['HISTOGRAM', T.json],
  ],
} as const satisfies Record<string, Spec>;

export type ToolTableName = keyof typeof TOOL_SCHEMAS;

export interface ToolTablesContext {
  /** Tables by database, in the order information_schema lists them. */
  readonly tables: () => Iterable<[DatabaseDef, TableDef]>;
  readonly rowCount?: (t: TableDef) => number | bigint | undefined;
}

const DEF = 'def';

export function toolTableRows(name: ToolTableName, ctx: ToolTablesContext): Value[][] {
  switch (name) {
    case 'PARTITIONS': {
      const rows: Value[][] = [];
      for (const [db, t] of ctx.tables()) {
        const created = catalogTimeText(t.createdAt);
        rows.push([DEF, db.name, t.name, null, null, null, null, null, null, null, null, null, ctx.rowCount?.(t) ?? 0, 0, 0, null, 0, 0, created, null, null, null, '', '', null]);
      }
      return rows;
    }
    case 'FILES':
    case 'EVENTS':
    case 'CHECK_CONSTRAINTS':
    case 'PARAMETERS':
    case 'COLUMN_STATISTICS':
      // No tablespaces, events, enforced CHECK constraints, routines or histograms.
      return [];
    default:
      return assertNever(name, 'information_schema table');
  }
}
