import { describe, it, expect } from 'vitest';
import { call, dec, text } from './test-util.js';

const DATE = { kind: 'date' as const };
const DT = (fsp = 0) => ({ kind: 'datetime' as const, fsp });
const TIME = { kind: 'time' as const, fsp: 0 };

describe('datetime functions (expected values from MariaDB 10.11; now = 2024-05-06 07:08:09.123456)', () => {
  it('current time is the statement time', () => {
    expect(text('NOW')).toBe('2024-05-06 07:08:09');
    expect(text('NOW', 3)).toBe('2024-05-06 07:08:09.123');
    expect(call('NOW', 3).type).toEqual(DT(3));
    expect(text('CURDATE')).toBe('2024-05-06');
    expect(text('CURTIME')).toBe('07:08:09');
    expect(text('UTC_TIMESTAMP')).toBe('2024-05-06 07:08:09');
  });

  it('DATE_ADD keeps the type MySQL gives', () => {
    expect(call('DATE_ADD', ['2024-01-31', DATE], 1, 'MONTH')).toMatchObject({ text: '2024-02-29', type: DATE });
    expect(call('DATE_ADD', ['2024-01-01', DATE], 1, 'HOUR')).toMatchObject({ text: '2024-01-01 01:00:00', type: DT(0) });
    expect(text('DATE_ADD', '2024-01-01', 1, 'HOUR')).toBe('2024-01-01 01:00:00');
    expect(text('DATE_ADD', '2024-01-01', 1, 'DAY')).toBe('2024-01-02');
    expect(text('DATE_ADD', '2024-01-01', '1:30', 'MINUTE_SECOND')).toBe('2024-01-01 00:01:30');
    expect(text('DATE_ADD', '2024-01-01', '1.5', 'SECOND_MICROSECOND')).toBe('2024-01-01 00:00:01.500000');
    expect(text('DATE_ADD', '2024-01-01', dec('1.5'), 'DAY')).toBe('2024-01-03');
    expect(text('DATE_SUB', '2024-03-31', 1, 'MONTH')).toBe('2024-02-29');
    expect(text('ADDDATE', '2024-01-01', 5)).toBe('2024-01-06');
    expect(text('TIMESTAMPADD', 'MINUTE', 5, '2024-01-01')).toBe('2024-01-01 00:05:00');
    const over = call('DATE_ADD', '9999-12-31', 1, 'DAY');
    expect(over.value).toBeNull();
    expect(over.warnings).toEqual(['ER_DATETIME_FUNCTION_OVERFLOW: Datetime function: datetime field overflow']);
    expect(text('DATE_ADD', ['10:00:00', TIME], 90, 'MINUTE')).toBe('11:30:00');
  });

  it('differences', () => {
    expect(text('DATEDIFF', '2024-03-01', '2024-02-01')).toBe('29');
    expect(text('TIMESTAMPDIFF', 'MONTH', '2024-01-31', '2024-02-29')).toBe('0');
    expect(text('TIMESTAMPDIFF', 'SECOND', '2024-01-01', '2024-01-02')).toBe('86400');
    expect(text('TIMEDIFF', '2024-01-02 00:00:00', '2024-01-01 00:00:01')).toBe('23:59:59');
    expect(text('TIMEDIFF', '10:00:00', '12:30:00')).toBe('-02:30:00');
    expect(text('TIMEDIFF', '2024-01-02 00:00:00', '10:00:00')).toBeNull();
  });

  it('formatting and parsing', () => {
    expect(text('DATE_FORMAT', '2024-01-02 13:04:05', '%W %D %M %Y %r')).toBe('Tuesday 2nd January 2024 01:04:05 PM');
    expect(text('TIME_FORMAT', '100:01:02', '%H %k %h %i %s %p')).toBe('100 100 04 01 02 AM');
    expect(call('STR_TO_DATE', '01/02/2024', '%m/%d/%Y')).toMatchObject({ text: '2024-01-02', type: DATE });
    expect(text('STR_TO_DATE', '2024-01-02 10:11', '%Y-%m-%d %H:%i')).toBe('2024-01-02 10:11:00');
    expect(text('STR_TO_DATE', '10:11:12', '%H:%i:%s')).toBe('10:11:12');
    expect(text('STR_TO_DATE', 'nope', '%Y')).toBeNull();
  });

  it('unix time', () => {
    expect(text('UNIX_TIMESTAMP', '2024-01-01 00:00:00')).toBe('1704067200');
    expect(text('UNIX_TIMESTAMP', '2024-01-01 00:00:00.5')).toBe('1704067200.5');
    expect(text('UNIX_TIMESTAMP', ['2024-01-01', DATE])).toBe('1704067200');
    expect(text('UNIX_TIMESTAMP')).toBe('1714979289');
    expect(text('FROM_UNIXTIME', 1704067200)).toBe('2024-01-01 00:00:00');
    expect(text('FROM_UNIXTIME', dec('1704067200.5'))).toBe('2024-01-01 00:00:00.5');
    expect(text('FROM_UNIXTIME', 1704067200, '%Y %D')).toBe('2024 1st');
  });

  it('parts', () => {
    const d = '2024-03-05 10:11:12.5';
    expect(text('YEAR', d)).toBe('2024');
    expect(call('YEAR', d).type).toEqual({ kind: 'int', bytes: 4, unsigned: false });
    expect(text('MONTH', d)).toBe('3');
    expect(text('DAYOFMONTH', d)).toBe('5');
    expect(text('HOUR', '838:00:00')).toBe('838');
    expect(text('MINUTE', d)).toBe('11');
    expect(text('MICROSECOND', d)).toBe('500000');
    expect(text('DAYOFWEEK', '2024-01-01')).toBe('2');
    expect(text('WEEKDAY', '2024-01-01')).toBe('0');
    expect(text('DAYNAME', '2024-01-01')).toBe('Monday');
    expect(text('MONTHNAME', '2024-01-01')).toBe('January');
    expect(text('DAYOFYEAR', '2024-12-31')).toBe('366');
    expect(text('WEEK', '2024-01-01')).toBe('0');
    expect(text('WEEK', '2024-12-31', 3)).toBe('1');
    expect(text('YEARWEEK', '2024-12-31')).toBe('202452');
    expect(text('QUARTER', '2024-11-01')).toBe('4');
    expect(text('LAST_DAY', '2024-02-10')).toBe('2024-02-29');
    expect(text('DATE', '2024-02-10 11:12:13')).toBe('2024-02-10');
    expect(text('TIME', '2024-02-10 11:12:13')).toBe('11:12:13');
    expect(text('TO_DAYS', '2024-01-01')).toBe('739251');
    expect(text('FROM_DAYS', 739251)).toBe('2024-01-01');
    expect(text('MAKEDATE', 2024, 60)).toBe('2024-02-29');
    expect(text('MAKEDATE', 2024, 0)).toBeNull();
    expect(text('EXTRACT', 'YEAR_MONTH', '2024-03-05 10:11:12')).toBe('202403');
    expect(text('EXTRACT', 'DAY_MINUTE', '2024-03-05 10:11:12')).toBe('51011');
    expect(text('EXTRACT', 'MICROSECOND', '2024-03-05 10:11:12.5')).toBe('500000');
    expect(text('SEC_TO_TIME', 3661)).toBe('01:01:01');
    expect(text('SEC_TO_TIME', dec('3661.5'))).toBe('01:01:01.5');
    expect(text('TIME_TO_SEC', '01:00:01.5')).toBe('3601.5');
    expect(text('TIME_TO_SEC', ['01:00:01', TIME])).toBe('3601');
  });

  it('invalid dates are NULL with a warning', () => {
    const r = call('YEAR', '2024-02-30');
    expect(r.value).toBeNull();
    expect(r.warnings).toEqual(["ER_TRUNCATED_WRONG_VALUE: Incorrect datetime value: '2024-02-30'"]);
  });
});
