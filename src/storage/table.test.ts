import { describe, expect, it } from 'vitest';
import { Decimal } from '../common/decimal.js';
import { T } from '../common/types.js';
import { valuesOf } from '../common/vector.js';
import { Partition } from './partition.js';
import type { Table } from './table.js';
import type { TableSchema } from './schema.js';
import { TxnManager } from './txn.js';

const ORDERS: TableSchema = {
  id: 1,
  name: 'orders',
  columns: [
    { name: 'id', type: T.int, nullable: false },
    { name: 'status', type: T.varchar(1), nullable: true },
    { name: 'price', type: T.decimal(12, 2), nullable: true },
  ],
  indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
};

describe('the table interface on the rowstore', () => {
  it('scans visible rows into typed vectors with pushed-down filters', () => {
    const m = new TxnManager();
    const t: Table = new Partition(0, m).createTable(ORDERS);
    const w = m.begin();
    for (let i = 0; i < 100; i++) t.insert(w, [i, i % 2 === 0 ? 'F' : 'O', i % 10 === 0 ? null : new Decimal(BigInt(i * 100 + 5), 2)]);
    const hidden = m.begin();
    void w.commit();
    t.insert(hidden, [1000, 'F', new Decimal(1n, 2)]); // uncommitted: invisible to others
    const view = m.view(null);
    const batches = [
      ...t.scanBatches(view, {
        columns: [2, 0],
        batchRows: 40,
        filters: [
          { kind: 'range', col: 0, lo: { value: 10, inclusive: false }, hi: { value: 80, inclusive: true } },
          { kind: 'match', col: 1, test: (v) => v === 'F' },
        ],
      }),
    ];
    const ids = batches.flatMap((b) => [...valuesOf(b.columns[1]!, b.length)]);
    expect(ids).toEqual(Array.from({ length: 35 }, (_, i) => 12 + i * 2));
    // a whole batch: DECIMALs as scaled integers with a null mask, refs that read the rows back
    const [whole] = [...t.scanBatches(view, { columns: [2], batchRows: 100 })];
    expect(whole!.length).toBe(100);
    const price = whole!.columns[0]!;
    expect(price.kind).toBe('scaled');
    if (price.kind === 'scaled') expect([price.data[7], price.nulls![10], price.scale]).toEqual([705, 1, 2]);
    expect(t.read(view, whole!.refs[7]!)![0]).toBe(7);
    m.release(view);
  });
});
