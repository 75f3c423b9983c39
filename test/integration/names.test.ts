// Database names never become paths as they are: every name maps to one directory inside the
// leaf's folder (MySQL's @002e style), names differing only in case are one database, a name
// starting with '.' keeps its rows through a restart, `..` writes nothing outside the leaf
// folder, recovery deletes nothing on a guess, and a data directory of the previous build opens
// with all its data.
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../bench/lib/targets.js';
import { connectTo as connect, killHard as kill, logLines, startLogged, stopAll, tempDir } from '../harness/process.js';

afterEach(stopAll);

const tmp = (): string => tempDir('tessera-names-');
const start = (dataDir: string): ReturnType<typeof startLogged> => startLogged(dataDir, ['--partitions', '2']);

async function rows(c: mysql.Connection, q: string): Promise<unknown[][]> {
  const [r] = await c.query({ sql: q, rowsAsArray: true });
  return r as unknown[][];
}

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** Every directory under `root`, relative to it. */
function treeOf(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const r = path.join(rel, e.name);
      out.push(r);
      walk(r);
    }
  };
  walk('');
  return out;
}

const NAMES = ['.hidden', '.', '..', '...', 'a/b', 'a\\b', 'a`b', 'c:', '%2e', '@002e', 'ünï', '日本語', '😀', 'x'.repeat(64), '日'.repeat(64), 'Mixed_Case'];

describe('database names as directories', () => {
  it('keeps every name apart and inside the leaf folder, and its rows through a crash', async () => {
    const dataDir = tmp();
    const a = await start(dataDir);
    const c = await connect(a);
    for (const [i, name] of NAMES.entries()) {
      await c.query(`CREATE DATABASE ${quote(name)}`);
      await c.query(`CREATE TABLE ${quote(name)}.t (id INT PRIMARY KEY, v VARCHAR(200))`);
      await c.query(`INSERT INTO ${quote(name)}.t VALUES (?, ?), (?, ?)`, [i, name, 100 + i, `${name}!`]);
    }
    // Case-insensitive like the catalog: MIXED_case is the database Mixed_Case.
    await expect(c.query('CREATE DATABASE MIXED_case')).rejects.toMatchObject({ errno: 1007 });
    await c.query('INSERT INTO MIXED_CASE.t VALUES (999, ?)', ['by another case']);
    // MySQL's rules for new names (checked against MariaDB 10.11): 1102 for '', a trailing space, 65 characters.
    for (const bad of ['', 'trailing ', 'y'.repeat(65)]) {
      await expect(c.query(`CREATE DATABASE ${quote(bad)}`)).rejects.toMatchObject({ errno: 1102, sqlState: '42000', message: `Incorrect database name '${bad}'` });
    }
    await c.end();

    // Nothing outside the leaf folder: the data dir holds the leaf and the catalog only, and the
    // leaf folder one directory per database, each with its two partitions.
    expect(readdirSync(dataDir).sort()).toEqual(['aggregator', 'leaf-1']);
    const leafDir = path.join(dataDir, 'leaf-1');
    const dbDirs = readdirSync(leafDir).filter((d) => d !== '#format');
    expect(dbDirs).toHaveLength(NAMES.length);
    for (const d of dbDirs) {
      expect(d).toMatch(/^[a-z0-9_@]+$/);
      expect(readdirSync(path.join(leafDir, d)).filter((p) => /^p\d+$/.test(p)).sort()).toEqual(['p0', 'p1']);
    }
    expect(dbDirs).toContain('@002ehidden');
    expect(dbDirs).toContain('@002e@002e');

    await kill(a);
    const b = await start(dataDir);
    const c2 = await connect(b);
    for (const [i, name] of NAMES.entries()) {
      const want: unknown[][] = [
        [i, name],
        [100 + i, `${name}!`],
      ];
      if (name === 'Mixed_Case') want.push([999, 'by another case']);
      expect(await rows(c2, `SELECT id, v FROM ${quote(name)}.t ORDER BY id`), name).toEqual(want);
    }
    await c2.end();
    const lines = logLines(b.output());
    expect(lines.filter((l) => /leaving it alone|interrupted DROP/.test(l.msg ?? ''))).toEqual([]);
    await kill(b);
  }, 120_000);

  it('drops through a durable marker, finishes an interrupted drop at restart, and leaves unknown directories alone', async () => {
    const dataDir = tmp();
    const a = await start(dataDir);
    const c = await connect(a);
    for (const name of ['.keep', 'dropme']) {
      await c.query(`CREATE DATABASE ${quote(name)}`);
      await c.query(`CREATE TABLE ${quote(name)}.t (id INT PRIMARY KEY)`);
      await c.query(`INSERT INTO ${quote(name)}.t VALUES (1), (2), (3)`);
    }
    await c.query('DROP DATABASE dropme');
    await c.end();
    const leafDir = path.join(dataDir, 'leaf-1');
    expect(readdirSync(leafDir).sort()).toEqual(['#dropping', '#format', '@002ekeep']);
    expect(readdirSync(path.join(leafDir, '#dropping'))).toEqual([]);
    await kill(a);

    // What a crash in the middle of a DROP leaves behind, and directories recovery does not know.
    const aside = path.join(leafDir, '#dropping', 'olddb.1700000000000', 'p0');
    mkdirSync(aside, { recursive: true });
    writeFileSync(path.join(aside, 'log-00000001.tlog'), 'x');
    for (const unknown of ['Not A Database', '.snapshot', 'lost+found']) {
      mkdirSync(path.join(leafDir, unknown, 'p0'), { recursive: true });
      writeFileSync(path.join(leafDir, unknown, 'p0', 'keep-me'), 'operator data');
    }
    const b = await start(dataDir);
    const c2 = await connect(b);
    expect(await rows(c2, 'SELECT id FROM `.keep`.t ORDER BY id')).toEqual([[1], [2], [3]]);
    await c2.end();
    expect(existsSync(path.join(leafDir, '#dropping', 'olddb.1700000000000'))).toBe(false);
    for (const unknown of ['Not A Database', '.snapshot', 'lost+found']) expect(existsSync(path.join(leafDir, unknown, 'p0', 'keep-me'))).toBe(true);
    const lines = logLines(b.output());
    expect(lines.filter((l) => l.msg === 'recovery: finishing an interrupted DROP DATABASE').map((l) => path.basename(String(l['dir'])))).toEqual(['olddb.1700000000000']);
    expect(lines.filter((l) => l.msg === 'recovery: not a database directory; leaving it alone').map((l) => path.basename(String(l['dir']))).sort()).toEqual(['.snapshot', 'Not A Database', 'lost+found']);
    await kill(b);
  }, 90_000);

  it('opens a data directory written by the previous build with all its data (fixture from main)', async () => {
    // test/fixtures/datadir-v1: written by the build before encoded names (see test/fixtures/README.md),
    // directories named by encodeURIComponent; '.hidden' lost its rows at that build's next restart.
    const dataDir = path.join(tmp(), 'data');
    cpSync(path.join(repoRoot(), 'test', 'fixtures', 'datadir-v1'), dataDir, { recursive: true });
    for (let round = 0; round < 2; round++) {
      const a = await start(dataDir);
      const c = await connect(a);
      expect(await rows(c, 'SELECT id, v FROM shop.t ORDER BY id')).toEqual([
        [1, 'plain'],
        [2, 'updated'],
      ]);
      expect(await rows(c, 'SELECT id, v FROM `.hidden`.t WHERE id < 10 ORDER BY id')).toEqual([
        [1, 'dot'],
        [2, 'dot2'],
      ]);
      expect(await rows(c, 'SELECT id, v FROM `a b-c`.t')).toEqual([[1, 'space']]);
      expect(await rows(c, 'SELECT id, v FROM `ünï`.t')).toEqual([[1, 'unicode']]);
      const dbs = (await rows(c, 'SHOW DATABASES')).map((r) => String(r[0]));
      expect(dbs.filter((d) => d !== 'information_schema').sort()).toEqual(['.hidden', 'a b-c', 'shop', 'Ünï'].sort());
      await c.query('INSERT INTO `.hidden`.t VALUES (?, ?)', [10 + round, `after upgrade ${round}`]);
      await c.end();
      // Renamed to the encoding; the old build's interrupted drop (not in the catalog) is gone.
      const leafDirs = readdirSync(path.join(dataDir, 'leaf-1')).filter((d) => !d.startsWith('#'));
      expect(leafDirs.sort()).toEqual(['@002ehidden', '@00fcn@00ef', 'a@0020b@002dc', 'shop']);
      expect(treeOf(path.join(dataDir, 'leaf-1')).filter((d) => d.startsWith('#dropping/'))).toEqual([]);
      if (round === 0) {
        const lines = logLines(a.output());
        expect(lines.filter((l) => l.msg === 'recovery: renamed a database directory of an older build to its encoded name').map((l) => l['from']).sort()).toEqual(
          ['%C3%BCn%C3%AF', '.dropped-gone-1700000000000', '.hidden', 'a%20b-c'].sort(),
        );
      }
      await kill(a);
    }
    const a = await start(dataDir);
    const c = await connect(a);
    expect(await rows(c, 'SELECT id FROM `.hidden`.t ORDER BY id')).toEqual([[1], [2], [10], [11]]);
    await c.end();
    await kill(a);
  }, 120_000);
});
