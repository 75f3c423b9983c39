/**
 * A SqlType as MySQL writes a column type (SHOW COLUMNS' Type): what a view's columns show, whose
 * types come from expressions and have no declared text.
 */
import { assertNever } from './assert.js';
import type { SqlType } from './types.js';

const INT_NAMES = { 1: 'tinyint', 2: 'smallint', 3: 'mediumint', 4: 'int', 8: 'bigint' } as const;
const BLOB_NAMES = { tinytext: 'tinyblob', text: 'blob', mediumtext: 'mediumblob', longtext: 'longblob' } as const;

export function sqlTypeText(t: SqlType): string {
  switch (t.kind) {
    case 'int':
      return `${INT_NAMES[t.bytes]}${t.display !== undefined ? `(${t.display})` : ''}${t.unsigned ? ' unsigned' : ''}`;
    case 'decimal':
      return `decimal(${t.precision},${t.scale})${t.unsigned ? ' unsigned' : ''}`;
    case 'float':
      return 'float';
    case 'double':
      return 'double';
    case 'string':
      if (t.family === 'char') return `${t.binary ? 'binary' : 'char'}(${t.length})`;
      if (t.family === 'varchar') return `${t.binary ? 'varbinary' : 'varchar'}(${t.length})`;
      return t.binary ? BLOB_NAMES[t.family] : t.family;
    case 'date':
      return 'date';
    case 'datetime':
    case 'timestamp':
    case 'time':
      return t.fsp > 0 ? `${t.kind}(${t.fsp})` : t.kind;
    case 'year':
      return 'year';
    case 'json':
      return 'json';
    case 'enum':
      return `enum(${t.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')})`;
    case 'null':
      // MySQL gives a bare NULL column of a view the type binary(0).
      return 'binary(0)';
    default:
      return assertNever(t, 'type');
  }
}
