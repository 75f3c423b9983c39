/**
 * What the binder needs to expand a view where a query reads it: the view's SELECT as an AST
 * (parsed once per definition), and the errors MySQL gives for a view it cannot expand. The
 * binder binds the query in place, as a derived table, so filters on the view reach the leaves.
 */
import type * as A from '../sql/ast.js';
import { parseOne } from '../sql/parser.js';
import type { ViewDef } from '../cluster/catalog.js';
import { SqlError } from '../common/errors.js';

const parsed = new WeakMap<ViewDef, A.Query>();

/** The view's SELECT; its literals are constants of the plan, not slots of the outer statement. */
export function viewQuery(view: ViewDef): A.Query {
  let q = parsed.get(view);
  if (q === undefined) {
    const st = parseOne(view.queryText).statement;
    if (st.kind !== 'select' && st.kind !== 'union') throw invalidView(view);
    q = viewQueryOf(st);
    parsed.set(view, q);
  }
  return q;
}

/** A SELECT as a view runs it: literals are constants, not slots of the statement that read it. */
export function viewQueryOf(q: A.Query): A.Query {
  return withoutSlots(q) as A.Query;
}

/** A copy of an AST subtree whose literals have no slot (slot numbers belong to one statement's text). */
function withoutSlots(node: unknown): unknown {
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return node;
  if (Array.isArray(node)) return node.map(withoutSlots);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withoutSlots(v);
  if (out.kind === 'literal') out.slot = -1;
  return out;
}

/** Errors that mean the view names something that is gone (or not allowed): MySQL's 1356. */
const INVALID_VIEW_CAUSES: ReadonlySet<string> = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_FIELD', 'ER_SP_DOES_NOT_EXIST', 'ER_BAD_DB', 'ER_TABLEACCESS_DENIED', 'ER_COLUMNACCESS_DENIED']);

/** The error a query reading `view` gets for `e`, raised while binding the view's SELECT. */
export function viewBindError(view: ViewDef, e: unknown): unknown {
  if (e instanceof SqlError && INVALID_VIEW_CAUSES.has(e.code)) return invalidView(view);
  return e;
}

export function invalidView(view: ViewDef): SqlError {
  return new SqlError(
    'ER_VIEW_INVALID',
    `View '${view.db}.${view.name}' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them`,
  );
}

export function viewRecursion(view: ViewDef): SqlError {
  return new SqlError('ER_VIEW_RECURSIVE', `\`${view.db}\`.\`${view.name}\` contains view recursion`);
}

/** MySQL refuses a view whose SELECT reads a user variable or a `?` parameter (1351). */
export function assertNoVariables(q: A.Query): void {
  if (hasVariable(q)) throw new SqlError('ER_VIEW_SELECT_VARIABLE', "View's SELECT contains a variable or parameter");
}

function hasVariable(node: unknown): boolean {
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return false;
  if (Array.isArray(node)) return node.some(hasVariable);
  const o = node as { kind?: unknown; scope?: unknown };
  if (o.kind === 'param' || (o.kind === 'variable' && o.scope === 'user')) return true;
  return Object.values(node).some(hasVariable);
}
