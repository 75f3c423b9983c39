/** One partition of a leaf: its rowstore tables, sharing the leaf's transactions and locks. */
import { invariant } from '../common/assert.js';
import { RowTable } from './row-table.js';
import type { TableSchema } from './schema.js';
import type { TxnManager } from './txn.js';

export class Partition {
  private readonly tables = new Map<number, RowTable>();

  constructor(
    readonly id: number,
    private readonly txns: TxnManager,
  ) {}

  createTable(schema: TableSchema): RowTable {
    invariant(!this.tables.has(schema.id), `table ${schema.id} already exists in partition ${this.id}`);
    const t = new RowTable(schema, this.id, this.txns, this);
    this.tables.set(schema.id, t);
    return t;
  }

  /** Drops the table; writes of in-flight txns to it are forgotten. */
  dropTable(id: number): void {
    const t = this.tables.get(id);
    if (t === undefined) return;
    t.drop();
    this.tables.delete(id);
  }

  table(id: number): RowTable | undefined {
    return this.tables.get(id);
  }

  tableIds(): number[] {
    return [...this.tables.keys()];
  }

  allTables(): RowTable[] {
    return [...this.tables.values()];
  }
}
