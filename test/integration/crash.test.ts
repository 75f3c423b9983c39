// Crash test: 16 clients run inserts, updates, deletes and multi-statement transactions against
// `tessera start` (durability=sync, snapshots every second so they happen between crashes too),
// each keeping a ledger of what the server acknowledged. The server is killed with SIGKILL at
// random moments and restarted; after every restart every acknowledged write must be there, no
// transaction may be half-applied, and row counts and a checksum per table must match the ledger.
//
// A statement or COMMIT whose reply never came (the kill hit it) is "in doubt": after the restart
// it must be either entirely applied or entirely absent, and the ledger takes what is there.
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

const CLIENTS = 16;
const CYCLES = Number(process.env.CRASH_CYCLES ?? 20);
const ACCOUNTS = 8;
const START_BALANCE = 1000;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100000);

/** Small deterministic PRNG (mulberry32) so a failure can be replayed with CRASH_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Val = string | null; // null = absent
/** An in-doubt value known only to be present (an auto-increment id the reply never brought). */
const ANY = '\u0000any';

/** A change the client made: key → value after it (null = deleted), per table. */
interface Effect {
  items: Map<number, Val>;
  ev: Map<number, Val>;
  auto: Map<number, Val>;
}

function effect(): Effect {
  return { items: new Map(), ev: new Map(), auto: new Map() };
}

class Ledger {
  /** Acknowledged state of this client's rows. */
  readonly items = new Map<number, string>();
  readonly ev = new Map<number, string>();
  /** seq → auto-increment id the server returned, with the value. */
  readonly auto = new Map<number, string>();
  /** The operation whose reply never came, if any. */
  doubt: Effect | null = null;
  acked = 0;
  nextItem = 0;
  nextSeq = 0;

  constructor(readonly client: number) {}

  itemId(n: number): number {
    return this.client * 1_000_000 + n;
  }

  apply(e: Effect): void {
    for (const t of ['items', 'ev', 'auto'] as const) {
      for (const [k, v] of e[t]) {
        if (v === null) this[t].delete(k);
        else this[t].set(k, v);
      }
    }
  }
}

interface Observed {
  items: Map<number, Map<number, string>>;
  ev: Map<number, Map<number, string>>;
  auto: Map<number, Map<number, string>>;
  autoIds: Set<number>;
  autoRows: number;
  balanceSum: number;
  counts: Record<string, number>;
}

function checksum(m: Map<number, string>): string {
  const h = createHash('sha1');
  for (const k of [...m.keys()].sort((a, b) => a - b)) h.update(`${k}=${m.get(k)};`);
  return h.digest('hex').slice(0, 12);
}

async function observe(conn: mysql.Connection): Promise<Observed> {
  const by = (rows: { client: number; k: number; v: string }[]): Map<number, Map<number, string>> => {
    const out = new Map<number, Map<number, string>>();
    for (const r of rows) {
      let m = out.get(r.client);
      if (!m) out.set(r.client, (m = new Map()));
      m.set(Number(r.k), r.v);
    }
    return out;
  };
  const [items] = await conn.query('SELECT client, id AS k, val AS v FROM items');
  const [ev] = await conn.query('SELECT client, seq AS k, note AS v FROM ev');
  const [auto] = await conn.query("SELECT client, seq AS k, CONCAT(id, ':', val) AS v, id FROM auto");
  const [bal] = await conn.query('SELECT SUM(bal) AS s FROM acct');
  const counts: Record<string, number> = {};
  for (const t of ['items', 'ev', 'auto', 'acct']) {
    const [c] = await conn.query(`SELECT COUNT(*) AS n FROM ${t}`);
    counts[t] = Number((c as { n: number }[])[0]!.n);
  }
  const autoRows = auto as { id: number }[];
  return {
    items: by(items as never),
    ev: by(ev as never),
    auto: by(auto as never),
    autoIds: new Set(autoRows.map((r) => Number(r.id))),
    autoRows: autoRows.length,
    balanceSum: Number((bal as { s: string }[])[0]!.s),
    counts,
  };
}

/** Checks one client's rows against its ledger; resolves the op in doubt; returns problems. */
function reconcile(l: Ledger, o: Observed): string[] {
  const problems: string[] = [];
  const tables = ['items', 'ev', 'auto'] as const;
  const seen = { items: o.items.get(l.client) ?? new Map(), ev: o.ev.get(l.client) ?? new Map(), auto: o.auto.get(l.client) ?? new Map() };
  const d = l.doubt;
  if (d !== null) {
    // All of the op or none of it: every key it touched is at its before or after value, consistently.
    let applied: boolean | null = null;
    for (const t of tables) {
      for (const [k, after] of d[t]) {
        const before = l[t].get(k) ?? null;
        const now = seen[t].get(k) ?? null;
        if (before === after) continue;
        const isAfter = after === ANY ? now !== null : now === after;
        const isBefore = now === before;
        if (!isAfter && !isBefore) problems.push(`client ${l.client} ${t} ${k}: in-doubt op left ${now}, neither before ${before} nor after ${after}`);
        else if (applied === null) applied = isAfter;
        else if (applied !== isAfter) problems.push(`client ${l.client}: in-doubt transaction half-applied (${t} ${k})`);
      }
    }
    if (applied === true) {
      for (const [k, v] of d.auto) if (v === ANY) d.auto.set(k, seen.auto.get(k) ?? null);
      l.apply(d);
    }
    l.doubt = null;
  }
  for (const t of tables) {
    const want = l[t];
    const got = seen[t];
    if (checksum(want) !== checksum(got)) {
      const missing = [...want].filter(([k, v]) => got.get(k) !== v).slice(0, 5);
      const extra = [...got].filter(([k]) => !want.has(k)).slice(0, 5);
      problems.push(`client ${l.client} ${t}: ${got.size} rows (checksum ${checksum(got)}) vs ledger ${want.size} (checksum ${checksum(want)}); wrong/missing ${JSON.stringify(missing)} extra ${JSON.stringify(extra)}`);
    }
  }
  return problems;
}

/** One client's workload until `stop()` says so or its connection dies. */
async function runClient(server: TesseraServer, l: Ledger, rand: () => number, stop: () => boolean): Promise<void> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: 'crash', connectTimeout: 5000 });
  } catch {
    return;
  }
  conn.on('error', () => {});
  const pick = (m: Map<number, string>): number | undefined => {
    if (m.size === 0) return undefined;
    const keys = [...m.keys()];
    return keys[Math.floor(rand() * keys.length)];
  };
  try {
    while (!stop()) {
      try {
      const r = rand();
      const e = effect();
      const val = `c${l.client}-${l.acked}-${Math.floor(rand() * 1e6)}`;
      if (r < 0.3) {
        // autocommit insert
        const id = l.itemId(l.nextItem++);
        e.items.set(id, val);
        l.doubt = e;
        await conn.query('INSERT INTO items (id, client, val) VALUES (?, ?, ?)', [id, l.client, val]);
      } else if (r < 0.42) {
        const id = pick(l.items);
        if (id === undefined) continue;
        e.items.set(id, val);
        l.doubt = e;
        await conn.query('UPDATE items SET val = ? WHERE id = ?', [val, id]);
      } else if (r < 0.5) {
        const id = pick(l.items);
        if (id === undefined) continue;
        e.items.set(id, null);
        l.doubt = e;
        await conn.query('DELETE FROM items WHERE id = ?', [id]);
      } else if (r < 0.6) {
        // table without a primary key: insert, update or delete by (client, seq)
        const s = pick(l.ev);
        if (s === undefined || rand() < 0.5) {
          const seq = l.nextSeq++;
          e.ev.set(seq, val);
          l.doubt = e;
          await conn.query('INSERT INTO ev (client, seq, note) VALUES (?, ?, ?)', [l.client, seq, val]);
        } else if (rand() < 0.5) {
          e.ev.set(s, val);
          l.doubt = e;
          await conn.query('UPDATE ev SET note = ? WHERE client = ? AND seq = ?', [val, l.client, s]);
        } else {
          e.ev.set(s, null);
          l.doubt = e;
          await conn.query('DELETE FROM ev WHERE client = ? AND seq = ?', [l.client, s]);
        }
      } else if (r < 0.7) {
        // auto-increment id; the ledger keeps the id the server returned
        const seq = l.nextSeq++;
        e.auto.set(seq, ANY); // the id is unknown until the reply
        l.doubt = e;
        const [res] = await conn.query('INSERT INTO auto (client, seq, val) VALUES (?, ?, ?)', [l.client, seq, val]);
        e.auto.set(seq, `${(res as { insertId: number }).insertId}:${val}`);
      } else {
        // multi-statement transaction: two inserts, an update or delete, and a transfer between accounts
        const a = 1 + Math.floor(rand() * ACCOUNTS);
        let b = 1 + Math.floor(rand() * ACCOUNTS);
        if (b === a) b = (a % ACCOUNTS) + 1;
        const amt = 1 + Math.floor(rand() * 50);
        const i1 = l.itemId(l.nextItem++);
        const i2 = l.itemId(l.nextItem++);
        const old = pick(l.items);
        await conn.query('BEGIN');
        try {
          await conn.query('INSERT INTO items (id, client, val) VALUES (?, ?, ?), (?, ?, ?)', [i1, l.client, val, i2, l.client, val]);
          e.items.set(i1, val);
          e.items.set(i2, val);
          if (old !== undefined && !e.items.has(old)) {
            if (rand() < 0.5) {
              await conn.query('UPDATE items SET val = ? WHERE id = ?', [`${val}u`, old]);
              e.items.set(old, `${val}u`);
            } else {
              await conn.query('DELETE FROM items WHERE id = ?', [old]);
              e.items.set(old, null);
            }
          }
          // lock order by account id, so transfers do not deadlock
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const dlo = lo === a ? -amt : amt;
          await conn.query('UPDATE acct SET bal = bal + ? WHERE id = ?', [dlo, lo]);
          await conn.query('UPDATE acct SET bal = bal + ? WHERE id = ?', [-dlo, hi]);
        } catch (err) {
          await conn.query('ROLLBACK').catch(() => {});
          throw err;
        }
        l.doubt = e;
        await conn.query('COMMIT');
      }
      // acknowledged
      l.apply(e);
      l.doubt = null;
      l.acked++;
      } catch (err) {
        const fatal = (err as { fatal?: boolean }).fatal === true || typeof (err as { errno?: unknown }).errno !== 'number';
        // The connection died (the kill): the op in flight stays in doubt.
        if (fatal) return;
        // A server error reply (e.g. a lock wait timeout) means the statement did not apply.
        l.doubt = null;
      }
    }
  } finally {
    conn.destroy();
  }
}

describe('crash recovery under load (SIGKILL)', () => {
  let server: TesseraServer | undefined;

  afterAll(async () => {
    await server?.stop();
  });

  it(`keeps every acknowledged write through ${CYCLES} kills (seed ${SEED})`, async () => {
    const rand = rng(SEED);
    // CRASH_EXTRA_ARGS lets one check the test has teeth: with '--durability async --async-flush-ms 1000' it must fail.
    const extra = (process.env.CRASH_EXTRA_ARGS ?? '').split(' ').filter((x) => x !== '');
    server = await startTessera({ extraArgs: ['--snapshot-interval', '1', '--log-size-limit', '256K', '--log-level', 'warn', ...extra] });
    const admin = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
    await admin.query('CREATE DATABASE crash');
    await admin.query('USE crash');
    await admin.query('CREATE TABLE items (id BIGINT PRIMARY KEY, client INT NOT NULL, val VARCHAR(64) NOT NULL)');
    await admin.query('CREATE TABLE ev (client INT NOT NULL, seq INT NOT NULL, note VARCHAR(64))');
    await admin.query('CREATE TABLE auto (id INT AUTO_INCREMENT PRIMARY KEY, client INT NOT NULL, seq INT NOT NULL, val VARCHAR(64) NOT NULL)');
    await admin.query('CREATE TABLE acct (id INT PRIMARY KEY, bal BIGINT NOT NULL)');
    for (let i = 1; i <= ACCOUNTS; i++) await admin.query('INSERT INTO acct VALUES (?, ?)', [i, START_BALANCE]);
    await admin.end();

    const ledgers = Array.from({ length: CLIENTS }, (_, c) => new Ledger(c + 1));
    const seenAutoIds = new Map<number, string>();
    let kills = 0;
    let totalAcked = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let stopped = false;
      const workers = ledgers.map((l, i) => runClient(server!, l, rng(SEED * 131 + cycle * 17 + i), () => stopped));
      // Kill at a random moment of the load.
      await new Promise((r) => setTimeout(r, 400 + Math.floor(rand() * 1400)));
      await server.kill('SIGKILL');
      kills++;
      stopped = true;
      await Promise.all(workers);
      await server.restart();

      const conn = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: 'crash' });
      try {
        const o = await observe(conn);
        const problems: string[] = [];
        for (const l of ledgers) problems.push(...reconcile(l, o));
        if (o.balanceSum !== ACCOUNTS * START_BALANCE) problems.push(`account total ${o.balanceSum}, want ${ACCOUNTS * START_BALANCE}: a transfer was half-applied`);
        if (o.counts['acct'] !== ACCOUNTS) problems.push(`acct has ${o.counts['acct']} rows`);
        if (o.autoIds.size !== o.autoRows) problems.push('duplicate auto-increment ids');
        // Every acknowledged auto-increment row keeps its id; no id is reused for another row.
        for (const l of ledgers) {
          for (const [, v] of l.auto) {
            const id = Number(v.split(':')[0]);
            const prev = seenAutoIds.get(id);
            if (prev !== undefined && prev !== `${l.client}:${v}`) problems.push(`auto id ${id} reused (${prev} then ${l.client}:${v})`);
            seenAutoIds.set(id, `${l.client}:${v}`);
          }
        }
        const want = (t: 'items' | 'ev') => ledgers.reduce((n, l) => n + l[t].size, 0);
        if (o.counts['items'] !== want('items')) problems.push(`items: COUNT(*) ${o.counts['items']} vs ledger ${want('items')}`);
        if (o.counts['ev'] !== want('ev')) problems.push(`ev: COUNT(*) ${o.counts['ev']} vs ledger ${want('ev')}`);
        expect(problems, `after kill ${kills} (seed ${SEED})`).toEqual([]);
      } finally {
        await conn.end();
      }
      totalAcked = ledgers.reduce((n, l) => n + l.acked, 0);
    }
    expect(kills).toBeGreaterThanOrEqual(Math.min(20, CYCLES));
    // The load really ran: thousands of acknowledged operations across the kills.
    expect(totalAcked).toBeGreaterThan(CYCLES * 20);
    process.stderr.write(`crash test: ${kills} SIGKILLs, ${totalAcked} acknowledged operations, seed ${SEED}\n`);
  }, 240_000);
});
