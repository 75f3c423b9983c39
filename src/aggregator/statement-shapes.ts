/**
 * What the aggregator learns once per statement shape (the parameterized text, `cacheKey`) and
 * reuses for every later text of that shape: its AST, for the parser-free path of SELECT
 * (Session.cachedSelect), and the tables it names, per current database, for metadata locks.
 * Neither depends on the literal values, so one entry serves them all.
 */
import type * as A from '../sql/ast.js';
import type { CatalogView } from '../cluster/catalog.js';
import { statementTables, type StatementTables } from './statement-tables.js';

/** Bound on remembered shapes; the map starts over when full (cheap, and rare). */
const MAX_SHAPES = 4096;

interface Shape {
  readonly statement: A.Statement;
  /** By current database ('' for none), as of catalog version `version` (views decide which tables a name reads). */
  readonly tables: Map<string, StatementTables>;
  version: number;
}

const DML = new Set<A.Statement['kind']>(['select', 'union', 'insert', 'update', 'delete']);

export class StatementShapes {
  private readonly shapes = new Map<string, Shape>();

  /** The AST of a SELECT (or UNION) of this shape seen before, if any. */
  query(cacheKey: string): A.Query | undefined {
    const st = this.shapes.get(cacheKey)?.statement;
    return st !== undefined && (st.kind === 'select' || st.kind === 'union') ? st : undefined;
  }

  /** The tables a statement locks; remembered per shape for DML (DDL asks the catalog each time). */
  tablesOf(ps: A.ParsedStatement, db: string | null, catalog: CatalogView): StatementTables {
    if (ps.cacheKey === '' || !DML.has(ps.statement.kind)) return statementTables(ps.statement, db, catalog);
    let shape = this.shapes.get(ps.cacheKey);
    if (shape === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      shape = { statement: ps.statement, tables: new Map(), version: catalog.version };
      this.shapes.set(ps.cacheKey, shape);
    }
    if (shape.version !== catalog.version) {
      shape.tables.clear();
      shape.version = catalog.version;
    }
    const dbKey = db ?? '';
    let t = shape.tables.get(dbKey);
    if (t === undefined) {
      t = statementTables(ps.statement, db, catalog);
      shape.tables.set(dbKey, t);
    }
    return t;
  }
}
