// The analytics generator is deterministic: the same seed gives the same rows, chunk by chunk,
// whatever order the chunks are made in; and the data has the advertised shape.
import { describe, expect, it } from 'vitest';
import { ANCHOR_MS, DAY_MS, chunks, daysBeforeAnchor, orderChunk, sizes, userChunk, userOfOrder, valuesSql } from '../../bench/lib/analytics-data.js';
import { pointKeys } from '../../bench/workloads/analytics.js';
import { Rng } from '../../bench/lib/rng.js';
import { createHash } from 'node:crypto';

function digest(rows: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

describe('analytics generator', () => {
  const s = sizes(0.01); // 2,000 users, 50,000 orders

  it('has the sizes of the issue at scale 1', () => {
    expect(sizes(1)).toEqual({ users: 200_000, orders: 5_000_000 });
    expect(s).toEqual({ users: 2_000, orders: 50_000 });
  });

  it('gives the same rows for the same seed, in any chunk order', () => {
    const forward = Array.from({ length: chunks(s.orders) }, (_, i) => orderChunk(7, i, s)).flat();
    const backward = Array.from({ length: chunks(s.orders) }, (_, i) => orderChunk(7, chunks(s.orders) - 1 - i, s)).reverse().flat();
    expect(forward.length).toBe(s.orders);
    expect(digest(forward)).toBe(digest(backward));
    expect(digest(userChunk(7, 0, s))).toBe(digest(userChunk(7, 0, s)));
    expect(valuesSql(orderChunk(7, 3, s))).toBe(valuesSql(orderChunk(7, 3, s)));
    // A different seed gives different data.
    expect(digest(orderChunk(8, 0, s))).not.toBe(digest(orderChunk(7, 0, s)));
    expect(digest(userChunk(8, 0, s))).not.toBe(digest(userChunk(7, 0, s)));
    expect(pointKeys(7, s)).toEqual(pointKeys(7, s));
  });

  it('pins the PRNG stream and the first rows (the same on every machine and Node version)', () => {
    const r = new Rng(1);
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([2442144158, 3238099751, 3819917871]);
    // A change here changes the data set behind every published figure: say so in RESULTS.md.
    expect(orderChunk(1, 0, sizes(1))[0]).toEqual([1, 115496, '9.20', 'delivered', '2024-04-03 08:18:31', 3172]);
    expect(userChunk(1, 0, sizes(1))[0]).toEqual([1, 'user1.86967@example.com', 'active', 'FI', '2023-03-11 22:35:51']);
  });

  it('has about 80% active users, five order statuses and 90 days of orders', () => {
    const users = Array.from({ length: chunks(s.users) }, (_, i) => userChunk(1, i, s)).flat();
    expect(users.map((u) => u[0])).toEqual(Array.from({ length: s.users }, (_, i) => i + 1));
    const active = users.filter((u) => u[2] === 'active').length / users.length;
    expect(active).toBeGreaterThan(0.77);
    expect(active).toBeLessThan(0.83);
    for (const u of users) {
      expect(u[1].length).toBeLessThanOrEqual(64);
      expect(u[3]).toMatch(/^[A-Z]{2}$/);
    }
    const orders = Array.from({ length: chunks(s.orders) }, (_, i) => orderChunk(1, i, s)).flat();
    expect(new Set(orders.map((o) => o[3])).size).toBe(5);
    const oldest = daysBeforeAnchor(90);
    for (const o of orders) {
      expect(o[1]).toBe(userOfOrder(o[0], s.users));
      expect(o[1]).toBeGreaterThanOrEqual(1);
      expect(o[1]).toBeLessThanOrEqual(s.users);
      expect(o[2]).toMatch(/^\d+\.\d\d$/);
      expect(o[4] >= oldest && o[4] < daysBeforeAnchor(0)).toBe(true);
    }
    expect(daysBeforeAnchor(1)).toBe('2024-06-29 00:00:00');
    expect(ANCHOR_MS - 90 * DAY_MS).toBe(Date.UTC(2024, 3, 1));
    // Orders spread over users: most users have some.
    expect(new Set(orders.map((o) => o[1])).size).toBeGreaterThan(s.users * 0.9);
  });
});
