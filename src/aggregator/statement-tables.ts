/**
 * The tables a statement names, as metadata-lock keys: which it only uses (shared) and which a
 * DDL changes, replaces or removes (exclusive).
 */
import type * as A from '../sql/ast.js';
import type { CatalogView } from '../cluster/catalog.js';
import { tableKey } from './metadata-locks.js';
import { viewQuery } from '../planner/bind-view.js';

export interface StatementTables {
  readonly shared: readonly string[];
  readonly exclusive: readonly string[];
  /** Those of `shared` whose rows the statement changes (INSERT, UPDATE, DELETE targets). */
  readonly written: readonly string[];
}

const NONE: StatementTables = { shared: [], exclusive: [], written: [] };

export function statementTables(st: A.Statement, db: string | null, catalog: CatalogView): StatementTables {
  const key = (t: { readonly db?: string; readonly name: string }): string | null => {
    const d = t.db ?? db;
    return d === null ? null : tableKey(d, t.name);
  };
  const keys = (ts: readonly { readonly db?: string; readonly name: string }[]): string[] => ts.map(key).filter((k): k is string => k !== null);
  switch (st.kind) {
    case 'alterTable':
    case 'truncate':
    case 'createIndex':
    case 'dropIndex':
      return { shared: [], exclusive: keys([st.table]), written: [] };
    case 'dropTable':
      return { shared: [], exclusive: keys(st.tables), written: [] };
    case 'renameTable':
      return { shared: [], exclusive: keys(st.pairs.flatMap((p) => [p.from, p.to])), written: [] };
    case 'dropDatabase': {
      const tables = catalog.database(st.name)?.tables.values() ?? [];
      return { shared: [], exclusive: [...tables].map((t) => tableKey(st.name, t.name)), written: [] };
    }
    case 'createTableLike':
      return { shared: keys([st.like]), exclusive: keys([st.table]), written: [] };
    case 'select':
    case 'union':
    case 'insert':
    case 'update':
    case 'delete':
    case 'createTable': {
      const found = new Set<string>();
      if (st.kind === 'insert' || st.kind === 'delete') {
        const k = key(st.table);
        if (k !== null) found.add(k);
      }
      collectTableRefs(st, (t) => {
        const k = key(t);
        if (k !== null) found.add(k);
        // A view's tables are read too: DDL on them waits for the statement like on any table it reads.
        const d = t.db ?? db;
        if (d !== null) for (const base of viewTables(catalog, [[d, t.name]])) found.add(base);
      });
      if (st.kind === 'createTable') {
        const own = key(st.table);
        if (own !== null) found.delete(own);
        return { shared: [...found], exclusive: own === null ? [] : [own], written: [] };
      }
      const written = new Set<string>();
      if (st.kind === 'insert' || st.kind === 'delete') {
        const k = key(st.table);
        if (k !== null) written.add(k);
      } else if (st.kind === 'update') {
        collectTableRefs(st.table, (t) => {
          const k = key(t);
          if (k !== null) written.add(k);
        });
      }
      return { shared: [...found], exclusive: [], written: [...written] };
    }
    case 'deleteMulti': {
      const found = new Set<string>();
      collectTableRefs(st, (t) => {
        const k = key(t);
        if (k !== null) found.add(k);
      });
      // A target names a table of FROM by its alias or its name.
      const written = new Set<string>();
      collectTableRefs(st.from, (t) => {
        const ref = t as { readonly db?: string; readonly name: string; readonly alias?: string };
        const name = (ref.alias ?? ref.name).toLowerCase();
        const k = key(ref);
        if (k !== null && st.targets.some((x) => x.name.toLowerCase() === name)) written.add(k);
      });
      return { shared: [...found], exclusive: [], written: [...written] };
    }
    default:
      return NONE;
  }
}

/** Every `{ kind: 'table' }` TableRef anywhere in the tree: FROM, joins, derived tables, subqueries. */
export function collectTableRefs(node: unknown, visit: (t: { readonly db?: string; readonly name: string }) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) collectTableRefs(x, visit);
    return;
  }
  const o = node as { readonly kind?: unknown; readonly name?: unknown; readonly db?: unknown };
  if (o.kind === 'table' && typeof o.name === 'string') {
    visit(o as { readonly db?: string; readonly name: string });
    return;
  }
  for (const v of Object.values(node)) if (v !== null && typeof v === 'object') collectTableRefs(v, visit);
}

/** Keys of the tables and views a query reads, through the views it reads (a new view's body, say). */
export function readTables(catalog: CatalogView, q: A.Query, db: string): Set<string> {
  const start: [string, string][] = [];
  collectTableRefs(q, (t) => start.push([t.db ?? db, t.name]));
  return new Set([...start.map(([d, n]) => tableKey(d, n)), ...viewTables(catalog, start)]);
}

/** Keys of the tables (and views) view `db.name` reads, through views of views (LOCK TABLES of a view locks them). */
export function tablesUnderView(catalog: CatalogView, db: string, name: string): string[] {
  return viewTables(catalog, [[db, name]]);
}

/** Keys of the tables (and views) the views among `start` read, through views of views; bounded by the catalog's views. */
function viewTables(catalog: CatalogView, start: readonly [string, string][]): string[] {
  const out = new Set<string>();
  const pending: [string, string][] = [...start];
  while (pending.length > 0) {
    const [d, n] = pending.pop()!;
    const view = catalog.view(d, n);
    if (!view) continue;
    let query;
    try {
      query = viewQuery(view);
    } catch {
      continue; // the binder reports a view it cannot read
    }
    collectTableRefs(query, (t) => {
      const k = tableKey(t.db ?? view.nameDb, t.name);
      if (out.has(k)) return;
      out.add(k);
      pending.push([t.db ?? view.nameDb, t.name]);
    });
  }
  return [...out];
}
