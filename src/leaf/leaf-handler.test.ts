// The leaf boundary as a protocol: a LeafServer reached only through encoded messages
// (RemoteLeaf → LoopbackTransport → LeafMessageHandler). Errors come back as SqlErrors,
// fragments stream by cursor, and equal plans sent as separate objects reuse the leaf's
// decoded plan and compiled expressions (by content hash, not by object identity).
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../common/errors.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import { compileStats } from '../exec/eval.js';
import type { ExecInputs, FragmentRequest, LeafApi, ModifyRequest } from '../net/leaf-api.js';
import { RemoteLeaf } from '../net/remote-leaf.js';
import { LoopbackTransport } from '../net/transport.js';
import { LeafMessageHandler } from './leaf-handler.js';
import { LeafServer } from './leaf-server.js';

const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };

function inputs(txnId: number | null): ExecInputs {
  return { slots: [], params: [], now: '2026-12-08 02:30:00', sessionValues: {}, txnId, lockWaitTimeoutMs: 1000 };
}

async function setUp(rows: number): Promise<{ leaf: LeafServer; handler: LeafMessageHandler; remote: LeafApi; transport: LoopbackTransport }> {
  const leaf = new LeafServer('leaf-1', pino({ level: 'silent' }), null);
  const handler = new LeafMessageHandler(leaf);
  const transport = new LoopbackTransport(handler.handle);
  const remote = new RemoteLeaf('leaf-1', transport, () => 7);
  await remote.createDatabase('d', [0]);
  await remote.createTable('d', [0], {
    id: 1,
    name: 't',
    columns: [
      { name: 'id', type: BIGINT, nullable: false },
      { name: 'v', type: INT, nullable: true },
    ],
    indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
  });
  if (rows > 0) {
    await remote.beginStatement(1, 1000);
    const all = Array.from({ length: rows }, (_, i) => [i + 1, i % 10]);
    await remote.insert({ ...inputs(1), db: 'd', partition: 0, tableId: 1, rows: all, mode: 'insert' });
    await remote.commit(1);
  }
  return { leaf, handler, remote, transport };
}

/** SELECT id, v FROM t WHERE v = 3, as a fresh plan object each time. */
function scanPlan(): PhysicalPlan {
  const scan: PhysicalPlan = { kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0, 1], access: { kind: 'full' }, types: [BIGINT, INT] };
  const predicate: BoundExpr = { kind: 'compare', op: '=', left: { kind: 'column', index: 1, type: INT }, right: { kind: 'const', value: 3, type: INT }, cmp: 'int', type: INT };
  return { kind: 'filter', input: scan, predicate, types: [BIGINT, INT] };
}

function fragment(plan: PhysicalPlan): FragmentRequest {
  return { ...inputs(null), db: 'd', partitions: [0], fragment: plan };
}

/** UPDATE t SET v = v + 1 WHERE id = 1, as fresh objects each time. */
function bump(): ModifyRequest {
  const v: BoundExpr = { kind: 'column', index: 1, type: INT };
  const filter: BoundExpr = { kind: 'compare', op: '=', left: { kind: 'column', index: 0, type: BIGINT }, right: { kind: 'const', value: 1, type: BIGINT }, cmp: 'int', type: INT };
  const plus: BoundExpr = { kind: 'arith', op: '+', left: v, right: { kind: 'const', value: 1, type: INT }, type: BIGINT, text: 'v + 1' };
  return { ...inputs(2), db: 'd', partitions: [0], tableId: 1, access: { kind: 'full' }, filter, assignments: [{ column: 1, expr: plus }], columnNames: ['id', 'v'], shardKey: [], strict: true };
}

async function rowsOf(remote: LeafApi, plan: PhysicalPlan): Promise<number> {
  let n = 0;
  for (const b of await remote.runFragment(fragment(plan))) n += b.length;
  return n;
}

describe('LeafMessageHandler behind a loopback transport', () => {
  it('a leaf error comes back as the SqlError the client sees (errno, SQLSTATE, message)', async () => {
    const { remote } = await setUp(3);
    await remote.beginStatement(3, 1000);
    const dup = remote.insert({ ...inputs(3), db: 'd', partition: 0, tableId: 1, rows: [[2, 0]], mode: 'insert' });
    await expect(dup).rejects.toBeInstanceOf(SqlError);
    await expect(remote.insert({ ...inputs(3), db: 'd', partition: 0, tableId: 1, rows: [[2, 0]], mode: 'insert' })).rejects.toMatchObject({ errno: 1062, sqlState: '23000', message: "Duplicate entry '2' for key 'PRIMARY'" });
    await remote.rollback(3);
  });

  it('an equal plan sent as a new object is decoded once and its compiled expressions reused', async () => {
    const { remote, handler } = await setUp(50);
    expect(await rowsOf(remote, scanPlan())).toBe(5);
    const built = compileStats.built;
    expect(await rowsOf(remote, scanPlan())).toBe(5);
    expect(await rowsOf(remote, scanPlan())).toBe(5);
    expect(compileStats.built).toBe(built);
    expect(handler.plans.misses).toBe(1);
    expect(handler.plans.hits).toBe(2);

    // UPDATE programs too.
    await remote.beginStatement(2, 1000);
    await remote.modify(bump(), 'update');
    const afterFirst = compileStats.built;
    for (let i = 0; i < 3; i++) expect(await remote.modify(bump(), 'update')).toMatchObject({ matched: 1, changed: 1 });
    expect(compileStats.built).toBe(afterFirst);
    await remote.commit(2);
  });

  it('(the contrast) calling the leaf directly with new objects compiles them again each time', async () => {
    const { leaf } = await setUp(50);
    await leaf.runFragment(fragment(scanPlan()));
    const built = compileStats.built;
    await leaf.runFragment(fragment(scanPlan()));
    expect(compileStats.built).toBeGreaterThan(built);
  });

  it('a different plan gets a different id and its own result', async () => {
    const { remote, handler } = await setUp(50);
    expect(await rowsOf(remote, scanPlan())).toBe(5);
    const all: PhysicalPlan = { kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0, 1], access: { kind: 'full' }, types: [BIGINT, INT] };
    expect(await rowsOf(remote, all)).toBe(50);
    expect(handler.plans.misses).toBe(2);
  });

  it('a big fragment streams chunk by chunk through a leaf cursor, and closing early frees it', async () => {
    const { remote, handler } = await setUp(20_000);
    const all = (): PhysicalPlan => ({ kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0], access: { kind: 'full' }, types: [BIGINT] });
    let chunk = await remote.openFragment(fragment(all()));
    expect(chunk.rest).not.toBeNull();
    expect(handler.openCursors).toBe(1);
    let rows = 0;
    let chunks = 0;
    let sum = 0;
    for (;;) {
      chunks++;
      for (const b of chunk.batches) {
        rows += b.length;
        const c = b.cols[0]!;
        for (let i = 0; i < b.length; i++) sum += c.kind === 'f64' ? c.data[i]! : Number(c.kind === 'values' ? c.values[i] : 0);
      }
      if (chunk.rest === null) break;
      chunk = await chunk.rest.next();
      expect(chunks).toBeLessThan(100);
    }
    expect(rows).toBe(20_000);
    expect(sum).toBe((20_000 * 20_001) / 2);
    expect(chunks).toBeGreaterThan(1);
    expect(handler.openCursors).toBe(0);

    const early = await remote.openFragment(fragment(all()));
    expect(handler.openCursors).toBe(1);
    early.rest!.close();
    await new Promise((r) => setTimeout(r, 0));
    expect(handler.openCursors).toBe(0);
  });

  it('every request carries the partition-map version it was routed by', async () => {
    const { handler } = await setUp(0);
    expect(handler.mapVersion).toBe(7);
  });

  it('a request for a cursor that is not open answers with an error, and the leaf keeps serving', async () => {
    const { remote, handler } = await setUp(5);
    await expect((remote as RemoteLeaf).fragmentNext(999)).rejects.toThrow('fragment cursor 999 is not open');
    expect(handler.openCursors).toBe(0);
    expect(await remote.rowCount('d', 1)).toBe(5);
  });
});
