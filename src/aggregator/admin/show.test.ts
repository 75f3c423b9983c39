import { describe, expect, it } from 'vitest';
import { parseOne } from '../../sql/index.js';
import type { DatabaseDef, IndexDef, TableDef } from '../../cluster/catalog.js';
import { Catalog } from '../../cluster/catalog.js';
import { buildTableDef, type CreateTable } from '../ddl/table-def.js';
import {
  columnKeys,
  createTableSql,
  likeMatch,
  showCharset,
  showCollation,
  showColumns,
  showCreateDatabase,
  showCreateTable,
  showDatabases,
  showIndex,
  showProcesslist,
  showStatus,
  showTables,
  showTableStatus,
  showVariables,
  showWarnings,
  TESSERA_CLAUSE_VERSION,
} from './show.js';
import { MYSQL_COMMENT_VERSION, runsVersionComment } from '../../sql/lexer.js';
import { SERVER_VERSION } from './variables.js';

function table(sql: string, db = 'sbtest'): TableDef {
  const s = parseOne(sql).statement as CreateTable;
  return buildTableDef(s, { db, id: 1, now: '2024-05-06T07:08:09.000Z' }).def;
}

const SBTEST =
  "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */";

/** sysbench's table after its CREATE INDEX k_1 ON sbtest1(k). */
function sbtest(): TableDef {
  const t = table(SBTEST);
  const k: IndexDef = { name: 'k_1', columns: [1], unique: false, primary: false, using: 'BTREE' };
  return { ...t, indexes: [...t.indexes, k] };
}

function dbOf(...tables: TableDef[]): DatabaseDef {
  return {
    name: 'sbtest',
    partitions: 8,
    charset: 'utf8mb4',
    collation: 'utf8mb4_general_ci',
    tables: new Map(tables.map((t) => [t.name.toLowerCase(), t])),
    views: new Map(),
  };
}

describe('likeMatch', () => {
  it.each([
    ['%', '', true],
    ['a%', 'ABC', true],
    ['%b%', 'abc', true],
    ['a_c', 'abc', true],
    ['a_c', 'abbc', false],
    ['%c', 'abcd', false],
    ['char%set%', 'character_set_client', true],
    ['a\\_b', 'a_b', true],
    ['a\\_b', 'axb', false],
    ['%%x', 'yyx', true],
    ['max_allowed_packet', 'max_allowed_packet', true],
  ])('%s ~ %s = %s', (p, t, r) => expect(likeMatch(p, t)).toBe(r));
});

describe('version comments of SHOW CREATE TABLE', () => {
  it("prints Tessera's clauses in a version Tessera runs and MySQL 8 / MariaDB skip; the lexer's MySQL version is the server's", () => {
    expect(runsVersionComment(TESSERA_CLAUSE_VERSION)).toBe(true);
    expect(TESSERA_CLAUSE_VERSION).toBeGreaterThan(MYSQL_COMMENT_VERSION);
    // MariaDB numbers itself 10xxxx and up (it skips 90621). MySQL 9.x numbers itself 90000 and up,
    // the range SingleStore took too: a MySQL from 9.6.21 on would run these clauses (and reject them).
    expect(TESSERA_CLAUSE_VERSION).toBeLessThan(100000);
    const [major, minor, patch] = SERVER_VERSION.split('-')[0]!.split('.').map(Number);
    expect(major! * 10000 + minor! * 100 + patch!).toBe(MYSQL_COMMENT_VERSION);
  });
});

describe('SHOW CREATE TABLE', () => {
  it("prints sysbench's table as MySQL 8 does", () => {
    expect(createTableSql(sbtest(), 10001n)).toBe(
      [
        'CREATE TABLE `sbtest1` (',
        '  `id` int NOT NULL AUTO_INCREMENT,',
        "  `k` int NOT NULL DEFAULT '0',",
        "  `c` char(120) NOT NULL DEFAULT '',",
        "  `pad` char(60) NOT NULL DEFAULT '',",
        '  PRIMARY KEY (`id`),',
        '  KEY `k_1` (`k`)',
        ') ENGINE=InnoDB AUTO_INCREMENT=10001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci',
      ].join('\n'),
    );
    const rs = showCreateTable(sbtest());
    expect(rs.columns.map((c) => c.name)).toEqual(['Table', 'Create Table']);
    expect(rs.rows[0]![0]).toBe('sbtest1');
    expect(String(rs.rows[0]![1])).not.toContain('AUTO_INCREMENT=');
  });

  it('prints defaults, NULL, timestamps, comments and unique keys', () => {
    const t = table(
      "CREATE TABLE `order's` (id bigint unsigned NOT NULL AUTO_INCREMENT, amount decimal(12,2) NOT NULL DEFAULT 0, note text, " +
        "state enum('new','done') DEFAULT 'new' COMMENT 'it''s', created timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
        'updated timestamp(6) NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP(6), flag bool, nm varchar(64), ' +
        "PRIMARY KEY (id), UNIQUE KEY uq (nm, id), KEY (amount) USING HASH) ENGINE=InnoDB COMMENT='orders'",
    );
    expect(createTableSql(t)).toBe(
      [
        'CREATE TABLE `order\'s` (',
        '  `id` bigint unsigned NOT NULL AUTO_INCREMENT,',
        "  `amount` decimal(12,2) NOT NULL DEFAULT '0.00',",
        '  `note` text,',
        "  `state` enum('new','done') DEFAULT 'new' COMMENT 'it''s',",
        '  `created` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,',
        '  `updated` timestamp(6) NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP(6),',
        '  `flag` tinyint(1) DEFAULT NULL,',
        '  `nm` varchar(64) DEFAULT NULL,',
        '  PRIMARY KEY (`id`),',
        '  UNIQUE KEY `uq` (`nm`,`id`),',
        '  KEY `amount` (`amount`) USING HASH',
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='orders'",
      ].join('\n'),
    );
  });

  it("prints Tessera's clauses in version comments MySQL skips, each with its own comma", () => {
    const sharded = table('CREATE TABLE t (a int, b int, PRIMARY KEY (a, b), SHARD KEY (b))');
    expect(createTableSql(sharded)).toContain('  PRIMARY KEY (`a`,`b`)\n  /*!90621 , SHARD KEY (`b`) */\n)');
    const col = table('CREATE TABLE t (a int, ts datetime, SORT KEY (ts), SHARD KEY (a))');
    expect(createTableSql(col)).toContain('  `ts` datetime DEFAULT NULL\n  /*!90621 , SHARD KEY (`a`) */\n  /*!90621 , SORT KEY (`ts`) */\n)');
    const ref = table('CREATE REFERENCE TABLE r (a int primary key) DEFAULT CHARSET=latin1');
    expect(createTableSql(ref)).toBe('CREATE /*!90621 REFERENCE */ TABLE `r` (\n  `a` int NOT NULL,\n  PRIMARY KEY (`a`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1');
    // A written shard key prints even where the keys would choose the same one, and SHARD KEY () too.
    expect(createTableSql(table('CREATE TABLE t (a int primary key, SHARD KEY (a))'))).toContain('/*!90621 , SHARD KEY (`a`) */');
    expect(createTableSql(table('CREATE TABLE t (a int, SHARD KEY ())'))).toContain('  `a` int DEFAULT NULL\n  /*!90621 , SHARD KEY () */\n)');
  });

  it('leaves out a shard key the keys chose: restoring the text chooses it again', () => {
    expect(createTableSql(table('CREATE TABLE t (a int primary key)'))).not.toContain('SHARD KEY');
    expect(createTableSql(table('CREATE TABLE t (a int)'))).not.toContain('SHARD KEY');
    // PRIMARY KEY plus other unique keys: a typical MySQL schema, printed as MySQL prints it.
    const users = table('CREATE TABLE u (id int AUTO_INCREMENT PRIMARY KEY, email varchar(64) NOT NULL, UNIQUE KEY (email))');
    expect(users.singlePartition).toBe(true);
    expect(createTableSql(users)).not.toMatch(/SHARD|\/\*/);
    const tenant = table('CREATE TABLE u (t int, id int, e varchar(9), PRIMARY KEY (t, id), UNIQUE KEY (t, e))');
    expect(tenant.shardKey).toEqual([0]);
    expect(createTableSql(tenant)).not.toContain('SHARD');
  });

  it('round-trips: the printed text builds the same table again', () => {
    for (const sql of [
      'CREATE TABLE t (a int, b int, PRIMARY KEY (a, b), SHARD KEY (b))',
      'CREATE TABLE t (a int, ts datetime, SORT KEY (ts), SHARD KEY (a))',
      'CREATE REFERENCE TABLE t (a int primary key)',
      'CREATE TABLE t (a int, SHARD KEY ())',
      'CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, email varchar(64) NOT NULL, UNIQUE KEY (email), KEY (email, id))',
      'CREATE TABLE t (t int, id int, e varchar(9), PRIMARY KEY (t, id), UNIQUE KEY (t, e))',
    ]) {
      const first = table(sql);
      const again = table(createTableSql(first));
      expect(createTableSql(again), sql).toBe(createTableSql(first));
      const { createdAt: _a, ...a } = first;
      const { createdAt: _b, ...b } = again;
      expect(b, sql).toEqual(a);
    }
  });

  it('SHOW CREATE DATABASE', () => {
    expect(showCreateDatabase(dbOf()).rows).toEqual([
      [
        'sbtest',
        "CREATE DATABASE `sbtest` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
      ],
    ]);
  });
});

describe('SHOW COLUMNS / DESCRIBE', () => {
  it('describes sysbench', () => {
    const rs = showColumns(sbtest());
    expect(rs.columns.map((c) => c.name)).toEqual(['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']);
    expect(rs.rows).toEqual([
      ['id', 'int', 'NO', 'PRI', null, 'auto_increment'],
      ['k', 'int', 'NO', 'MUL', '0', ''],
      ['c', 'char(120)', 'NO', '', '', ''],
      ['pad', 'char(60)', 'NO', '', '', ''],
    ]);
  });

  it('FULL adds Collation, Privileges and Comment; LIKE filters', () => {
    const t = table("CREATE TABLE t (a int primary key, s varchar(5) comment 'c', ts datetime default now() on update now())");
    const rs = showColumns(t, { full: true, like: '%s' });
    expect(rs.columns.map((c) => c.name)).toEqual(['Field', 'Type', 'Collation', 'Null', 'Key', 'Default', 'Extra', 'Privileges', 'Comment']);
    expect(rs.rows).toEqual([
      ['s', 'varchar(5)', 'utf8mb4_general_ci', 'YES', '', null, '', 'select,insert,update,references', 'c'],
      ['ts', 'datetime', null, 'YES', '', 'CURRENT_TIMESTAMP', 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP', 'select,insert,update,references', ''],
    ]);
  });

  it('derives Key as MySQL does', () => {
    const t = table('CREATE REFERENCE TABLE t (a int NOT NULL, b int, c int, d int, UNIQUE (a), UNIQUE (b), UNIQUE (c, d), KEY (d))');
    // No PRIMARY KEY: the NOT NULL unique key on a is promoted (PRI).
    expect(columnKeys(t)).toEqual(['PRI', 'UNI', 'MUL', 'MUL']);
  });
});

describe('other SHOW builders', () => {
  it('SHOW DATABASES includes information_schema and filters with LIKE', () => {
    const cat = new Catalog();
    cat.createDatabase('sbtest', { partitions: 8 });
    cat.createDatabase('App', { partitions: 8 });
    expect(showDatabases(cat).rows).toEqual([['App'], ['information_schema'], ['sbtest']]);
    const rs = showDatabases(cat, 'sb%');
    expect(rs.columns[0]!.name).toBe('Database (sb%)');
    expect(rs.rows).toEqual([['sbtest']]);
  });

  it('SHOW [FULL] TABLES', () => {
    const db = dbOf(sbtest(), table('CREATE TABLE abc (a int)'));
    expect(showTables(db).columns.map((c) => c.name)).toEqual(['Tables_in_sbtest']);
    expect(showTables(db).rows).toEqual([['abc'], ['sbtest1']]);
    const full = showTables(db, { full: true, like: 'sb%' });
    expect(full.columns.map((c) => c.name)).toEqual(['Tables_in_sbtest (sb%)', 'Table_type']);
    expect(full.rows).toEqual([['sbtest1', 'BASE TABLE']]);
  });

  it('SHOW INDEX', () => {
    const rs = showIndex(sbtest(), { rowCount: 10 });
    expect(rs.columns.map((c) => c.name)).toEqual([
      'Table', 'Non_unique', 'Key_name', 'Seq_in_index', 'Column_name', 'Collation', 'Cardinality', 'Sub_part', 'Packed', 'Null',
      'Index_type', 'Comment', 'Index_comment', 'Visible', 'Expression',
    ]);
    expect(rs.rows).toEqual([
      ['sbtest1', 0, 'PRIMARY', 1, 'id', 'A', 10, null, null, '', 'BTREE', '', '', 'YES', null],
      ['sbtest1', 1, 'k_1', 1, 'k', 'A', 10, null, null, '', 'BTREE', '', '', 'YES', null],
    ]);
  });

  it('SHOW TABLE STATUS', () => {
    const rs = showTableStatus(dbOf(sbtest()), { rowCount: () => 5, nextAutoIncrement: () => 6n });
    expect(rs.columns.map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Engine', 'Version', 'Row_format', 'Rows']);
    const row = rs.rows[0]!;
    expect(row[0]).toBe('sbtest1');
    expect(row[4]).toBe(5);
    expect(row[10]).toBe(6);
    expect(row[11]).toBe('2024-05-06 07:08:09');
    expect(row[14]).toBe('utf8mb4_general_ci');
  });

  it('SHOW VARIABLES / STATUS sort and filter', () => {
    expect(showVariables([['b', '2'], ['a', '1']]).rows).toEqual([['a', '1'], ['b', '2']]);
    expect(showStatus({ Uptime: 5, Questions: 10n, Com_select: 1 }, '%u%').rows).toEqual([['Questions', '10'], ['Uptime', '5']]);
  });

  it('SHOW WARNINGS / ERRORS', () => {
    const list = [
      { level: 'Warning' as const, code: 1292, message: 'w' },
      { level: 'Error' as const, code: 1064, message: 'e' },
    ];
    expect(showWarnings(list).columns.map((c) => c.name)).toEqual(['Level', 'Code', 'Message']);
    expect(showWarnings(list).rows).toHaveLength(2);
    expect(showWarnings(list, { errorsOnly: true }).rows).toEqual([['Error', 1064, 'e']]);
    expect(showWarnings(list, { count: 1 }).rows).toEqual([['Warning', 1292, 'w']]);
  });

  it('SHOW PROCESSLIST truncates Info unless FULL', () => {
    const p = { id: 3, user: 'root', host: '127.0.0.1:5000', db: null, command: 'Query', time: 0, state: 'executing', info: 'x'.repeat(150) };
    const rs = showProcesslist([p]);
    expect(rs.columns.map((c) => c.name)).toEqual(['Id', 'User', 'Host', 'db', 'Command', 'Time', 'State', 'Info']);
    expect(String(rs.rows[0]![7])).toHaveLength(100);
    expect(String(showProcesslist([p], true).rows[0]![7])).toHaveLength(150);
  });

  it('SHOW COLLATION / CHARACTER SET', () => {
    const rs = showCollation('utf8mb4%');
    expect(rs.columns.map((c) => c.name)).toEqual(['Collation', 'Charset', 'Id', 'Default', 'Compiled', 'Sortlen', 'Pad_attribute']);
    expect(rs.rows.find((r) => r[0] === 'utf8mb4_general_ci')).toEqual(['utf8mb4_general_ci', 'utf8mb4', 45, 'Yes', 'Yes', 1, 'PAD SPACE']);
    expect(rs.rows.map((r) => r[2]).sort()).toEqual([224, 255, 45, 46].sort());
    expect(showCharset('utf8mb4').rows).toEqual([['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_general_ci', 4]]);
  });
});
