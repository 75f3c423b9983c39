import type { Operator } from './operator.js';

/** Concatenates its inputs in order. */
export function unionAll(inputs: readonly Operator[]): Operator {
  let i = 0;
  return {
    next: () => {
      while (i < inputs.length) {
        const b = inputs[i]!.next();
        if (b !== null) return b; // a batch, or PAUSE
        i++;
      }
      return null;
    },
  };
}
