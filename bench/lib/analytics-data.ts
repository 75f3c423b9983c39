// The deterministic generator of the analytics data set: users and orders. Rows come in chunks of
// CHUNK rows, each drawn from its own PRNG stream (seed, table, chunk), so any loader connection
// can produce any chunk and the same seed gives the same bytes on every machine.
import { Rng, subSeed } from './rng.js';

export const USERS_PER_SCALE = 200_000;
export const ORDERS_PER_SCALE = 5_000_000;
export const CHUNK = 2_000;

/** The end of the data's time range; queries use fixed literals relative to it, never NOW(). */
export const ANCHOR_MS = Date.UTC(2024, 5, 30, 0, 0, 0); // 2024-06-30 00:00:00
export const DAY_MS = 86_400_000;

export const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA', 'AU', 'ES', 'IT', 'NL', 'SE', 'PL', 'MX', 'KR', 'FI', 'NO', 'IE', 'ZA'] as const;
/** Order statuses with their weights (sum 100). */
export const ORDER_STATUSES: readonly (readonly [string, number])[] = [
  ['pending', 10],
  ['paid', 15],
  ['shipped', 40],
  ['delivered', 30],
  ['cancelled', 5],
];

export interface Sizes {
  users: number;
  orders: number;
}

export function sizes(scale: number): Sizes {
  return { users: Math.max(100, Math.round(USERS_PER_SCALE * scale)), orders: Math.max(1000, Math.round(ORDERS_PER_SCALE * scale)) };
}

export function datetime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The literal 'YYYY-MM-DD HH:MM:SS' of ANCHOR minus `days`. */
export function daysBeforeAnchor(days: number): string {
  return datetime(ANCHOR_MS - days * DAY_MS);
}

export type UserRow = [userId: number, email: string, status: string, country: string, createdAt: string];
export type OrderRow = [orderId: number, userId: number, amount: string, status: string, createdAt: string, productId: number];

/** The user of an order: a fixed hash of order_id, so a point query can name the full key. */
export function userOfOrder(orderId: number, users: number): number {
  let h = Math.imul(orderId ^ (orderId >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = (h ^ (h >>> 16)) >>> 0;
  return (h % users) + 1;
}

export function userChunk(seed: number, chunk: number, s: Sizes): UserRow[] {
  const rng = new Rng(subSeed(subSeed(seed, 1), chunk));
  const rows: UserRow[] = [];
  const first = chunk * CHUNK + 1;
  const last = Math.min(s.users, first + CHUNK - 1);
  for (let id = first; id <= last; id++) {
    const r = rng.next();
    const status = r < 0.8 ? 'active' : r < 0.95 ? 'inactive' : 'banned';
    const country = rng.pick(COUNTRIES);
    const created = ANCHOR_MS - 90 * DAY_MS - rng.int(0, 730 * 86_400) * 1000;
    rows.push([id, `user${id}.${rng.int(0, 999_999)}@example.com`, status, country, datetime(created)]);
  }
  return rows;
}

export function orderChunk(seed: number, chunk: number, s: Sizes): OrderRow[] {
  const rng = new Rng(subSeed(subSeed(seed, 2), chunk));
  const rows: OrderRow[] = [];
  const first = chunk * CHUNK + 1;
  const last = Math.min(s.orders, first + CHUNK - 1);
  for (let id = first; id <= last; id++) {
    const cents = rng.int(100, 99_999);
    let w = rng.int(0, 99);
    let status = ORDER_STATUSES[0]![0];
    for (const [name, weight] of ORDER_STATUSES) {
      if (w < weight) {
        status = name;
        break;
      }
      w -= weight;
    }
    const created = ANCHOR_MS - rng.int(1, 90 * 86_400) * 1000;
    rows.push([id, userOfOrder(id, s.users), `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, status, datetime(created), rng.int(1, 10_000)]);
  }
  return rows;
}

export function chunks(rows: number): number {
  return Math.ceil(rows / CHUNK);
}

function sqlValue(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function valuesSql(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((r) => `(${r.map(sqlValue).join(',')})`).join(',');
}

/** CREATE TABLE statements; Tessera gets SHARD KEY (user_id) on both tables. */
export function schema(tessera: boolean): { users: string; orders: string } {
  const shard = tessera ? ', SHARD KEY (user_id)' : '';
  return {
    users: `CREATE TABLE users (user_id BIGINT NOT NULL, email VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, country CHAR(2) NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (user_id)${shard})`,
    // Tessera enforces uniqueness inside a partition, so a table sharded on user_id needs user_id
    // in its primary key (SingleStore has the same rule). Both engines get the same key, so
    // order_id leads the index everywhere and a lookup by order_id alone is an index prefix seek.
    orders: `CREATE TABLE orders (order_id BIGINT NOT NULL, user_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL, product_id INT NOT NULL, PRIMARY KEY (order_id, user_id)${shard})`,
  };
}
