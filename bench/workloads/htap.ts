// htap: `threads` connections run primary-key point selects and single-row updates on orders
// (half each), first alone and then while one more connection runs Q4 (the dashboard) in a loop.
// The ratio of the two phases is how much analytics hurts transactions.
import { sizes, userOfOrder } from '../lib/analytics-data.js';
import { Histogram } from '../lib/histogram.js';
import type { Figure, RoundResult } from '../lib/result.js';
import { runLoop, type LoopResult, type Operation } from '../lib/runner.js';
import { connect, type Target } from '../lib/targets.js';
import { dropAnalytics, loadAnalytics, queries } from './analytics.js';
import { loopOptions, type BenchOptions, type Workload } from './workload.js';

function oltp(o: BenchOptions): Operation {
  const s = sizes(o.scale);
  return async (sess, rng) => {
    const id = rng.int(1, s.orders);
    const user = userOfOrder(id, s.users);
    if (rng.next() < 0.5) {
      await sess.run('SELECT amount, status FROM orders WHERE order_id = ? AND user_id = ?', [id, user]);
    } else {
      const cents = rng.int(100, 99_999);
      await sess.run('UPDATE orders SET amount = ? WHERE order_id = ? AND user_id = ?', [`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, id, user]);
    }
    return 1;
  };
}

async function phase(t: Target, o: BenchOptions, round: number, label: string): Promise<LoopResult> {
  return runLoop(t, oltp(o), loopOptions(o, round, `${t.label} ${label}`));
}

export const htapWorkload: Workload = {
  name: 'htap',
  summary: 'point selects + single-row updates on orders by primary key, alone and then beside a Q4 loop',
  async prepare(t, o) {
    const s = sizes(o.scale);
    o.log(`bench: ${t.label}: loading ${s.users.toLocaleString('en-US')} users and ${s.orders.toLocaleString('en-US')} orders (scale ${o.scale})…`);
    return loadAnalytics(t, o);
  },
  async run(t, o, round): Promise<RoundResult> {
    const alone = await phase(t, o, round, 'oltp alone');
    const q4 = queries().find((q) => q.name === 'Q4')!;
    const c = await connect(t);
    let done = false;
    const q4Hist = new Histogram();
    const errors: Record<string, number> = {};
    const analytics = (async () => {
      while (!done) {
        const t0 = performance.now();
        try {
          await c.query(q4.sql);
          q4Hist.record((performance.now() - t0) * 1000);
        } catch (e) {
          const code = (e as { errno?: number }).errno ?? 'client';
          errors[`Q4 ${code}`] = (errors[`Q4 ${code}`] ?? 0) + 1;
          if (done) break;
        }
      }
    })();
    let mixed: LoopResult;
    try {
      mixed = await phase(t, o, round + 100, 'oltp + Q4');
    } finally {
      done = true;
      await analytics;
      await c.end().catch(() => c.destroy());
    }
    const rate = (r: LoopResult): number => (r.elapsedS > 0 ? r.ops / r.elapsedS : 0);
    const ms = (us: number): number => us / 1000;
    const figures: Figure[] = [
      { name: 'OLTP alone', value: rate(alone), unit: 'ops/s', better: 'higher' },
      { name: 'OLTP alone p50', value: ms(alone.hist.percentile(50)), unit: 'ms', better: 'lower' },
      { name: 'OLTP alone p99', value: ms(alone.hist.percentile(99)), unit: 'ms', better: 'lower' },
      { name: 'OLTP beside Q4', value: rate(mixed), unit: 'ops/s', better: 'higher' },
      { name: 'OLTP beside Q4 p50', value: ms(mixed.hist.percentile(50)), unit: 'ms', better: 'lower' },
      { name: 'OLTP beside Q4 p99', value: ms(mixed.hist.percentile(99)), unit: 'ms', better: 'lower' },
      { name: 'throughput kept beside Q4', value: rate(alone) > 0 ? rate(mixed) / rate(alone) : null, unit: 'ratio', better: 'higher' },
      {
        name: 'p99 growth beside Q4',
        value: alone.hist.percentile(99) > 0 ? mixed.hist.percentile(99) / alone.hist.percentile(99) : null,
        unit: 'ratio',
        better: 'lower',
      },
      { name: 'Q4 runs beside OLTP', value: q4Hist.total, unit: 'count', better: 'higher' },
      { name: 'Q4 median beside OLTP', value: q4Hist.total > 0 ? ms(q4Hist.percentile(50)) : null, unit: 'ms', better: 'lower' },
    ];
    const offset = alone.series.length > 0 ? alone.series[alone.series.length - 1]!.t : 0;
    const series = [...alone.series, ...mixed.series.map((p) => ({ ...p, t: Math.round((p.t + offset) * 10) / 10 }))];
    const allErrors: Record<string, number> = { ...errors };
    for (const r of [alone, mixed]) for (const [k, v] of Object.entries(r.errors)) allErrors[k] = (allErrors[k] ?? 0) + v;
    return {
      figures,
      errors: allErrors,
      series,
      notes: [`phase 2 starts at t=${offset}s in the series (Q4 loop running)`],
    };
  },
  cleanup: (t) => dropAnalytics(t),
};
