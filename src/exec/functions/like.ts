/**
 * LIKE without backtracking. A pattern is cut at its `%`s into segments of fixed length
 * (literal characters and `_`); the first segment is anchored at the start, the last at the
 * end, and each one between is placed at its leftmost match after the previous one. Leftmost
 * placement is never worse for the segments after it, so one pass decides: O(n·m) at worst
 * (a segment with `_` tried at every position), O(n) for the usual `abc%` / `%abc%` shapes,
 * which are plain startsWith / indexOf / endsWith.
 *
 * Characters are code points: `_` matches one character, a surrogate pair included. Under the
 * default collation both sides are folded per character (foldForLike: case- and
 * accent-insensitive, trailing spaces significant); binary LIKE compares bytes, one latin1
 * unit per byte.
 */
import { assertNever } from '../../common/assert.js';
import { foldForLike } from './string.js';

/** A `_` token; every other token is a code point. */
const ANY = -1;

interface Segment {
  /** The segment's text when it has no `_`: matched with the string search built-ins. */
  readonly literal: string | null;
  readonly tokens: readonly number[];
}

export type LikePattern =
  /** No `%`: the value is exactly one segment. */
  | { readonly kind: 'exact'; readonly foldCase: boolean; readonly seg: Segment }
  /** head%mid₁%…%midₖ%tail (head, tail or the mids may be empty). */
  | { readonly kind: 'wild'; readonly foldCase: boolean; readonly head: Segment; readonly mids: readonly Segment[]; readonly tail: Segment };

/**
 * Compiles a LIKE pattern. `escape` makes the next character literal; an escape as the last
 * character is a literal escape character (MySQL). `binary`: compare as given (the caller
 * passes bytes as latin1), else fold as the default collation does.
 */
export function compileLike(pattern: string, escape: string, binary: boolean): LikePattern {
  const fold = (c: string): string => (binary ? c : foldForLike(c));
  const segments: number[][] = [[]];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i]!;
    const current = segments[segments.length - 1]!;
    if (c === escape && i + 1 < chars.length) {
      c = chars[++i]!;
      pushLiteral(current, fold(c));
    } else if (c === '%') segments.push([]);
    else if (c === '_') current.push(ANY);
    else pushLiteral(current, fold(c));
  }
  const foldCase = !binary;
  if (segments.length === 1) return { kind: 'exact', foldCase, seg: segment(segments[0]!) };
  const head = segment(segments[0]!);
  const tail = segment(segments[segments.length - 1]!);
  // `%%` is one `%`: the empty segments between them match anywhere.
  const mids = segments.slice(1, -1).filter((s) => s.length > 0).map(segment);
  return { kind: 'wild', foldCase, head, mids, tail };
}

function pushLiteral(tokens: number[], folded: string): void {
  for (const ch of folded) tokens.push(ch.codePointAt(0)!);
}

function segment(tokens: readonly number[]): Segment {
  if (tokens.includes(ANY)) return { literal: null, tokens };
  let literal = '';
  for (const t of tokens) literal += String.fromCodePoint(t);
  return { literal, tokens };
}

/** `value LIKE pattern` for a non-NULL value (as text, or latin1 bytes for a binary pattern). */
export function likeMatches(p: LikePattern, value: string): boolean {
  const s = p.foldCase ? foldForLike(value) : value;
  switch (p.kind) {
    case 'exact':
      return p.seg.literal !== null ? s === p.seg.literal : matchAt(p.seg, s, 0) === s.length;
    case 'wild': {
      let pos = matchAt(p.head, s, 0);
      if (pos < 0) return false;
      for (const m of p.mids) {
        pos = findFrom(m, s, pos);
        if (pos < 0) return false;
      }
      const start = tailStart(p.tail, s);
      return start >= pos && matchAt(p.tail, s, start) === s.length;
    }
    default:
      return assertNever(p, 'LIKE pattern');
  }
}

/** End of `seg` matched at `pos`, or -1. */
function matchAt(seg: Segment, s: string, pos: number): number {
  if (seg.literal !== null) return s.startsWith(seg.literal, pos) ? pos + seg.literal.length : -1;
  let j = pos;
  for (const t of seg.tokens) {
    if (j >= s.length) return -1;
    const c = s.codePointAt(j)!;
    if (t !== ANY && t !== c) return -1;
    j += c > 0xffff ? 2 : 1;
  }
  return j;
}

/** End of the leftmost match of `seg` at or after `from`, or -1. */
function findFrom(seg: Segment, s: string, from: number): number {
  if (seg.literal !== null) {
    const at = s.indexOf(seg.literal, from);
    return at < 0 ? -1 : at + seg.literal.length;
  }
  for (let i = from; i < s.length; i += isPairAt(s, i) ? 2 : 1) {
    const end = matchAt(seg, s, i);
    if (end >= 0) return end;
  }
  return -1;
}

/** Where `seg` must start to end at the end of s, or -1 when s is too short. */
function tailStart(seg: Segment, s: string): number {
  if (seg.literal !== null) return s.length - seg.literal.length;
  let j = s.length;
  for (let k = 0; k < seg.tokens.length; k++) {
    if (j <= 0) return -1;
    j -= j >= 2 && isPairAt(s, j - 2) ? 2 : 1;
  }
  return j;
}

function isPairAt(s: string, i: number): boolean {
  const hi = s.charCodeAt(i);
  if (hi < 0xd800 || hi > 0xdbff) return false;
  const lo = s.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}
