/** Raised when an internal invariant breaks: a bug in Tessera, never a user error. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

export function invariant(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new InternalError(msg);
}

/** Ends every exhaustive switch over a union: adding a variant breaks the build here. */
export function assertNever(x: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(x)}`);
}
