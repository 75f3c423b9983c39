// The sysbench OLTP workloads with the semantics of their namesakes in sysbench 1.0
// (oltp_common.lua defaults: --tables=1, --table-size=10000 × scale, --range_size=100,
// 10 point selects, 1 of each range query, 1 index update, 1 non-index update, 1 delete+insert
// per transaction; --rand-type=uniform). Tables sbtest1..N are created and loaded here.
import { Rng, subSeed } from '../lib/rng.js';
import { runLoop, type Operation, type Session } from '../lib/runner.js';
import { connect, type Target } from '../lib/targets.js';
import { loopOptions, roundFromLoop, type BenchOptions, type Workload } from './workload.js';

const RANGE_SIZE = 100;
const POINT_SELECTS = 10;
const LOAD_BATCH = 1000;

export function tableSize(o: BenchOptions): number {
  return Math.max(100, Math.round(10_000 * o.scale));
}

function cValue(rng: Rng): string {
  return rng.digits(10); // 119 characters, as sysbench's c
}
function padValue(rng: Rng): string {
  return rng.digits(5); // 59 characters, as sysbench's pad
}

async function createAndLoad(t: Target, o: BenchOptions): Promise<number> {
  const size = tableSize(o);
  const c = await connect(t);
  const started = performance.now();
  let rows = 0;
  try {
    for (let i = 1; i <= o.tables; i++) {
      await c.query(`DROP TABLE IF EXISTS sbtest${i}`);
      await c.query(
        `CREATE TABLE sbtest${i} (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id))`,
      );
      const rng = new Rng(subSeed(o.seed, 1000 + i));
      for (let start = 1; start <= size; start += LOAD_BATCH) {
        const vals: string[] = [];
        for (let id = start; id < Math.min(size + 1, start + LOAD_BATCH); id++) vals.push(`(${id},${rng.int(1, size)},'${cValue(rng)}','${padValue(rng)}')`);
        await c.query(`INSERT INTO sbtest${i} (id, k, c, pad) VALUES ${vals.join(',')}`);
        rows += vals.length;
      }
      await c.query(`CREATE INDEX k_${i} ON sbtest${i}(k)`);
    }
  } finally {
    await c.end();
  }
  return rows / ((performance.now() - started) / 1000);
}

type Kind = 'oltp_point_select' | 'oltp_read_only' | 'oltp_read_write' | 'oltp_write_only' | 'oltp_insert' | 'oltp_update_index';

interface Ctx {
  size: number;
  tables: number;
}

const tbl = (rng: Rng, x: Ctx): string => `sbtest${rng.int(1, x.tables)}`;
const id = (rng: Rng, x: Ctx): number => rng.int(1, x.size);

async function pointSelects(s: Session, rng: Rng, x: Ctx, n: number): Promise<number> {
  for (let i = 0; i < n; i++) await s.run(`SELECT c FROM ${tbl(rng, x)} WHERE id=?`, [id(rng, x)]);
  return n;
}

async function ranges(s: Session, rng: Rng, x: Ctx): Promise<number> {
  const lo = (): [number, number] => {
    const a = rng.int(1, Math.max(1, x.size - RANGE_SIZE + 1));
    return [a, a + RANGE_SIZE - 1];
  };
  await s.run(`SELECT c FROM ${tbl(rng, x)} WHERE id BETWEEN ? AND ?`, lo());
  await s.run(`SELECT SUM(k) FROM ${tbl(rng, x)} WHERE id BETWEEN ? AND ?`, lo());
  await s.run(`SELECT c FROM ${tbl(rng, x)} WHERE id BETWEEN ? AND ? ORDER BY c`, lo());
  await s.run(`SELECT DISTINCT c FROM ${tbl(rng, x)} WHERE id BETWEEN ? AND ? ORDER BY c`, lo());
  return 4;
}

async function writes(s: Session, rng: Rng, x: Ctx): Promise<number> {
  await s.run(`UPDATE ${tbl(rng, x)} SET k=k+1 WHERE id=?`, [id(rng, x)]);
  await s.run(`UPDATE ${tbl(rng, x)} SET c=? WHERE id=?`, [cValue(rng), id(rng, x)]);
  const t = tbl(rng, x);
  const i = id(rng, x);
  await s.run(`DELETE FROM ${t} WHERE id=?`, [i]);
  await s.run(`INSERT INTO ${t} (id, k, c, pad) VALUES (?, ?, ?, ?)`, [i, rng.int(1, x.size), cValue(rng), padValue(rng)]);
  return 4;
}

function operation(kind: Kind, x: Ctx): Operation {
  switch (kind) {
    case 'oltp_point_select':
      return (s, rng) => pointSelects(s, rng, x, 1);
    case 'oltp_read_only':
      return async (s, rng) => {
        await s.text('BEGIN');
        let n = await pointSelects(s, rng, x, POINT_SELECTS);
        n += await ranges(s, rng, x);
        await s.text('COMMIT');
        return n + 2;
      };
    case 'oltp_read_write':
      return async (s, rng) => {
        await s.text('BEGIN');
        let n = await pointSelects(s, rng, x, POINT_SELECTS);
        n += await ranges(s, rng, x);
        n += await writes(s, rng, x);
        await s.text('COMMIT');
        return n + 2;
      };
    case 'oltp_write_only':
      return async (s, rng) => {
        await s.text('BEGIN');
        const n = await writes(s, rng, x);
        await s.text('COMMIT');
        return n + 2;
      };
    case 'oltp_insert':
      // sysbench --auto_inc=on: the server assigns the id.
      return async (s, rng) => {
        await s.run(`INSERT INTO ${tbl(rng, x)} (id, k, c, pad) VALUES (NULL, ?, ?, ?)`, [rng.int(1, x.size), cValue(rng), padValue(rng)]);
        return 1;
      };
    case 'oltp_update_index':
      return async (s, rng) => {
        await s.run(`UPDATE ${tbl(rng, x)} SET k=k+1 WHERE id=?`, [id(rng, x)]);
        return 1;
      };
  }
}

const SUMMARIES: Record<Kind, string> = {
  oltp_point_select: 'one SELECT c FROM sbtest WHERE id=? per event',
  oltp_read_only: 'BEGIN; 10 point selects; simple, sum, order and distinct range of 100 ids; COMMIT',
  oltp_read_write: 'oltp_read_only plus an index update, a non-index update and a delete+insert, in one transaction',
  oltp_write_only: 'BEGIN; index update; non-index update; delete+insert; COMMIT',
  oltp_insert: 'one single-row INSERT with an auto-increment id per event',
  oltp_update_index: 'one UPDATE sbtest SET k=k+1 WHERE id=? per event',
};

export function sysbenchWorkload(kind: Kind): Workload {
  return {
    name: kind,
    summary: `${SUMMARIES[kind]} (sysbench semantics, uniform keys)`,
    async prepare(t, o) {
      o.log(`bench: ${t.label}: loading ${o.tables} × ${tableSize(o).toLocaleString('en-US')} sbtest rows…`);
      const rate = await createAndLoad(t, o);
      return [{ name: 'prepare load', value: rate, unit: 'rows/s', better: 'higher' }];
    },
    async run(t, o, round) {
      const x: Ctx = { size: tableSize(o), tables: o.tables };
      const r = await runLoop(t, operation(kind, x), {
        ...loopOptions(o, round, t.label),
        rollbackOnError: kind !== 'oltp_point_select' && kind !== 'oltp_insert' && kind !== 'oltp_update_index',
      });
      return roundFromLoop(r);
    },
    async cleanup(t, o) {
      const c = await connect(t);
      try {
        for (let i = 1; i <= o.tables; i++) await c.query(`DROP TABLE IF EXISTS sbtest${i}`);
      } finally {
        await c.end();
      }
    },
  };
}

export const SYSBENCH_WORKLOADS: Kind[] = ['oltp_point_select', 'oltp_read_only', 'oltp_read_write', 'oltp_insert', 'oltp_update_index', 'oltp_write_only'];
