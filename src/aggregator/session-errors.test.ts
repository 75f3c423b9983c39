// What a client sees when a statement fails inside Tessera: MySQL's 1436 when it ran out of
// stack, and for a bug a short message without plans or values (assertNever prints its subject
// as JSON for the server log).
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { InternalError, assertNever } from '../common/assert.js';
import { Engine } from './engine.js';
import { toSqlError } from './session.js';

const engine = new Engine({ logger: pino({ level: 'silent' }), leaves: [], partitionsPerDatabase: 1 });

function overflow(n: number): number {
  return n === 0 ? 0 : 1 + overflow(n - 1);
}

it('a stack overflow is error 1436, not an internal error', () => {
  let caught: unknown;
  try {
    overflow(10_000_000);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RangeError);
  expect(toSqlError(caught, engine)).toMatchObject({ errno: 1436, sqlState: 'HY000' });
});

it('an internal error tells its first words, not the plan it was given', () => {
  let caught: unknown;
  try {
    assertNever({ kind: 'aggregate', input: { kind: 'get', table: { name: 'secret_table' } } } as never, 'plan node');
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InternalError);
  const err = toSqlError(caught, engine);
  expect(err).toMatchObject({ errno: 1815, sqlState: 'HY000' });
  expect(err.message).toContain('unexpected plan node');
  expect(err.message).not.toMatch(/[{}]|secret_table|kind/);
});
