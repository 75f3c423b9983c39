/**
 * The contract between scalar functions and the planner/executor. registry.ts re-exports
 * these; they live here so the family files can import them without an import cycle.
 */
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import type { Pacer } from '../pacer.js';

export interface EvalContext {
  /** Statement start time (NOW() is fixed per statement), as canonical 'YYYY-MM-DD hh:mm:ss.ffffff' UTC. */
  readonly now: string;
  warn(code: import('../../common/error-codes.js').ErrorCodeName, message: string): void;
  /**
   * LAST_INSERT_ID(expr): the value later LAST_INSERT_ID() calls return (the host keeps it for
   * the session; a leaf reports it back with its result). Absent where nothing can keep it.
   */
  readonly setLastInsertId?: (id: number | bigint) => void;
  /** The statement's pacer, where there is one: waiting functions (SLEEP) wait through it. */
  readonly pacer?: Pacer;
  /** RAND() state etc. may live here later. */
}

export interface ScalarFunction {
  readonly name: string;                 // upper case, e.g. 'CONCAT'
  readonly minArgs: number;
  readonly maxArgs: number;              // Infinity for variadic
  /** Result type from argument types (MySQL's rules). */
  returnType(args: readonly SqlType[]): SqlType;
  /** If true the executor returns NULL when any argument is NULL without calling evaluate. */
  readonly nullIfAnyNull: boolean;
  /** False for NOW/RAND/UUID/CONNECTION_ID...: not constant-folded at plan time (NOW is folded per statement by the executor). */
  readonly deterministic: boolean;
  evaluate(args: readonly Value[], argTypes: readonly SqlType[], ctx: EvalContext): Value;
  /**
   * Optional, additive: a more precise result type when some arguments are constants
   * (`consts[i]` is the value of a literal argument, undefined otherwise). MySQL derives
   * e.g. ROUND(d, 2)'s scale and STR_TO_DATE's DATE/TIME/DATETIME from constant arguments.
   * The planner should prefer it over returnType when present.
   */
  constReturnType?(args: readonly SqlType[], consts: readonly (Value | undefined)[]): SqlType;
}
