// `mariadb-dump --single-transaction` reads every table in one REPEATABLE READ transaction
// (START TRANSACTION WITH CONSISTENT SNAPSHOT), so a dump taken while transfers move money
// between two tables shows one moment: the totals add up in every dump. Needs Debian's
// mariadb-client (mariadb-dump).
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/installed.js';
import { mariadbLoginArgs } from '../harness/mariadb-client.js';
import { describeRun, runTool } from '../harness/run-tool.js';
import { startTargetOrTessera, parseTarget, type TesseraServer } from '../harness/server.js';

const haveDump = canRun(import.meta.url, 'every case', 'mariadb-dump');
const ROWS = 1500;
const START = 1000;

let server: TesseraServer;

beforeAll(async () => {
  if (!haveDump) return;
  server = await startTargetOrTessera();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function dump(port: number, host: string, user: string, password: string): Promise<string> {
  const r = await runTool('mariadb-dump', [...mariadbLoginArgs({ host, port, user, password }), '--single-transaction', '--skip-extended-insert', 'bank_dump']);
  if (r.code !== 0) throw new Error(describeRun('mariadb-dump', r));
  return r.stdout;
}

/** Sum of `v` over the dumped rows of a table (one INSERT per row: --skip-extended-insert). */
function totalOf(text: string, table: string): { rows: number; sum: number } {
  let rows = 0;
  let sum = 0;
  const re = new RegExp(`^INSERT INTO \`${table}\` VALUES \\((\\d+),(-?\\d+)\\);$`, 'gm');
  for (const m of text.matchAll(re)) {
    rows++;
    sum += Number(m[2]);
  }
  return { rows, sum };
}

describe('mariadb-dump --single-transaction under concurrent writes', () => {
  it.skipIf(!haveDump)('dumps one consistent moment: the money moved between two tables always adds up', async () => {
    const t = parseTarget(server.url);
    const conn = (): Promise<mysql.Connection> => mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
    const admin = await conn();
    await admin.query('DROP DATABASE IF EXISTS bank_dump');
    await admin.query('CREATE DATABASE bank_dump');
    await admin.query('USE bank_dump');
    for (const table of ['checking', 'savings']) {
      await admin.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, v INT NOT NULL)`);
      for (let i = 0; i < ROWS; i += 500) {
        const values = Array.from({ length: Math.min(500, ROWS - i) }, (_, k) => `(${i + k}, ${START})`).join(',');
        await admin.query(`INSERT INTO ${table} VALUES ${values}`);
      }
    }
    const total = 2 * ROWS * START;

    // Writers: transfers from a checking row to a savings row (and back), each in one transaction.
    let stop = false;
    let transfers = 0;
    const writers = await Promise.all([conn(), conn()]);
    const loops = writers.map(async (w, n) => {
      await w.query('USE bank_dump');
      const deadline = Date.now() + 60_000;
      for (let k = 0; !stop && Date.now() < deadline; k++) {
        const from = (k * 7 + n * 13) % ROWS;
        const to = (k * 11 + n * 17) % ROWS;
        const amount = (k % 9) + 1;
        const [src, dst] = k % 2 === 0 ? ['checking', 'savings'] : ['savings', 'checking'];
        await w.query('BEGIN');
        await w.query(`UPDATE ${src} SET v = v - ? WHERE id = ?`, [amount, from]);
        await w.query(`UPDATE ${dst} SET v = v + ? WHERE id = ?`, [amount, to]);
        await w.query('COMMIT');
        transfers++;
      }
    });
    try {
      for (let round = 0; round < 4; round++) {
        const before = transfers;
        const text = await dump(t.port, t.host, t.user, t.password);
        const c = totalOf(text, 'checking');
        const s = totalOf(text, 'savings');
        expect(c.rows).toBe(ROWS);
        expect(s.rows).toBe(ROWS);
        expect({ round, total: c.sum + s.sum }).toEqual({ round, total });
        // The dump raced real writes (otherwise it proves nothing).
        expect(transfers).toBeGreaterThan(before);
      }
    } finally {
      stop = true;
      await Promise.all(loops);
      for (const w of writers) await w.end();
    }
    const [r] = await admin.query('SELECT (SELECT SUM(v) FROM checking) + (SELECT SUM(v) FROM savings) AS s');
    expect(Number((r as { s: number }[])[0]!.s)).toBe(total);
    await admin.query('DROP DATABASE bank_dump');
    await admin.end();
  }, 180_000);
});
