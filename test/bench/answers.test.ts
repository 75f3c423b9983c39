// The answer check: it forgives what two correct engines may differ in and catches a wrong
// result, on real query results from a Tessera loaded by the analytics generator.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, compareAnswers, normalizeCell } from '../../bench/lib/answers.js';
import { tesseraTarget, type Target } from '../../bench/lib/targets.js';
import { loadAnalytics, queries } from '../../bench/workloads/analytics.js';
import type { BenchOptions } from '../../bench/workloads/workload.js';

describe('answer normalisation', () => {
  it('forgives number spelling and the row order of unordered results, nothing else', () => {
    expect(normalizeCell('49.995000')).toBe(normalizeCell(49.995));
    expect(normalizeCell('7')).toBe(normalizeCell(7));
    expect(normalizeCell(null)).toBe('\\N');
    expect(normalizeCell('0')).not.toBe(normalizeCell(null));
    expect(normalizeCell('1.01')).not.toBe(normalizeCell('1.02'));
    const rows = [
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ];
    expect(answerOf(rows, false)).toEqual(answerOf([...rows].reverse(), false));
    expect(answerOf(rows, true)).not.toEqual(answerOf([...rows].reverse(), true));
  });
});

describe('answer check against a real Tessera', () => {
  let t: Target;
  const opts: BenchOptions = {
    threads: 2,
    durationS: 1,
    ops: undefined,
    warmupS: 0,
    scale: 0.002, // 400 users, 10,000 orders
    seed: 3,
    psMode: 'auto',
    tables: 1,
    progress: () => undefined,
    log: () => undefined,
  };

  beforeAll(async () => {
    t = tesseraTarget();
    await t.start(() => undefined);
    await loadAnalytics(t, opts);
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function rowsOf(sql: string): Promise<unknown[]> {
    const c = await mysql.createConnection({ host: t.host, port: t.port, user: 'root', database: t.database, dateStrings: true, bigNumberStrings: true, supportBigNumbers: true });
    try {
      const [rows] = await c.query(sql);
      return rows as unknown[];
    } finally {
      await c.end();
    }
  }

  it('agrees with itself and catches a wrong result', async () => {
    const q3 = queries().find((q) => q.name === 'Q3')!;
    const q4 = queries().find((q) => q.name === 'Q4')!;
    const right = { Q3: answerOf(await rowsOf(q3.sql), true), Q4: answerOf(await rowsOf(q4.sql), false) };
    const again = { Q3: answerOf(await rowsOf(q3.sql), true), Q4: answerOf(await rowsOf(q4.sql), false) };
    expect(right.Q3.rows).toBe(5);
    expect(right.Q4.rows).toBeGreaterThan(0);
    expect(compareAnswers([{ label: 'a', answers: [right] }, { label: 'b', answers: [again] }])).toEqual([]);

    // A wrong engine: one order missing from the sums (same row count, different checksum) ...
    const wrongQ3 = answerOf(await rowsOf(q3.sql.replace('FROM orders', 'FROM orders WHERE order_id <> 17')), true);
    expect(wrongQ3.rows).toBe(right.Q3.rows);
    // ... and a dashboard that lost its rows for one user (a different row count).
    const oneUser = (await rowsOf(q4.sql))[0] as { user_id: string | number };
    const wrongQ4 = answerOf(await rowsOf(q4.sql.replace('GROUP BY', `AND user_id <> ${oneUser.user_id} GROUP BY`)), false);
    const mismatches = compareAnswers([
      { label: 'tessera', answers: [right] },
      { label: 'wrong', answers: [{ Q3: wrongQ3, Q4: wrongQ4 }] },
    ]);
    expect(mismatches.map((m) => m.query)).toEqual(['Q3', 'Q4']);
    expect(mismatches[0]!.detail).toContain(right.Q3.checksum);
    expect(mismatches[0]!.detail).toContain(wrongQ3.checksum);
    expect(mismatches[1]!.detail).toContain(`${right.Q4.rows - 1} rows`);
  });
});
