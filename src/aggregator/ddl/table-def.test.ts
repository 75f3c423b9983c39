import { describe, expect, it } from 'vitest';
import { parseOne } from '../../sql/index.js';
import type { TypeName } from '../../sql/ast.js';
import { SqlError } from '../../common/errors.js';
import { Decimal } from '../../common/decimal.js';
import { buildTableDef, tableDefLike, typeFromTypeName, type CreateTable } from './table-def.js';

const ctx = { db: 'test', id: 7, now: '2024-01-02 03:04:05' };

function create(sql: string): CreateTable {
  const s = parseOne(sql).statement;
  if (s.kind !== 'createTable') throw new Error('not a CREATE TABLE: ' + sql);
  return s;
}

function build(sql: string) {
  return buildTableDef(create(sql), ctx);
}

function errno(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e.errno;
    throw e;
  }
  throw new Error('expected an error');
}

function tn(name: string, args: number[] = [], extra: Partial<TypeName> = {}): TypeName {
  return { name, args, unsigned: false, zerofill: false, ...extra };
}

describe('typeFromTypeName', () => {
  const cases: [TypeName, string, unknown][] = [
    [tn('TINYINT'), 'tinyint', { kind: 'int', bytes: 1, unsigned: false }],
    [tn('TINYINT', [1]), 'tinyint(1)', { kind: 'int', bytes: 1, unsigned: false, display: 1 }],
    [tn('SMALLINT', [6]), 'smallint', { kind: 'int', bytes: 2, unsigned: false }],
    [tn('MEDIUMINT', [], { unsigned: true }), 'mediumint unsigned', { kind: 'int', bytes: 3, unsigned: true }],
    [tn('INT', [11]), 'int', { kind: 'int', bytes: 4, unsigned: false }],
    [tn('INTEGER'), 'int', { kind: 'int', bytes: 4, unsigned: false }],
    [tn('BIGINT', [], { unsigned: true }), 'bigint unsigned', { kind: 'int', bytes: 8, unsigned: true }],
    [tn('INT', [], { zerofill: true }), 'int(10) unsigned zerofill', { kind: 'int', bytes: 4, unsigned: true, display: 10 }],
    [tn('INT', [5], { zerofill: true }), 'int(5) unsigned zerofill', { kind: 'int', bytes: 4, unsigned: true, display: 5 }],
    [tn('BOOL'), 'tinyint(1)', { kind: 'int', bytes: 1, unsigned: false, display: 1 }],
    [tn('BOOLEAN'), 'tinyint(1)', { kind: 'int', bytes: 1, unsigned: false, display: 1 }],
    [tn('SERIAL'), 'bigint unsigned', { kind: 'int', bytes: 8, unsigned: true }],
    [tn('DECIMAL'), 'decimal(10,0)', { kind: 'decimal', precision: 10, scale: 0 }],
    [tn('DECIMAL', [12, 2]), 'decimal(12,2)', { kind: 'decimal', precision: 12, scale: 2 }],
    [tn('NUMERIC', [7]), 'decimal(7,0)', { kind: 'decimal', precision: 7, scale: 0 }],
    [tn('DEC', [5, 5]), 'decimal(5,5)', { kind: 'decimal', precision: 5, scale: 5 }],
    [tn('FIXED', [6, 1], { unsigned: true }), 'decimal(6,1) unsigned', { kind: 'decimal', precision: 6, scale: 1, unsigned: true }],
    [tn('FLOAT'), 'float', { kind: 'float' }],
    [tn('FLOAT', [24]), 'float', { kind: 'float' }],
    [tn('FLOAT', [25]), 'double', { kind: 'double' }],
    [tn('FLOAT', [7, 4]), 'float(7,4)', { kind: 'float' }],
    [tn('DOUBLE'), 'double', { kind: 'double' }],
    [tn('REAL'), 'double', { kind: 'double' }],
    [tn('DOUBLE', [], { unsigned: true }), 'double unsigned', { kind: 'double' }],
    [tn('CHAR'), 'char(1)', { kind: 'string', family: 'char', length: 1, binary: false }],
    [tn('CHAR', [120]), 'char(120)', { kind: 'string', family: 'char', length: 120, binary: false }],
    [tn('VARCHAR', [64]), 'varchar(64)', { kind: 'string', family: 'varchar', length: 64, binary: false }],
    [tn('BINARY', [16]), 'binary(16)', { kind: 'string', family: 'char', length: 16, binary: true }],
    [tn('VARBINARY', [300]), 'varbinary(300)', { kind: 'string', family: 'varchar', length: 300, binary: true }],
    [tn('TINYTEXT'), 'tinytext', { kind: 'string', family: 'tinytext', length: 255, binary: false }],
    [tn('TEXT'), 'text', { kind: 'string', family: 'text', length: 65535, binary: false }],
    [tn('TEXT', [100]), 'text', { kind: 'string', family: 'text', length: 65535, binary: false }],
    [tn('TEXT', [50]), 'tinytext', { kind: 'string', family: 'tinytext', length: 255, binary: false }],
    [tn('MEDIUMTEXT'), 'mediumtext', { kind: 'string', family: 'mediumtext', length: 16777215, binary: false }],
    [tn('LONGTEXT'), 'longtext', { kind: 'string', family: 'longtext', length: 4294967295, binary: false }],
    [tn('TINYBLOB'), 'tinyblob', { kind: 'string', family: 'tinytext', length: 255, binary: true }],
    [tn('BLOB'), 'blob', { kind: 'string', family: 'text', length: 65535, binary: true }],
    [tn('MEDIUMBLOB'), 'mediumblob', { kind: 'string', family: 'mediumtext', length: 16777215, binary: true }],
    [tn('LONGBLOB'), 'longblob', { kind: 'string', family: 'longtext', length: 4294967295, binary: true }],
    [tn('DATE'), 'date', { kind: 'date' }],
    [tn('DATETIME'), 'datetime', { kind: 'datetime', fsp: 0 }],
    [tn('DATETIME', [6]), 'datetime(6)', { kind: 'datetime', fsp: 6 }],
    [tn('TIMESTAMP', [3]), 'timestamp(3)', { kind: 'timestamp', fsp: 3 }],
    [tn('TIME'), 'time', { kind: 'time', fsp: 0 }],
    [tn('YEAR'), 'year', { kind: 'year' }],
    [tn('JSON'), 'json', { kind: 'json' }],
    [tn('ENUM', [], { values: ['a', "b'c"] }), "enum('a','b''c')", { kind: 'enum', values: ['a', "b'c"] }],
  ];
  it.each(cases)('%o → %s', (t, text, type) => {
    const r = typeFromTypeName(t, 'c');
    expect(r.typeText).toBe(text);
    expect(r.type).toEqual(type);
  });

  it('rejects what MySQL rejects', () => {
    expect(errno(() => typeFromTypeName(tn('DECIMAL', [70, 2]), 'c'))).toBe(1426);
    expect(() => typeFromTypeName(tn('DECIMAL', [70, 2]), 'c')).toThrow("Too-big precision 70 specified for 'c'. Maximum is 65.");
    expect(errno(() => typeFromTypeName(tn('DECIMAL', [40, 31]), 'c'))).toBe(1425);
    expect(errno(() => typeFromTypeName(tn('DECIMAL', [5, 6]), 'c'))).toBe(1427);
    expect(() => typeFromTypeName(tn('DECIMAL', [5, 6]), 'c')).toThrow(
      "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column 'c').",
    );
    expect(errno(() => typeFromTypeName(tn('FLOAT', [5, 6]), 'c'))).toBe(1427);
    expect(errno(() => typeFromTypeName(tn('CHAR', [256]), 'c'))).toBe(1074);
    expect(() => typeFromTypeName(tn('CHAR', [256]), 'c')).toThrow("Column length too big for column 'c' (max = 255); use BLOB or TEXT instead");
    expect(() => typeFromTypeName(tn('VARCHAR', [16384]), 'c')).toThrow('(max = 16383)');
    expect(errno(() => typeFromTypeName(tn('VARCHAR', []), 'c'))).toBe(1064);
    expect(errno(() => typeFromTypeName(tn('DATETIME', [7]), 'c'))).toBe(1426);
    expect(errno(() => typeFromTypeName(tn('FLOAT', [54]), 'c'))).toBe(1063);
    expect(errno(() => typeFromTypeName(tn('SET', [], { values: ['a'] }), 'c'))).toBe(1235);
    expect(errno(() => typeFromTypeName(tn('BIT', [8]), 'c'))).toBe(1235);
    expect(errno(() => typeFromTypeName(tn('ENUM', [], { values: ['a', 'A'] }), 'c'))).toBe(1291);
  });
});

describe('buildTableDef', () => {
  it("builds sysbench's table", () => {
    const { def, autoIncrementStart } = build(
      "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */",
    );
    expect(autoIncrementStart).toBe(1n);
    expect(def).toMatchObject({
      id: 7,
      db: 'test',
      name: 'sbtest1',
      shardKey: [0],
      sortKey: [],
      reference: false,
      storage: 'rowstore',
      engine: 'InnoDB',
      collation: 'utf8mb4_general_ci',
      comment: '',
      createdAt: '2024-01-02 03:04:05',
    });
    expect(def.columns.map((c) => [c.name, c.typeText, c.nullable, c.autoIncrement])).toEqual([
      ['id', 'int', false, true],
      ['k', 'int', false, false],
      ['c', 'char(120)', false, false],
      ['pad', 'char(60)', false, false],
    ]);
    expect(def.columns[0]!.default).toEqual({ kind: 'none' });
    expect(def.columns[1]!.default).toEqual({ kind: 'value', value: 0 });
    expect(def.columns[2]!.default).toEqual({ kind: 'value', value: '' });
    expect(def.indexes).toEqual([{ name: 'PRIMARY', columns: [0], unique: true, primary: true, using: 'BTREE' }]);
  });

  it('keeps defaults, ON UPDATE, comments and table options', () => {
    const { def, autoIncrementStart } = build(
      "CREATE TABLE t (a int, ts timestamp(3) NULL default current_timestamp(3) on update now(3), d decimal(5,2) default -1.5 comment 'money', " +
        "e int default (a+1), f datetime default '2020-01-02 3:4:5', g varchar(10) NOT NULL, h enum('x','y') default 'Y', y year default '99', " +
        "b varbinary(4) default 'ab', fl float default 1.5) engine=memory default charset=latin1 comment='hi' auto_increment=5",
    );
    expect(autoIncrementStart).toBe(5n);
    expect(def.engine).toBe('MEMORY');
    expect(def.collation).toBe('latin1_swedish_ci');
    expect(def.comment).toBe('hi');
    const c = Object.fromEntries(def.columns.map((x) => [x.name, x]));
    expect(c.a!.default).toEqual({ kind: 'value', value: null });
    expect(c.a!.nullable).toBe(true);
    expect(c.ts!.default).toEqual({ kind: 'now', fsp: 3 });
    expect(c.ts!.onUpdateNow).toBe(true);
    expect(c.d!.default).toEqual({ kind: 'value', value: new Decimal(-150n, 2) });
    expect(c.d!.comment).toBe('money');
    expect(c.e!.default).toEqual({ kind: 'expr', sql: 'a + 1' });
    expect(c.f!.default).toEqual({ kind: 'value', value: '2020-01-02 03:04:05' });
    expect(c.g!.default).toEqual({ kind: 'none' });
    expect(c.h!.default).toEqual({ kind: 'value', value: 'y' });
    expect(c.y!.default).toEqual({ kind: 'value', value: 1999 });
    expect(c.b!.default).toEqual({ kind: 'value', value: new Uint8Array([0x61, 0x62]) });
    expect(c.fl!.default).toEqual({ kind: 'value', value: 1.5 });
    // No PRIMARY KEY, no unique key: keyless.
    expect(def.shardKey).toEqual([]);
  });

  it('names keys as MySQL does and orders them PRIMARY, unique NOT NULL, unique, plain', () => {
    const { def } = build(
      // A reference table: no shard key rules get in the way of MySQL's naming.
      'CREATE REFERENCE TABLE t (a int, b int NOT NULL, c int, KEY (c), UNIQUE (a, b), KEY (a), KEY a_2x (b), UNIQUE KEY (b), PRIMARY KEY (a, b), KEY (a))',
    );
    expect(def.indexes.map((i) => [i.name, i.columns, i.unique, i.primary])).toEqual([
      ['PRIMARY', [0, 1], true, true],
      ['a', [0, 1], true, false],
      ['b', [1], true, false],
      ['c', [2], false, false],
      ['a_2', [0], false, false],
      ['a_2x', [1], false, false],
      ['a_3', [0], false, false],
    ]);
    // PRIMARY KEY makes its columns NOT NULL.
    expect(def.columns[0]!.nullable).toBe(false);
  });

  it('turns column-level PRIMARY KEY / UNIQUE and SERIAL into indexes', () => {
    const { def } = build('CREATE REFERENCE TABLE t (id serial, u varchar(10) unique, p int primary key)');
    expect(def.columns[0]).toMatchObject({ typeText: 'bigint unsigned', nullable: false, autoIncrement: true });
    expect(def.indexes.map((i) => i.name)).toEqual(['PRIMARY', 'id', 'u']);
  });

  it('reports each MySQL error', () => {
    expect(errno(() => build('CREATE TABLE t (a int primary key, b int, primary key (b))'))).toBe(1068);
    expect(errno(() => build('CREATE TABLE t (a int, b int, primary key (a), primary key (b))'))).toBe(1068);
    expect(() => build('CREATE TABLE t (a int, key (x))')).toThrow("Key column 'x' doesn't exist in table");
    expect(errno(() => build('CREATE TABLE t (a int, key (x))'))).toBe(1072);
    expect(() => build('CREATE TABLE t (a int, A int)')).toThrow("Duplicate column name 'A'");
    expect(errno(() => build('CREATE TABLE t (a int, A int)'))).toBe(1060);
    expect(() => build('CREATE TABLE t (a int, b int, key k (a), key k (b))')).toThrow("Duplicate key name 'k'");
    expect(errno(() => build('CREATE TABLE t (a int, b int, key k (a), key k (b))'))).toBe(1061);
    expect(() => build('CREATE TABLE t (a text, key (a))')).toThrow("BLOB/TEXT column 'a' used in key specification without a key length");
    expect(errno(() => build('CREATE TABLE t (a blob, key (a))'))).toBe(1170);
    expect(build('CREATE TABLE t (a text, key (a(10)))').def.indexes).toHaveLength(1);
    expect(() => build('CREATE TABLE t (a int auto_increment)')).toThrow(
      'Incorrect table definition; there can be only one auto column and it must be defined as a key',
    );
    expect(errno(() => build('CREATE TABLE t (a int auto_increment, b int, key (b, a))'))).toBe(1075);
    expect(errno(() => build('CREATE TABLE t (a int auto_increment, b int auto_increment, key (a), key(b))'))).toBe(1075);
    expect(build('CREATE TABLE t (a int auto_increment, b int, key (a, b))').def.columns[0]!.nullable).toBe(false);
    expect(errno(() => build('CREATE TABLE t (a varchar(5) auto_increment primary key)'))).toBe(1063);
    expect(() => build('CREATE TABLE t (a int NOT NULL DEFAULT NULL)')).toThrow("Invalid default value for 'a'");
    expect(errno(() => build('CREATE TABLE t (a int NOT NULL DEFAULT NULL)'))).toBe(1067);
    expect(errno(() => build("CREATE TABLE t (a int DEFAULT 'x')"))).toBe(1067);
    expect(errno(() => build('CREATE TABLE t (a tinyint DEFAULT 300)'))).toBe(1067);
    expect(errno(() => build("CREATE TABLE t (a char(2) DEFAULT 'abc')"))).toBe(1067);
    expect(errno(() => build("CREATE TABLE t (a datetime DEFAULT '0000-00-00 00:00:00')"))).toBe(1067);
    expect(errno(() => build('CREATE TABLE t (a int DEFAULT CURRENT_TIMESTAMP)'))).toBe(1067);
    expect(errno(() => build("CREATE TABLE t (a enum('x') DEFAULT 'z')"))).toBe(1067);
    expect(errno(() => build("CREATE TABLE t (a text DEFAULT 'x')"))).toBe(1101);
    expect(errno(() => build('CREATE TABLE t (a int ON UPDATE CURRENT_TIMESTAMP)'))).toBe(1294);
    expect(errno(() => build('CREATE TABLE t (a int NULL PRIMARY KEY)'))).toBe(1171);
    expect(errno(() => build('CREATE TABLE t (a decimal(66,2))'))).toBe(1426);
  });

  it('drops FOREIGN KEY and FULLTEXT but checks their columns', () => {
    const { def } = build('CREATE TABLE t (id int primary key, p int, body text, FOREIGN KEY (p) REFERENCES parent(id), FULLTEXT KEY (body))');
    expect(def.indexes.map((i) => i.name)).toEqual(['PRIMARY']);
    expect(errno(() => build('CREATE TABLE t (id int, FOREIGN KEY (nope) REFERENCES parent(id))'))).toBe(1072);
  });

  it('keeps USING HASH', () => {
    expect(build('CREATE TABLE t (a int, key (a) using hash)').def.indexes[0]!.using).toBe('HASH');
  });
});

describe('shard keys', () => {
  it('defaults to the primary key', () => {
    expect(build('CREATE TABLE t (a int, b int, primary key (b, a))').def.shardKey).toEqual([1, 0]);
  });

  it('takes an explicit SHARD KEY', () => {
    const { def } = build('CREATE TABLE t (a int, b int, primary key (a, b), shard key (b))');
    expect(def.shardKey).toEqual([1]);
  });

  it('requires unique keys to contain an explicit shard key', () => {
    const f = (): unknown => build('CREATE TABLE t (a int, b int, primary key (a), unique key u (b), shard key (a))');
    expect(errno(f)).toBe(1706);
    expect(f).toThrow(/unique key named: 'u' must contain all columns of the shard key \(`a`\)/);
    expect(f).toThrow(/enforced inside one partition/);
    expect(errno(() => build('CREATE TABLE t (a int, b int, primary key (a), shard key (b))'))).toBe(1706);
    expect(build('CREATE TABLE t (a int, b int, primary key (a, b), unique key (b, a), shard key (a))').def.shardKey).toEqual([0]);
  });

  it('keeps a table whose unique keys share no column in one partition', () => {
    const t = build('CREATE TABLE t (a int, b int, primary key (a), unique key u (b))').def;
    expect(t.shardKey).toEqual([]);
    expect(t.singlePartition).toBe(true);
    const shared = build('CREATE TABLE t (a int, b int, c int, primary key (a, b), unique key (a, c))').def;
    expect(shared.shardKey).toEqual([0]);
    expect(shared.singlePartition).toBeUndefined();
  });

  it('warns, naming the shard key, when several unique keys chose it', () => {
    const one = build('CREATE TABLE u (id int AUTO_INCREMENT PRIMARY KEY, email varchar(64) NOT NULL, UNIQUE KEY uq_email (email))');
    expect(one.shardKeyWarning).toMatch(/^Table 'u' keeps all its rows in one partition: its unique keys PRIMARY KEY \(`id`\), `uq_email` \(`email`\) share no column/);
    const shared = build('CREATE TABLE u (t int, id int, e int, PRIMARY KEY (t, id), UNIQUE KEY ue (e, t))');
    expect(shared.shardKeyWarning).toBe(
      "Table 'u' is sharded on (`t`), the columns its unique keys PRIMARY KEY (`t`,`id`), `ue` (`e`,`t`) all contain, so each unique key is enforced inside one partition",
    );
    // One unique key, a written shard key or a reference table: nothing to explain.
    expect(build('CREATE TABLE u (id int PRIMARY KEY, e int, KEY (e))').shardKeyWarning).toBeUndefined();
    expect(build('CREATE TABLE u (t int, id int, e int, PRIMARY KEY (t, id), UNIQUE KEY (e, t), SHARD KEY (t))').shardKeyWarning).toBeUndefined();
    expect(build('CREATE REFERENCE TABLE u (id int PRIMARY KEY, e int UNIQUE)').shardKeyWarning).toBeUndefined();
  });

  it('warns where a column names a character set or collation other than the table\'s (one collation per table today)', () => {
    const t = build(
      "CREATE TABLE c (a varchar(9) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, b text CHARSET latin1, c char(2) BINARY, d varchar(9) COLLATE utf8mb4_general_ci, e varbinary(9), f int, g enum('x') COLLATE utf8mb4_bin)",
    );
    expect(t.collationWarnings).toEqual([
      "This version of Tessera doesn't yet support a collation per column: column 'a' compares and sorts with the table's utf8mb4_general_ci, not utf8mb4_bin",
      "This version of Tessera doesn't yet support a collation per column: column 'b' compares and sorts with the table's utf8mb4_general_ci, not latin1_swedish_ci",
      "This version of Tessera doesn't yet support a collation per column: column 'c' compares and sorts with the table's utf8mb4_general_ci, not utf8mb4_bin",
      "This version of Tessera doesn't yet support a collation per column: column 'g' compares and sorts with the table's utf8mb4_general_ci, not utf8mb4_bin",
    ]);
    expect(build('CREATE TABLE c (a varchar(9) COLLATE utf8mb4_bin) COLLATE utf8mb4_bin').collationWarnings).toEqual([]);
  });

  it('shards a table without a primary key on its first unique key, and keyless otherwise', () => {
    expect(build('CREATE TABLE t (a int, b int, unique key (b))').def.shardKey).toEqual([1]);
    expect(build('CREATE TABLE t (a int, b int, unique key (b), unique key (a))').def.singlePartition).toBe(true);
    expect(build('CREATE TABLE t (a int, b int, key (b))').def.shardKey).toEqual([]);
    expect(errno(() => build('CREATE TABLE t (a int primary key, shard key ())'))).toBe(1706);
  });

  it('handles reference and columnstore tables', () => {
    const r = build('CREATE REFERENCE TABLE r (a int primary key, b int unique)').def;
    expect(r.reference).toBe(true);
    expect(r.shardKey).toEqual([]);
    const c = build('CREATE TABLE c (a int, b int, sort key (b))').def;
    expect(c.storage).toBe('columnstore');
    expect(c.sortKey).toEqual([1]);
    expect(build('CREATE COLUMNSTORE TABLE c (a int)').def.storage).toBe('columnstore');
  });
});

describe('tableDefLike', () => {
  it('copies under a new name', () => {
    const { def } = build('CREATE TABLE t (a int primary key)');
    const copy = tableDefLike(def, 'other', 'u', 9, 'later');
    expect(copy).toEqual({ ...def, db: 'other', name: 'u', id: 9, createdAt: 'later' });
  });
});
