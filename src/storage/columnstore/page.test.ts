import { describe, expect, it } from 'vitest';
import { Decimal } from '../../common/decimal.js';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesOf } from '../../common/vector.js';
import { decodePage, encodePage } from './page.js';
import { Rng } from './test-rng.js';
import type { CodecId } from './codecs/index.js';

const ubigint: SqlType = { kind: 'int', bytes: 8, unsigned: true };
const binary: SqlType = { kind: 'string', family: 'varchar', length: 255, binary: true };

function norm(v: Value): unknown {
  if (v instanceof Decimal) return `D${v.unscaled}/${v.scale}`;
  if (v instanceof Uint8Array) return `B${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'bigint') return `N${v}`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return v;
}

function roundTrip(t: SqlType, vals: readonly Value[], allowed: readonly CodecId[] | null = null): { codec: CodecId; kind: string } {
  const page = encodePage(t, vals, allowed);
  const v = decodePage(t, page.bytes);
  expect(valuesOf(v, vals.length).map(norm)).toEqual(vals.map(norm));
  expect(page.meta.nulls).toBe(vals.filter((x) => x === null).length);
  return { codec: page.meta.codec, kind: v.kind };
}

const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);

const cases: [string, SqlType, Value[]][] = [
  ['all NULL ints', T.int, [null, null, null]],
  ['all NULL strings', T.varchar(10), [null, null]],
  ['one value', T.bigint, [7]],
  ['no rows', T.int, []],
  ['int extremes', T.bigint, [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, null, -1]],
  ['BIGINT beyond 2^53', T.bigint, [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 5, null]],
  ['BIGINT UNSIGNED max', ubigint, [2n ** 64n - 1n, 2n ** 63n, 0, null]],
  ['DECIMAL within 2^53', T.decimal(15, 2), [new Decimal(1250n, 2), new Decimal(-1n, 2), null, new Decimal(999999999999999n, 2)]],
  ['DECIMAL(65,30)', T.decimal(65, 30), [new Decimal(10n ** 64n - 1n, 30), new Decimal(-(10n ** 40n), 30), null]],
  ['doubles', T.double, [0, -0, 1.5, -1e308, 5e-324, null]],
  ['empty strings', T.varchar(10), ['', '', null, 'a', '']],
  ['lone surrogates', T.varchar(10), ['\ud800', 'ok', '\udfff x', '😀']],
  ['every byte', binary, [everyByte, new Uint8Array(0), null, everyByte.slice(3, 9)]],
  ['dates', T.date, ['1992-01-01', '1998-12-31', null]],
];

describe('column pages', () => {
  for (const [name, t, vals] of cases) {
    it(`round-trip ${name} with every codec that applies`, () => {
      for (const c of [null, ['plain'], ['rle'], ['for'], ['delta'], ['dict']] as (CodecId[] | null)[]) roundTrip(t, vals, c);
    });
  }

  it('keep low-cardinality strings as a dictionary vector, and min/max of ordered columns', () => {
    const vals = Array.from({ length: 5000 }, (_, i) => ['F', 'O', 'P'][i % 3]!);
    expect(roundTrip(T.varchar(1), vals)).toEqual({ codec: 'dict', kind: 'dict' });
    const dates = Array.from({ length: 1000 }, (_, i) => `1995-0${1 + (i % 9)}-1${i % 10}`);
    const p = encodePage(T.date, dates);
    expect([p.meta.min, p.meta.max]).toEqual(['1995-01-10', '1995-09-19']);
    const d = encodePage(T.decimal(12, 2), [new Decimal(5n, 2), null, new Decimal(-700n, 2)]);
    expect([norm(d.meta.min), norm(d.meta.max)]).toEqual(['D-700/2', 'D5/2']);
    // strings compare by collation, not by code unit: no zone map that could skip wrongly
    expect(encodePage(T.varchar(3), ['b', 'a']).meta.min).toBeNull();
  });

  it('round-trip random pages of every type (property)', () => {
    const rng = new Rng(5);
    const types: SqlType[] = [T.int, T.bigint, ubigint, T.double, T.decimal(12, 2), T.decimal(40, 5), T.varchar(20), binary, T.date];
    for (let round = 0; round < 120; round++) {
      const t = rng.pick(types);
      const n = rng.pick([1, 10, 2000]);
      const nullRate = rng.pick([0, 0.1, 1]);
      const card = rng.pick([2, 50, 100000]);
      const vals: Value[] = [];
      for (let i = 0; i < n; i++) {
        if (rng.next() < nullRate) {
          vals.push(null);
          continue;
        }
        const k = rng.int(0, card);
        switch (t) {
          case T.int:
            vals.push(k - (card >> 1));
            break;
          case T.bigint:
            vals.push(rng.next() < 0.1 ? 2n ** 60n + BigInt(k) : k * 1e9);
            break;
          case ubigint:
            vals.push(rng.next() < 0.1 ? 2n ** 64n - 1n - BigInt(k) : k);
            break;
          case T.double:
            vals.push(k / 7);
            break;
          case T.date:
            vals.push(`19${10 + (k % 90)}-0${1 + (k % 9)}-2${k % 9}`);
            break;
          case binary:
            vals.push(Uint8Array.from({ length: k % 9 }, (_, j) => (k * 31 + j) & 255));
            break;
          case T.varchar(20):
          default:
            if (t.kind === 'decimal') vals.push(new Decimal(BigInt(k) * (t.precision > 20 ? 10n ** 30n : 1n) - 5000n, t.scale));
            else vals.push(`s${k}${rng.next() < 0.01 ? '\udc00' : ''}`);
        }
      }
      roundTrip(t, vals);
    }
  });
});
