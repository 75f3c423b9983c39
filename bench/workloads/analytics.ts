// analytics: loads users and orders from the deterministic generator, then times Q1–Q7 (median
// of 5 runs after one warm-up run) and Q8 (1,000 point lookups by order_id, p50/p99). Every
// answer becomes (row count, checksum) for the cross-target check in bench/cli.ts.
import type mysql from 'mysql2/promise';
import { answerOf, type Answer } from '../lib/answers.js';
import { chunks, daysBeforeAnchor, orderChunk, schema, sizes, userChunk, valuesSql, type Sizes } from '../lib/analytics-data.js';
import { Histogram } from '../lib/histogram.js';
import type { Figure, RoundResult } from '../lib/result.js';
import { Rng, subSeed } from '../lib/rng.js';
import { errorCode, Session } from '../lib/runner.js';
import { connect, type PsMode, type Target } from '../lib/targets.js';
import type { BenchOptions, Workload } from './workload.js';

export const LOAD_CONNECTIONS = 4;
const RUNS = 5;
const QUERY_TIMEOUT_MS = 300_000;
const POINT_LOOKUPS = 1000;
/** Q8 stops early past this (a lookup that scans makes 1,000 of them take minutes). */
const Q8_BUDGET_MS = 60_000;

export interface Query {
  name: string;
  short: string;
  what: string;
  sql: string;
  ordered: boolean;
}

export function queries(): Query[] {
  const lastDay = daysBeforeAnchor(1);
  const last30 = daysBeforeAnchor(30);
  return [
    { name: 'Q1', short: 'COUNT(*)', what: 'COUNT(*)', sql: 'SELECT COUNT(*) AS n FROM orders', ordered: true },
    { name: 'Q2', short: 'SUM shipped', what: "SUM(amount) of shipped orders", sql: "SELECT SUM(amount) AS revenue FROM orders WHERE status = 'shipped'", ordered: true },
    {
      name: 'Q3',
      short: 'per-status aggregates',
      what: 'per-status COUNT, SUM, AVG',
      sql: 'SELECT status, COUNT(*) AS n, SUM(amount) AS revenue, AVG(amount) AS avg_amount FROM orders GROUP BY status ORDER BY status',
      ordered: true,
    },
    {
      name: 'Q4',
      short: 'dashboard, last day',
      what: 'dashboard: per-user COUNT and SUM over the last day',
      sql: `SELECT user_id, COUNT(*) AS n, SUM(amount) AS revenue FROM orders WHERE created_at >= '${lastDay}' GROUP BY user_id`,
      ordered: false,
    },
    {
      name: 'Q5',
      short: 'join top 100, 30 days',
      what: 'active users joined to their 30-day order count and revenue, top 100',
      sql:
        `SELECT u.user_id, u.email, COUNT(*) AS n, SUM(o.amount) AS revenue FROM users u JOIN orders o ON o.user_id = u.user_id ` +
        `WHERE u.status = 'active' AND o.created_at >= '${last30}' GROUP BY u.user_id, u.email ORDER BY revenue DESC, u.user_id LIMIT 100`,
      ordered: true,
    },
    {
      name: 'Q6',
      short: 'distinct buyers/country',
      what: 'COUNT DISTINCT buyers per country through the join',
      sql: 'SELECT u.country, COUNT(DISTINCT o.user_id) AS buyers FROM users u JOIN orders o ON o.user_id = u.user_id GROUP BY u.country ORDER BY u.country',
      ordered: true,
    },
    { name: 'Q7', short: 'top 10 by amount', what: 'top 10 orders by amount', sql: 'SELECT order_id, user_id, amount FROM orders ORDER BY amount DESC, order_id LIMIT 10', ordered: true },
  ];
}

export const Q8_SQL = 'SELECT order_id, user_id, amount, status, created_at FROM orders WHERE order_id = ?';

/** Loads users and orders over LOAD_CONNECTIONS connections with multi-row INSERTs of one chunk each. */
export async function loadAnalytics(t: Target, o: BenchOptions): Promise<Figure[]> {
  const s = sizes(o.scale);
  const ddl = schema(t.kind === 'tessera');
  const admin = await connect(t);
  try {
    await admin.query('DROP TABLE IF EXISTS orders');
    await admin.query('DROP TABLE IF EXISTS users');
    await admin.query(ddl.users);
    await admin.query(ddl.orders);
  } finally {
    await admin.end();
  }
  const figures: Figure[] = [];
  const started = performance.now();
  for (const table of ['users', 'orders'] as const) {
    const total = table === 'users' ? s.users : s.orders;
    const n = chunks(total);
    let next = 0;
    let loaded = 0;
    const t0 = performance.now();
    const ticker = setInterval(() => {
      const el = (performance.now() - t0) / 1000;
      o.progress(`[${t.label} load ${table}] ${loaded.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows, ${Math.round(loaded / el).toLocaleString('en-US')} rows/s`);
    }, 1000);
    try {
      await Promise.all(
        Array.from({ length: LOAD_CONNECTIONS }, async () => {
          const c = await connect(t);
          try {
            while (next < n) {
              const chunk = next++;
              const rows = table === 'users' ? userChunk(o.seed, chunk, s) : orderChunk(o.seed, chunk, s);
              await c.query(`INSERT INTO ${table} VALUES ${valuesSql(rows)}`);
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
    const secs = (performance.now() - t0) / 1000;
    figures.push({ name: `load ${table}`, value: total / secs, unit: 'rows/s', better: 'higher' });
  }
  figures.push({ name: 'load total time', value: (performance.now() - started) / 1000, unit: 's', better: 'lower' });
  const c = await connect(t);
  try {
    // Fresh statistics for the optimizer where the engine keeps them (errors ignored).
    await c.query('ANALYZE TABLE users, orders').catch(() => undefined);
  } finally {
    await c.end();
  }
  return figures;
}

async function timed(c: mysql.Connection, sql: string): Promise<{ ms: number; rows: unknown[] }> {
  const t0 = performance.now();
  const [rows] = await c.query({ sql, timeout: QUERY_TIMEOUT_MS });
  return { ms: performance.now() - t0, rows: rows as unknown[] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The 1,000 order ids Q8 looks up: the same for every target with the same seed. */
export function pointKeys(seed: number, s: Sizes, n = POINT_LOOKUPS): number[] {
  const rng = new Rng(subSeed(seed, 8));
  return Array.from({ length: n }, () => rng.int(1, s.orders));
}

export async function runQueries(t: Target, o: BenchOptions, only?: readonly string[]): Promise<RoundResult> {
  const figures: Figure[] = [];
  const answers: Record<string, Answer> = {};
  const notes: string[] = [];
  const errors: Record<string, number> = {};
  const c = await connect(t);
  try {
    for (const q of queries()) {
      if (only !== undefined && !only.includes(q.name)) continue;
      try {
        await timed(c, q.sql); // warm-up
        const times: number[] = [];
        let answer: Answer | undefined;
        for (let i = 0; i < RUNS; i++) {
          const r = await timed(c, q.sql);
          times.push(r.ms);
          const a = answerOf(r.rows, q.ordered);
          if (answer === undefined) answer = a;
          else if (a.checksum !== answer.checksum) notes.push(`${q.name}: run ${i + 1} answered differently from run 1 on ${t.label}`);
        }
        answers[q.name] = answer!;
        figures.push({ name: `${q.name} ${q.short}`, value: median(times), unit: 'ms', better: 'lower' });
        o.progress(`[${t.label} ${q.name}] median ${median(times).toFixed(1)} ms of ${RUNS} (${answer!.rows} rows, checksum ${answer!.checksum})`);
      } catch (e) {
        const code = errorCode(e);
        errors[code] = (errors[code] ?? 0) + 1;
        notes.push(`${q.name} failed on ${t.label}: ${code}: ${(e as Error).message.slice(0, 200)}`);
        figures.push({ name: `${q.name} ${q.short}`, value: null, unit: 'ms', better: 'lower', note: 'failed' });
        o.log(`bench: !! ${q.name} failed on ${t.label}: ${code}: ${(e as Error).message.slice(0, 200)}`);
      }
    }
  } finally {
    await c.end();
  }
  if (only === undefined || only.includes('Q8')) {
    // Prepared (--ps-mode auto) and, with auto, the same keys again as text: the two paths differ.
    const modes: PsMode[] = o.psMode === 'auto' ? ['auto', 'disable'] : ['disable'];
    for (const mode of modes) {
      const label = mode === 'auto' ? 'Q8 lookup by order_id' : 'Q8 lookup by order_id, text';
      const key = mode === 'auto' ? 'Q8' : 'Q8 text';
      const s = new Session(await connect(t), mode);
      try {
        const keys = pointKeys(o.seed, sizes(o.scale));
        const deadline = performance.now() + Q8_BUDGET_MS;
        for (const k of keys.slice(0, 20)) await s.run(Q8_SQL, [k]); // warm-up
        const hist = new Histogram();
        const all: unknown[] = [];
        let done = 0;
        for (const k of keys) {
          if (performance.now() > deadline) break;
          const t0 = performance.now();
          const rows = (await s.run(Q8_SQL, [k])) as unknown[];
          hist.record((performance.now() - t0) * 1000);
          all.push(...rows);
          done++;
        }
        if (done === keys.length) answers[key] = answerOf(all, true);
        else notes.push(`${key}: stopped after ${Q8_BUDGET_MS / 1000} s at ${done} of ${keys.length} lookups (figures over those; answer not checked)`);
        figures.push({ name: `${label} p50`, value: hist.percentile(50) / 1000, unit: 'ms', better: 'lower' });
        figures.push({ name: `${label} p99`, value: hist.percentile(99) / 1000, unit: 'ms', better: 'lower' });
        o.progress(`[${t.label} ${key}] p50 ${(hist.percentile(50) / 1000).toFixed(3)} ms, p99 ${(hist.percentile(99) / 1000).toFixed(3)} ms over ${done} lookups`);
      } catch (e) {
        const code = errorCode(e);
        errors[code] = (errors[code] ?? 0) + 1;
        notes.push(`${key} failed on ${t.label}: ${code}`);
      } finally {
        await s.conn.end().catch(() => undefined);
      }
    }
  }
  return { figures, answers, notes, errors };
}

export async function dropAnalytics(t: Target): Promise<void> {
  const c = await connect(t);
  try {
    await c.query('DROP TABLE IF EXISTS orders');
    await c.query('DROP TABLE IF EXISTS users');
  } finally {
    await c.end();
  }
}

export const analyticsWorkload: Workload = {
  name: 'analytics',
  summary: 'users (200k × scale) and orders (5M × scale); Q1–Q7 median of 5 after a warm-up, Q8 1,000 point lookups (prepared and text); answers checked across targets',
  async prepare(t, o) {
    const s = sizes(o.scale);
    o.log(`bench: ${t.label}: loading ${s.users.toLocaleString('en-US')} users and ${s.orders.toLocaleString('en-US')} orders (scale ${o.scale}, seed ${o.seed})…`);
    return loadAnalytics(t, o);
  },
  run: (t, o) => runQueries(t, o),
  cleanup: (t) => dropAnalytics(t),
};
