// ingest: bulk-load rate of the orders rows (200,000 × scale, or --ops rows) into an empty table,
// over --threads connections: multi-row INSERTs of 2,000 rows, then LOAD DATA LOCAL INFILE of
// the same rows where the target supports it (the file is written before the clock starts).
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunks, orderChunk, schema, valuesSql, type Sizes } from '../lib/analytics-data.js';
import type { Figure, RoundResult } from '../lib/result.js';
import { errorCode } from '../lib/runner.js';
import { connect, type Target } from '../lib/targets.js';
import type { BenchOptions, Workload } from './workload.js';

export function ingestRows(o: BenchOptions): number {
  return o.ops ?? Math.max(2000, Math.round(200_000 * o.scale));
}

function ddl(t: Target): string {
  return schema(t.kind === 'tessera').orders.replace('CREATE TABLE orders', 'CREATE TABLE ingest_orders');
}

async function fresh(t: Target): Promise<void> {
  const c = await connect(t);
  try {
    await c.query('DROP TABLE IF EXISTS ingest_orders');
    await c.query(ddl(t));
  } finally {
    await c.end();
  }
}

async function countRows(t: Target): Promise<number> {
  const c = await connect(t);
  try {
    const [rows] = await c.query('SELECT COUNT(*) AS n FROM ingest_orders');
    return Number((rows as { n: number | string }[])[0]!.n);
  } finally {
    await c.end();
  }
}

async function insertLoad(t: Target, o: BenchOptions, total: number): Promise<number> {
  // Orders are drawn against a users range of total/25, as in the analytics set.
  const s: Sizes = { users: Math.max(100, Math.round(total / 25)), orders: total };
  const n = chunks(total);
  let next = 0;
  let loaded = 0;
  const t0 = performance.now();
  const ticker = setInterval(() => {
    o.progress(`[${t.label} INSERT] ${loaded.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows, ${Math.round(loaded / ((performance.now() - t0) / 1000)).toLocaleString('en-US')} rows/s`);
  }, 1000);
  try {
    await Promise.all(
      Array.from({ length: o.threads }, async () => {
        const c = await connect(t);
        try {
          while (next < n) {
            const rows = orderChunk(o.seed, next++, s);
            await c.query(`INSERT INTO ingest_orders VALUES ${valuesSql(rows)}`);
            loaded += rows.length;
          }
        } finally {
          await c.end();
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  return total / ((performance.now() - t0) / 1000);
}

async function loadDataLoad(t: Target, o: BenchOptions, total: number): Promise<number> {
  const s: Sizes = { users: Math.max(100, Math.round(total / 25)), orders: total };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-ingest-'));
  try {
    const files: string[] = [];
    const n = chunks(total);
    for (let f = 0; f < o.threads; f++) {
      const lines: string[] = [];
      for (let ch = f; ch < n; ch += o.threads) for (const r of orderChunk(o.seed, ch, s)) lines.push(r.join('\t'));
      const file = path.join(dir, `part-${f}.tsv`);
      writeFileSync(file, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
      files.push(file);
    }
    const t0 = performance.now();
    await Promise.all(
      files.map(async (file) => {
        const c = await connect(t);
        try {
          await c.query({
            sql: `LOAD DATA LOCAL INFILE '${file}' INTO TABLE ingest_orders`,
            infileStreamFactory: (p: string) => createReadStream(p),
          } as any);
        } finally {
          await c.end();
        }
      }),
    );
    return total / ((performance.now() - t0) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ingestWorkload: Workload = {
  name: 'ingest',
  summary: 'bulk load of orders rows: multi-row INSERT (2,000 rows per statement) and LOAD DATA LOCAL INFILE',
  async prepare() {
    return [];
  },
  async run(t, o): Promise<RoundResult> {
    const total = ingestRows(o);
    const figures: Figure[] = [];
    const notes: string[] = [];
    const errors: Record<string, number> = {};
    await fresh(t);
    const rate = await insertLoad(t, o, total);
    const got = await countRows(t);
    if (got !== total) notes.push(`multi-row INSERT: expected ${total} rows, ${t.label} holds ${got}`);
    figures.push({ name: 'multi-row INSERT', value: rate, unit: 'rows/s', better: 'higher' });
    await fresh(t);
    try {
      const r = await loadDataLoad(t, o, total);
      const n = await countRows(t);
      if (n !== total) notes.push(`LOAD DATA: expected ${total} rows, ${t.label} holds ${n}`);
      figures.push({ name: 'LOAD DATA LOCAL INFILE', value: r, unit: 'rows/s', better: 'higher' });
    } catch (e) {
      const code = errorCode(e);
      const msg = `LOAD DATA is not available on ${t.label} (${code}: ${(e as Error).message.slice(0, 120)})`;
      notes.push(msg);
      o.log(`bench: ${msg}`);
      figures.push({ name: 'LOAD DATA LOCAL INFILE', value: null, unit: 'rows/s', better: 'higher', note: 'not supported' });
    }
    return { figures, notes, errors };
  },
  async cleanup(t) {
    const c = await connect(t);
    try {
      await c.query('DROP TABLE IF EXISTS ingest_orders');
    } finally {
      await c.end();
    }
  },
};
