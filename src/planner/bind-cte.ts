/**
 * What the binder needs for WITH and LATERAL beyond binding itself: the CTE scope it keeps, and
 * the shape rules of WITH RECURSIVE (MySQL 8): which UNION members are the seed and which the
 * recursive part, and the errors MySQL gives for a recursive part it cannot run round by round.
 * Pure functions and data over the AST; the binder binds what they hand back.
 */
import type * as A from '../sql/ast.js';
import { SqlError } from '../common/errors.js';
import type { SqlType } from '../common/types.js';

/** The members of a recursive CTE's UNION, seed first, and whether any UNION is DISTINCT. */
export interface RecursiveShape {
  readonly seed: readonly A.Query[];
  /** How each seed member after the first is joined on: true for UNION ALL. */
  readonly seedAll: readonly boolean[];
  readonly recursive: readonly A.Select[];
  readonly distinct: boolean;
}

/**
 * Splits the body of a CTE of a WITH RECURSIVE. null: the body does not read the CTE, so it is
 * an ordinary CTE (MySQL's rule too).
 */
export function recursiveShape(name: string, body: A.Query, containsAggregate: (e: A.Expr) => boolean): RecursiveShape | null {
  if (!readsCte(body, name)) return null;
  if (body.kind !== 'union' || body.op !== undefined) {
    throw new SqlError('ER_CTE_RECURSIVE_REQUIRES_UNION', `Recursive Common Table Expression '${name}' should contain a UNION`);
  }
  if (body.orderBy) throw notYet('ORDER BY over UNION in recursive Common Table Expression');
  // The UNION chain is left-deep: walk down its left side, collecting members right to left.
  const members: A.Query[] = [];
  const all: boolean[] = [];
  let node: A.Query = body;
  while (node.kind === 'union' && node.op === undefined && (node === body || (!node.orderBy && !node.limit && !node.with))) {
    members.unshift(node.right);
    all.unshift(node.all);
    node = node.left;
  }
  members.unshift(node);
  const reads = members.map((m) => readsCte(m, name));
  const firstRecursive = reads.indexOf(true);
  if (firstRecursive <= 0 || reads.slice(firstRecursive).includes(false)) {
    throw new SqlError(
      'ER_CTE_RECURSIVE_REQUIRES_NONRECURSIVE_FIRST',
      `Recursive Common Table Expression '${name}' should have one or more non-recursive query blocks followed by one or more recursive ones`,
    );
  }
  const recursive = members.slice(firstRecursive).map((m) => checkRecursiveMember(name, m, containsAggregate));
  return {
    seed: members.slice(0, firstRecursive),
    seedAll: all.slice(0, firstRecursive - 1),
    recursive,
    distinct: all.includes(false),
  };
}

function notYet(what: string): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', `This version of MySQL doesn't yet support '${what}'`);
}

/** A recursive member must be one SELECT that reads the CTE once, directly in its FROM. */
function checkRecursiveMember(name: string, m: A.Query, containsAggregate: (e: A.Expr) => boolean): A.Select {
  if (m.kind !== 'select') {
    throw new SqlError('ER_CTE_RECURSIVE_REQUIRES_SINGLE_REFERENCE', singleReference(name));
  }
  const aggregates =
    (m.groupBy?.length ?? 0) > 0 ||
    m.having !== undefined ||
    m.items.some((it) => it.kind === 'expr' && containsAggregate(it.expr));
  if (aggregates) {
    throw new SqlError('ER_CTE_RECURSIVE_FORBIDS_AGGREGATION', `Recursive Common Table Expression '${name}' can contain neither aggregation nor window functions in recursive query block`);
  }
  if (m.orderBy || m.limit || m.distinct) throw notYet('ORDER BY / LIMIT / SELECT DISTINCT in recursive query block of Common Table Expression');
  const inFrom = m.from ? fromReferences(m.from, name, false) : { count: 0, rightOfLeftJoin: false };
  if (inFrom.rightOfLeftJoin) {
    throw new SqlError(
      'ER_CTE_RECURSIVE_FORBIDDEN_JOIN_ORDER',
      `In recursive query block of Recursive Common Table Expression '${name}', the recursive table must neither be in the right argument of a LEFT JOIN, nor be forced to be non-first with join order hints`,
    );
  }
  // Everything but the plain FROM items: subqueries, derived tables, expressions.
  const elsewhere = countReadsOutsideFrom(m, name);
  if (inFrom.count !== 1 || elsewhere > 0) throw new SqlError('ER_CTE_RECURSIVE_REQUIRES_SINGLE_REFERENCE', singleReference(name));
  return m;
}

function singleReference(name: string): string {
  return `In recursive query block of Recursive Common Table Expression '${name}', the recursive table must be referenced only once, and not in any subquery`;
}

/** References to the CTE among the plain FROM items (not inside derived tables). */
function fromReferences(ref: A.TableRef, name: string, nullable: boolean): { count: number; rightOfLeftJoin: boolean } {
  switch (ref.kind) {
    case 'cte':
      return sameName(ref.name, name) ? { count: 1, rightOfLeftJoin: nullable } : { count: 0, rightOfLeftJoin: false };
    case 'table':
    case 'derived':
      return { count: 0, rightOfLeftJoin: false };
    case 'join': {
      // The inner side of an outer join (RIGHT JOIN's left) cannot be the table a round reads.
      const l = fromReferences(ref.left, name, nullable || ref.type === 'RIGHT');
      const r = fromReferences(ref.right, name, nullable || ref.type === 'LEFT');
      return { count: l.count + r.count, rightOfLeftJoin: l.rightOfLeftJoin || r.rightOfLeftJoin };
    }
  }
}

/** Reads of the CTE anywhere in a SELECT except its plain FROM items. */
function countReadsOutsideFrom(s: A.Select, name: string): number {
  let n = 0;
  const fromParts: unknown[] = [];
  const collectFrom = (ref: A.TableRef): void => {
    if (ref.kind === 'join') {
      collectFrom(ref.left);
      collectFrom(ref.right);
      fromParts.push(ref.on);
    } else if (ref.kind === 'derived') fromParts.push(ref.query);
  };
  if (s.from) collectFrom(s.from);
  for (const part of [s.items, s.where, s.having, s.groupBy, s.orderBy, s.with, ...fromParts]) n += countCteRefs(part, name);
  return n;
}

/** Does a query read the CTE `name` anywhere (FROM, subqueries, derived tables, nested WITH)? */
export function readsCte(q: A.Query, name: string): boolean {
  return countCteRefs(q, name) > 0;
}

/** Counts `{ kind: 'cte' }` references to `name` in any AST subtree (generic over node shapes). */
function countCteRefs(node: unknown, name: string): number {
  if (node === null || typeof node !== 'object') return 0;
  if (Array.isArray(node)) {
    let n = 0;
    for (const x of node) n += countCteRefs(x, name);
    return n;
  }
  const o = node as { kind?: unknown; name?: unknown };
  if (o.kind === 'cte' && typeof o.name === 'string') return sameName(o.name, name) ? 1 : 0;
  let n = 0;
  for (const v of Object.values(node)) if (v !== null && typeof v === 'object') n += countCteRefs(v, name);
  return n;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The seed members as one query: a UNION chain of them with their own ALL / DISTINCT. */
export function seedQuery(shape: RecursiveShape): A.Query {
  let q = shape.seed[0]!;
  for (let i = 1; i < shape.seed.length; i++) q = { kind: 'union', all: shape.seedAll[i - 1]!, left: q, right: shape.seed[i]! };
  return q;
}

/** A CTE of a WITH in scope, bound where a query reads it. */
export interface CteDef {
  readonly name: string;
  readonly columns: readonly string[] | undefined;
  readonly query: A.Query;
  /** Of a WITH RECURSIVE: its body may read itself. */
  readonly recursive: boolean;
  /** The CTEs its body sees: those before it in its WITH and the enclosing ones. */
  readonly visible: CteFrame | null;
}

export interface CteFrame {
  readonly def: CteDef;
  readonly parent: CteFrame | null;
}

/** The previous round's rows of a recursive CTE, as its recursive members read them. */
export interface WorkTable {
  readonly id: number;
  readonly names: readonly string[];
  readonly types: readonly SqlType[];
}

/** Is the first table of a join a LATERAL derived table? */
export function leftmostIsLateral(ref: A.TableRef): boolean {
  let r = ref;
  while (r.kind === 'join') r = r.left;
  return r.kind === 'derived' && r.lateral === true;
}
