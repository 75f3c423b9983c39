/**
 * REGEXP_LIKE, REGEXP_INSTR, REGEXP_SUBSTR and REGEXP_REPLACE with MySQL 8's arguments
 * (pos and results in characters, occurrence, return_option, match_type), on RE2 like REGEXP.
 * Case follows the arguments' collation unless match_type says c or i (the last one wins).
 */
import { SqlError } from '../../common/errors.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import type { ScalarFunction } from './types.js';
import { compileRegexpWith, type CompiledRegexp, type RegexpFlags } from './regexp.js';
import { INT, charLen, def, intArg, isBinaryType, str, varchar } from './util.js';

/** Text of a subject or pattern: binary strings as one latin1 unit per byte (bytes compare). */
function text(v: Value, t: SqlType): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : str(v, t);
}

function flagsOf(fn: string, types: readonly SqlType[], matchType: string | null): RegexpFlags {
  let caseInsensitive = !isBinaryType(types[0]!) && !isBinaryType(types[1]!);
  let dotAll = false;
  let multiline = false;
  for (const c of matchType ?? '') {
    switch (c) {
      case 'c': caseInsensitive = false; break;
      case 'i': caseInsensitive = true; break;
      case 'm': multiline = true; break;
      case 'n': dotAll = true; break;
      case 'u': break; // Unix line endings only: RE2 knows no others
      default: throw new SqlError('ER_WRONG_ARGUMENTS', `Incorrect arguments to ${fn}`);
    }
  }
  return { caseInsensitive, dotAll, multiline };
}

const compiled = new Map<string, CompiledRegexp>();

function patternOf(pattern: string, flags: RegexpFlags): CompiledRegexp {
  const key = `${flags.caseInsensitive ? 'i' : 'c'}${flags.dotAll ? 'n' : ''}${flags.multiline ? 'm' : ''}:${pattern}`;
  let p = compiled.get(key);
  if (p === undefined) {
    p = compileRegexpWith(pattern, flags);
    if (compiled.size > 256) compiled.clear();
    compiled.set(key, p);
  }
  return p;
}

/** UTF-16 offset of character `chars` (0-based) in s. */
function unitOffset(s: string, chars: number): number {
  let i = 0;
  for (let c = 0; c < chars && i < s.length; c++) {
    const u = s.charCodeAt(i);
    i += u >= 0xd800 && u <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/** Characters in s[0, units). */
function charsBefore(s: string, units: number): number {
  let n = 0;
  for (let i = 0; i < units; i++) {
    const u = s.charCodeAt(i);
    if (!(u >= 0xdc00 && u <= 0xdfff && i > 0)) n++;
  }
  return n;
}

function countChars(s: string): number {
  return charsBefore(s, s.length);
}

/** The 1-based start position as a UTF-16 offset; 3686 outside 1 … length + 1. */
function startOffset(s: string, pos: number): number {
  if (pos < 1 || pos > countChars(s) + 1) throw new SqlError('ER_REGEXP_INDEX_OUTOFBOUNDS_ERROR', 'Index out of bounds in regular expression search.');
  return unitOffset(s, pos - 1);
}

interface Match {
  readonly start: number;
  readonly end: number;
  readonly groups: (string | null)[];
}

/** Matches from `from`, at most `limit` of them (an empty match moves on one character). */
function matches(p: CompiledRegexp, s: string, from: number, limit: number): Match[] {
  const m = p.re.matcher(s);
  const out: Match[] = [];
  let at = from;
  while (out.length < limit && at <= s.length && m.find(at)) {
    const start = m.start();
    const end = m.end();
    const groups: (string | null)[] = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
    out.push({ start, end, groups });
    if (end > start) at = end;
    else {
      const u = s.charCodeAt(end);
      at = end + (u >= 0xd800 && u <= 0xdbff ? 2 : 1);
    }
  }
  return out;
}

function optString(args: readonly Value[], types: readonly SqlType[], i: number): string | null {
  return args.length > i ? str(args[i]!, types[i]!) : null;
}

function optInt(args: readonly Value[], types: readonly SqlType[], i: number, dflt: number): number {
  return args.length > i ? intArg(args[i]!, types[i]!) : dflt;
}

const regexpLike = def({
  name: 'REGEXP_LIKE', min: 2, max: 3, ret: INT,
  eval: (args, types) => {
    const p = patternOf(text(args[1]!, types[1]!), flagsOf('regexp_like', types, optString(args, types, 2)));
    return p.re.test(text(args[0]!, types[0]!)) ? 1 : 0;
  },
});

const regexpInstr = def({
  name: 'REGEXP_INSTR', min: 2, max: 6, ret: INT,
  eval: (args, types) => {
    const s = text(args[0]!, types[0]!);
    const p = patternOf(text(args[1]!, types[1]!), flagsOf('regexp_instr', types, optString(args, types, 5)));
    const from = startOffset(s, optInt(args, types, 2, 1));
    const occurrence = Math.max(1, optInt(args, types, 3, 1));
    const returnOption = optInt(args, types, 4, 0);
    if (returnOption !== 0 && returnOption !== 1) {
      throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to regexp_instr: return_option must be 1 or 0.');
    }
    const found = matches(p, s, from, occurrence);
    if (found.length < occurrence) return 0;
    const m = found[occurrence - 1]!;
    return charsBefore(s, returnOption === 0 ? m.start : m.end) + 1;
  },
});

const regexpSubstr = def({
  name: 'REGEXP_SUBSTR', min: 2, max: 5, ret: (a) => (isBinaryType(a[0]!) ? varchar(charLen(a[0]!), true) : varchar(charLen(a[0]!))),
  eval: (args, types) => {
    const s = text(args[0]!, types[0]!);
    const p = patternOf(text(args[1]!, types[1]!), flagsOf('regexp_substr', types, optString(args, types, 4)));
    const from = startOffset(s, optInt(args, types, 2, 1));
    const occurrence = Math.max(1, optInt(args, types, 3, 1));
    const found = matches(p, s, from, occurrence);
    if (found.length < occurrence) return null;
    const m = found[occurrence - 1]!;
    const out = s.slice(m.start, m.end);
    return isBinaryType(types[0]!) ? new Uint8Array(Buffer.from(out, 'latin1')) : out;
  },
});

/** ICU's replacement syntax: `$n` is group n, `\` makes the next character literal. */
function expand(replacement: string, groups: readonly (string | null)[]): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\' && i + 1 < replacement.length) {
      out += replacement[++i];
    } else if (c === '$' && /\d/.test(replacement[i + 1] ?? '')) {
      // As many digits as still name a group.
      let n = Number(replacement[++i]);
      while (/\d/.test(replacement[i + 1] ?? '') && n * 10 + Number(replacement[i + 1]) < groups.length) n = n * 10 + Number(replacement[++i]);
      if (n >= groups.length) throw new SqlError('ER_REGEXP_INDEX_OUTOFBOUNDS_ERROR', 'Index out of bounds in regular expression search.');
      out += groups[n] ?? '';
    } else out += c;
  }
  return out;
}

const regexpReplace = def({
  name: 'REGEXP_REPLACE', min: 3, max: 6, ret: (a) => (isBinaryType(a[0]!) ? varchar(charLen(a[0]!) * 2, true) : varchar(Math.max(charLen(a[0]!), 1) * 2)),
  eval: (args, types) => {
    const s = text(args[0]!, types[0]!);
    const p = patternOf(text(args[1]!, types[1]!), flagsOf('regexp_replace', types, optString(args, types, 5)));
    const replacement = text(args[2]!, types[2]!);
    const from = startOffset(s, optInt(args, types, 3, 1));
    const occurrence = optInt(args, types, 4, 0);
    const found = matches(p, s, from, occurrence <= 0 ? Infinity : occurrence);
    const todo = occurrence <= 0 ? found : found.slice(occurrence - 1, occurrence);
    let out = '';
    let last = 0;
    for (const m of todo) {
      out += s.slice(last, m.start) + expand(replacement, m.groups);
      last = m.end;
    }
    out += s.slice(last);
    return isBinaryType(types[0]!) ? new Uint8Array(Buffer.from(out, 'latin1')) : out;
  },
});

export const regexpFunctions: readonly ScalarFunction[] = [regexpLike, regexpInstr, regexpSubstr, regexpReplace];
