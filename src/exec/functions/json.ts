/**
 * MySQL 8's JSON functions. Documents arrive as JSON text (a JSON column or a JSON function's
 * result) or as strings holding JSON text; each call parses them into a JsonDoc, works on the
 * tree and prints the result in MySQL's layout.
 */
import { SqlError } from '../../common/errors.js';
import {
  JSON_NULL, jsonDepth, jsonEquals, jsonTypeName, prettyJson, printJson, quoteJsonString, setMember, sortMembers, type JsonDoc,
} from '../../common/json/doc.js';
import { findPath, printJsonPath, resolveIndex, type JsonPath, type PathLeg } from '../../common/json/path.js';
import type { ScalarFunction } from './types.js';
import { INT, JSON_T, LONGTEXT, def, str } from './util.js';
import { docArg, jsonResult, oneOrAll, parseDocText, pathArg, valueArg } from './json-args.js';
import { compileLike, likeMatches } from './like.js';

// ---------------------------------------------------------------- reading

const jsonExtract = def({
  name: 'JSON_EXTRACT', min: 2, max: Infinity, ret: JSON_T,
  eval: (args, types) => {
    const doc = docArg(args[0]!, types[0]!, 1, 'json_extract');
    const found: JsonDoc[] = [];
    let many = args.length > 2;
    for (let i = 1; i < args.length; i++) {
      const p = pathArg(args[i]!, types[i]!, true);
      if (p.wild) many = true;
      for (const h of findPath(doc, p)) found.push(h.value);
    }
    if (found.length === 0) return null;
    return jsonResult(many ? { kind: 'array', items: found } : found[0]!);
  },
});

/** JSON_UNQUOTE: a JSON string loses its quotes and escapes; other text is returned as it is. */
export function jsonUnquote(s: string): string {
  if (s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"') {
    const d = parseDocText(s, 1, 'json_unquote');
    if (d.kind === 'string') return d.value;
  }
  return s;
}

const jsonUnquoteFn = def({
  name: 'JSON_UNQUOTE', min: 1, max: 1, ret: LONGTEXT,
  eval: ([v], [t]) => {
    if (t!.kind === 'json') {
      const d = parseDocText(v as string, 1, 'json_unquote');
      return d.kind === 'string' ? d.value : d.kind === 'temporal' ? d.text : printJson(d);
    }
    return jsonUnquote(str(v!, t!));
  },
});

const jsonQuote = def({
  name: 'JSON_QUOTE', min: 1, max: 1, ret: LONGTEXT,
  eval: ([v], [t]) => quoteJsonString(str(v!, t!)),
});

const jsonType = def({
  name: 'JSON_TYPE', min: 1, max: 1, ret: { kind: 'string', family: 'varchar', length: 16, binary: false },
  eval: ([v], [t]) => jsonTypeName(docArg(v!, t!, 1, 'json_type')),
});

const jsonValid = def({
  name: 'JSON_VALID', min: 1, max: 1, ret: INT,
  eval: ([v], [t]) => {
    if (t!.kind === 'json') return 1;
    if (!(typeof v === 'string' || v instanceof Uint8Array)) return 1;
    try {
      parseDocText(str(v, t!), 1, 'json_valid');
      return 1;
    } catch {
      return 0;
    }
  },
});

const jsonDepthFn = def({
  name: 'JSON_DEPTH', min: 1, max: 1, ret: INT,
  eval: ([v], [t]) => jsonDepth(docArg(v!, t!, 1, 'json_depth')),
});

/** The one value a non-wildcard path names, or undefined. */
function at(doc: JsonDoc, p: JsonPath): JsonDoc | undefined {
  return findPath(doc, p)[0]?.value;
}

const jsonLength = def({
  name: 'JSON_LENGTH', min: 1, max: 2, ret: INT,
  eval: (args, types) => {
    const doc = docArg(args[0]!, types[0]!, 1, 'json_length');
    const d = args.length > 1 ? at(doc, pathArg(args[1]!, types[1]!, false)) : doc;
    if (d === undefined) return null;
    return d.kind === 'array' ? d.items.length : d.kind === 'object' ? d.members.size : 1;
  },
});

const jsonKeys = def({
  name: 'JSON_KEYS', min: 1, max: 2, ret: JSON_T,
  eval: (args, types) => {
    const doc = docArg(args[0]!, types[0]!, 1, 'json_keys');
    const d = args.length > 1 ? at(doc, pathArg(args[1]!, types[1]!, false)) : doc;
    if (d === undefined || d.kind !== 'object') return null;
    return jsonResult({ kind: 'array', items: [...d.members.keys()].map((k) => ({ kind: 'string', value: k })) });
  },
});

const jsonPretty = def({
  name: 'JSON_PRETTY', min: 1, max: 1, ret: LONGTEXT,
  eval: ([v], [t]) => prettyJson(docArg(v!, t!, 1, 'json_pretty')),
});

/** MySQL's containment: what JSON_CONTAINS asks. */
export function jsonContains(target: JsonDoc, cand: JsonDoc): boolean {
  if (target.kind === 'array') {
    if (cand.kind === 'array') return cand.items.every((c) => target.items.some((t) => jsonContains(t, c)));
    return target.items.some((t) => jsonContains(t, cand));
  }
  if (target.kind === 'object') {
    if (cand.kind !== 'object') return false;
    for (const [k, v] of cand.members) {
      const t = target.members.get(k);
      if (t === undefined || !jsonContains(t, v)) return false;
    }
    return true;
  }
  if (cand.kind === 'array' || cand.kind === 'object') return false;
  return jsonEquals(target, cand);
}

const jsonContainsFn = def({
  name: 'JSON_CONTAINS', min: 2, max: 3, ret: INT,
  eval: (args, types) => {
    let target: JsonDoc | undefined = docArg(args[0]!, types[0]!, 1, 'json_contains');
    const cand = docArg(args[1]!, types[1]!, 2, 'json_contains');
    if (args.length > 2) target = at(target, pathArg(args[2]!, types[2]!, false));
    if (target === undefined) return null;
    return jsonContains(target, cand) ? 1 : 0;
  },
});

const jsonContainsPath = def({
  name: 'JSON_CONTAINS_PATH', min: 3, max: Infinity, ret: INT,
  eval: (args, types) => {
    const doc = docArg(args[0]!, types[0]!, 1, 'json_contains_path');
    const mode = oneOrAll(args[1]!, types[1]!, 'json_contains_path');
    for (let i = 2; i < args.length; i++) {
      const found = findPath(doc, pathArg(args[i]!, types[i]!, true)).length > 0;
      if (found && mode === 'one') return 1;
      if (!found && mode === 'all') return 0;
    }
    return mode === 'all' ? 1 : 0;
  },
});

function overlaps(a: JsonDoc, b: JsonDoc): boolean {
  if (a.kind === 'object' && b.kind === 'object') {
    for (const [k, v] of a.members) {
      const w = b.members.get(k);
      if (w !== undefined && jsonEquals(v, w)) return true;
    }
    return false;
  }
  const xs = a.kind === 'array' ? a.items : [a];
  const ys = b.kind === 'array' ? b.items : [b];
  return xs.some((x) => ys.some((y) => jsonEquals(x, y)));
}

const jsonOverlaps = def({
  name: 'JSON_OVERLAPS', min: 2, max: 2, ret: INT,
  eval: ([a, b], [ta, tb]) => (overlaps(docArg(a!, ta!, 1, 'json_overlaps'), docArg(b!, tb!, 2, 'json_overlaps')) ? 1 : 0),
});

/** `v MEMBER OF (arr)`: the parser names it so. */
const memberOf = def({
  name: 'MEMBER OF', min: 2, max: 2, ret: INT,
  eval: ([v, a], [tv, ta]) => {
    const value = valueArg(v!, tv!, 1, 'member of');
    const arr = docArg(a!, ta!, 2, 'member of');
    const items = arr.kind === 'array' ? arr.items : [arr];
    return items.some((x) => jsonEquals(x, value)) ? 1 : 0;
  },
});

const jsonSearch = def({
  name: 'JSON_SEARCH', min: 3, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => {
    if (args[0] === null || args[1] === null || args[2] === null) return null;
    const doc = docArg(args[0], types[0]!, 1, 'json_search');
    const mode = oneOrAll(args[1], types[1]!, 'json_search');
    const escape = args.length > 3 && args[3] !== null ? str(args[3]!, types[3]!) : '\\';
    if (Array.from(escape).length > 1) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to ESCAPE');
    const pattern = compileLike(str(args[2], types[2]!), escape === '' ? '\\' : escape, false);
    const roots: { value: JsonDoc; at: readonly PathLeg[] }[] = [];
    if (args.length > 4) {
      for (let i = 4; i < args.length; i++) {
        if (args[i] === null) return null;
        roots.push(...findPath(doc, pathArg(args[i]!, types[i]!, true)));
      }
    } else roots.push({ value: doc, at: [] });
    const hits: string[] = [];
    const seen = new Set<string>();
    const visit = (d: JsonDoc, path: PathLeg[]): boolean => {
      if (d.kind === 'string') {
        if (likeMatches(pattern, d.value)) {
          const p = printJsonPath(path);
          if (!seen.has(p)) {
            seen.add(p);
            hits.push(p);
            if (mode === 'one') return true;
          }
        }
      } else if (d.kind === 'array') {
        for (let i = 0; i < d.items.length; i++) {
          path.push({ kind: 'cell', index: { fromEnd: false, n: i } });
          const done = visit(d.items[i]!, path);
          path.pop();
          if (done) return true;
        }
      } else if (d.kind === 'object') {
        for (const [key, v] of d.members) {
          path.push({ kind: 'member', key });
          const done = visit(v, path);
          path.pop();
          if (done) return true;
        }
      }
      return false;
    };
    for (const r of roots) if (visit(r.value, [...r.at])) break;
    if (hits.length === 0) return null;
    if (hits.length === 1) return jsonResult({ kind: 'string', value: hits[0]! });
    return jsonResult({ kind: 'array', items: hits.map((value) => ({ kind: 'string', value })) });
  },
});

// ---------------------------------------------------------------- building

const jsonObjectFn = def({
  name: 'JSON_OBJECT', min: 0, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => {
    if (args.length % 2 !== 0) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', "Incorrect parameter count in the call to native function 'json_object'");
    const m = new Map<string, JsonDoc>();
    for (let i = 0; i < args.length; i += 2) {
      if (args[i] === null) throw new SqlError('ER_JSON_DOCUMENT_NULL_KEY', 'JSON documents may not contain NULL member names.');
      // The last of duplicate keys wins (MySQL 8.0.3 and later).
      m.set(str(args[i]!, types[i]!), valueArg(args[i + 1]!, types[i + 1]!, i + 2, 'json_object'));
    }
    return jsonResult({ kind: 'object', members: sortMembers(m) });
  },
});

const jsonArrayFn = def({
  name: 'JSON_ARRAY', min: 0, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => jsonResult({ kind: 'array', items: args.map((v, i) => valueArg(v, types[i]!, i + 1, 'json_array')) }),
});

// ---------------------------------------------------------------- editing

type EditMode = 'set' | 'insert' | 'replace';

/** The value at concrete legs (from findPath), which exists. */
function valueAt(doc: JsonDoc, legs: readonly PathLeg[]): JsonDoc {
  let d = doc;
  for (const l of legs) {
    if (l.kind === 'member' && d.kind === 'object') d = d.members.get(l.key)!;
    else if (l.kind === 'cell' && d.kind === 'array') d = d.items[l.index.n]!;
    // A cell leg on a non-array is the value itself (auto-wrapping).
  }
  return d;
}

/** Replaces the value at concrete legs; returns the new root. */
function replaceAt(doc: JsonDoc, legs: readonly PathLeg[], v: JsonDoc): JsonDoc {
  // Trailing auto-wrapped [0] legs name the value they stand on.
  let n = legs.length;
  while (n > 0) {
    const parent = valueAt(doc, legs.slice(0, n - 1));
    const l = legs[n - 1]!;
    if (l.kind === 'cell' && parent.kind !== 'array') n--;
    else break;
  }
  if (n === 0) return v;
  const parent = valueAt(doc, legs.slice(0, n - 1));
  const l = legs[n - 1]!;
  if (l.kind === 'member' && parent.kind === 'object') parent.members.set(l.key, v);
  else if (l.kind === 'cell' && parent.kind === 'array') parent.items[l.index.n] = v;
  return doc;
}

function editOne(doc: JsonDoc, p: JsonPath, v: JsonDoc, mode: EditMode): JsonDoc {
  const legs = p.legs;
  if (legs.length === 0) return mode === 'insert' ? doc : v;
  const parentPath: JsonPath = { legs: legs.slice(0, -1), wild: false };
  const hit = findPath(doc, parentPath)[0];
  if (hit === undefined) return doc;
  const parent = hit.value;
  const last = legs[legs.length - 1]!;
  if (last.kind === 'member') {
    if (parent.kind !== 'object') return doc;
    const exists = parent.members.has(last.key);
    if (exists ? mode !== 'insert' : mode !== 'replace') setMember(parent, last.key, v);
    return doc;
  }
  if (last.kind !== 'cell') return doc;
  if (parent.kind === 'array') {
    const i = resolveIndex(last.index, parent.items.length);
    if (i >= 0 && i < parent.items.length) {
      if (mode !== 'insert') parent.items[i] = v;
    } else if (mode !== 'replace' && i >= parent.items.length) parent.items.push(v);
    return doc;
  }
  // A non-array is an array of itself: [0] names it, a later cell appends to the wrapped array.
  if (resolveIndex(last.index, 1) === 0) return mode === 'insert' ? doc : replaceAt(doc, hit.at, v);
  if (mode === 'replace') return doc;
  return replaceAt(doc, hit.at, { kind: 'array', items: [parent, v] });
}

function editFunction(name: string, mode: EditMode): ScalarFunction {
  const lower = name.toLowerCase();
  return def({
    name, min: 3, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
    eval: (args, types) => {
      if (args.length % 2 === 0) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${lower}'`);
      if (args[0] === null) return null;
      let doc = docArg(args[0], types[0]!, 1, lower);
      for (let i = 1; i < args.length; i += 2) {
        if (args[i] === null) return null;
        const p = pathArg(args[i]!, types[i]!, false);
        doc = editOne(doc, p, valueArg(args[i + 1]!, types[i + 1]!, i + 2, lower), mode);
      }
      return jsonResult(doc);
    },
  });
}

const jsonRemove = def({
  name: 'JSON_REMOVE', min: 2, max: Infinity, ret: JSON_T,
  eval: (args, types) => {
    const doc = docArg(args[0]!, types[0]!, 1, 'json_remove');
    for (let i = 1; i < args.length; i++) {
      const p = pathArg(args[i]!, types[i]!, false);
      if (p.legs.length === 0) throw new SqlError('ER_JSON_VACUOUS_PATH', "The path expression '$' is not allowed in this context.");
      const hit = findPath(doc, { legs: p.legs.slice(0, -1), wild: false })[0];
      if (hit === undefined) continue;
      const parent = hit.value;
      const last = p.legs[p.legs.length - 1]!;
      if (last.kind === 'member' && parent.kind === 'object') parent.members.delete(last.key);
      else if (last.kind === 'cell' && parent.kind === 'array') {
        const k = resolveIndex(last.index, parent.items.length);
        if (k >= 0 && k < parent.items.length) parent.items.splice(k, 1);
      }
    }
    return jsonResult(doc);
  },
});

const jsonArrayAppend = def({
  name: 'JSON_ARRAY_APPEND', min: 3, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => {
    if (args.length % 2 === 0) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', "Incorrect parameter count in the call to native function 'json_array_append'");
    if (args[0] === null) return null;
    let doc = docArg(args[0], types[0]!, 1, 'json_array_append');
    for (let i = 1; i < args.length; i += 2) {
      if (args[i] === null) return null;
      const p = pathArg(args[i]!, types[i]!, false);
      const v = valueArg(args[i + 1]!, types[i + 1]!, i + 2, 'json_array_append');
      const hit = findPath(doc, p)[0];
      if (hit === undefined) continue;
      if (hit.value.kind === 'array') hit.value.items.push(v);
      else doc = replaceAt(doc, hit.at, { kind: 'array', items: [hit.value, v] });
    }
    return jsonResult(doc);
  },
});

const jsonArrayInsert = def({
  name: 'JSON_ARRAY_INSERT', min: 3, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => {
    if (args.length % 2 === 0) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', "Incorrect parameter count in the call to native function 'json_array_insert'");
    if (args[0] === null) return null;
    const doc = docArg(args[0], types[0]!, 1, 'json_array_insert');
    for (let i = 1; i < args.length; i += 2) {
      if (args[i] === null) return null;
      const p = pathArg(args[i]!, types[i]!, false);
      const last = p.legs[p.legs.length - 1];
      if (last === undefined || last.kind !== 'cell') {
        throw new SqlError('ER_INVALID_JSON_PATH_ARRAY_CELL', 'A path expression is not a path to a cell in an array.');
      }
      const v = valueArg(args[i + 1]!, types[i + 1]!, i + 2, 'json_array_insert');
      const parent = findPath(doc, { legs: p.legs.slice(0, -1), wild: false })[0]?.value;
      if (parent === undefined || parent.kind !== 'array') continue;
      const k = Math.max(0, Math.min(parent.items.length, resolveIndex(last.index, parent.items.length)));
      parent.items.splice(k, 0, v);
    }
    return jsonResult(doc);
  },
});

// ---------------------------------------------------------------- merging

/** JSON_MERGE_PRESERVE: arrays concatenate, objects merge member by member, scalars wrap. */
export function mergePreserve(a: JsonDoc, b: JsonDoc): JsonDoc {
  if (a.kind === 'object' && b.kind === 'object') {
    for (const [k, v] of b.members) {
      const mine = a.members.get(k);
      setMember(a, k, mine === undefined ? v : mergePreserve(mine, v));
    }
    return a;
  }
  const xs = a.kind === 'array' ? a.items : [a];
  const ys = b.kind === 'array' ? b.items : [b];
  return { kind: 'array', items: [...xs, ...ys] };
}

/** JSON_MERGE_PATCH (RFC 7396): a patch's null removes a member. */
export function mergePatch(target: JsonDoc, patch: JsonDoc): JsonDoc {
  if (patch.kind !== 'object') return patch;
  const t: JsonDoc & { kind: 'object' } = target.kind === 'object' ? target : { kind: 'object', members: new Map() };
  for (const [k, v] of patch.members) {
    if (v.kind === 'null') t.members.delete(k);
    else {
      const mine = t.members.get(k);
      setMember(t, k, mergePatch(mine ?? JSON_NULL, v));
    }
  }
  return t;
}

function mergeFunction(name: string, merge: (a: JsonDoc, b: JsonDoc) => JsonDoc): ScalarFunction {
  const lower = name.toLowerCase();
  return def({
    name, min: 2, max: Infinity, ret: JSON_T,
    eval: (args, types) => {
      let doc = docArg(args[0]!, types[0]!, 1, lower);
      for (let i = 1; i < args.length; i++) doc = merge(doc, docArg(args[i]!, types[i]!, i + 1, lower));
      return jsonResult(doc);
    },
  });
}

const mergePreserveFn = mergeFunction('JSON_MERGE_PRESERVE', mergePreserve);

export const jsonFunctions: readonly ScalarFunction[] = [
  jsonExtract, jsonUnquoteFn, jsonQuote, jsonType, jsonValid, jsonDepthFn, jsonLength, jsonKeys, jsonPretty,
  jsonContainsFn, jsonContainsPath, jsonOverlaps, memberOf, jsonSearch, jsonObjectFn, jsonArrayFn,
  editFunction('JSON_SET', 'set'), editFunction('JSON_INSERT', 'insert'), editFunction('JSON_REPLACE', 'replace'),
  jsonRemove, jsonArrayAppend, jsonArrayInsert,
  mergePreserveFn, { ...mergePreserveFn, name: 'JSON_MERGE' },
  mergeFunction('JSON_MERGE_PATCH', mergePatch),
];
