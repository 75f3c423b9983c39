// Drives the real `mariadb` command-line client: a piped SQL script mirroring the README tour
// (batch mode), `-e` batch queries, and an interactive session (through a pseudo-terminal via
// `script`) whose `USE db` sends COM_FIELD_LIST for each table.
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun, installed } from '../harness/installed.js';
import { mariadbLoginArgs } from '../harness/mariadb-client.js';
import { runTool, type ToolRun } from '../harness/run-tool.js';
import { parseTarget, startTargetOrTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

const RUN_TIMEOUT_MS = 30_000;

const haveClient = canRun(import.meta.url, 'every case', 'mariadb');
const haveScript = canRun(import.meta.url, 'the interactive session', 'script');

/** A client run that ends (or is killed) before the test's own timeout. */
function run(bin: string, args: string[], input: string): Promise<ToolRun> {
  return runTool(bin, args, { input, timeoutMs: RUN_TIMEOUT_MS });
}

const TOUR = `DROP DATABASE IF EXISTS it_cli_tour;
CREATE DATABASE it_cli_tour;
USE it_cli_tour;
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, city VARCHAR(30));
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, KEY idx_customer (customer_id));
INSERT INTO customers VALUES (1, 'Ada', 'London'), (2, 'Grace', 'New York'), (3, 'Linus', NULL);
INSERT INTO orders (customer_id, amount) VALUES (1, 10.50), (1, 20.00), (2, 99.99), (3, 5.25), (3, 4.75);
SELECT c.name, COUNT(*) AS orders, SUM(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY total DESC;
SELECT city, name FROM customers ORDER BY id;
UPDATE orders SET amount = amount * 2 WHERE customer_id = 3;
DELETE FROM orders WHERE amount > 50;
SELECT customer_id, SUM(amount) AS total FROM orders GROUP BY customer_id ORDER BY customer_id;
SHOW TABLES;
DESCRIBE orders;
SELECT 'it''s', 'tab\\there', '' AS empty_string;
DROP DATABASE it_cli_tour;
`;

// Batch mode: tab-separated, a header line per result set, NULL printed as NULL, tabs escaped.
const TOUR_OUTPUT = `name\torders\ttotal
Grace\t1\t99.99
Ada\t2\t30.50
Linus\t2\t10.00
city\tname
London\tAda
New York\tGrace
NULL\tLinus
customer_id\ttotal
1\t30.50
3\t20.00
Tables_in_it_cli_tour
customers
orders
Field\tType\tNull\tKey\tDefault\tExtra
id\tint(11)\tNO\tPRI\tNULL\tauto_increment
customer_id\tint(11)\tNO\tMUL\tNULL\t
amount\tdecimal(10,2)\tNO\t\tNULL\t
it's\ttab\there\tempty_string
it's\ttab\\there\t
`;

describe.skipIf(!haveClient)('mariadb command-line client', () => {
  let server: TesseraServer | undefined;
  let target: TargetAddress;
  let connArgs: string[];

  beforeAll(async () => {
    expect(installed('mariadb'), 'mariadb client missing (required in CI)').toBe(true);
    server = await startTargetOrTessera();
    target = parseTarget(server.url);
    connArgs = mariadbLoginArgs(target);
    const admin = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
    try {
      await admin.query('DROP DATABASE IF EXISTS it_cli');
      await admin.query('CREATE DATABASE it_cli');
      await admin.query('CREATE TABLE it_cli.t1 (id INT PRIMARY KEY, name VARCHAR(10))');
      await admin.query('CREATE TABLE it_cli.t2 (k INT, v TEXT)');
      await admin.query("INSERT INTO it_cli.t1 VALUES (1, 'one'), (2, 'two')");
    } finally {
      await admin.end();
    }
  });

  afterAll(async () => {
    try {
      const admin = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
      await admin.query('DROP DATABASE IF EXISTS it_cli');
      await admin.query('DROP DATABASE IF EXISTS it_cli_tour');
      await admin.end();
    } catch {
      // server gone
    }
    await server?.stop();
  });

  it('runs the README tour piped on stdin', async () => {
    const r = await run('mariadb', connArgs, TOUR);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // MariaDB prints integer display widths (int(11)); MySQL 8 and Tessera print plain `int`.
    const noWidths = (s: string): string => s.replace(/\bint\(11\)/g, 'int');
    expect(noWidths(r.stdout)).toBe(noWidths(TOUR_OUTPUT));
  });

  it("runs README.md's tour verbatim, without an error", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /## A short tour[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README.md has a "## A short tour" section with a ```sql block').not.toBeNull();
    // Its own database name, so a shared target keeps any real `shop`.
    const tour = block![1]!.replace(/\bshop\b/g, 'it_readme_shop');
    const script = `DROP DATABASE IF EXISTS it_readme_shop;\n${tour}\nDROP DATABASE it_readme_shop;\n`;
    const r = await run('mariadb', connArgs, script);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The join of the tour (its first result) answers with the three customers, Grace first.
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['name\torders\ttotal', 'Grace\t1\t99.99']);
  });

  it('answers -e in batch mode', async () => {
    const r = await run('mariadb', [...connArgs, '-e', 'select @@version_comment'], '');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('@@version_comment');
    expect(lines.length).toBe(2);
    const t = await run('mariadb', [...connArgs, '-N', '-e', 'SELECT 1 + 1, NULL, DATABASE()'], '');
    expect(t.stdout).toBe('2\tNULL\tNULL\n');
    const bad = await run('mariadb', [...connArgs, '-e', 'SELEC 1'], '');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ERROR 1064 \(42000\)( at line 1)?: .*near 'SELEC 1' at line 1/);
  });

  it('connects straight into a database with -D', async () => {
    const r = await run('mariadb', [...connArgs, '-D', 'it_cli', '-e', 'SELECT name FROM t1 ORDER BY id'], '');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('name\none\ntwo\n');
  });

  it.skipIf(!haveScript)('interactive USE db reads table information (COM_FIELD_LIST) and keeps working', async () => {
    const cmd = ['mariadb', ...connArgs].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const input = 'USE it_cli\nSELECT COUNT(*) AS n FROM t1;\nSELECT DATABASE();\nquit\n';
    const r = await run('script', ['-qec', cmd, '/dev/null'], input);
    const out = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\([A-Z]/g, '').replace(/\r/g, '');
    expect(r.code, out + r.stderr).toBe(0);
    expect(out).toContain('Reading table information for completion of table and column names');
    expect(out).toContain('Database changed');
    expect(out).toMatch(/\|\s+n\s+\|\n\+-+\+\n\|\s+2\s+\|/);
    expect(out).toMatch(/\|\s+DATABASE\(\)\s+\|\n\+-+\+\n\|\s+it_cli\s+\|/);
    expect(out).not.toMatch(/ERROR \d+/);
  });
});
