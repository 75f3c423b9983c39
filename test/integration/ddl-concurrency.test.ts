// DDL against concurrent users of the same table, over real connections: ALTER TABLE waits for
// open transactions on the table (their writes survive the copy), newcomers wait for the ALTER,
// other tables stay free, and lock_wait_timeout bounds the wait with 1205. Runs against Tessera
// or any server named by TESSERA_TARGET; MariaDB behaves the same except where a test says.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { TestClients, stateAfter } from '../harness/clients.js';

let clients: TestClients;

beforeAll(async () => {
  clients = await TestClients.open('it_ddl_conc');
});

afterAll(async () => {
  await clients?.close();
});

let writer: mysql.Connection;
let ddl: mysql.Connection;
let other: mysql.Connection;

beforeEach(async () => {
  clients.disconnectAll();
  [writer, ddl, other] = [await clients.connect(), await clients.connect(), await clients.connect()];
  await writer.query('DROP TABLE IF EXISTS t');
  await writer.query('DROP TABLE IF EXISTS u');
  await writer.query('CREATE TABLE t (id INT PRIMARY KEY, v INT)');
  await writer.query('CREATE TABLE u (id INT PRIMARY KEY)');
  await writer.query('INSERT INTO t VALUES (1, 10), (2, 20)');
});

it('ALTER TABLE waits for an open transaction on the table, and its writes survive the copy', async () => {
  await writer.query('BEGIN');
  await writer.query('INSERT INTO t VALUES (3, 30)');
  await writer.query('UPDATE t SET v = 11 WHERE id = 1');
  const alter = ddl.query('ALTER TABLE t ADD COLUMN note VARCHAR(10) DEFAULT NULL');
  expect(await stateAfter(alter, 300)).toBe('pending');
  // An operator can see what the ALTER waits for.
  const [procs] = await other.query('SHOW PROCESSLIST');
  const waiting = (procs as { Info: string | null; State: string | null }[]).find((p) => p.Info?.startsWith('ALTER TABLE t'));
  expect(waiting?.State).toBe('Waiting for table metadata lock');
  // Another table is not held up by the waiting ALTER.
  await other.query('INSERT INTO u VALUES (1)');
  // A newcomer to the table queues behind the ALTER.
  const late = other.query('SELECT COUNT(*) AS n FROM t');
  expect(await stateAfter(late, 200)).toBe('pending');
  await writer.query('COMMIT');
  await alter;
  const [[count]] = (await late) as unknown as [[{ n: number }]];
  expect(count.n).toBe(3);
  const [rows] = await other.query('SELECT id, v, note FROM t ORDER BY id');
  expect(rows).toEqual([
    { id: 1, v: 11, note: null },
    { id: 2, v: 20, note: null },
    { id: 3, v: 30, note: null },
  ]);
});

it('a transaction that already uses the table goes on while an ALTER waits for it', async (t) => {
  // MariaDB's ALTER holds an upgradable lock while it waits, so there the writer's UPDATE ends in
  // a metadata deadlock (1213) instead; Tessera's ALTER takes nothing until it can take all.
  if (!clients.isTessera) t.skip();
  await writer.query('BEGIN');
  await writer.query('SELECT v FROM t WHERE id = 1');
  const alter = ddl.query('ALTER TABLE t MODIFY v BIGINT');
  expect(await stateAfter(alter, 300)).toBe('pending');
  await writer.query('UPDATE t SET v = v + 1 WHERE id = 2');
  await writer.query('COMMIT');
  await alter;
  const [rows] = await other.query('SELECT v FROM t WHERE id = 2');
  expect(rows).toEqual([{ v: 21 }]);
});

it('gives up with 1205 after lock_wait_timeout and leaves the table as it was', async () => {
  await writer.query('BEGIN');
  await writer.query('INSERT INTO t VALUES (4, 40)');
  await ddl.query('SET SESSION lock_wait_timeout = 1');
  let errno: number | undefined;
  try {
    await ddl.query('ALTER TABLE t ADD COLUMN w INT');
  } catch (e) {
    errno = (e as { errno?: number }).errno;
  }
  expect(errno).toBe(1205);
  await writer.query('COMMIT');
  const [cols] = await other.query('SHOW COLUMNS FROM t');
  expect((cols as { Field: string }[]).map((c) => c.Field)).toEqual(['id', 'v']);
  const [rows] = await other.query('SELECT COUNT(*) AS n FROM t');
  expect(rows).toEqual([{ n: 3 }]);
});

it('DROP TABLE waits for a transaction reading the table', async () => {
  await writer.query('BEGIN');
  await writer.query('SELECT * FROM t');
  const drop = ddl.query('DROP TABLE t');
  expect(await stateAfter(drop, 300)).toBe('pending');
  const [rows] = await writer.query('SELECT COUNT(*) AS n FROM t');
  expect(rows).toEqual([{ n: 2 }]);
  await writer.query('COMMIT');
  await drop;
});
