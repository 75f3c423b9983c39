import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { SqlError } from '../common/errors.js';
import type { ViewDef } from './view-def.js';

export type { ViewDef } from './view-def.js';

/**
 * Cluster metadata kept by the master aggregator: databases and their tables. Leaves see only
 * the storage schema of the tables whose partitions they host.
 */

/** A column default: a constant, or an expression evaluated per row (CURRENT_TIMESTAMP, (expr)). */
export type ColumnDefault =
  | { readonly kind: 'none' }
  | { readonly kind: 'value'; readonly value: Value }
  /** CURRENT_TIMESTAMP[(fsp)] / NOW() */
  | { readonly kind: 'now'; readonly fsp: number }
  /** An expression default, kept as SQL text (MySQL 8 `DEFAULT (expr)`). */
  | { readonly kind: 'expr'; readonly sql: string };

export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly default: ColumnDefault;
  readonly autoIncrement: boolean;
  /** ON UPDATE CURRENT_TIMESTAMP */
  readonly onUpdateNow: boolean;
  readonly comment: string;
  /** The type as SHOW CREATE TABLE / DESCRIBE print it, e.g. 'int', 'varchar(64)', 'decimal(12,2) unsigned'. */
  readonly typeText: string;
}

export interface IndexDef {
  readonly name: string;
  /** Column positions in the table. */
  readonly columns: readonly number[];
  readonly unique: boolean;
  readonly primary: boolean;
  readonly using: 'BTREE' | 'HASH';
}

export interface TableDef {
  /** Unique across the cluster for the catalog's lifetime. */
  readonly id: number;
  readonly db: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** The primary key first when there is one. */
  readonly indexes: readonly IndexDef[];
  /** Column positions hashed to choose a partition; empty = keyless (rows spread by a hidden id). */
  readonly shardKey: readonly number[];
  /** Unique keys share no column: the whole table lives in partition 0 so they can be enforced. */
  readonly singlePartition?: boolean;
  /**
   * The shard key was written (SHARD KEY (…)); otherwise the unique keys chose it and ALTER TABLE
   * chooses again when they change. Absent in catalogs written before it existed: not written.
   */
  readonly shardKeyExplicit?: boolean;
  readonly sortKey: readonly number[];
  /** A reference table is copied whole to every leaf. */
  readonly reference: boolean;
  readonly storage: 'rowstore' | 'columnstore';
  readonly comment: string;
  readonly engine: string;
  readonly collation: string;
  readonly createdAt: string;
}

export interface DatabaseDef {
  readonly name: string;
  readonly partitions: number;
  readonly charset: string;
  readonly collation: string;
  readonly tables: ReadonlyMap<string, TableDef>;
  /** Views share the tables' namespace: no name is in both maps. */
  readonly views: ReadonlyMap<string, ViewDef>;
}

/** Names compare case-insensitively for tables and databases (lower_case_table_names = 1 style). */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** The read side of the catalog; the planner and SHOW commands use only this. */
export interface CatalogView {
  /** Monotonic version; bumps on every DDL so cached plans can be invalidated. */
  readonly version: number;
  database(name: string): DatabaseDef | undefined;
  databases(): readonly DatabaseDef[];
  table(db: string, name: string): TableDef | undefined;
  view(db: string, name: string): ViewDef | undefined;
}

export class Catalog implements CatalogView {
  private readonly dbs = new Map<string, { def: DatabaseDef; tables: Map<string, TableDef>; views: Map<string, ViewDef> }>();
  private nextTableId = 1;
  private _version = 1;

  get version(): number {
    return this._version;
  }

  database(name: string): DatabaseDef | undefined {
    return this.dbs.get(nameKey(name))?.def;
  }

  databases(): readonly DatabaseDef[] {
    return [...this.dbs.values()].map((d) => d.def).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  table(db: string, name: string): TableDef | undefined {
    return this.dbs.get(nameKey(db))?.tables.get(nameKey(name));
  }

  view(db: string, name: string): ViewDef | undefined {
    return this.dbs.get(nameKey(db))?.views.get(nameKey(name));
  }

  createDatabase(name: string, opts: { partitions: number; charset?: string; collation?: string }): DatabaseDef {
    const key = nameKey(name);
    if (this.dbs.has(key)) throw new SqlError('ER_DB_CREATE_EXISTS', `Can't create database '${name}'; database exists`);
    const tables = new Map<string, TableDef>();
    const views = new Map<string, ViewDef>();
    const def: DatabaseDef = {
      name,
      partitions: opts.partitions,
      charset: opts.charset ?? 'utf8mb4',
      collation: opts.collation ?? 'utf8mb4_general_ci',
      tables,
      views,
    };
    this.dbs.set(key, { def, tables, views });
    this._version++;
    return def;
  }

  dropDatabase(name: string): DatabaseDef {
    const key = nameKey(name);
    const entry = this.dbs.get(key);
    if (!entry) throw new SqlError('ER_DB_DROP_EXISTS', `Can't drop database '${name}'; database doesn't exist`);
    this.dbs.delete(key);
    this._version++;
    return entry.def;
  }

  /** Allocates the id a new table will get. */
  allocateTableId(): number {
    return this.nextTableId++;
  }

  addTable(def: TableDef): void {
    const entry = this.dbs.get(nameKey(def.db));
    if (!entry) throw new SqlError('ER_BAD_DB', `Unknown database '${def.db}'`);
    if (entry.tables.has(nameKey(def.name)) || entry.views.has(nameKey(def.name))) throw new SqlError('ER_TABLE_EXISTS', `Table '${def.name}' already exists`);
    entry.tables.set(nameKey(def.name), def);
    this._version++;
  }

  /** Replaces a table's definition (ALTER, CREATE INDEX). */
  replaceTable(def: TableDef): void {
    const entry = this.dbs.get(nameKey(def.db));
    if (!entry || !entry.tables.has(nameKey(def.name))) {
      throw new SqlError('ER_NO_SUCH_TABLE', `Table '${def.db}.${def.name}' doesn't exist`);
    }
    entry.tables.set(nameKey(def.name), def);
    this._version++;
  }

  /** Puts `def` in place of the table `from` names, in one step (RENAME, or an ALTER that also renames). */
  swapTable(from: { readonly db: string; readonly name: string }, def: TableDef): void {
    const src = this.dbs.get(nameKey(from.db));
    if (!src?.tables.has(nameKey(from.name))) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${from.db}.${from.name}' doesn't exist`);
    const dst = this.dbs.get(nameKey(def.db));
    if (!dst) throw new SqlError('ER_BAD_DB', `Unknown database '${def.db}'`);
    const same = nameKey(from.db) === nameKey(def.db) && nameKey(from.name) === nameKey(def.name);
    if (!same && (dst.tables.has(nameKey(def.name)) || dst.views.has(nameKey(def.name)))) throw new SqlError('ER_TABLE_EXISTS', `Table '${def.name}' already exists`);
    src.tables.delete(nameKey(from.name));
    dst.tables.set(nameKey(def.name), def);
    this._version++;
  }

  removeTable(db: string, name: string): TableDef {
    const entry = this.dbs.get(nameKey(db));
    const def = entry?.tables.get(nameKey(name));
    if (!entry || !def) throw new SqlError('ER_BAD_TABLE', `Unknown table '${db}.${name}'`);
    entry.tables.delete(nameKey(name));
    this._version++;
    return def;
  }

  /** Adds a view, or replaces the view of that name (CREATE OR REPLACE, ALTER VIEW). */
  putView(def: ViewDef): ViewDef | undefined {
    const entry = this.dbs.get(nameKey(def.db));
    if (!entry) throw new SqlError('ER_BAD_DB', `Unknown database '${def.db}'`);
    if (entry.tables.has(nameKey(def.name))) throw new SqlError('ER_TABLE_EXISTS', `Table '${def.name}' already exists`);
    const old = entry.views.get(nameKey(def.name));
    entry.views.set(nameKey(def.name), def);
    this._version++;
    return old;
  }

  removeView(db: string, name: string): ViewDef {
    const entry = this.dbs.get(nameKey(db));
    const def = entry?.views.get(nameKey(name));
    if (!entry || !def) throw new SqlError('ER_BAD_TABLE', `Unknown table '${db}.${name}'`);
    entry.views.delete(nameKey(name));
    this._version++;
    return def;
  }
}
