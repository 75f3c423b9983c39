import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, jsonEquals, parseJson, prettyJson, printJson, type JsonDoc } from './doc.js';
import { JsonPathSyntaxError, findPath, parseJsonPath, printJsonPath } from './path.js';

/** A small deterministic PRNG so a failing document can be reproduced from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEY_CHARS = ['a', 'b', 'Z', '_', ' ', '"', '\\', 'é', '😀', '\n', '\u0001', '/'];

function randomString(r: () => number, max: number): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += KEY_CHARS[Math.floor(r() * KEY_CHARS.length)];
  return s;
}

function randomDoc(r: () => number, depth: number): JsonDoc {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0: return { kind: 'null' };
    case 1: return { kind: 'bool', value: r() < 0.5 };
    case 2: return { kind: 'int', value: BigInt(Math.floor((r() - 0.5) * 2 ** 53)) * (r() < 0.1 ? 1000n : 1n) };
    case 3: {
      const x = (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
      return { kind: 'double', value: x === 0 ? 0.5 : x };
    }
    case 4: case 5: return { kind: 'string', value: randomString(r, 6) };
    case 6: return { kind: 'array', items: Array.from({ length: Math.floor(r() * 4) }, () => randomDoc(r, depth + 1)) };
    default: {
      const m = new Map<string, JsonDoc>();
      const n = Math.floor(r() * 4);
      for (let i = 0; i < n; i++) m.set(randomString(r, 4), randomDoc(r, depth + 1));
      // Parsing gives MySQL's key order; build the same so documents compare member by member.
      return parseJson(printJson({ kind: 'object', members: m }));
    }
  }
}

describe('JSON printer and parser', () => {
  it("prints MySQL's layout: ': ' and ', ', keys by length then bytes", () => {
    expect(printJson(parseJson('{"bb":1,"a":[1,2,{"c":null}],"aa":true,"B":"x"}'))).toBe('{"B": "x", "a": [1, 2, {"c": null}], "aa": true, "bb": 1}');
    expect(printJson(parseJson('{"é":1,"z":2}'))).toBe('{"z": 2, "é": 1}'); // é is two bytes
    expect(printJson(parseJson('{"a":1,"a":2}'))).toBe('{"a": 2}'); // the last duplicate wins
  });

  it('prints doubles as doubles and keeps 64-bit integers exact', () => {
    expect(printJson(parseJson('[1.0, 1e3, 1.5, -0.25, 1e300, 1e-7, 18446744073709551615, -9223372036854775808]')))
      .toBe('[1.0, 1000.0, 1.5, -0.25, 1e300, 0.0000001, 18446744073709551615, -9223372036854775808]');
    expect(printJson(parseJson('18446744073709551616'))).toBe('1.8446744073709552e19');
  });

  it('escapes strings as JSON needs', () => {
    expect(printJson(parseJson('"a\\"b\\\\c\\n\\u0001\\u00e9\\ud83d\\ude00"'))).toBe('"a\\"b\\\\c\\n\\u0001é😀"');
  });

  it("reports MySQL's reasons and byte positions", () => {
    const reason = (s: string): [string, number] => {
      try {
        parseJson(s);
      } catch (e) {
        if (e instanceof JsonSyntaxError) return [e.reason, e.position];
        throw e;
      }
      throw new Error(`parsed: ${s}`);
    };
    expect(reason('')).toEqual(['The document is empty.', 0]);
    expect(reason('{"a":1')).toEqual(["Missing a comma or '}' after an object member.", 6]);
    expect(reason('[1,]')).toEqual(['Invalid value.', 3]);
    expect(reason('{a:1}')).toEqual(['Missing a name for object member.', 1]);
    expect(reason('{"a" 1}')).toEqual(['Missing a colon after a name of object member.', 5]);
    expect(reason('[1 2]')).toEqual(["Missing a comma or ']' after an array element.", 3]);
    expect(reason('"abc')).toEqual(['Missing a closing quotation mark in string.', 4]);
    expect(reason('"\\x"')).toEqual(['Invalid escape character in string.', 2]);
    expect(reason('1 2')).toEqual(['The document root must not be followed by other values.', 2]);
    expect(reason('["é", x]')).toEqual(['Invalid value.', 7]);
    expect(reason('1.')).toEqual(['Miss fraction part in number.', 2]);
    expect(reason('1e')).toEqual(['Miss exponent in number.', 2]);
    expect(reason('01')).toEqual(['The document root must not be followed by other values.', 1]);
  });

  it('pretty-prints with two spaces a level', () => {
    expect(prettyJson(parseJson('{"a":[1,{"b":2}],"c":{},"d":[]}'))).toBe('{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "c": {},\n  "d": []\n}');
  });

  it('parse ∘ print is the identity on random documents, and print ∘ parse is stable', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const d = randomDoc(rng(seed), 0);
      const text = printJson(d);
      const back = parseJson(text);
      expect(jsonEquals(back, d), `seed ${seed}: ${text}`).toBe(true);
      expect(printJson(back), `seed ${seed}`).toBe(text);
      expect(printJson(parseJson(prettyJson(d))), `seed ${seed}`).toBe(text);
    }
  });
});

describe('JSON paths', () => {
  const doc = parseJson('{"a": [10, 20, {"b": 1}], "c": {"b": 2, "d": {"b": 3}}, "x y": 5}');
  const values = (path: string): string[] => findPath(doc, parseJsonPath(path)).map((h) => printJson(h.value));

  it('finds members, cells, last, ranges and wildcards', () => {
    expect(values('$.a[1]')).toEqual(['20']);
    expect(values('$.a[last]')).toEqual(['{"b": 1}']);
    expect(values('$.a[last-1]')).toEqual(['20']);
    expect(values('$.a[0 to 1]')).toEqual(['10', '20']);
    expect(values('$.a[*]')).toEqual(['10', '20', '{"b": 1}']);
    expect(values('$.*.b')).toEqual(['2']);
    expect(values('$**.b')).toEqual(['1', '2', '3']);
    expect(values('$."x y"')).toEqual(['5']);
    expect(values(' $ . a [ 0 ] ')).toEqual(['10']);
    expect(values('$.a[9]')).toEqual([]);
    expect(values('$.c[0]')).toEqual(['{"b": 2, "d": {"b": 3}}']); // a non-array is its own [0]
    expect(values('$.c[1]')).toEqual([]);
  });

  it('prints the concrete path of each hit as JSON_SEARCH does', () => {
    expect(findPath(doc, parseJsonPath('$**.b')).map((h) => printJsonPath(h.at))).toEqual(['$.a[2].b', '$.c.b', '$.c.d.b']);
    expect(printJsonPath(parseJsonPath('$."x y"[last-2 to 3].*').legs)).toBe('$."x y"[last-2 to 3].*');
  });

  it('refuses malformed paths with a character position', () => {
    for (const bad of ['', 'a', '$.', '$[', '$[x]', '$.a[1', '$**', '$.a.', '$a', '$[-1]']) {
      expect(() => parseJsonPath(bad), bad).toThrow(JsonPathSyntaxError);
    }
    expect(() => parseJsonPath('$.a[x]')).toThrow('around character position 5');
  });

  it('marks paths that can name several values', () => {
    expect(parseJsonPath('$.a[0]').wild).toBe(false);
    expect(parseJsonPath('$.a[last]').wild).toBe(false);
    for (const p of ['$.*', '$[*]', '$**.a', '$[0 to 1]']) expect(parseJsonPath(p).wild, p).toBe(true);
  });
});
