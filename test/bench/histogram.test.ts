// The latency histogram's percentiles against distributions whose quantiles are known exactly.
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../bench/lib/histogram.js';
import { Rng } from '../../bench/lib/rng.js';

/** The exact p-th percentile of a sample (nearest rank), for comparison. */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('Histogram', () => {
  it('is exact below 2048', () => {
    const h = new Histogram();
    for (let v = 1; v <= 1000; v++) h.record(v);
    expect(h.percentile(50)).toBe(500);
    expect(h.percentile(99)).toBe(990);
    expect(h.percentile(99.9)).toBe(999);
    expect(h.percentile(100)).toBe(1000);
    expect(h.percentile(0)).toBe(1);
    expect(h.total).toBe(1000);
    expect(h.mean()).toBeCloseTo(500.5, 6);
  });

  it('matches the quantiles of a uniform distribution within 0.1%', () => {
    const h = new Histogram();
    for (let v = 1; v <= 1_000_000; v++) h.record(v);
    for (const p of [50, 90, 95, 99, 99.9, 99.99]) {
      const want = (p / 100) * 1_000_000;
      expect(Math.abs(h.percentile(p) - want) / want, `p${p}`).toBeLessThan(0.001);
    }
    expect(h.max).toBe(1_000_000);
  });

  it('matches the quantiles of an exponential sample within 0.1%', () => {
    // Latency-like: exponential with mean 2 ms (in microseconds), 200,000 draws from a seeded PRNG.
    const rng = new Rng(42);
    const xs: number[] = [];
    const h = new Histogram();
    for (let i = 0; i < 200_000; i++) {
      const v = Math.round(-Math.log(1 - rng.next()) * 2000);
      xs.push(v);
      h.record(v);
    }
    xs.sort((a, b) => a - b);
    for (const p of [50, 95, 99, 99.9]) {
      const want = exact(xs, p);
      expect(Math.abs(h.percentile(p) - want) / want, `p${p}: ${h.percentile(p)} vs ${want}`).toBeLessThan(0.001);
    }
    // The analytic median of Exp(mean 2000) is 2000·ln 2 ≈ 1386.
    expect(Math.abs(h.percentile(50) - 2000 * Math.LN2) / (2000 * Math.LN2)).toBeLessThan(0.02);
  });

  it('merges by adding counts and covers values up to hours', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 0; i < 99; i++) a.record(100);
    b.record(3_600_000_000); // one hour in microseconds
    a.add(b);
    expect(a.total).toBe(100);
    expect(a.percentile(99)).toBe(100);
    const top = a.percentile(100);
    expect(Math.abs(top - 3_600_000_000) / 3_600_000_000).toBeLessThan(0.001);
    expect(new Histogram().percentile(99)).toBe(0);
  });
});
