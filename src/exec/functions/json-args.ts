/**
 * How JSON functions read their arguments: a document argument (JSON, or a string holding
 * JSON text: error 3141 when it does not parse), a path argument (3143 when malformed), and a
 * value argument (a SQL value becomes a JSON value: strings stay strings, numbers numbers).
 */
import { Decimal } from '../../common/decimal.js';
import { SqlError } from '../../common/errors.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { JSON_FALSE, JSON_NULL, JSON_TRUE, JsonSyntaxError, JsonTooDeepError, parseJson, printJson, type JsonDoc } from '../../common/json/doc.js';
import { JsonPathSyntaxError, parseJsonPath, type JsonPath } from '../../common/json/path.js';
import { str } from './util.js';

/** Parses JSON text for function `fn`'s argument `argNo` (1-based), with MySQL's errors. */
export function parseDocText(s: string, argNo: number, fn: string): JsonDoc {
  try {
    return parseJson(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new SqlError('ER_INVALID_JSON_TEXT_IN_PARAM', `Invalid JSON text in argument ${argNo} to function ${fn}: "${e.reason}" at position ${e.position}.`);
    }
    if (e instanceof JsonTooDeepError) throw tooDeep();
    throw e;
  }
}

export function tooDeep(): SqlError {
  return new SqlError('ER_JSON_DOCUMENT_TOO_DEEP', 'The JSON document exceeds the maximum depth.');
}

/** A document argument. `v` is not NULL. */
export function docArg(v: Value, t: SqlType, argNo: number, fn: string): JsonDoc {
  if (t.kind === 'json') return parseDocText(v as string, argNo, fn);
  if (t.kind === 'string' && t.binary && !t.hexHybrid) {
    throw new SqlError('ER_INVALID_JSON_CHARSET', "Cannot create a JSON value from a string with CHARACTER SET 'binary'.");
  }
  if (t.kind === 'string' || t.kind === 'enum' || t.kind === 'null') return parseDocText(str(v, t), argNo, fn);
  throw new SqlError('ER_INVALID_TYPE_FOR_JSON', `Invalid data type for JSON data in argument ${argNo} to function ${fn}; a JSON string or JSON type is required.`);
}

const pathCache = new Map<string, JsonPath>();

/** A path argument; `allowWild` false gives 3149 for `*`, `**` and ranges. */
export function pathArg(v: Value, t: SqlType, allowWild: boolean): JsonPath {
  const text = str(v, t);
  let p = pathCache.get(text);
  if (p === undefined) {
    try {
      p = parseJsonPath(text);
    } catch (e) {
      if (e instanceof JsonPathSyntaxError) throw new SqlError('ER_INVALID_JSON_PATH', e.message);
      throw e;
    }
    // Paths are nearly always constants: a small cache saves reparsing per row.
    if (pathCache.size > 256) pathCache.clear();
    pathCache.set(text, p);
  }
  if (!allowWild && p.wild) throw wildcardNotAllowed();
  return p;
}

export function wildcardNotAllowed(): SqlError {
  return new SqlError('ER_INVALID_JSON_PATH_WILDCARD', 'In this situation, path expressions may not contain the * and ** tokens.');
}

/** A comparison or other boolean expression: MySQL makes these JSON true/false. */
function isBooleanType(t: SqlType): boolean {
  return t.kind === 'int' && t.bytes === 8 && t.display === 1;
}

/** A SQL value as a JSON value (a JSON argument is embedded as a document, not quoted). */
export function valueArg(v: Value, t: SqlType, argNo: number, fn: string): JsonDoc {
  if (v === null) return JSON_NULL;
  switch (t.kind) {
    case 'json': return parseDocText(v as string, argNo, fn);
    case 'int':
      if (isBooleanType(t)) return Number(v) !== 0 ? JSON_TRUE : JSON_FALSE;
      return { kind: 'int', value: BigInt(v as number | bigint) };
    case 'year': return { kind: 'int', value: BigInt(Number(v)) };
    case 'decimal': return { kind: 'decimal', text: v instanceof Decimal ? v.toString() : String(v) };
    case 'double': case 'float': return { kind: 'double', value: Number(v) };
    case 'date': return { kind: 'temporal', type: 'DATE', text: String(v) };
    case 'datetime': case 'timestamp': return { kind: 'temporal', type: t.kind === 'datetime' ? 'DATETIME' : 'TIMESTAMP', text: withMicros(String(v)) };
    case 'time': return { kind: 'temporal', type: 'TIME', text: withMicros(String(v)) };
    case 'string':
      if (t.binary && v instanceof Uint8Array) {
        // MySQL keeps binary data as an opaque value, printed base64 with its type (15: VARCHAR).
        return { kind: 'string', value: `base64:type15:${Buffer.from(v).toString('base64')}` };
      }
      return { kind: 'string', value: str(v, t) };
    case 'enum': return { kind: 'string', value: str(v, t) };
    case 'null': return JSON_NULL;
  }
}

/** MySQL prints a DATETIME or TIME inside JSON with six fractional digits. */
function withMicros(s: string): string {
  const dot = s.indexOf('.');
  if (dot < 0) return s + '.000000';
  return s + '0'.repeat(Math.max(0, 6 - (s.length - dot - 1)));
}

/** A function's JSON result as the Value of a JSON-typed expression. */
export function jsonResult(d: JsonDoc): Value {
  return printJson(d);
}

/** 'one' / 'all' of JSON_CONTAINS_PATH and JSON_SEARCH; 3154 otherwise. */
export function oneOrAll(v: Value, t: SqlType, fn: string): 'one' | 'all' {
  const s = str(v, t).toLowerCase();
  if (s === 'one' || s === 'all') return s;
  throw new SqlError('ER_JSON_BAD_ONE_OR_ALL_ARG', `The oneOrAll argument to ${fn} may take these values: 'one' or 'all'.`);
}
