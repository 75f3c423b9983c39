/**
 * Scalar SQL functions by name. Each family file exports a list; this module indexes them.
 */
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { SqlError } from '../../common/errors.js';
import { stringFunctions } from './string.js';
import { mathFunctions } from './math.js';
import { datetimeFunctions } from './datetime.js';
import { controlFunctions } from './control.js';
import { miscFunctions } from './misc.js';

export interface EvalContext {
  /** Statement start time (NOW() is fixed per statement), as canonical 'YYYY-MM-DD hh:mm:ss.ffffff' UTC. */
  readonly now: string;
  warn(code: import('../../common/error-codes.js').ErrorCodeName, message: string): void;
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

const registry = new Map<string, ScalarFunction>();
for (const list of [stringFunctions, mathFunctions, datetimeFunctions, controlFunctions, miscFunctions]) {
  for (const f of list) registry.set(f.name, f);
}

export function lookupFunction(name: string): ScalarFunction | undefined {
  return registry.get(name.toUpperCase());
}

/** All registered names (for tests and SHOW FUNCTION-ish diagnostics). */
export function functionNames(): string[] {
  return [...registry.keys()].sort();
}

/** Error 1582 for a wrong argument count, named as the user wrote the function. */
export function wrongParamCountError(name: string): SqlError {
  return new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${name}'`);
}

/** Checks the argument count against a function's bounds; throws 1582 when outside. */
export function checkArgCount(f: ScalarFunction, count: number, nameAsWritten = f.name): void {
  if (count < f.minArgs || count > f.maxArgs) throw wrongParamCountError(nameAsWritten);
}
