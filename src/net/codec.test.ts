// The codec is the whole of what crosses between an aggregator and a leaf: random Values and
// batches must come back exactly (type and value), and errors must come back as the SqlError
// the client would have seen.
import { describe, expect, it } from 'vitest';
import { InternalError } from '../common/assert.js';
import { Decimal } from '../common/decimal.js';
import { SqlError, TxnConflictError } from '../common/errors.js';
import type { WireBatch } from '../common/ir/batch.js';
import type { Value } from '../common/value.js';
import { constVector, dictVector, f64Vector, scaledVector, valuesVector, type Vector } from '../common/vector.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, errorFromWire, errorToWire, makeRef, roundTripValue } from './codec.js';
import type { LeafRequest, LeafResponse } from './messages.js';

/** mulberry32: a small seeded generator, so a failure names the seed that made it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDigits(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

function randomBigint(r: () => number): bigint {
  const pick = r();
  const sign = r() < 0.5 ? -1n : 1n;
  if (pick < 0.3) return sign * (2n ** 53n + BigInt(Math.floor(r() * 1e6))); // just past a double's integers
  if (pick < 0.5) return r() < 0.5 ? 2n ** 64n - 1n : -(2n ** 63n); // BIGINT UNSIGNED max, BIGINT min
  if (pick < 0.7) return BigInt(Math.floor(r() * 100)); // a small bigint stays a bigint
  return sign * BigInt(randomDigits(r, 1 + Math.floor(r() * 80)) || '0'); // wider than 64 bits
}

function randomDecimal(r: () => number): Decimal {
  // DECIMAL(65,30) at its widest, and narrower ones.
  const digits = 1 + Math.floor(r() * 65);
  const scale = Math.min(30, Math.floor(r() * (digits + 1)));
  const unscaled = BigInt(randomDigits(r, digits)) * (r() < 0.5 ? -1n : 1n);
  return new Decimal(unscaled, scale);
}

function randomBytes(r: () => number): Uint8Array {
  const n = Math.floor(r() * 40);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function randomString(r: () => number): string {
  // Lone surrogates too: the aggregator keeps a binary literal's bytes above 0x7F as \uDC80–\uDCFF in a string.
  const alphabet = ['a', 'Z', ' ', '\0', '\n', "'", '"', '\\', 'é', 'ß', '中', '😀', '\u00a0', '2026-12-08 02:30:00.123456', '\uDC80', '\uDCFF', '\uD800', '\uDBFF'];
  let s = '';
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

function randomValue(r: () => number): Value {
  const k = Math.floor(r() * 8);
  switch (k) {
    case 0:
      return null;
    case 1:
      return Math.floor((r() - 0.5) * 2 ** 54); // integers up to ±2^53, past 32 bits
    case 2:
      return [0, -1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1.5, 1e308, 5e-324, Infinity, -Infinity][Math.floor(r() * 11)]!;
    case 3:
      return (r() - 0.5) * 10 ** Math.floor(r() * 40);
    case 4:
      return randomBigint(r);
    case 5:
      return randomDecimal(r);
    case 6:
      return randomBytes(r);
    default:
      return randomString(r);
  }
}

/** Exact sameness of two Values: same representation, same content. */
function expectSameValue(got: unknown, want: Value, where: string): void {
  if (want instanceof Decimal) {
    expect(got, where).toBeInstanceOf(Decimal);
    expect((got as Decimal).unscaled, where).toBe(want.unscaled);
    expect((got as Decimal).scale, where).toBe(want.scale);
  } else if (want instanceof Uint8Array) {
    expect(got, where).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(got), `${where}: a plain Uint8Array, not a Buffer`).toBe(false);
    expect([...(got as Uint8Array)], where).toEqual([...want]);
  } else {
    expect(typeof got, where).toBe(typeof want);
    expect(Object.is(got, want), `${where}: ${String(got)} is ${String(want)}`).toBe(true);
  }
}

function randomVector(r: () => number, n: number): Vector {
  const k = Math.floor(r() * 5);
  if (k === 0) return valuesVector(Array.from({ length: n }, () => randomValue(r)));
  if (k === 3) return constVector(randomValue(r));
  if (k === 4) {
    // Codes longer than the batch, at an odd offset; a dictionary of any values.
    const dict = Array.from({ length: 1 + Math.floor(r() * 5) }, () => randomValue(r));
    const codes = new Int32Array(n + 4).subarray(1);
    const nulls = r() < 0.5 ? null : new Uint8Array(n + 3);
    for (let i = 0; i < n + 3; i++) {
      codes[i] = Math.floor(r() * dict.length);
      if (nulls !== null) nulls[i] = r() < 0.2 ? 1 : 0;
    }
    return dictVector(codes, dict, nulls);
  }
  // Typed: data longer than the batch, sitting at an odd offset of a bigger buffer.
  const spare = 3;
  const backing = new Float64Array(n + spare + 1);
  const data = backing.subarray(1);
  const nulls = r() < 0.5 ? null : new Uint8Array(n + spare);
  for (let i = 0; i < n + spare; i++) {
    const isNull = nulls !== null && r() < 0.2;
    if (nulls !== null) nulls[i] = isNull ? 1 : 0;
    data[i] = isNull ? 0 : k === 1 ? [-0, 0.1, -1e300, 2 ** 53, Math.floor(r() * 1e9)][Math.floor(r() * 5)]! : Math.floor((r() - 0.5) * 2 ** 53);
  }
  return k === 1 ? f64Vector(data, nulls) : scaledVector(data, Math.floor(r() * 31), nulls);
}

function expectSameVector(got: Vector, want: Vector, n: number, where: string): void {
  expect(got.kind, where).toBe(want.kind);
  switch (want.kind) {
    case 'values': {
      const g = got as typeof want;
      expect(g.values.length, where).toBe(n);
      for (let i = 0; i < n; i++) expectSameValue(g.values[i], want.values[i]!, `${where} row ${i}`);
      return;
    }
    case 'const':
      return expectSameValue((got as typeof want).value, want.value, where);
    case 'dict': {
      const g = got as typeof want;
      expect(g.dict.length, where).toBe(want.dict.length);
      want.dict.forEach((v, i) => expectSameValue(g.dict[i], v, `${where} dict ${i}`));
      expect([...g.codes.subarray(0, n)], where).toEqual([...want.codes.subarray(0, n)]);
      if (want.nulls === null) expect(g.nulls, where).toBeNull();
      else expect([...g.nulls!.subarray(0, n)], where).toEqual([...want.nulls.subarray(0, n)]);
      return;
    }
    case 'f64':
    case 'scaled': {
      const g = got as typeof want;
      if (want.kind === 'scaled') expect((g as typeof want).scale, where).toBe(want.scale);
      expect(g.data).toBeInstanceOf(Float64Array);
      for (let i = 0; i < n; i++) expect(Object.is(g.data[i], want.data[i]), `${where} row ${i}: ${g.data[i]} is ${want.data[i]}`).toBe(true);
      if (want.nulls === null) expect(g.nulls, where).toBeNull();
      else expect([...g.nulls!.subarray(0, n)], where).toEqual([...want.nulls.subarray(0, n)]);
      return;
    }
  }
}

describe('Values round-trip exactly', () => {
  it('over 2,000 random values of every representation', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const values = Array.from({ length: 100 }, () => randomValue(r));
      const back = roundTripValue(values);
      values.forEach((v, i) => expectSameValue(back[i], v, `seed ${seed} value ${i}`));
    }
  });

  it('at the edges: BIGINT past 2^53, DECIMAL(65,30), every byte value, NULL', () => {
    const edges: Value[] = [
      2n ** 53n + 1n,
      -(2n ** 63n),
      2n ** 64n - 1n,
      10n ** 70n + 7n,
      0n,
      new Decimal(-(10n ** 65n - 1n), 30),
      new Decimal(10n ** 64n, 30),
      new Decimal(0n, 0),
      Uint8Array.from({ length: 256 }, (_, i) => i),
      new Uint8Array(0),
      // The bytes 0..255 as the aggregator holds a binary literal: 0x80 and up as lone low surrogates.
      Array.from({ length: 256 }, (_, i) => String.fromCharCode(i < 0x80 ? i : 0xdc00 + i)).join(''),
      null,
      '',
      Number.MAX_SAFE_INTEGER,
    ];
    const back = roundTripValue(edges);
    edges.forEach((v, i) => expectSameValue(back[i], v, `edge ${i}`));
  });
});

describe('batches round-trip exactly', () => {
  it('over random batches of every vector kind, NULLs and -0 included', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(1000 + seed);
      const n = Math.floor(r() * 70);
      const batch: WireBatch = { length: n, cols: Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomVector(r, n)) };
      const res: LeafResponse = { kind: 'chunk', batches: [batch], cursor: seed % 2 === 0 ? null : seed };
      const back = decodeResponse(encodeResponse({ id: seed, body: res }));
      expect(back.id).toBe(seed);
      const body = back.body as Extract<LeafResponse, { kind: 'chunk' }>;
      expect(body.cursor).toBe(res.cursor);
      const got = body.batches[0]!;
      expect(got.length).toBe(n);
      expect(got.cols.length).toBe(batch.cols.length);
      got.cols.forEach((c, i) => expectSameVector(c, batch.cols[i]!, n, `seed ${seed} col ${i}`));
    }
  });

  it('sends a typed column as its rows only, not its spare capacity', () => {
    const data = new Float64Array(10_000);
    const batch: WireBatch = { length: 2, cols: [f64Vector(data, null)] };
    const bytes = encodeResponse({ id: 1, body: { kind: 'batches', batches: [batch] } });
    expect(bytes.byteLength).toBeLessThan(100);
  });
});

describe('errors cross as errno, SQLSTATE, message, retryable', () => {
  it('a SqlError comes back as the same SqlError', () => {
    const e = new SqlError('ER_DUP_ENTRY', "Duplicate entry '1' for key 'PRIMARY'");
    const back = errorFromWire(roundTripValue(errorToWire(e)));
    expect(back).toBeInstanceOf(SqlError);
    expect(back).toMatchObject({ code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', message: e.message, retryable: false });
  });

  it('a deadlock stays retryable', () => {
    const back = errorFromWire(roundTripValue(errorToWire(new TxnConflictError('ER_LOCK_DEADLOCK'))));
    expect(back).toMatchObject({ errno: 1213, sqlState: '40001', retryable: true });
  });

  it('a code this build does not know becomes ER_UNKNOWN_ERROR with its text', () => {
    const back = errorFromWire({ kind: 'sql', code: 'ER_FROM_THE_FUTURE', errno: 9999, sqlState: 'HY000', message: 'news', retryable: true });
    expect(back).toMatchObject({ errno: 1105, sqlState: 'HY000', message: 'news', retryable: true });
  });

  it('anything else is an internal error with its message and no stack from the other side', () => {
    const e = new TypeError('x is undefined');
    const wire = errorToWire(e);
    expect(wire).toEqual({ kind: 'internal', message: 'x is undefined' });
    const back = errorFromWire(roundTripValue(wire));
    expect(back).toBeInstanceOf(InternalError);
    expect(back.message).toBe('x is undefined');
  });
});

describe('requests', () => {
  it('every kind round-trips, with the map version', () => {
    const inputs = { slots: [2n ** 60n], params: [new Decimal(125n, 2)], now: '2026-12-08 02:30:00', sessionValues: { '@x': Uint8Array.of(0, 255) }, txnId: 2 ** 32 + 7, lockWaitTimeoutMs: 50_000 };
    const plan = { kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0], access: { kind: 'full' }, types: [{ kind: 'int', bytes: 4, unsigned: false }] } as const;
    const schema = { id: 1, name: 't', columns: [{ name: 'a', type: { kind: 'int', bytes: 4, unsigned: false }, nullable: true }], indexes: [] } as const;
    const all: LeafRequest[] = [
      { kind: 'createDatabase', db: 'd', partitions: [0, 1] },
      { kind: 'dropDatabase', db: 'd' },
      { kind: 'createTable', db: 'd', partitions: [0], schema },
      { kind: 'dropTable', db: 'd', tableId: 1 },
      { kind: 'truncateTable', db: 'd', tableId: 1 },
      { kind: 'addIndex', db: 'd', tableId: 1, index: { name: 'i', columns: [0], unique: false, primary: false }, opts: { queryId: 4 } },
      { kind: 'tableIndexes', db: 'd', tableId: 1 },
      { kind: 'dropIndex', db: 'd', tableId: 1, name: 'i' },
      { kind: 'rowCount', db: 'd', tableId: 1 },
      { kind: 'inventory' },
      { kind: 'runFragment', req: { ...inputs, db: 'd', partitions: [0], fragment: makeRef(plan) } },
      { kind: 'openFragment', req: { ...inputs, db: 'd', partitions: [0], fragment: makeRef(plan) } },
      { kind: 'fragmentNext', cursor: 3 },
      { kind: 'fragmentClose', cursor: 3 },
      { kind: 'cancelQuery', queryId: 9 },
      { kind: 'insert', req: { ...inputs, db: 'd', partition: 0, tableId: 1, rows: [[1, 'x', null]], mode: 'replace' } },
      { kind: 'modify', req: { ...inputs, db: 'd', partitions: [0], program: makeRef({ tableId: 1, access: { kind: 'full' }, filter: null, columnNames: ['a'], shardKey: [], strict: true }) }, modify: 'delete' },
      { kind: 'beginTransaction', txnId: 5, opts: { isolation: 'repeatable-read', consistentSnapshot: true, lockWaitTimeoutMs: 1 } },
      { kind: 'beginStatement', txnId: 5, lockWaitTimeoutMs: 1 },
      { kind: 'rollbackStatement', txnId: 5 },
      { kind: 'savepoint', txnId: 5, name: 'sp', action: 'rollback', lockWaitTimeoutMs: 1 },
      { kind: 'commit', txnId: 5 },
      { kind: 'rollback', txnId: 5 },
    ];
    for (const body of all) {
      const back = decodeRequest(encodeRequest({ id: 11, mapVersion: 4, body }));
      expect(back).toEqual({ id: 11, mapVersion: 4, body });
    }
  });

  it('a plan reference is named by its content: equal plans, equal ids; different plans, different ids', () => {
    const a = { kind: 'const', value: new Decimal(1n, 0) };
    expect(makeRef(a).id).toBe(makeRef({ kind: 'const', value: new Decimal(1n, 0) }).id);
    expect(makeRef(a).id).not.toBe(makeRef({ kind: 'const', value: new Decimal(1n, 1) }).id);
  });
});
