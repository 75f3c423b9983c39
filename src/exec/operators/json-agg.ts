/**
 * JSON_ARRAYAGG and JSON_OBJECTAGG: a group's values as one JSON array or object (NULL for an
 * empty group). Values become JSON as JSON_ARRAY's arguments do; a NULL key is error 3158 and
 * a repeated key keeps its last value (MySQL 8). Not split into partial and final aggregates.
 */
import { invariant } from '../../common/assert.js';
import { SqlError } from '../../common/errors.js';
import type { AggSpec } from '../../common/ir/physical.js';
import { printJson, sortMembers, type JsonDoc } from '../../common/json/doc.js';
import { toStringValue } from '../../common/cast.js';
import { valuesOf, type Vector } from '../../common/vector.js';
import type { Value } from '../../common/value.js';
import { valueArg } from '../functions/json-args.js';
import type { Accumulator, AggEnv } from './accumulator.js';

class JsonArrayAgg implements Accumulator {
  private readonly items: (JsonDoc[] | undefined)[] = [];
  constructor(private readonly spec: AggSpec, private readonly env: AggEnv) {}
  grow(n: number): void {
    while (this.items.length < n) this.items.push(undefined);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number): void {
    const t = this.spec.args[0]!.type;
    const xs = valuesOf(args[0]!, n);
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const d = valueArg(xs[i]!, t, 1, 'json_arrayagg');
      (this.items[gids[i]!] ??= []).push(d);
      bytes += 32;
    }
    this.env.reserve(bytes);
  }
  merge(): void {
    invariant(false, 'JSON_ARRAYAGG is not split into partial and final aggregates');
  }
  result(g: number): Value {
    const items = this.items[g];
    return items === undefined ? null : printJson({ kind: 'array', items });
  }
  state(): Value[] {
    invariant(false, 'JSON_ARRAYAGG is not split into partial and final aggregates');
  }
}

class JsonObjectAgg implements Accumulator {
  private readonly objects: ((JsonDoc & { kind: 'object' }) | undefined)[] = [];
  constructor(private readonly spec: AggSpec, private readonly env: AggEnv) {}
  grow(n: number): void {
    while (this.objects.length < n) this.objects.push(undefined);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number): void {
    const kt = this.spec.args[0]!.type;
    const vt = this.spec.args[1]!.type;
    const ks = valuesOf(args[0]!, n);
    const vs = valuesOf(args[1]!, n);
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const k = ks[i]!;
      if (k === null) throw new SqlError('ER_JSON_DOCUMENT_NULL_KEY', 'JSON documents may not contain NULL member names.');
      const key = toStringValue(k, kt)!;
      const o = (this.objects[gids[i]!] ??= { kind: 'object', members: new Map() });
      o.members.set(key, valueArg(vs[i]!, vt, 2, 'json_objectagg'));
      bytes += 48 + key.length;
    }
    this.env.reserve(bytes);
  }
  merge(): void {
    invariant(false, 'JSON_OBJECTAGG is not split into partial and final aggregates');
  }
  result(g: number): Value {
    const o = this.objects[g];
    // Keys are put in MySQL's order once, at the end.
    return o === undefined ? null : printJson({ kind: 'object', members: sortMembers(o.members) });
  }
  state(): Value[] {
    invariant(false, 'JSON_OBJECTAGG is not split into partial and final aggregates');
  }
}

export function makeJsonAgg(spec: AggSpec, env: AggEnv): Accumulator {
  return spec.fn === 'jsonObjectAgg' ? new JsonObjectAgg(spec, env) : new JsonArrayAgg(spec, env);
}
