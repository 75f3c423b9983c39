// select5-style join workloads (the shape of sqllogictest's select5: many small tables
// tN(aN INTEGER PRIMARY KEY, bN INTEGER, xN VARCHAR(40)) joined by a tree of aX = bY
// equalities), generated from a seed, with an evaluator that computes each query's answer from
// the generated rows by hash joins along the equality tree, so tests need no reference server.
import { Rng } from '../../bench/lib/rng.js';

export interface JoinTable {
  readonly n: number;
  /** Rows as [a, b, x]. */
  readonly rows: readonly (readonly [number, number, string])[];
}

/** `a{from} = b{to}` between tables `from` and `to`. */
export interface Equality {
  readonly aTable: number;
  readonly bTable: number;
}

export interface JoinQuery {
  readonly sql: string;
  /** Table numbers in FROM order. */
  readonly from: readonly number[];
  readonly equalities: readonly Equality[];
  /** The tables whose x column is selected, in select-list order. */
  readonly selected: readonly number[];
}

export const ROWS_PER_TABLE = 10;

/** Tables t1..t{count}: a is a permutation of 1..10, b is random in 1..10, x names the row. */
export function makeTables(count: number, seed: number): JoinTable[] {
  const rng = new Rng(seed);
  const tables: JoinTable[] = [];
  for (let n = 1; n <= count; n++) {
    const keys = Array.from({ length: ROWS_PER_TABLE }, (_, i) => i + 1);
    shuffle(keys, rng);
    tables.push({ n, rows: keys.map((a, i) => [a, 1 + (rng.nextU32() % ROWS_PER_TABLE), `table t${n} row ${i + 1}`] as const) });
  }
  return tables;
}

export function createStatements(tables: readonly JoinTable[]): string[] {
  return tables.flatMap((t) => [
    `CREATE TABLE t${t.n}(a${t.n} INTEGER PRIMARY KEY, b${t.n} INTEGER, x${t.n} VARCHAR(40))`,
    `INSERT INTO t${t.n} VALUES ${t.rows.map(([a, b, x]) => `(${a},${b},'${x}')`).join(',')}`,
  ]);
}

/**
 * A query over `count` of the tables (1..tableCount) joined by a random spanning tree of
 * equalities, with FROM, WHERE and select list shuffled.
 */
export function makeQuery(tableCount: number, count: number, seed: number): JoinQuery {
  const rng = new Rng(seed);
  const pool = Array.from({ length: tableCount }, (_, i) => i + 1);
  shuffle(pool, rng);
  const chosen = pool.slice(0, count);
  const equalities: Equality[] = [];
  for (let i = 1; i < chosen.length; i++) {
    const other = chosen[rng.nextU32() % i]!;
    const me = chosen[i]!;
    // Mostly the newcomer's key: each row of the tree so far then meets exactly one of its rows,
    // so answers stay small and seldom empty; sometimes the other way round, which fans out.
    equalities.push(rng.nextU32() % 4 !== 0 ? { aTable: me, bTable: other } : { aTable: other, bTable: me });
  }
  const from = [...chosen];
  shuffle(from, rng);
  const where = [...equalities];
  shuffle(where, rng);
  const selected = [...chosen];
  shuffle(selected, rng);
  const sql =
    `SELECT ${selected.map((n) => `x${n}`).join(',')} FROM ${from.map((n) => `t${n}`).join(',')}` +
    (where.length > 0 ? ` WHERE ${where.map((e) => `a${e.aTable}=b${e.bTable}`).join(' AND ')}` : '');
  return { sql, from, equalities, selected };
}

/** The rows a query returns, each as its selected x values, sorted. */
export function evaluate(q: JoinQuery, tables: readonly JoinTable[]): string[][] {
  const byN = new Map(tables.map((t) => [t.n, t]));
  // Partial results are maps from table number to row index; grow them along the tree.
  let results: Map<number, number>[] = byN.get(q.from[0]!)!.rows.map((_, i) => new Map([[q.from[0]!, i]]));
  const joined = new Set([q.from[0]!]);
  const pending = [...q.equalities];
  while (pending.length > 0) {
    const k = pending.findIndex((e) => joined.has(e.aTable) !== joined.has(e.bTable));
    if (k < 0) throw new Error('the equalities do not form a tree over the FROM tables');
    const e = pending.splice(k, 1)[0]!;
    const newcomerIsA = !joined.has(e.aTable);
    const newcomer = newcomerIsA ? e.aTable : e.bTable;
    const known = newcomerIsA ? e.bTable : e.aTable;
    const index = new Map<number, number[]>();
    byN.get(newcomer)!.rows.forEach((r, i) => {
      const key = newcomerIsA ? r[0] : r[1];
      index.set(key, [...(index.get(key) ?? []), i]);
    });
    const next: Map<number, number>[] = [];
    for (const partial of results) {
      const row = byN.get(known)!.rows[partial.get(known)!]!;
      for (const i of index.get(newcomerIsA ? row[1] : row[0]) ?? []) next.push(new Map([...partial, [newcomer, i]]));
    }
    results = next;
    joined.add(newcomer);
  }
  if (joined.size !== q.from.length) throw new Error('a FROM table is not connected');
  return results.map((m) => q.selected.map((n) => byN.get(n)!.rows[m.get(n)!]![2])).sort(compareRows);
}

export function compareRows(x: readonly string[], y: readonly string[]): number {
  for (let i = 0; i < x.length; i++) {
    if (x[i]! !== y[i]!) return x[i]! < y[i]! ? -1 : 1;
  }
  return 0;
}

function shuffle<T>(xs: T[], rng: Rng): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}
