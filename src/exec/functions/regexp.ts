/**
 * REGEXP / RLIKE on RE2 (re2js): matching time is linear in the subject, so no pattern can
 * stall the server the way a backtracking engine does on `(a+)+$`. What RE2 cannot express
 * (backreferences, lookaround) is ER_REGEXP_ERROR, as MySQL reports a pattern it cannot use.
 *
 * MySQL semantics kept: a match anywhere in the subject; case-insensitive unless either side
 * is binary (the collation decides); `.` does not match a newline and `^`/`$` anchor the whole
 * subject (MySQL 8 and MariaDB defaults); Henry Spencer's word boundaries [[:<:]] and [[:>:]]
 * (MySQL 5.7, MariaDB) read as \b.
 */
import { RE2JS } from 're2js';
import { SqlError } from '../../common/errors.js';

export interface CompiledRegexp {
  readonly re: RE2JS;
}

export function compileRegexp(pattern: string, caseInsensitive: boolean): CompiledRegexp {
  return compileRegexpWith(pattern, { caseInsensitive, dotAll: false, multiline: false });
}

/** The match_type flags of REGEXP_LIKE and its family: i/c, n (dot matches newline), m (lines). */
export interface RegexpFlags {
  readonly caseInsensitive: boolean;
  readonly dotAll: boolean;
  readonly multiline: boolean;
}

export function compileRegexpWith(pattern: string, flags: RegexpFlags): CompiledRegexp {
  const source = pattern.replace(/\[\[:[<>]:\]\]/g, '\\b');
  const bits = (flags.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0) | (flags.dotAll ? RE2JS.DOTALL : 0) | (flags.multiline ? RE2JS.MULTILINE : 0);
  try {
    return { re: RE2JS.compile(source, bits) };
  } catch (e) {
    throw new SqlError('ER_REGEXP_ERROR', `Got error '${describeError(e, pattern)}' from regexp`);
  }
}

export function regexpMatches(p: CompiledRegexp, subject: string): boolean {
  return p.re.test(subject);
}

/** RE2's reason and the part of the pattern it names, without the flags re2js prefixes. */
function describeError(e: unknown, pattern: string): string {
  if (e !== null && typeof e === 'object' && 'error' in e && typeof e.error === 'string') {
    const input = 'input' in e && typeof e.input === 'string' ? e.input.replace(/^\(\?i\)/, '') : '';
    return input === '' ? e.error : `${e.error}: ${input}`;
  }
  return `cannot compile ${pattern}`;
}
