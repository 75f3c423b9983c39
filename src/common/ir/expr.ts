import type { SqlType } from '../types.js';
import type { Value } from '../value.js';
import type { PhysicalPlan } from './physical.js';

/**
 * Bound expressions: names resolved to input column positions, types inferred. Plain
 * serializable data (they travel to leaves inside plan fragments); the executor compiles them
 * once per plan into vectorized closures.
 */
export type ArithOp = '+' | '-' | '*' | '/' | 'DIV' | '%';
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '<=>';
/** Comparisons a subquery quantifier (ANY/SOME/ALL) applies to. */
export type QuantifiedOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BitOp = '&' | '|' | '^' | '<<' | '>>';

export type BoundExpr =
  | { readonly kind: 'const'; readonly value: Value; readonly type: SqlType }
  /** A literal token whose value is bound per execution (plan cache): ctx.slots[slot]. */
  | { readonly kind: 'slot'; readonly slot: number; readonly type: SqlType }
  /** A `?` parameter: ctx.params[index], already converted to `type`. */
  | { readonly kind: 'param'; readonly index: number; readonly type: SqlType }
  /** Column `index` of the operator's input batch. */
  | { readonly kind: 'column'; readonly index: number; readonly type: SqlType }
  /** Column `index` of the current row of an enclosing query (correlated subquery); depth 1 = the nearest outer. */
  | { readonly kind: 'outer'; readonly depth: number; readonly index: number; readonly type: SqlType }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: BoundExpr; readonly right: BoundExpr; readonly type: SqlType; /** for error messages */ readonly text: string }
  | { readonly kind: 'neg'; readonly arg: BoundExpr; readonly type: SqlType }
  /**
   * cmp says how the operands are compared (MySQL's coercion rules, decided at bind time):
   * 'int' exact integers, 'decimal', 'double', 'string' (collation), 'binary' (bytes),
   * 'temporal' (canonical strings after conversion).
   */
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: BoundExpr; readonly right: BoundExpr; readonly cmp: CompareKind; readonly type: SqlType }
  | { readonly kind: 'and' | 'or' | 'xor'; readonly args: readonly BoundExpr[]; readonly type: SqlType }
  | { readonly kind: 'not'; readonly arg: BoundExpr; readonly type: SqlType }
  | { readonly kind: 'bit'; readonly op: BitOp | '~'; readonly args: readonly BoundExpr[]; readonly type: SqlType }
  | { readonly kind: 'isNull'; readonly arg: BoundExpr; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'isTruth'; readonly arg: BoundExpr; readonly truth: 'TRUE' | 'FALSE' | 'UNKNOWN'; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'inList'; readonly arg: BoundExpr; readonly list: readonly BoundExpr[]; readonly cmp: CompareKind; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'like'; readonly arg: BoundExpr; readonly pattern: BoundExpr; readonly escape: string; readonly binary: boolean; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'regexp'; readonly arg: BoundExpr; readonly pattern: BoundExpr; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[]; readonly else: BoundExpr | null; readonly type: SqlType }
  /** A scalar function from src/exec/functions (by upper-case name). */
  | { readonly kind: 'func'; readonly name: string; readonly args: readonly BoundExpr[]; readonly type: SqlType }
  | { readonly kind: 'cast'; readonly arg: BoundExpr; readonly type: SqlType; /** CAST semantics (warn, never error) vs assignment */ readonly mode: 'cast' | 'convert'; /** the column it fills, for messages (a set operation's or CTE's column) */ readonly column?: string }
  /**
   * A subquery evaluated by the executor on the aggregator: once when uncorrelated, per outer
   * row when correlated (its `outer` references read the enclosing rows). `plan` is a
   * PhysicalPlan (physical.ts) whose gathers are prefetched before execution starts.
   * scalar: first column of the single row (ER_SUBQUERY_NO_1_ROW 1242 for more); exists: any
   * row; inSubquery: `arg op ANY|ALL (first column)` with SQL's three-valued logic (IN is
   * `= ANY`; `not` negates the whole test, so NOT IN is `not` over `= ANY`).
   */
  | { readonly kind: 'subquery'; readonly mode: 'scalar' | 'exists'; readonly plan: PhysicalPlan; readonly correlated: boolean; readonly type: SqlType }
  | {
      readonly kind: 'inSubquery';
      readonly arg: BoundExpr;
      readonly plan: PhysicalPlan;
      readonly correlated: boolean;
      readonly cmp: CompareKind;
      readonly op: QuantifiedOp;
      readonly quantifier: 'ANY' | 'ALL';
      readonly not: boolean;
      readonly type: SqlType;
    }
  /** A session value fixed per statement: DATABASE(), USER(), CONNECTION_ID(), LAST_INSERT_ID(), @user vars, @@vars. */
  | { readonly kind: 'session'; readonly name: string; readonly type: SqlType };

export type CompareKind = 'int' | 'decimal' | 'double' | 'string' | 'binary' | 'temporal';

export function isConstantExpr(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const':
    case 'slot':
    case 'param':
    case 'session':
      return true;
    case 'column':
    case 'outer':
    case 'subquery':
    case 'inSubquery':
      return false;
    case 'arith':
    case 'compare':
      return isConstantExpr(e.left) && isConstantExpr(e.right);
    case 'neg':
    case 'not':
    case 'isNull':
    case 'isTruth':
    case 'cast':
      return isConstantExpr(e.arg);
    case 'and':
    case 'or':
    case 'xor':
    case 'bit':
    case 'func':
      return e.args.every(isConstantExpr);
    case 'inList':
      return isConstantExpr(e.arg) && e.list.every(isConstantExpr);
    case 'like':
    case 'regexp':
      return isConstantExpr(e.arg) && isConstantExpr(e.pattern);
    case 'case':
      return e.whens.every((w) => isConstantExpr(w.when) && isConstantExpr(w.then)) && (e.else === null || isConstantExpr(e.else));
  }
}
