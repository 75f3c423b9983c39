// A leaf evaluates session expressions (@x, DATABASE(), …) only from the values the request
// carries: a name the aggregator did not send is its bug and fails loudly, never a silent NULL
// that would write or match the wrong rows.
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { InternalError } from '../common/assert.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { SqlType } from '../common/types.js';
import type { ModifyRequest } from '../net/leaf-api.js';
import { LeafServer } from './leaf-server.js';

const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };

async function leafWithRows(): Promise<LeafServer> {
  const leaf = new LeafServer('leaf-1', pino({ level: 'silent' }), null);
  await leaf.createDatabase('d', [0]);
  await leaf.createTable('d', [0], {
    id: 1,
    name: 't',
    columns: [
      { name: 'id', type: INT, nullable: false },
      { name: 'v', type: INT, nullable: true },
    ],
    indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
  });
  await leaf.beginStatement(1, 1000);
  await leaf.insert({ slots: [], params: [], now: '', sessionValues: {}, txnId: 1, lockWaitTimeoutMs: 1000, db: 'd', partition: 0, tableId: 1, rows: [[1, 10], [2, 20]], mode: 'insert' });
  return leaf;
}

/** UPDATE t SET v = @x WHERE id = 1, with the given session values. */
function setFromVariable(sessionValues: Record<string, null | number>): ModifyRequest {
  const x: BoundExpr = { kind: 'session', name: '@x', type: INT };
  const filter: BoundExpr = { kind: 'compare', op: '=', left: { kind: 'column', index: 0, type: INT }, right: { kind: 'const', value: 1, type: INT }, cmp: 'int', type: INT };
  return {
    slots: [], params: [], now: '', sessionValues, txnId: 1, lockWaitTimeoutMs: 1000,
    db: 'd', partitions: [0], tableId: 1, access: { kind: 'full' }, filter,
    assignments: [{ column: 1, expr: x }], columnNames: ['id', 'v'], shardKey: [], strict: true,
  };
}

it('a session value missing from a request is an internal-invariant error, not NULL', async () => {
  const leaf = await leafWithRows();
  await expect(leaf.modify(setFromVariable({}), 'update')).rejects.toThrow(InternalError);
  await expect(leaf.modify(setFromVariable({}), 'update')).rejects.toThrow("session value '@x' was not sent");
  // Sent, it is used as it is: a value, or an explicit NULL (a variable never set).
  expect(await leaf.modify(setFromVariable({ '@x': 42 }), 'update')).toMatchObject({ matched: 1, changed: 1 });
  expect(await leaf.modify(setFromVariable({ '@x': null }), 'update')).toMatchObject({ matched: 1, changed: 1 });
  await leaf.rollback(1);
});
