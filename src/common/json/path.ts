/**
 * MySQL's JSON path language: `$`, `.key`, `."quoted key"`, `.*`, `[n]`, `[last]`,
 * `[last-n]`, `[m to n]`, `[*]` and `**`. Parsing, printing (as JSON_SEARCH reports paths) and
 * finding what a path names in a document.
 */
import type { JsonDoc } from './doc.js';

/** An array position: counted from the start, or back from the last element. */
export interface ArrayIndex {
  readonly fromEnd: boolean;
  readonly n: number;
}

export type PathLeg =
  | { readonly kind: 'member'; readonly key: string }
  | { readonly kind: 'anyMember' }
  | { readonly kind: 'cell'; readonly index: ArrayIndex }
  | { readonly kind: 'range'; readonly from: ArrayIndex; readonly to: ArrayIndex }
  | { readonly kind: 'anyCell' }
  /** `**`: any sequence of legs, none included. */
  | { readonly kind: 'ellipsis' };

export interface JsonPath {
  readonly legs: readonly PathLeg[];
  /** True when the path can name more than one value (wildcards, ranges, `**`). */
  readonly wild: boolean;
}

/** Where a path is malformed: a 1-based character position as MySQL reports it. */
export class JsonPathSyntaxError extends Error {
  constructor(readonly position: number) {
    super(`Invalid JSON path expression. The error is around character position ${position}.`);
  }
}

const IDENT_START = /[\p{L}\p{Nl}_$]/u;
const IDENT_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_$]/u;

export function parseJsonPath(text: string): JsonPath {
  const s = text;
  let i = 0;
  const fail = (at = i): JsonPathSyntaxError => new JsonPathSyntaxError(Math.min(at, s.length) + 1);
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  ws();
  if (s[i] !== '$') throw fail();
  i++;
  const legs: PathLeg[] = [];
  let wild = false;
  const readIndex = (): ArrayIndex => {
    ws();
    if (s.startsWith('last', i)) {
      i += 4;
      ws();
      if (s[i] === '-') {
        i++;
        ws();
        const m = /^\d+/.exec(s.slice(i));
        if (!m) throw fail();
        i += m[0].length;
        return { fromEnd: true, n: Number(m[0]) };
      }
      return { fromEnd: true, n: 0 };
    }
    const m = /^\d+/.exec(s.slice(i));
    if (!m) throw fail();
    i += m[0].length;
    return { fromEnd: false, n: Number(m[0]) };
  };
  for (;;) {
    ws();
    if (i >= s.length) break;
    const c = s[i];
    if (c === '.') {
      i++;
      ws();
      if (s[i] === '*') {
        i++;
        legs.push({ kind: 'anyMember' });
        wild = true;
      } else if (s[i] === '"') {
        let j = i + 1;
        let raw = '';
        while (j < s.length && s[j] !== '"') {
          if (s[j] === '\\' && j + 1 < s.length) {
            raw += s[j]! + s[j + 1]!;
            j += 2;
          } else raw += s[j++];
        }
        if (j >= s.length) throw fail();
        let key: string;
        try {
          key = JSON.parse('"' + raw + '"') as string;
        } catch {
          throw fail();
        }
        legs.push({ kind: 'member', key });
        i = j + 1;
      } else {
        const start = i;
        const chars = Array.from(s.slice(i));
        let k = 0;
        if (k < chars.length && IDENT_START.test(chars[k]!)) {
          k++;
          while (k < chars.length && IDENT_PART.test(chars[k]!)) k++;
        }
        if (k === 0) throw fail();
        const key = chars.slice(0, k).join('');
        i = start + key.length;
        legs.push({ kind: 'member', key });
      }
    } else if (c === '[') {
      i++;
      ws();
      if (s[i] === '*') {
        i++;
        legs.push({ kind: 'anyCell' });
        wild = true;
      } else {
        const from = readIndex();
        ws();
        if (s.startsWith('to', i) && /\s/.test(s[i - 1] ?? '')) {
          i += 2;
          const to = readIndex();
          legs.push({ kind: 'range', from, to });
          wild = true;
        } else legs.push({ kind: 'cell', index: from });
      }
      ws();
      if (s[i] !== ']') throw fail();
      i++;
    } else if (c === '*' && s[i + 1] === '*') {
      i += 2;
      legs.push({ kind: 'ellipsis' });
      wild = true;
    } else throw fail();
  }
  // A path may not end in ** (MySQL).
  if (legs.length > 0 && legs[legs.length - 1]!.kind === 'ellipsis') throw new JsonPathSyntaxError(s.length);
  return { legs, wild };
}

/** The element position an index names in an array of `length` elements (may be out of range). */
export function resolveIndex(ix: ArrayIndex, length: number): number {
  return ix.fromEnd ? length - 1 - ix.n : ix.n;
}

const PLAIN_KEY = /^[\p{L}_$][\p{L}\p{Nd}_$]*$/u;

/** A path as MySQL prints it: `$.a[0]."b c"`. */
export function printJsonPath(legs: readonly PathLeg[]): string {
  let s = '$';
  for (const l of legs) {
    switch (l.kind) {
      case 'member': s += '.' + (PLAIN_KEY.test(l.key) ? l.key : JSON.stringify(l.key)); break;
      case 'anyMember': s += '.*'; break;
      case 'cell': s += `[${printIndex(l.index)}]`; break;
      case 'range': s += `[${printIndex(l.from)} to ${printIndex(l.to)}]`; break;
      case 'anyCell': s += '[*]'; break;
      case 'ellipsis': s += '**'; break;
    }
  }
  return s;
}

function printIndex(ix: ArrayIndex): string {
  return ix.fromEnd ? (ix.n === 0 ? 'last' : `last-${ix.n}`) : String(ix.n);
}

/** A value a path found, with the concrete legs that lead to it from the root. */
export interface PathHit {
  readonly value: JsonDoc;
  readonly at: readonly PathLeg[];
}

/**
 * Every value the path names, in document order, each once. A non-array is its own only
 * element for `[0]` / `[last]` (MySQL's auto-wrapping), never for `[*]`.
 */
export function findPath(doc: JsonDoc, path: JsonPath): PathHit[] {
  const out: PathHit[] = [];
  const seen = new Set<string>();
  const emit = (v: JsonDoc, at: readonly PathLeg[]): void => {
    if (path.wild) {
      // `$**.a` and `$**.a**.a`-like paths reach one place more than once; it counts once.
      const key = printJsonPath(at);
      if (seen.has(key)) return;
      seen.add(key);
    }
    out.push({ value: v, at });
  };
  walk(doc, path.legs, 0, [], emit);
  return out;
}

function walk(d: JsonDoc, legs: readonly PathLeg[], k: number, at: PathLeg[], emit: (v: JsonDoc, at: readonly PathLeg[]) => void): void {
  if (k === legs.length) {
    emit(d, at.slice());
    return;
  }
  const leg = legs[k]!;
  const next = (v: JsonDoc, step: PathLeg): void => {
    at.push(step);
    walk(v, legs, k + 1, at, emit);
    at.pop();
  };
  switch (leg.kind) {
    case 'member': {
      if (d.kind !== 'object') return;
      const v = d.members.get(leg.key);
      if (v !== undefined) next(v, leg);
      return;
    }
    case 'anyMember':
      if (d.kind === 'object') for (const [key, v] of d.members) next(v, { kind: 'member', key });
      return;
    case 'cell': {
      if (d.kind !== 'array') {
        if (resolveIndex(leg.index, 1) === 0) walk(d, legs, k + 1, at, emit);
        return;
      }
      const i = resolveIndex(leg.index, d.items.length);
      if (i >= 0 && i < d.items.length) next(d.items[i]!, { kind: 'cell', index: { fromEnd: false, n: i } });
      return;
    }
    case 'range': {
      const len = d.kind === 'array' ? d.items.length : 1;
      const from = Math.max(0, resolveIndex(leg.from, len));
      const to = Math.min(len - 1, resolveIndex(leg.to, len));
      if (d.kind !== 'array') {
        if (from === 0 && to >= 0) walk(d, legs, k + 1, at, emit);
        return;
      }
      for (let i = from; i <= to; i++) next(d.items[i]!, { kind: 'cell', index: { fromEnd: false, n: i } });
      return;
    }
    case 'anyCell':
      if (d.kind === 'array') d.items.forEach((v, i) => next(v, { kind: 'cell', index: { fromEnd: false, n: i } }));
      return;
    case 'ellipsis': {
      // Zero legs here, then one more level down and ** again.
      walk(d, legs, k + 1, at, emit);
      if (d.kind === 'array') {
        d.items.forEach((v, i) => {
          at.push({ kind: 'cell', index: { fromEnd: false, n: i } });
          walk(v, legs, k, at, emit);
          at.pop();
        });
      } else if (d.kind === 'object') {
        for (const [key, v] of d.members) {
          at.push({ kind: 'member', key });
          walk(v, legs, k, at, emit);
          at.pop();
        }
      }
      return;
    }
  }
}
