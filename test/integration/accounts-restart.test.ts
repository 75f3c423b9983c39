// Accounts are durable: users, roles, grants and default roles survive a restart; the data
// directory holds password hashes only, never a password; and a --root-password that
// contradicts the stored one is refused unless --reset-root-password says to set it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, startTessera, type TesseraServer } from '../harness/server.js';

const FIRST_ROOT = 'First-Root-Pw-31';
const NATIVE_PW = 'Plain-Secret-77';
const SHA2_PW = 'Sha2-Secret-88';

let dataDir: string;
let server: TesseraServer | undefined;

async function as(user: string, password: string): Promise<mysql.Connection> {
  const s = server!;
  const c = await mysql.createConnection({ host: s.host, port: s.port, user, password, connectTimeout: 10_000 });
  c.on('error', () => undefined);
  return c;
}

async function grants(c: mysql.Connection, who: string): Promise<string[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>(`SHOW GRANTS FOR ${who}`);
  return rows.map((r) => String(Object.values(r)[0]));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-accounts-'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('accounts across a restart', () => {
  it('keeps users, roles, grants and default roles, and stores no password', async () => {
    server = await startTessera({ dataDir, rootPassword: FIRST_ROOT });
    const root = await as('root', FIRST_ROOT);
    await root.query('CREATE DATABASE keep');
    await root.query('CREATE TABLE keep.t (id INT PRIMARY KEY, v INT)');
    await root.query(`CREATE USER 'dn'@'%' IDENTIFIED BY '${NATIVE_PW}', 'ds'@'localhost' IDENTIFIED WITH caching_sha2_password BY '${SHA2_PW}'`);
    await root.query('CREATE ROLE keeper');
    await root.query('GRANT SELECT, INSERT ON keep.* TO keeper');
    await root.query("GRANT keeper TO 'dn'@'%'");
    await root.query("SET DEFAULT ROLE keeper TO 'dn'@'%'");
    await root.query("GRANT SELECT (v) ON keep.t TO 'ds'@'localhost'");
    await root.query("RENAME USER 'ds'@'localhost' TO 'ds2'@'localhost'");
    const before = { dn: await grants(root, "'dn'@'%'"), ds2: await grants(root, "'ds2'@'localhost'"), keeper: await grants(root, 'keeper') };
    await root.end();

    await server.restart();
    const root2 = await as('root', FIRST_ROOT);
    expect({ dn: await grants(root2, "'dn'@'%'"), ds2: await grants(root2, "'ds2'@'localhost'"), keeper: await grants(root2, 'keeper') }).toEqual(before);
    const dn = await as('dn', NATIVE_PW);
    const [[role]] = (await dn.query('SELECT CURRENT_ROLE() AS r')) as unknown as [[{ r: string }]];
    expect(role.r).toBe('`keeper`@`%`');
    await dn.query('INSERT INTO keep.t VALUES (1, 2)');
    const ds2 = await as('ds2', SHA2_PW);
    const [rows] = await ds2.query<mysql.RowDataPacket[]>('SELECT v FROM keep.t');
    expect(rows).toEqual([{ v: 2 }]);
    await expect(as('ds', SHA2_PW)).rejects.toMatchObject({ errno: 1045 });
    for (const c of [root2, dn, ds2]) await c.end();

    // The data directory: hashes, never a password (in any file, the catalog log included).
    await server.stop();
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.includes('catalog'))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const secret of [FIRST_ROOT, NATIVE_PW, SHA2_PW]) expect(bytes.includes(Buffer.from(secret)), `${secret} in ${f}`).toBe(false);
    }
  }, 120_000);

  it('refuses a --root-password that differs from the stored one; --reset-root-password sets it', async () => {
    const r = spawnSync(process.execPath, [cliPath(), 'start', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--root-password', 'Other-Pw'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--root-password does not match the password stored for root@localhost');

    server = await startTessera({ dataDir, rootPassword: 'Reset-Pw-2', extraArgs: ['--reset-root-password'] });
    const root = await as('root', 'Reset-Pw-2');
    // MySQL 8 lists every global privilege rather than ALL PRIVILEGES.
    const own = await grants(root, 'CURRENT_USER');
    expect(own[0]).toMatch(/^GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, .*, CREATE ROLE, DROP ROLE ON \*\.\* TO `root`@`localhost` WITH GRANT OPTION$/);
    await root.end();
    await expect(as('root', FIRST_ROOT)).rejects.toMatchObject({ errno: 1045 });
    // The stored password given again is accepted.
    await server.stop();
    server = await startTessera({ dataDir, rootPassword: 'Reset-Pw-2' });
    const again = await as('root', 'Reset-Pw-2');
    await again.end();
  }, 120_000);
});
