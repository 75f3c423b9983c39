// GET_LOCK and friends across connections over the wire (MySQL 8's semantics): a lock held by
// one connection makes another wait, without holding the server (another client's SELECT 1 is
// answered, LivenessBound), until the holder releases it, disconnects or the timeout passes;
// locks are recursive; waiting in a cycle is 3058; KILL QUERY ends a wait with 1317.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessBound, whileProbing } from '../harness/liveness.js';
import { parseTarget, startTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

let server: TesseraServer;
let target: TargetAddress;
let bound: LivenessBound;
const opened: mysql.Connection[] = [];

async function connect(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, connectTimeout: 10_000 });
  c.on('error', () => undefined);
  opened.push(c);
  return c;
}

async function one(c: mysql.Connection, sql: string): Promise<unknown[]> {
  const [r] = await c.query({ sql, rowsAsArray: true });
  return (r as unknown[][])[0]!;
}

async function errnoOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
}

/** Waits (bounded) until `sql` shows in the process list as connection `id`'s statement. */
async function untilRunning(watcher: mysql.Connection, id: number, like: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [n] = await one(watcher, `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${id} AND INFO LIKE '${like}'`);
    if (Number(n) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`connection ${id} never ran ${like}`);
}

beforeAll(async () => {
  server = await startTessera();
  target = parseTarget(server.url);
  bound = await LivenessBound.measure();
});

afterAll(async () => {
  for (const c of opened) await c.end().catch(() => undefined);
  await server?.stop();
});

describe('user-level locks', () => {
  it('one connection: recursive, released one by one, IS_FREE_LOCK / IS_USED_LOCK, names case-insensitive', async () => {
    const a = await connect();
    const [id] = await one(a, 'SELECT CONNECTION_ID()');
    expect(await one(a, "SELECT GET_LOCK('r', 0), GET_LOCK('R', 0), IS_FREE_LOCK('r'), IS_USED_LOCK('r')")).toEqual([1, 1, 0, id]);
    expect(await one(a, "SELECT RELEASE_LOCK('r'), IS_FREE_LOCK('r'), RELEASE_LOCK('r'), IS_FREE_LOCK('r'), RELEASE_LOCK('r'), IS_USED_LOCK('r')")).toEqual([1, 0, 1, 1, null, null]);
    expect(await one(a, "SELECT GET_LOCK('r1', 0), GET_LOCK('r2', 0), GET_LOCK('r2', 0), RELEASE_ALL_LOCKS(), RELEASE_ALL_LOCKS()")).toEqual([1, 1, 1, 3, 0]);
    expect(await errnoOf(a.query("SELECT GET_LOCK('', 0)"))).toBe(3057);
    expect(await errnoOf(a.query(`SELECT GET_LOCK('${'x'.repeat(65)}', 0)`))).toBe(3057);
    expect(await errnoOf(a.query('SELECT GET_LOCK(NULL, 0)'))).toBe(3057);
  });

  it('another connection waits, times out, and gets the lock when it is released, while the server answers others', async () => {
    const a = await connect();
    const b = await connect();
    const [aId] = await one(a, 'SELECT CONNECTION_ID()');
    expect(await one(a, "SELECT GET_LOCK('w', 0)")).toEqual([1]);
    expect(await one(b, "SELECT RELEASE_LOCK('w'), IS_FREE_LOCK('w'), IS_USED_LOCK('w')")).toEqual([0, 0, aId]);
    let t0 = performance.now();
    expect(await one(b, "SELECT GET_LOCK('w', 0.4)")).toEqual([0]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(350);
    const probe = { host: target.host, port: target.port, user: target.user, password: target.password };
    t0 = performance.now();
    const { result, liveness } = await whileProbing(probe, async () => {
      const waiting = one(b, "SELECT GET_LOCK('w', 30)");
      await new Promise((r) => setTimeout(r, 800));
      expect(await one(a, "SELECT RELEASE_LOCK('w')")).toEqual([1]);
      return waiting;
    });
    expect(result).toEqual([1]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(await bound.miss(liveness)).toBeUndefined();
    const [bId] = await one(b, 'SELECT CONNECTION_ID()');
    expect(await one(a, "SELECT IS_USED_LOCK('w')")).toEqual([bId]);
    expect(await one(b, "SELECT RELEASE_LOCK('w')")).toEqual([1]);
  });

  it('a disconnecting holder releases its locks to the waiter', async () => {
    const a = await connect();
    const b = await connect();
    expect(await one(a, "SELECT GET_LOCK('d', 0), GET_LOCK('d2', 0)")).toEqual([1, 1]);
    const watcher = await connect();
    const [bId] = await one(b, 'SELECT CONNECTION_ID()');
    const waiting = one(b, "SELECT GET_LOCK('d', 30)");
    await untilRunning(watcher, Number(bId), 'SELECT GET_LOCK%');
    const t0 = performance.now();
    await a.end();
    expect(await waiting).toEqual([1]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(await one(b, "SELECT IS_FREE_LOCK('d2'), RELEASE_ALL_LOCKS()")).toEqual([1, 1]);
  });

  it('a wait that closes a cycle is a deadlock (3058); KILL QUERY ends a wait with 1317', async () => {
    const a = await connect();
    const b = await connect();
    const watcher = await connect();
    const [bId] = await one(b, 'SELECT CONNECTION_ID()');
    expect(await one(a, "SELECT GET_LOCK('x', 0)")).toEqual([1]);
    expect(await one(b, "SELECT GET_LOCK('y', 0)")).toEqual([1]);
    const bWaits = one(b, "SELECT GET_LOCK('x', 30)").then((r) => ({ r }), (e: { errno?: number }) => ({ errno: e.errno }));
    await untilRunning(watcher, Number(bId), 'SELECT GET_LOCK%');
    expect(await errnoOf(a.query("SELECT GET_LOCK('y', 30)"))).toBe(3058);
    await watcher.query(`KILL QUERY ${bId}`);
    expect(await bWaits).toEqual({ errno: 1317 });
    // b's wait is gone: releasing x leaves it free, and b still holds y.
    expect(await one(a, "SELECT RELEASE_LOCK('x'), IS_FREE_LOCK('x'), IS_USED_LOCK('y') = " + String(bId))).toEqual([1, 1, 1]);
    expect(await one(b, 'SELECT RELEASE_ALL_LOCKS()')).toEqual([1]);
  });
});
