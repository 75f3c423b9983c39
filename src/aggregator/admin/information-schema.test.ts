import { describe, expect, it } from 'vitest';
import { parseOne } from '../../sql/index.js';
import { Catalog } from '../../cluster/catalog.js';
import { buildTableDef, type CreateTable } from '../ddl/table-def.js';
import { informationSchemaColumns, informationSchemaTable, informationSchemaTableNames } from './information-schema.js';

function catalog(): Catalog {
  const cat = new Catalog();
  cat.createDatabase('shop', { partitions: 8 });
  const sql =
    "CREATE TABLE items (id int NOT NULL AUTO_INCREMENT, sku varchar(32) NOT NULL, price decimal(10,2) DEFAULT '0.00', " +
    "kind enum('a','bb') DEFAULT 'a', made datetime(3) DEFAULT CURRENT_TIMESTAMP(3), body text, data varbinary(8), " +
    'PRIMARY KEY (id), UNIQUE KEY sku (sku, id), KEY price (price))';
  const { def } = buildTableDef(parseOne(sql).statement as CreateTable, { db: 'shop', id: cat.allocateTableId(), now: '2024-01-01 00:00:00' });
  cat.addTable(def);
  return cat;
}

function asObjects(name: string, cat = catalog()): Record<string, unknown>[] {
  const rs = informationSchemaTable(name, { catalog: cat, rowCount: () => 42, nextAutoIncrement: () => 100n })!;
  return rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c.name, r[i]])));
}

describe('information_schema', () => {
  it('lists its tables and finds them case-insensitively', () => {
    expect(informationSchemaTableNames()).toContain('COLUMNS');
    expect(informationSchemaTable('columns', { catalog: catalog() })).toBeDefined();
    expect(informationSchemaTable('nope', { catalog: catalog() })).toBeUndefined();
    expect(informationSchemaColumns('schemata')!.map((c) => c.name)).toEqual([
      'CATALOG_NAME', 'SCHEMA_NAME', 'DEFAULT_CHARACTER_SET_NAME', 'DEFAULT_COLLATION_NAME', 'SQL_PATH', 'DEFAULT_ENCRYPTION',
    ]);
  });

  it('SCHEMATA and TABLES', () => {
    expect(asObjects('SCHEMATA').map((r) => r.SCHEMA_NAME)).toEqual(['information_schema', 'shop']);
    const tables = asObjects('TABLES');
    const items = tables.find((t) => t.TABLE_NAME === 'items')!;
    expect(items).toMatchObject({
      TABLE_CATALOG: 'def', TABLE_SCHEMA: 'shop', TABLE_TYPE: 'BASE TABLE', ENGINE: 'InnoDB', VERSION: 10, ROW_FORMAT: 'Dynamic',
      TABLE_ROWS: 42, AUTO_INCREMENT: 100, CREATE_TIME: '2024-01-01 00:00:00', TABLE_COLLATION: 'utf8mb4_general_ci',
    });
    expect(tables.find((t) => t.TABLE_NAME === 'COLUMNS')).toMatchObject({ TABLE_SCHEMA: 'information_schema', TABLE_TYPE: 'SYSTEM VIEW' });
  });

  it('COLUMNS describes every column as MySQL 8 does', () => {
    const all = asObjects('COLUMNS');
    expect(all.find((r) => r.TABLE_NAME === 'SCHEMATA' && r.COLUMN_NAME === 'SCHEMA_NAME')).toMatchObject({
      TABLE_SCHEMA: 'information_schema', COLUMN_TYPE: 'varchar(64)', DATA_TYPE: 'varchar',
    });
    expect(all.find((r) => r.TABLE_NAME === 'TABLES' && r.COLUMN_NAME === 'TABLE_ROWS')).toMatchObject({ COLUMN_TYPE: 'bigint unsigned' });
    const rows = all.filter((r) => r.TABLE_SCHEMA === 'shop');
    const pick = (r: Record<string, unknown>) => [
      r.COLUMN_NAME, r.ORDINAL_POSITION, r.COLUMN_DEFAULT, r.IS_NULLABLE, r.DATA_TYPE, r.CHARACTER_MAXIMUM_LENGTH,
      r.CHARACTER_OCTET_LENGTH, r.NUMERIC_PRECISION, r.NUMERIC_SCALE, r.DATETIME_PRECISION, r.CHARACTER_SET_NAME,
      r.COLLATION_NAME, r.COLUMN_TYPE, r.COLUMN_KEY, r.EXTRA,
    ];
    expect(rows.map(pick)).toEqual([
      ['id', 1, null, 'NO', 'int', null, null, 10, 0, null, null, null, 'int', 'PRI', 'auto_increment'],
      ['sku', 2, null, 'NO', 'varchar', 32, 128, null, null, null, 'utf8mb4', 'utf8mb4_general_ci', 'varchar(32)', 'MUL', ''],
      ['price', 3, '0.00', 'YES', 'decimal', null, null, 10, 2, null, null, null, 'decimal(10,2)', 'MUL', ''],
      ['kind', 4, 'a', 'YES', 'enum', 2, 8, null, null, null, 'utf8mb4', 'utf8mb4_general_ci', "enum('a','bb')", '', ''],
      ['made', 5, 'CURRENT_TIMESTAMP(3)', 'YES', 'datetime', null, null, null, null, 3, null, null, 'datetime(3)', '', 'DEFAULT_GENERATED'],
      ['body', 6, null, 'YES', 'text', 65535, 65535, null, null, null, 'utf8mb4', 'utf8mb4_general_ci', 'text', '', ''],
      ['data', 7, null, 'YES', 'varbinary', 8, 8, null, null, null, null, null, 'varbinary(8)', '', ''],
    ]);
    expect(rows[0]).toMatchObject({ TABLE_CATALOG: 'def', TABLE_SCHEMA: 'shop', TABLE_NAME: 'items', PRIVILEGES: 'select,insert,update,references' });
  });

  it('STATISTICS, KEY_COLUMN_USAGE and TABLE_CONSTRAINTS', () => {
    expect(asObjects('STATISTICS').map((r) => [r.INDEX_NAME, r.SEQ_IN_INDEX, r.COLUMN_NAME, r.NON_UNIQUE])).toEqual([
      ['PRIMARY', 1, 'id', 0],
      ['sku', 1, 'sku', 0],
      ['sku', 2, 'id', 0],
      ['price', 1, 'price', 1],
    ]);
    expect(asObjects('KEY_COLUMN_USAGE').map((r) => [r.CONSTRAINT_NAME, r.COLUMN_NAME, r.ORDINAL_POSITION])).toEqual([
      ['PRIMARY', 'id', 1],
      ['sku', 'sku', 1],
      ['sku', 'id', 2],
    ]);
    expect(asObjects('TABLE_CONSTRAINTS').map((r) => [r.CONSTRAINT_NAME, r.CONSTRAINT_TYPE])).toEqual([
      ['PRIMARY', 'PRIMARY KEY'],
      ['sku', 'UNIQUE'],
    ]);
  });

  it('fixed and empty tables', () => {
    expect(asObjects('COLLATIONS').some((r) => r.COLLATION_NAME === 'utf8mb4_0900_ai_ci' && r.ID === 255)).toBe(true);
    expect(asObjects('ENGINES')[0]).toMatchObject({ ENGINE: 'InnoDB', SUPPORT: 'DEFAULT' });
    for (const n of ['VIEWS', 'ROUTINES', 'TRIGGERS', 'REFERENTIAL_CONSTRAINTS', 'PROCESSLIST']) expect(asObjects(n)).toEqual([]);
    const rs = informationSchemaTable('processlist', {
      catalog: catalog(),
      processlist: [{ id: 1, user: 'root', host: 'h', db: null, command: 'Sleep', time: 3, state: null, info: null }],
    })!;
    expect(rs.rows).toEqual([[1, 'root', 'h', null, 'Sleep', 3, null, null]]);
  });

  it('has the tables dump tools read, with MySQL 8 columns; PARTITIONS has a row per table as MySQL has for unpartitioned ones', () => {
    const names = (t: string): string[] => informationSchemaColumns(t)!.map((c) => c.name);
    expect(names('FILES')).toHaveLength(38);
    expect(names('FILES').slice(0, 10)).toEqual([
      'FILE_ID', 'FILE_NAME', 'FILE_TYPE', 'TABLESPACE_NAME', 'TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'LOGFILE_GROUP_NAME', 'LOGFILE_GROUP_NUMBER', 'ENGINE',
    ]);
    expect(names('FILES').slice(-3)).toEqual(['CHECKSUM', 'STATUS', 'EXTRA']);
    expect(names('CHECK_CONSTRAINTS')).toEqual(['CONSTRAINT_CATALOG', 'CONSTRAINT_SCHEMA', 'CONSTRAINT_NAME', 'CHECK_CLAUSE']);
    expect(names('EVENTS')).toHaveLength(24);
    expect(names('EVENTS').slice(0, 3)).toEqual(['EVENT_CATALOG', 'EVENT_SCHEMA', 'EVENT_NAME']);
    expect(names('PARAMETERS')).toHaveLength(16);
    expect(names('COLUMN_STATISTICS')).toEqual(['SCHEMA_NAME', 'TABLE_NAME', 'COLUMN_NAME', 'HISTOGRAM']);
    expect(names('PARTITIONS')).toHaveLength(25);
    for (const n of ['FILES', 'EVENTS', 'CHECK_CONSTRAINTS', 'PARAMETERS', 'COLUMN_STATISTICS']) expect(asObjects(n)).toEqual([]);
    expect(asObjects('PARTITIONS')).toEqual([
      expect.objectContaining({ TABLE_SCHEMA: 'shop', TABLE_NAME: 'items', PARTITION_NAME: null, PARTITION_METHOD: null, TABLE_ROWS: 42, TABLESPACE_NAME: null }),
    ]);
    // information_schema lists its own new tables too.
    expect(asObjects('TABLES').filter((r) => r.TABLE_SCHEMA === 'information_schema').map((r) => r.TABLE_NAME)).toEqual(
      expect.arrayContaining(['FILES', 'EVENTS', 'CHECK_CONSTRAINTS', 'PARAMETERS', 'COLUMN_STATISTICS', 'PARTITIONS']),
    );
  });
});
