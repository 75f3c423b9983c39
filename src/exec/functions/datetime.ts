/**
 * Date and time functions. The INTERVAL unit and similar keywords arrive as upper-case string
 * arguments; MySQL fixes the result type from them, so constReturnType reads them when they
 * are constants (always, from the parser) and evaluate follows the same rule.
 */
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { normInt, timeFromValue, toDateTimeParts, toDecimal } from '../../common/cast.js';
import {
  DAY_NAMES, MONTH_NAMES, addInterval, calcWeek, dateDiff, dateFormat, dayNumber, dayOfYear, daysInMonth,
  epochMicros, formatDate, formatDatetime, formatTime, fromDayNumber, fromUnixMicros, isCompleteDate,
  isDateOnlyUnit, isZeroDate, makeInterval, microsToTime, parseIntervalUnit, partsFromEpochMicros, readDateTime,
  sessionTimeZoneOffsetSeconds, strToDate, timeToMicros, timestampDiff, unixMicros, weekdayOf, week, yearWeek,
  type DateTimeParts, type IntervalUnit, type TimeParts,
} from '../../common/datetime.js';
import type { EvalContext, ScalarFunction } from './types.js';
import { BIGINT, DATE, INT, alias, datetime, def, intArg, str, time, varchar } from './util.js';

const VARCHAR29: SqlType = varchar(29);

/** The statement time in the session zone. */
function localNow(ctx: EvalContext): DateTimeParts {
  const utc = readDateTime(ctx.now);
  const off = sessionTimeZoneOffsetSeconds();
  if (off === 0) return utc;
  return partsFromEpochMicros(epochMicros(utc) + BigInt(off) * 1_000_000n) ?? utc;
}

function isTemporal(t: SqlType): boolean {
  return t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time';
}

function display(v: Value, t: SqlType): string {
  return str(v, t);
}

/** An argument as date/datetime parts; warns 1292 and gives null when it is not a date. */
function dtArg(v: Value, t: SqlType, ctx: EvalContext): DateTimeParts | null {
  if (t.kind === 'time' && typeof v === 'string') {
    // TIME in a date context: today's date plus the time (MySQL 8).
    const now = localNow(ctx);
    const tp = timeFromValue(v, t)!.time;
    const base = epochMicros({ ...now, hour: 0, minute: 0, second: 0, micro: 0 });
    return partsFromEpochMicros(base + BigInt(timeToMicros(tp)));
  }
  const r = toDateTimeParts(v, t);
  if (!r) {
    ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Incorrect datetime value: '${display(v, t)}'`);
    return null;
  }
  if (r.truncated && !isTemporal(t)) ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect datetime value: '${display(v, t)}'`);
  return r.parts;
}

/** An argument as TIME parts (strings parse as TIME, datetimes give their time of day). */
function timeArg(v: Value, t: SqlType, ctx: EvalContext): TimeParts | null {
  const r = timeFromValue(v, t);
  if (!r) {
    ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Incorrect time value: '${display(v, t)}'`);
    return null;
  }
  return r.time;
}

function fspOf(t: SqlType): number {
  return t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time' ? t.fsp : 0;
}

function constFsp(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Math.max(0, Math.min(6, v));
  return undefined;
}

function fspArg(args: readonly Value[], types: readonly SqlType[]): number {
  if (args.length === 0 || args[0] === null) return 0;
  return Math.max(0, Math.min(6, intArg(args[0]!, types[0]!)));
}

// ---------------------------------------------------------------- current time

function nowFn(name: string, utc: boolean): ScalarFunction {
  return def({
    name, min: 0, max: 1, deterministic: false, ret: datetime(0),
    constReturnType: (_a, c) => datetime(constFsp(c[0]) ?? 0),
    eval: (args, types, ctx) => formatDatetime(utc ? readDateTime(ctx.now) : localNow(ctx), fspArg(args, types)),
  });
}

function curdateFn(name: string, utc: boolean): ScalarFunction {
  return def({
    name, min: 0, max: 0, deterministic: false, ret: DATE,
    eval: (_a, _t, ctx) => formatDate(utc ? readDateTime(ctx.now) : localNow(ctx)),
  });
}

function curtimeFn(name: string, utc: boolean): ScalarFunction {
  return def({
    name, min: 0, max: 1, deterministic: false, ret: time(0),
    constReturnType: (_a, c) => time(constFsp(c[0]) ?? 0),
    eval: (args, types, ctx) => {
      const p = utc ? readDateTime(ctx.now) : localNow(ctx);
      return formatTime({ neg: false, hour: p.hour, minute: p.minute, second: p.second, micro: p.micro }, fspArg(args, types));
    },
  });
}

// ---------------------------------------------------------------- interval arithmetic

function unitOf(v: Value | undefined): IntervalUnit | null {
  return typeof v === 'string' ? parseIntervalUnit(v) : null;
}

function unitHasMicros(u: IntervalUnit | null): boolean {
  return u !== null && u.endsWith('MICROSECOND');
}

/** MySQL's DATE_ADD result type for a date argument type and unit. */
function dateAddType(t: SqlType, unit: IntervalUnit | null, amountType?: SqlType): SqlType {
  const fracAmount = amountType !== undefined && unit === 'SECOND' && amountType.kind !== 'int' ? 6 : 0;
  const micro = unitHasMicros(unit) ? 6 : fracAmount;
  if (t.kind === 'date') return unit !== null && isDateOnlyUnit(unit) ? DATE : datetime(micro);
  if (t.kind === 'datetime' || t.kind === 'timestamp') return datetime(Math.max(t.fsp, micro));
  if (t.kind === 'time') return unit !== null && (unit === 'MONTH' || unit === 'YEAR' || unit === 'QUARTER' || unit === 'YEAR_MONTH') ? datetime(Math.max(t.fsp, micro)) : time(Math.max(t.fsp, micro));
  return VARCHAR29;
}

/** Adds an interval to a value of type t, producing the value for dateAddType(t, unit). */
function addToValue(
  v: Value, t: SqlType, amount: Value, amountType: SqlType, unit: IntervalUnit, sign: 1 | -1, ctx: EvalContext,
): Value {
  const iv = makeInterval(
    amount instanceof Uint8Array ? str(amount, amountType) : (amount as number | bigint | Decimal | string), unit,
  );
  if (!iv) return null;
  const rt = dateAddType(t, unit, amountType);
  if (t.kind === 'time' && rt.kind === 'time') {
    const tp = timeArg(v, t, ctx);
    if (!tp) return null;
    const us = timeToMicros(tp) + sign * Number(iv.micros);
    const r = microsToTime(us);
    if (r.clipped) {
      ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect time value: '${us}'`);
    }
    return formatTime(r.time, rt.fsp);
  }
  let parsedHasTime = true;
  let fracDigits = 0;
  let p: DateTimeParts | null;
  if (t.kind === 'string' || t.kind === 'null' || t.kind === 'json' || t.kind === 'enum' || !isTemporal(t)) {
    const r = toDateTimeParts(v, t);
    if (!r) {
      ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Incorrect datetime value: '${display(v, t)}'`);
      return null;
    }
    parsedHasTime = r.hasTime;
    fracDigits = r.fracDigits;
    p = r.parts;
  } else p = dtArg(v, t, ctx);
  if (!p) return null;
  const res = addInterval(p, iv, sign);
  if (!res) {
    ctx.warn('ER_DATETIME_FUNCTION_OVERFLOW', 'Datetime function: datetime field overflow');
    return null;
  }
  if (rt.kind === 'date') return formatDate(res);
  if (rt.kind === 'datetime') return formatDatetime(res, rt.fsp);
  // String argument: a date stays a date for date-only units; otherwise a datetime with the fraction shown when any.
  if (!parsedHasTime && isDateOnlyUnit(unit)) return formatDate(res);
  // Fraction digits: the string's, the amount's (fractional SECOND) or 6 for *_MICROSECOND units.
  let fsp = Math.min(6, fracDigits);
  if (unitHasMicros(unit)) fsp = 6;
  else if (unit === 'SECOND') {
    if (amount instanceof Decimal) fsp = Math.max(fsp, Math.min(6, amount.scale));
    else if (typeof amount === 'number' && !Number.isInteger(amount)) fsp = 6;
  }
  if (res.micro !== 0 && fsp === 0) fsp = 6;
  return formatDatetime(res, fsp);
}

function dateAddFn(name: string, sign: 1 | -1, daysForm: boolean): ScalarFunction {
  return def({
    name, min: daysForm ? 2 : 3, max: 3,
    ret: (a) => dateAddType(a[0]!, a.length === 2 ? 'DAY' : null, a[1]),
    constReturnType: (a, c) => dateAddType(a[0]!, a.length === 2 ? 'DAY' : unitOf(c[2]), a[1]),
    eval: (args, types, ctx) => {
      const unit = args.length === 2 ? 'DAY' : unitOf(args[2]);
      if (!unit) return null;
      return addToValue(args[0]!, types[0]!, args[1]!, types[1]!, unit, sign, ctx);
    },
  });
}

const timestampAdd = def({
  name: 'TIMESTAMPADD', min: 3, max: 3,
  ret: (a) => dateAddType(a[2]!, null, a[1]),
  constReturnType: (a, c) => dateAddType(a[2]!, unitOf(c[0]), a[1]),
  eval: ([u, n, d], [_ut, nt, dt], ctx) => {
    const unit = unitOf(u);
    if (!unit) return null;
    return addToValue(d!, dt!, n!, nt!, unit, 1, ctx);
  },
});

// ---------------------------------------------------------------- differences

const datediff = def({
  name: 'DATEDIFF', min: 2, max: 2, ret: BIGINT,
  eval: ([a, b], [at, bt], ctx) => {
    const x = dtArg(a!, at!, ctx);
    const y = dtArg(b!, bt!, ctx);
    if (!x || !y || !isCompleteDate(x) || !isCompleteDate(y)) return null;
    return dateDiff(x, y);
  },
});

const timestampdiff = def({
  name: 'TIMESTAMPDIFF', min: 3, max: 3, ret: BIGINT,
  eval: ([u, a, b], [_ut, at, bt], ctx) => {
    const unit = unitOf(u);
    if (!unit) return null;
    const x = dtArg(a!, at!, ctx);
    const y = dtArg(b!, bt!, ctx);
    if (!x || !y || !isCompleteDate(x) || !isCompleteDate(y)) return null;
    const r = timestampDiff(unit, x, y);
    return r === null ? null : normInt(r);
  },
});

const timediff = def({
  name: 'TIMEDIFF', min: 2, max: 2,
  ret: (a) => time(Math.max(fspOf(a[0]!), fspOf(a[1]!))),
  eval: ([a, b], [at, bt], ctx) => {
    const fsp = Math.max(fspOf(at!), fspOf(bt!));
    const aDate = at!.kind === 'datetime' || at!.kind === 'timestamp' || at!.kind === 'date' || (at!.kind === 'string' && /^\s*\d+[-/.]\d+[-/.]\d+/.test(str(a!, at!)));
    const bDate = bt!.kind === 'datetime' || bt!.kind === 'timestamp' || bt!.kind === 'date' || (bt!.kind === 'string' && /^\s*\d+[-/.]\d+[-/.]\d+/.test(str(b!, bt!)));
    if (aDate !== bDate) return null; // MySQL: mixing a datetime and a time gives NULL
    let us: number;
    let outFsp = fsp;
    if (aDate) {
      const x = dtArg(a!, at!, ctx);
      const y = dtArg(b!, bt!, ctx);
      if (!x || !y) return null;
      us = Number(epochMicros(x) - epochMicros(y));
      if (at!.kind === 'string' || bt!.kind === 'string') outFsp = Math.max(fsp, strFrac(a!, at!), strFrac(b!, bt!));
    } else {
      const x = timeArg(a!, at!, ctx);
      const y = timeArg(b!, bt!, ctx);
      if (!x || !y) return null;
      us = timeToMicros(x) - timeToMicros(y);
      if (at!.kind === 'string' || bt!.kind === 'string') outFsp = Math.max(fsp, strFrac(a!, at!), strFrac(b!, bt!));
    }
    const r = microsToTime(us);
    if (r.clipped) ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect time value: '${us}'`);
    return formatTime(r.time, outFsp);
  },
});

/** Fraction digits written in a string argument (0 for typed temporals). */
function strFrac(v: Value, t: SqlType): number {
  if (t.kind !== 'string') return 0;
  const m = /\.(\d+)\s*$/.exec(str(v, t));
  return m ? Math.min(6, m[1]!.length) : 0;
}

// ---------------------------------------------------------------- formatting and parsing

const dateFormatFn = def({
  name: 'DATE_FORMAT', min: 2, max: 2, ret: varchar(256),
  eval: ([d, f], [dt, ft], ctx) => {
    const p = dtArg(d!, dt!, ctx);
    if (!p || isZeroDate(p)) return null;
    return dateFormat(p, str(f!, ft!));
  },
});

const timeFormatFn = def({
  name: 'TIME_FORMAT', min: 2, max: 2, ret: varchar(256),
  eval: ([d, f], [dt, ft], ctx) => {
    const t = timeArg(d!, dt!, ctx);
    if (!t) return null;
    const p: DateTimeParts = { year: 0, month: 0, day: 0, hour: t.hour, minute: t.minute, second: t.second, micro: t.micro };
    return dateFormat(p, str(f!, ft!), true, t.neg);
  },
});

/** STR_TO_DATE's type from its format: DATE, TIME or DATETIME (with fraction when %f is used). */
export function strToDateType(format: string): SqlType {
  const hasDate = /%[YymcdeDjMbaWUuVvXx]/.test(format);
  const hasTime = /%[HkhIliSsfpTr]/.test(format);
  const frac = /%f/.test(format) ? 6 : 0;
  if (hasDate && !hasTime) return DATE;
  if (hasTime && !hasDate) return time(frac);
  return datetime(frac);
}

const strToDateFn = def({
  name: 'STR_TO_DATE', min: 2, max: 2,
  ret: VARCHAR29,
  constReturnType: (_a, c) => (typeof c[1] === 'string' ? strToDateType(c[1]) : VARCHAR29),
  eval: ([s, f], [st, ft], ctx) => {
    const text = str(s!, st!);
    const fmt = str(f!, ft!);
    const r = strToDate(text, fmt);
    if (!r) {
      ctx.warn('ER_WRONG_VALUE_FOR_TYPE', `Incorrect datetime value: '${text}' for function str_to_date`);
      return null;
    }
    const t = strToDateType(fmt);
    if (t.kind === 'date') return formatDate(r.parts);
    if (t.kind === 'time') {
      const p = r.parts;
      return formatTime({ neg: false, hour: p.hour, minute: p.minute, second: p.second, micro: p.micro }, t.fsp);
    }
    return formatDatetime(r.parts, t.kind === 'datetime' ? t.fsp : 0);
  },
});

// ---------------------------------------------------------------- unix time

/** Fraction digits of a string temporal literal (MySQL sizes the result from the constant). */
function stringFsp(v: Value | undefined, asTime: boolean): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = (asTime ? /^[^.]*:\d+\.(\d+)/ : /^[^.]*\.(\d+)/).exec(v.trim());
  return m ? Math.min(6, m[1]!.length) : 0;
}

function unixType(a: readonly SqlType[], c?: readonly (Value | undefined)[]): SqlType {
  if (a.length === 0) return BIGINT;
  const t = a[0]!;
  if (t.kind === 'date' || t.kind === 'int' || t.kind === 'year') return BIGINT;
  const fsp = t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time' ? t.fsp
    : t.kind === 'decimal' ? Math.min(6, t.scale) : (stringFsp(c?.[0], false) ?? 6);
  return fsp === 0 ? BIGINT : { kind: 'decimal', precision: 17 + fsp, scale: fsp };
}

const unixTimestamp = def({
  name: 'UNIX_TIMESTAMP', min: 0, max: 1, deterministic: false, ret: (a) => unixType(a),
  constReturnType: (a, c) => unixType(a, c),
  eval: (args, types, ctx) => {
    if (args.length === 0) return normInt(unixMicros(readDateTime(ctx.now)) / 1_000_000n);
    const p = dtArg(args[0]!, types[0]!, ctx);
    if (!p) return null;
    const us = unixMicros(p);
    const rt = unixType(types, args);
    if (rt.kind === 'decimal') return new Decimal(us, 6).round(rt.scale);
    return normInt(us / 1_000_000n);
  },
});

function fromUnixType(a: readonly SqlType[]): SqlType {
  if (a.length > 1) return varchar(256);
  const t = a[0]!;
  if (t.kind === 'int') return datetime(0);
  if (t.kind === 'decimal') return datetime(Math.min(6, t.scale));
  return datetime(6);
}

const fromUnixtime = def({
  name: 'FROM_UNIXTIME', min: 1, max: 2, ret: fromUnixType,
  eval: (args, types, ctx) => {
    const d = toDecimal(args[0]!, types[0]!, ctx.warn.bind(ctx));
    if (!d) return null;
    const us = d.mul(Decimal.fromInt(1_000_000)).truncate(0).unscaled;
    const p = fromUnixMicros(us);
    if (!p) return null;
    const rt = fromUnixType(types);
    if (args.length > 1) return dateFormat(p, str(args[1]!, types[1]!));
    return formatDatetime(p, rt.kind === 'datetime' ? rt.fsp : 0);
  },
});

// ---------------------------------------------------------------- parts

function datePart(name: string, f: (p: DateTimeParts) => number | null, ret: SqlType = INT): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret,
    eval: ([v], [t], ctx) => {
      const p = dtArg(v!, t!, ctx);
      return p ? f(p) : null;
    },
  });
}

function timePart(name: string, f: (t: TimeParts) => number): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret: INT,
    eval: ([v], [t], ctx) => {
      const tp = timeArg(v!, t!, ctx);
      return tp ? f(tp) : null;
    },
  });
}

function daynrOf(p: DateTimeParts): number | null {
  return isCompleteDate(p) ? dayNumber(p.year, p.month, p.day) : null;
}

function weekFn(name: string, yearweek: boolean): ScalarFunction {
  return def({
    name, min: 1, max: 2, ret: INT,
    eval: (args, types, ctx) => {
      const p = dtArg(args[0]!, types[0]!, ctx);
      if (!p || !isCompleteDate(p)) return null;
      const mode = args.length > 1 ? intArg(args[1]!, types[1]!) : 0; // default_week_format = 0
      return yearweek ? yearWeek(p, mode) : week(p, mode);
    },
  });
}

const lastDay = datePartDate('LAST_DAY', (p) => (isCompleteDate(p) || (p.month !== 0 && p.year !== 0) ? formatDate({ ...p, day: daysInMonth(p.year, p.month) }) : null));
const dateFn = datePartDate('DATE', (p) => formatDate(p));

function datePartDate(name: string, f: (p: DateTimeParts) => string | null): ScalarFunction {
  return def({
    name, min: 1, max: 1, ret: DATE,
    eval: ([v], [t], ctx) => {
      const p = dtArg(v!, t!, ctx);
      return p ? f(p) : null;
    },
  });
}

const timeFn = def({
  name: 'TIME', min: 1, max: 1, ret: (a) => time(a[0]!.kind === 'string' ? 6 : fspOf(a[0]!)),
  eval: ([v], [t], ctx) => {
    const r = timeFromValue(v!, t!);
    if (!r) {
      ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Incorrect time value: '${display(v!, t!)}'`);
      return null;
    }
    const fsp = t!.kind === 'string' ? (r.time.micro ? 6 : 0) : fspOf(t!);
    return formatTime(r.time, fsp);
  },
});

const toDays = datePart('TO_DAYS', (p) => daynrOf(p), BIGINT);

const fromDays = def({
  name: 'FROM_DAYS', min: 1, max: 1, ret: DATE,
  eval: ([v], [t]) => formatDate(fromDayNumber(intArg(v!, t!))),
});

const makedate = def({
  name: 'MAKEDATE', min: 2, max: 2, ret: DATE,
  eval: ([y, d], [yt, dt]) => {
    let year = intArg(y!, yt!);
    const doy = intArg(d!, dt!);
    if (doy <= 0 || year < 0 || year > 9999) return null;
    if (year < 100) year = year < 70 ? year + 2000 : year + 1900;
    const daynr = dayNumber(year, 1, 1) + doy - 1;
    const r = fromDayNumber(daynr);
    if (r.year === 0 || r.year > 9999) return null;
    return formatDate(r);
  },
});

const EXTRACT_FIELDS: Record<string, string> = {
  YEAR: 'Y', QUARTER: 'Q', MONTH: 'M', WEEK: 'W', DAY: 'd', HOUR: 'h', MINUTE: 'm', SECOND: 's', MICROSECOND: 'u',
  YEAR_MONTH: 'YM', DAY_HOUR: 'dh', DAY_MINUTE: 'dhm', DAY_SECOND: 'dhms', DAY_MICROSECOND: 'dhmsu',
  HOUR_MINUTE: 'hm', HOUR_SECOND: 'hms', HOUR_MICROSECOND: 'hmsu', MINUTE_SECOND: 'ms',
  MINUTE_MICROSECOND: 'msu', SECOND_MICROSECOND: 'su',
};

const extract = def({
  name: 'EXTRACT', min: 2, max: 2, ret: BIGINT,
  eval: ([u, v], [_ut, t], ctx) => {
    const fields = typeof u === 'string' ? EXTRACT_FIELDS[u.toUpperCase()] : undefined;
    if (!fields) return null;
    const timeOnly = !/[YQMWd]/.test(fields);
    let p: DateTimeParts;
    let neg = false;
    if (timeOnly && (t!.kind === 'time' || t!.kind === 'string')) {
      const tp = t!.kind === 'time' ? timeArg(v!, t!, ctx) : timeFromValue(v!, t!)?.time ?? null;
      if (!tp) return null;
      neg = tp.neg;
      p = { year: 0, month: 0, day: 0, hour: tp.hour, minute: tp.minute, second: tp.second, micro: tp.micro };
    } else {
      const d = dtArg(v!, t!, ctx);
      if (!d) return null;
      p = d;
    }
    let r = 0;
    for (const f of fields) {
      switch (f) {
        case 'Y': r = r * 10000 + p.year; break;
        case 'Q': r = Math.floor((p.month + 2) / 3); break;
        case 'M': r = r * 100 + p.month; break;
        case 'W': r = week(p, 0); break;
        case 'd': r = r * 100 + p.day; break;
        case 'h': r = r * 100 + (fields[0] === 'd' || p.hour < 24 ? p.hour % (fields[0] === 'd' ? 24 : Infinity) : p.hour); break;
        case 'm': r = r * 100 + p.minute; break;
        case 's': r = r * 100 + p.second; break;
        case 'u': r = r * 1_000_000 + p.micro; break;
      }
    }
    return neg ? -r : r;
  },
});

const secToTime = def({
  name: 'SEC_TO_TIME', min: 1, max: 1,
  ret: (a) => time(a[0]!.kind === 'int' ? 0 : a[0]!.kind === 'decimal' ? Math.min(6, a[0]!.scale) : 6),
  eval: ([v], [t], ctx) => {
    const d = toDecimal(v!, t!, ctx.warn.bind(ctx))!;
    const us = d.mul(Decimal.fromInt(1_000_000)).truncate(0).unscaled;
    const big = us > 10n ** 15n ? 10n ** 15n : us < -(10n ** 15n) ? -(10n ** 15n) : us;
    const r = microsToTime(Number(big));
    if (r.clipped) ctx.warn('ER_TRUNCATED_WRONG_VALUE', `Truncated incorrect time value: '${d.toString()}'`);
    const fsp = t!.kind === 'int' ? 0 : t!.kind === 'decimal' ? Math.min(6, t!.scale) : r.time.micro ? 6 : 0;
    return formatTime(r.time, fsp);
  },
});

function timeToSecType(a: readonly SqlType[], c?: readonly (Value | undefined)[]): SqlType {
  const t = a[0]!;
  const fsp = t.kind === 'string' ? (stringFsp(c?.[0], true) ?? 6) : fspOf(t);
  return fsp > 0 ? { kind: 'decimal', precision: 17 + fsp, scale: fsp } : BIGINT;
}

const timeToSec = def({
  name: 'TIME_TO_SEC', min: 1, max: 1, ret: (a) => timeToSecType(a),
  constReturnType: (a, c) => timeToSecType(a, c),
  eval: ([v], [t], ctx) => {
    const tp = timeArg(v!, t!, ctx);
    if (!tp) return null;
    const us = timeToMicros(tp);
    const rt = timeToSecType([t!], [v!]);
    if (rt.kind === 'decimal') return new Decimal(BigInt(us), 6).round(rt.scale);
    return Math.trunc(us / 1_000_000);
  },
});

export const datetimeFunctions: readonly ScalarFunction[] = [
  ...alias(nowFn('NOW', false), 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP', 'SYSDATE'),
  nowFn('UTC_TIMESTAMP', true),
  ...alias(curdateFn('CURDATE', false), 'CURRENT_DATE'), curdateFn('UTC_DATE', true),
  ...alias(curtimeFn('CURTIME', false), 'CURRENT_TIME'), curtimeFn('UTC_TIME', true),
  dateAddFn('DATE_ADD', 1, false), dateAddFn('ADDDATE', 1, true),
  dateAddFn('DATE_SUB', -1, false), dateAddFn('SUBDATE', -1, true),
  timestampAdd, datediff, timestampdiff, timediff,
  dateFormatFn, timeFormatFn, strToDateFn, unixTimestamp, fromUnixtime,
  datePart('YEAR', (p) => p.year),
  datePart('MONTH', (p) => p.month),
  ...alias(datePart('DAY', (p) => p.day), 'DAYOFMONTH'),
  timePart('HOUR', (t) => t.hour),
  timePart('MINUTE', (t) => t.minute),
  timePart('SECOND', (t) => t.second),
  timePart('MICROSECOND', (t) => t.micro),
  datePart('DAYOFWEEK', (p) => { const d = daynrOf(p); return d === null ? null : ((weekdayOf(d) + 1) % 7) + 1; }),
  datePart('WEEKDAY', (p) => { const d = daynrOf(p); return d === null ? null : weekdayOf(d); }),
  datePart('DAYOFYEAR', (p) => (isCompleteDate(p) ? dayOfYear(p) : null)),
  weekFn('WEEK', false), weekFn('YEARWEEK', true),
  datePart('WEEKOFYEAR', (p) => (isCompleteDate(p) ? calcWeek(p, 3).week : null)),
  datePart('QUARTER', (p) => Math.floor((p.month + 2) / 3)),
  def({
    name: 'MONTHNAME', min: 1, max: 1, ret: varchar(9),
    eval: ([v], [t], ctx) => { const p = dtArg(v!, t!, ctx); return p && p.month > 0 ? MONTH_NAMES[p.month - 1]! : null; },
  }),
  def({
    name: 'DAYNAME', min: 1, max: 1, ret: varchar(9),
    eval: ([v], [t], ctx) => { const p = dtArg(v!, t!, ctx); const d = p ? daynrOf(p) : null; return d === null || isZeroDate(p!) ? null : DAY_NAMES[weekdayOf(d)]!; },
  }),
  lastDay, dateFn, timeFn, toDays, fromDays, makedate, extract, secToTime, timeToSec,
];
