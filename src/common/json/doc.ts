/**
 * The JSON value type as MySQL 8 has it: a document tree (this union), its text form (the
 * printer: `{"a": 1, "b": [1, 2]}`, a space after `:` and `,`, object keys in MySQL's storage
 * order, shorter keys first and equal lengths by bytes) and the parser for JSON text with
 * MySQL's error messages. A JSON column holds the printed text; functions parse it again.
 */
import { assertNever } from '../assert.js';

export type JsonDoc =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** Integers that fit 64 bits (signed, or unsigned above the signed range). */
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  /** From a SQL DECIMAL (JSON text never yields one): its text, scale kept. */
  | { readonly kind: 'decimal'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  /** A SQL temporal value inside a document: printed as a string in MySQL's JSON layout. */
  | { readonly kind: 'temporal'; readonly type: 'DATE' | 'TIME' | 'DATETIME' | 'TIMESTAMP'; readonly text: string }
  | { readonly kind: 'array'; readonly items: JsonDoc[] }
  /** Keys are kept in MySQL's order (keyOrder); a duplicate key keeps its last value. */
  | { readonly kind: 'object'; readonly members: Map<string, JsonDoc> };

export const JSON_NULL: JsonDoc = { kind: 'null' };
export const JSON_TRUE: JsonDoc = { kind: 'bool', value: true };
export const JSON_FALSE: JsonDoc = { kind: 'bool', value: false };

export function jsonString(value: string): JsonDoc {
  return { kind: 'string', value };
}

export function jsonArray(items: JsonDoc[]): JsonDoc {
  return { kind: 'array', items };
}

export function jsonObject(entries: Iterable<readonly [string, JsonDoc]>): JsonDoc & { kind: 'object' } {
  const members = new Map<string, JsonDoc>();
  for (const [k, v] of entries) members.set(k, v);
  return { kind: 'object', members: sortMembers(members) };
}

const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** MySQL's key order: by length in bytes, then bytewise (utf8mb4). */
export function compareKeys(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length - bb.length || Buffer.compare(ba, bb);
}

/** The same members in MySQL's key order (a new map when the order changed). */
export function sortMembers(m: Map<string, JsonDoc>): Map<string, JsonDoc> {
  const keys = [...m.keys()];
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (compareKeys(keys[i - 1]!, keys[i]!) > 0) sorted = false;
  if (sorted) return m;
  keys.sort(compareKeys);
  const out = new Map<string, JsonDoc>();
  for (const k of keys) out.set(k, m.get(k)!);
  return out;
}

/** Sets a member in place, keeping MySQL's key order. */
export function setMember(obj: JsonDoc & { kind: 'object' }, key: string, value: JsonDoc): void {
  const m = obj.members;
  const isNew = !m.has(key);
  m.set(key, value);
  if (!isNew) return;
  const entries = [...m.entries()].sort((a, b) => compareKeys(a[0], b[0]));
  m.clear();
  for (const [k, v] of entries) m.set(k, v);
}

// ---------------------------------------------------------------- printing

/** A JSON string literal as MySQL prints one. */
export function quoteJsonString(s: string): string {
  return JSON.stringify(s);
}

/**
 * A double as MySQL prints one inside JSON: shortest round-trip digits, exponent form from
 * 1e15 and below 1e-15 (as DOUBLE columns print), and ".0" on an integral value so it reads
 * back as a double (1.0, 2000.0, but 1e300).
 */
function doubleText(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const e = Math.abs(x).toExponential();
  const at = e.indexOf('e');
  const digits = e.slice(0, at).replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(e.slice(at + 1));
  let out: string;
  if (exp < -15 || exp >= 15) out = (digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1)) + 'e' + exp;
  else if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length) + '.0';
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return x < 0 ? '-' + out : out;
}

/** The text MySQL prints for a document. */
export function printJson(d: JsonDoc): string {
  switch (d.kind) {
    case 'null': return 'null';
    case 'bool': return d.value ? 'true' : 'false';
    case 'int': return d.value.toString();
    case 'double': return doubleText(d.value);
    case 'decimal': return d.text;
    case 'string': return quoteJsonString(d.value);
    case 'temporal': return quoteJsonString(d.text);
    case 'array': {
      let s = '[';
      for (let i = 0; i < d.items.length; i++) s += (i ? ', ' : '') + printJson(d.items[i]!);
      return s + ']';
    }
    case 'object': {
      let s = '{';
      let first = true;
      for (const [k, v] of d.members) {
        s += (first ? '' : ', ') + quoteJsonString(k) + ': ' + printJson(v);
        first = false;
      }
      return s + '}';
    }
    default: return assertNever(d);
  }
}

/** JSON_PRETTY's layout: two spaces per level, one member or element a line. */
export function prettyJson(d: JsonDoc, indent = ''): string {
  const inner = indent + '  ';
  if (d.kind === 'array' && d.items.length > 0) {
    return '[\n' + d.items.map((v) => inner + prettyJson(v, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (d.kind === 'object' && d.members.size > 0) {
    const lines: string[] = [];
    for (const [k, v] of d.members) lines.push(inner + quoteJsonString(k) + ': ' + prettyJson(v, inner));
    return '{\n' + lines.join(',\n') + '\n' + indent + '}';
  }
  return printJson(d);
}

// ---------------------------------------------------------------- parsing

/** Why JSON text is not valid, and where (a byte offset, as MySQL reports it). */
export class JsonSyntaxError extends Error {
  constructor(readonly reason: string, readonly position: number) {
    super(`${reason} at position ${position}`);
  }
}

/** MySQL refuses documents nested deeper than this (3157). */
export const MAX_JSON_DEPTH = 100;

export class JsonTooDeepError extends Error {}

/** Parses JSON text (RFC 8259, as MySQL's parser accepts it). Throws JsonSyntaxError / JsonTooDeepError. */
export function parseJson(text: string): JsonDoc {
  const p = new Parser(text);
  p.ws();
  if (p.i >= text.length) throw p.fail('The document is empty.');
  const d = p.value(1);
  p.ws();
  if (p.i < text.length) throw p.fail('The document root must not be followed by other values.');
  return d;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(reason: string, at = this.i): JsonSyntaxError {
    return new JsonSyntaxError(reason, Buffer.byteLength(this.s.slice(0, at), 'utf8'));
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  value(depth: number): JsonDoc {
    if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError();
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': return { kind: 'string', value: this.string() };
      case 't': return this.word('true', JSON_TRUE);
      case 'f': return this.word('false', JSON_FALSE);
      case 'n': return this.word('null', JSON_NULL);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        throw this.fail('Invalid value.');
    }
  }

  word(w: string, d: JsonDoc): JsonDoc {
    if (this.s.startsWith(w, this.i)) {
      this.i += w.length;
      return d;
    }
    throw this.fail('Invalid value.');
  }

  number(): JsonDoc {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '-') this.i++;
    const digit = (): boolean => this.i < s.length && s.charCodeAt(this.i) >= 48 && s.charCodeAt(this.i) <= 57;
    if (!digit()) throw this.fail('Invalid value.');
    if (s[this.i] === '0') this.i++;
    else while (digit()) this.i++;
    let isInt = true;
    if (s[this.i] === '.') {
      isInt = false;
      this.i++;
      if (!digit()) throw this.fail('Miss fraction part in number.');
      while (digit()) this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      isInt = false;
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (!digit()) throw this.fail('Miss exponent in number.');
      while (digit()) this.i++;
    }
    const text = s.slice(start, this.i);
    if (isInt) {
      const v = BigInt(text);
      if (v >= INT64_MIN && v <= UINT64_MAX) return { kind: 'int', value: v };
    }
    const x = Number(text);
    if (!Number.isFinite(x)) throw this.fail('Number too big to be stored in double.', start);
    return { kind: 'double', value: x };
  }

  string(): string {
    const s = this.s;
    this.i++; // the opening quote
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) throw this.fail('Missing a closing quotation mark in string.');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) throw this.fail('Invalid encoding in string.');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(run, this.i);
      const e = s[this.i + 1];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('Incorrect hex digit after \\u escape in string.', this.i + 2);
          const u = parseInt(hex, 16);
          this.i += 4;
          if (u >= 0xd800 && u <= 0xdbff) {
            const lo = s.slice(this.i + 4, this.i + 8);
            if (s[this.i + 2] !== '\\' || s[this.i + 3] !== 'u' || !/^[0-9a-fA-F]{4}$/.test(lo)) throw this.fail('The surrogate pair in string is invalid.', this.i + 2);
            const l = parseInt(lo, 16);
            if (l < 0xdc00 || l > 0xdfff) throw this.fail('The surrogate pair in string is invalid.', this.i + 2);
            out += String.fromCharCode(u, l);
            this.i += 6;
          } else out += String.fromCharCode(u);
          break;
        }
        default: throw this.fail('Invalid escape character in string.', this.i + 1);
      }
      this.i += 2;
      run = this.i;
    }
  }

  array(depth: number): JsonDoc {
    this.i++;
    const items: JsonDoc[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { kind: 'array', items };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === ']') {
        this.i++;
        return { kind: 'array', items };
      } else throw this.fail("Missing a comma or ']' after an array element.");
    }
  }

  object(depth: number): JsonDoc {
    this.i++;
    const members = new Map<string, JsonDoc>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { kind: 'object', members };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw this.fail('Missing a name for object member.');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') throw this.fail('Missing a colon after a name of object member.');
      this.i++;
      this.ws();
      members.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === '}') {
        this.i++;
        return { kind: 'object', members: sortMembers(members) };
      } else throw this.fail("Missing a comma or '}' after an object member.");
    }
  }
}

// ---------------------------------------------------------------- comparing

/** JSON_TYPE's name for a value. */
export function jsonTypeName(d: JsonDoc): string {
  switch (d.kind) {
    case 'null': return 'NULL';
    case 'bool': return 'BOOLEAN';
    case 'int': return d.value > (1n << 63n) - 1n ? 'UNSIGNED INTEGER' : 'INTEGER';
    case 'double': return 'DOUBLE';
    case 'decimal': return 'DECIMAL';
    case 'string': return 'STRING';
    case 'temporal': return d.type;
    case 'array': return 'ARRAY';
    case 'object': return 'OBJECT';
    default: return assertNever(d);
  }
}

function numeric(d: JsonDoc): number | bigint | null {
  if (d.kind === 'int') return d.value;
  if (d.kind === 'double') return d.value;
  if (d.kind === 'decimal') return Number(d.text);
  return null;
}

/** JSON equality: numbers by value whatever their kind, strings by bytes, containers deeply. */
export function jsonEquals(a: JsonDoc, b: JsonDoc): boolean {
  const na = numeric(a);
  if (na !== null) {
    const nb = numeric(b);
    if (nb === null) return false;
    if (typeof na === 'bigint' && typeof nb === 'bigint') return na === nb;
    return Number(na) === Number(nb);
  }
  switch (a.kind) {
    case 'null': return b.kind === 'null';
    case 'bool': return b.kind === 'bool' && a.value === b.value;
    case 'string': return b.kind === 'string' && a.value === b.value;
    case 'temporal': return b.kind === 'temporal' && a.type === b.type && a.text === b.text;
    case 'array': return b.kind === 'array' && a.items.length === b.items.length && a.items.every((x, i) => jsonEquals(x, b.items[i]!));
    case 'object': {
      if (b.kind !== 'object' || a.members.size !== b.members.size) return false;
      for (const [k, v] of a.members) {
        const w = b.members.get(k);
        if (w === undefined || !jsonEquals(v, w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

/** Nesting depth as JSON_DEPTH counts it: a scalar or an empty container is 1. */
export function jsonDepth(d: JsonDoc): number {
  if (d.kind === 'array') return d.items.length === 0 ? 1 : 1 + Math.max(...d.items.map(jsonDepth));
  if (d.kind === 'object') return d.members.size === 0 ? 1 : 1 + Math.max(...[...d.members.values()].map(jsonDepth));
  return 1;
}

/** A deep copy (functions that edit a document edit their own). */
export function cloneJson(d: JsonDoc): JsonDoc {
  if (d.kind === 'array') return { kind: 'array', items: d.items.map(cloneJson) };
  if (d.kind === 'object') {
    const m = new Map<string, JsonDoc>();
    for (const [k, v] of d.members) m.set(k, cloneJson(v));
    return { kind: 'object', members: m };
  }
  return d;
}
