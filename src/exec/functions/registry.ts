/**
 * Scalar SQL functions by name. Each family file exports a list; this module indexes them.
 */
import type { ScalarFunction } from './types.js';
import { SqlError } from '../../common/errors.js';
import { stringFunctions } from './string.js';
import { mathFunctions } from './math.js';
import { datetimeFunctions } from './datetime.js';
import { controlFunctions } from './control.js';
import { miscFunctions } from './misc.js';
import { jsonFunctions } from './json.js';
import { cryptoFunctions } from './crypto.js';
import { identityFunctions } from './identity.js';
import { regexpFunctions } from './regexp-funcs.js';
import { sleepFunctions } from './sleep.js';
import { lockFunctions } from './locks.js';

export type { EvalContext, ScalarFunction } from './types.js';

const registry = new Map<string, ScalarFunction>();
for (const list of [stringFunctions, mathFunctions, datetimeFunctions, controlFunctions, miscFunctions, jsonFunctions, cryptoFunctions, identityFunctions, regexpFunctions, sleepFunctions, lockFunctions]) {
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
